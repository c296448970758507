import Foundation
import QuorumKit
import XCTest
import Z3Kit

@testable import ProofKit

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The obligation format, the runner (exit codes, JSON, JUnit, shards) and the Proofs/ suite.
final class ProofKitTests: XCTestCase {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static var proofs: String { packageRoot.appendingPathComponent("Proofs").path }

  var temp: URL!

  override func setUpWithError() throws {
    temp = FileManager.default.temporaryDirectory.appendingPathComponent(
      "prooftests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: temp)
  }

  func write(_ name: String, _ text: String) throws {
    let url = temp.appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
  }

  static func threshold(_ id: String, expected: String, offset: Int = 0, budget: String = "10")
    -> String
  {
    """
    id: \(id)
    claim: the masking threshold construction works
    reference: Example 4.7
    method: parametric
    encoding: threshold-construction
    parameters:
      class: masking
      quorum-offset: \(offset)
    expected: \(expected)
    budget: \(budget)

    """
  }

  static let slowSweep = """
    id: slow
    claim: a sweep that cannot finish in its budget
    reference: Theorem 5.13
    method: sweep
    sweep: threshold-existence
    parameters: {classes: [opaque], n-max: 12, f-max: 11, engines: [family]}
    expected: holds
    budget: 0.000001

    """

  func runSuite(_ options: ProofRunner.Options = ProofRunner.Options()) throws -> ProofReport {
    try ProofRunner.run(directory: temp.path, options: options)
  }

  // MARK: Exit codes

  func testPassIsExitZero() throws {
    try write("a.yaml", Self.threshold("a", expected: "proved"))
    try write("sub/b.yaml", Self.threshold("b", expected: "refuted", offset: -1))
    let r = try runSuite()
    XCTAssertEqual(r.exitCode, 0, r.table())
    XCTAssertEqual(r.results.map(\.id), ["a", "b"])
    XCTAssertEqual(r.results.map(\.verdict), [.proved, .refuted])
    XCTAssertTrue(r.results[1].summary.contains("refuted at n = "), r.results[1].summary)
  }

  func testMismatchIsExitOne() throws {
    try write("a.yaml", Self.threshold("a", expected: "refuted"))
    try write("b.yaml", Self.slowSweep)
    let r = try runSuite()
    XCTAssertEqual(r.results[0].status, .mismatch)
    XCTAssertEqual(r.exitCode, 1)
  }

  func testBudgetExhaustedIsUnknownExitThree() throws {
    try write("a.yaml", Self.threshold("a", expected: "proved"))
    try write("b.yaml", Self.slowSweep)
    let r = try runSuite()
    XCTAssertEqual(r.results[1].verdict, .unknown)
    XCTAssertEqual(r.results[1].status, .unknown)
    XCTAssertEqual(r.exitCode, 3)
  }

  func testBadFileIsErrorWithFileAndLine() throws {
    try write(
      "bad.yaml",
      """
      id: bad
      claim: x
      reference: Example 4.7
      methd: parametric

      """)
    let r = try runSuite()
    XCTAssertEqual(r.exitCode, 2)
    XCTAssertEqual(r.results[0].status, .error)
    XCTAssertTrue(r.results[0].summary.contains("bad.yaml:4"), r.results[0].summary)
    XCTAssertTrue(r.results[0].summary.contains("unknown key 'methd'"), r.results[0].summary)
  }

  func testParseErrorsNameTheLine() {
    let cases: [(String, Int, String)] = [
      (Self.threshold("x", expected: "maybe"), 9, "unknown expected verdict 'maybe'"),
      (Self.threshold("x", expected: "proved", budget: "0"), 10, "'budget' must be"),
      (
        Self.threshold("x", expected: "proved").replacingOccurrences(
          of: "method: parametric", with: "method: magic"), 4, "unknown method 'magic'"
      ),
      (
        Self.threshold("x", expected: "proved").replacingOccurrences(
          of: "id: x\n", with: ""), 1, "missing key 'id'"
      ),
      ("id: [1, 2\n", 2, "invalid YAML"),
    ]
    for (text, line, message) in cases {
      XCTAssertThrowsError(try ObligationReader.parse(text, path: "f.yaml")) { error in
        let e = error as? InputError
        XCTAssertEqual(e?.file, "f.yaml")
        XCTAssertEqual(e?.line, line, "\(e?.description ?? "") for \(message)")
        XCTAssertTrue(e?.message.contains(message) ?? false, e?.description ?? "")
      }
    }
  }

  func testUnknownParameterIsErrorAtItsLine() throws {
    try write(
      "a.yaml",
      Self.threshold("a", expected: "proved").replacingOccurrences(
        of: "  quorum-offset: 0", with: "  quorum-ofset: 0"))
    let r = try runSuite()
    XCTAssertEqual(r.exitCode, 2)
    XCTAssertTrue(r.results[0].summary.contains("a.yaml:8"), r.results[0].summary)
    XCTAssertTrue(r.results[0].summary.contains("unknown parameter 'quorum-ofset'"))
  }

  func testBMCWithoutParametersIsError() throws {
    try write(
      "load.yaml",
      """
      id: bmc
      claim: bounded runs of the masking protocol
      reference: Lemma 4.2
      method: bmc
      expected: holds
      budget: 5

      """)
    let r = try runSuite()
    XCTAssertEqual(r.results[0].verdict, .error)
    XCTAssertTrue(
      r.results[0].summary.contains("missing parameter 'read-rule'"), r.results[0].summary)
    XCTAssertEqual(r.exitCode, 2)
  }

  /// bmc: the opaque mutant (n = 4, quorums of 3) violates Lemma 5.11 within 8 steps and not
  /// within 7; a depth out of range is an error at its line.
  func testBMCObligations() throws {
    func bmc(_ id: String, depth: String, expected: String) -> String {
      """
      id: \(id)
      claim: bounded runs of the opaque mutant
      reference: Lemma 5.11
      method: bmc
      parameters:
        {n: 4, f: 1, q: 3, read-rule: opaque, writers: 2, readers: 1,
         depth: \(depth)}
      expected: \(expected)
      budget: 30

      """
    }
    try write("a.yaml", bmc("a", depth: "8", expected: "violated"))
    try write("b.yaml", bmc("b", depth: "7", expected: "holds"))
    let r = try runSuite()
    XCTAssertEqual(r.results.map(\.status), [.pass, .pass], r.results.map(\.summary).description)
    XCTAssertTrue(r.results[0].summary.contains("violated after 8 steps"), r.results[0].summary)
    XCTAssertEqual(r.results[1].summary, "no violation within 7 steps (UNSAT)")
    try write("b.yaml", bmc("b", depth: "0", expected: "holds"))
    let bad = try runSuite()
    XCTAssertEqual(bad.results[1].verdict, .error)
    XCTAssertTrue(
      bad.results[1].summary.contains("depth must be between 1 and 10000 (got 0)"),
      bad.results[1].summary)
  }

  func testDuplicateIdIsError() throws {
    try write("a.yaml", Self.threshold("same", expected: "proved"))
    try write("b.yaml", Self.threshold("same", expected: "proved"))
    let r = try runSuite()
    XCTAssertEqual(r.results.map(\.status), [.pass, .error])
  }

  // MARK: Selection

  func testFilterMatchesIdOrPath() throws {
    try write("x/one.yaml", Self.threshold("alpha", expected: "proved"))
    try write("y/two.yaml", Self.threshold("beta", expected: "proved"))
    XCTAssertEqual(try runSuite(ProofRunner.Options(filter: "alp")).results.map(\.id), ["alpha"])
    XCTAssertEqual(try runSuite(ProofRunner.Options(filter: "y/")).results.map(\.id), ["beta"])
  }

  func testShardsPartitionTheSuite() throws {
    for i in 0..<7 { try write("o\(i).yaml", Self.threshold("o\(i)", expected: "proved")) }
    let all = try runSuite().results.map(\.path)
    for k in 1...4 {
      var seen: [String] = []
      var reports: [ProofReport] = []
      for i in 1...k {
        let r = try runSuite(ProofRunner.Options(shard: (i, k)))
        XCTAssertEqual(r.shard, "\(i)/\(k)")
        seen += r.results.map(\.path)
        reports.append(r)
      }
      XCTAssertEqual(seen.sorted(), all, "k = \(k)")
      XCTAssertEqual(Set(seen).count, seen.count, "shards overlap for k = \(k)")
      XCTAssertEqual(ProofReport.merged(reports).results.map(\.path), all)
    }
  }

  // MARK: Reports

  func testJSONShape() throws {
    try write("a.yaml", Self.threshold("a", expected: "proved"))
    try write("b.yaml", Self.threshold("b", expected: "proved", offset: -1))
    let r = try runSuite()
    let json = try r.json()
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    XCTAssertEqual(
      Set(object?.keys.map { $0 } ?? []), ["counts", "exitCode", "results", "seconds"])
    let results = object?["results"] as? [[String: Any]]
    XCTAssertEqual(results?.count, 2)
    XCTAssertEqual(results?[1]["verdict"] as? String, "refuted")
    XCTAssertEqual(results?[1]["expected"] as? String, "proved")
    XCTAssertEqual(results?[1]["status"] as? String, "mismatch")
    XCTAssertNotNil(results?[0]["seconds"] as? Double)
    XCTAssertEqual(object?["exitCode"] as? Int, 1)
    // Round trip (what --merge reads).
    let decoded = try JSONDecoder().decode(ProofReport.self, from: Data(json.utf8))
    XCTAssertEqual(decoded.results.map(\.id), ["a", "b"])
  }

  func testJUnitShape() throws {
    try write("a.yaml", Self.threshold("a", expected: "proved"))
    try write("b.yaml", Self.threshold("b", expected: "refuted"))
    try write("c.yaml", Self.slowSweep)
    let xml = try runSuite().junit()
    XCTAssertTrue(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"))
    XCTAssertTrue(xml.contains("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""), xml)
    XCTAssertEqual(xml.components(separatedBy: "<testcase ").count - 1, 3)
    XCTAssertTrue(xml.contains("<failure message=\"verdict proved, expected refuted"), xml)
    XCTAssertTrue(xml.contains("<skipped message=\"verdict unknown"), xml)
    _ = try XMLDocument(xmlString: xml)
  }

  func testEmitSMT2WritesOneFilePerQuery() throws {
    try write("a.yaml", Self.threshold("a", expected: "proved"))
    let dir = temp.appendingPathComponent("smt2").path
    _ = try runSuite(ProofRunner.Options(emitSMT2: dir))
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    XCTAssertEqual(files, ["a-1.smt2", "a-2.smt2"])
    let text = try String(contentsOfFile: dir + "/a-2.smt2", encoding: .utf8)
    XCTAssertTrue(text.contains("(check-sat)"))
    XCTAssertTrue(text.contains("; the proof needs: unsat; Z3 answered: unsat"))
  }

  // MARK: The suite

  /// Every parametric obligation under Proofs/ gets its expected verdict, under 2 s; every
  /// proof has a mutant, and every mutant is refuted.
  func testEveryParametricProofProvesAndEveryMutantRefutes() throws {
    var obligations: [String: Obligation] = [:]
    var results: [ObligationResult] = []
    for (path, rel) in try ObligationReader.files(in: Self.proofs) {
      let o = try ObligationReader.load(path: path, relativePath: rel)
      obligations[o.id] = o
      if o.method == .parametric {
        results.append(try ProofRunner.runOne(o, options: ProofRunner.Options()))
      }
    }
    XCTAssertGreaterThanOrEqual(results.count, 20)
    for r in results {
      XCTAssertEqual(r.status, .pass, "\(r.id): \(r.verdict) — \(r.summary)")
      XCTAssertLessThan(r.seconds, 2, r.id)
    }
    let mutants = results.filter { obligations[$0.id]?.mutantOf != nil }
    XCTAssertGreaterThanOrEqual(mutants.count, 10)
    for m in mutants {
      XCTAssertEqual(m.verdict, .refuted, m.id)
      XCTAssertNotNil(obligations[obligations[m.id]!.mutantOf!], "\(m.id) guards an unknown id")
    }
    let guarded = Set(mutants.compactMap { obligations[$0.id]?.mutantOf })
    for r in results where r.expected == .proved && obligations[r.id]?.notes == nil {
      XCTAssertTrue(guarded.contains(r.id), "\(r.id) has no mutant")
    }
  }
}

/// The impossibility encodings are not UNSAT by accident: without the class's intersection
/// axioms (M1, D1, or O1 and O2) the argument's sets and the availability axioms are
/// satisfiable where the bound fails, so those axioms are what the proof rests on.
final class ArgumentEncodingTests: XCTestCase {
  func testArgumentNeedsTheIntersectionAxioms() {
    for cls in QuorumClass.allCases {
      let z = Z3Context()
      let n = z.int("n")
      let f = z.int("f")
      let (p, _) = ParametricProofs.bound(cls, n: n, f: f, offset: 0, z: z)
      let arg = ParametricProofs.argument(cls, n: n, f: f, z: z, prefix: "R")
      let s = Z3Solver(z)
      s.assert(ParametricProofs.range(n: n, f: f, fMin: 0, z: z))
      s.assert(z.not(p))
      for t in arg.setup { s.assert(t) }
      // The first two axioms are availability (M2/D2/O3); the rest are intersection axioms.
      for t in arg.axioms.prefix(2) { s.assert(t) }
      XCTAssertEqual(s.check(), .sat, "\(cls)")
      for t in arg.axioms.dropFirst(2) { s.assert(t) }
      XCTAssertEqual(s.check(), .unsat, "\(cls)")
    }
  }

  func testCoverWitnessSizes() {
    // k = 4, n = 10, f = 3: t = 3, 3, 3, 1; pads 0, 0, 0, 2.
    let z = Z3Context()
    let sizes = ParametricProofs.coverWitness(k: 4, n: z.numeral(10), f: z.numeral(3), z: z)
    let s = Z3Solver(z)
    let probe = ["B1", "B2", "B3", "B4", "B1&B4", "B1&B3&B4", "B1&B2&B3&B4"].map {
      (name: String) -> Term in
      let v = z.int("probe_\(name)")
      s.assert(z.eq(v, sizes[name]!))
      return v
    }
    XCTAssertEqual(s.check(), .sat)
    let m = s.model()!
    XCTAssertEqual(probe.map { m.int($0) }, [1, 3, 3, 1, 2, 0, 0])
  }
}
