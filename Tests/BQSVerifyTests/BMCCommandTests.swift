import Foundation
import XCTest

/// End-to-end: `bqs-verify bmc` on the protocol instances under Specs/protocols.
final class BMCCommandTests: XCTestCase {
  let masking = "Specs/protocols/broken-masking-n4-f1-q3.yaml"

  /// Explore's shortest violation of the masking mutant has 8 steps: bmc finds a replayed run
  /// of 8 steps at depth 8 (exit 1) ...
  func testViolationIsReplayedAndNumbered() throws {
    let r = try CommandRunner.run(["bmc", masking, "--depth", "8"])
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    XCTAssertEqual(
      r.normalizedStdout,
      """
      violated: Lemma 4.2: a read concurrent with no write returns the last preceding write's value within 8 steps: a run of 8 steps, found by Z3 and replayed through the model
      instance: masking read rule, n = 4, B = all 1-subsets, quorums = all 3-subsets, 2 writer(s) x 1 write(s), 1 reader(s) x 1 read(s)
      faulty servers: {0}
      run (found by Z3, replayed through the model):
        1. writer 2 begins write w2 of v2: queries quorum {0, 1, 2} (largest correct timestamp rank 0) and picks t2; timestamps now t0 < t2
        2. update ⟨v2, t2⟩ from writer 2 reaches server 2, which now holds it
        3. update ⟨v2, t2⟩ from writer 2 reaches server 0 (faulty)
        4. update ⟨v2, t2⟩ from writer 2 reaches server 1, which now holds it; write w2 ends: quorum {0, 1, 2} updated
        5. reader 1 begins read r1
        6. server 0 (faulty) answers read r1 with ⟨v0, t0⟩
        7. server 1 answers read r1 with ⟨v2, t2⟩
        8. server 3 answers read r1 with ⟨v0, t0⟩; read r1 ends with quorum {0, 1, 3}: Result() = ⟨v0, t0⟩, returns v0 — WRONG: expected v2
      query: depth 8, 41 Boolean and 17 integer variables, 97 assertions; built in T s, solved in T s, replayed in T s

      """)
  }

  /// ... and none at depth 7 (exit 0), in those words: not "safe".
  func testNoViolationWithinTheBound() throws {
    let r = try CommandRunner.run(["bmc", masking, "--depth", "7"])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    XCTAssertEqual(
      r.normalizedStdout,
      """
      no violation within 7 steps: the query is unsatisfiable, so no run of at most 7 steps violates Lemma 4.2 (longer runs are not covered)
      instance: masking read rule, n = 4, B = all 1-subsets, quorums = all 3-subsets, 2 writer(s) x 1 write(s), 1 reader(s) x 1 read(s)
      query: depth 7, 41 Boolean and 17 integer variables, 97 assertions; built in T s, solved in T s, replayed in T s

      """)
    XCTAssertFalse(r.stdout.contains("safe"))
  }

  /// The scale instance: quorums one smaller than Example 5.12's for n = 20, f = 4.
  func testOpaqueTwentyServers() throws {
    let r = try CommandRunner.run([
      "bmc", "Specs/protocols/bmc/opaque-n20-f4-q15-mutant.yaml", "--depth", "32", "--json",
    ])
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(object["verdict"] as? String, "violated")
    XCTAssertEqual((object["trace"] as? [Any])?.count, 32)
    XCTAssertEqual((object["faulty"] as? [Int])?.count, 4)
    XCTAssertNotNil((object["query"] as? [String: Any])?["booleans"])
    let below = try CommandRunner.run([
      "bmc", "Specs/protocols/bmc/opaque-n20-f4-q15-mutant.yaml", "--depth", "31",
    ])
    XCTAssertEqual(below.status, 0, below.stdout + below.stderr)
    XCTAssertTrue(below.stdout.hasPrefix("no violation within 31 steps: "), below.stdout)
  }

  func testTimeoutIsUnknownExitThree() throws {
    let r = try CommandRunner.run([
      "bmc", "Specs/protocols/bmc/opaque-n20-f4-q16.yaml", "--depth", "34", "--timeout", "0.001",
    ])
    XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("unknown: "), r.stdout)
    XCTAssertTrue(
      r.stdout.contains("nothing is claimed about runs of at most 34 steps"), r.stdout)
  }

  func testEmitSMT2WritesTheQuery() throws {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("bmc-\(ProcessInfo.processInfo.processIdentifier).smt2").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let r = try CommandRunner.run(["bmc", masking, "--depth", "7", "--emit-smt2", path])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    XCTAssertTrue(text.contains("(check-sat)"), text)
    XCTAssertTrue(text.contains("distinct"), text)
  }

  func testBadInputExitsTwo() throws {
    let missing = try CommandRunner.run(["bmc", masking])
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.stderr.contains("--depth"), missing.stderr)
    let zero = try CommandRunner.run(["bmc", masking, "--depth", "0"])
    XCTAssertEqual(zero.status, 2)
    XCTAssertTrue(zero.stderr.contains("--depth must be between 1 and 10000 (got 0)"), zero.stderr)
    let temp = FileManager.default.temporaryDirectory
      .appendingPathComponent("bmc-bad-\(ProcessInfo.processInfo.processIdentifier).yaml")
    defer { try? FileManager.default.removeItem(at: temp) }
    try "universe: 4\nfail-prone: {threshold: 1}\nquorums: {threshold: 3}\nread-rule: majority\n"
      .write(to: temp, atomically: true, encoding: .utf8)
    let bad = try CommandRunner.run(["bmc", temp.path, "--depth", "5"])
    XCTAssertEqual(bad.status, 2)
    XCTAssertEqual(
      bad.stderr,
      "error: \(temp.path):4:12: read-rule must be masking, dissemination or opaque\n")
  }
}
