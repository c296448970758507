import Foundation
import XCTest

/// End-to-end: `bqs-verify prove`, its table, JSON, JUnit, shards and exit codes.
final class ProveCommandTests: XCTestCase {
  var temp: URL!

  override func setUpWithError() throws {
    temp = FileManager.default.temporaryDirectory.appendingPathComponent(
      "provecmd-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: temp)
  }

  func testTableAndExitZero() throws {
    let r = try CommandRunner.run(["prove", "Proofs", "--filter", "sec4/ex4.7"])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    let lines = r.normalizedStdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.first, "obligation                      verdict  expected  time")
    XCTAssertTrue(
      lines.contains("ex4.7-masking-threshold         proved   proved    T s"), r.stdout)
    XCTAssertTrue(
      lines.contains("ex4.7-masking-threshold-mutant  refuted  refuted   T s"), r.stdout)
    XCTAssertTrue(r.stdout.contains("refuted at n = "), r.stdout)
    XCTAssertTrue(r.stdout.contains("2 obligations: 2 pass, 0 mismatch, 0 unknown, 0 error"))
  }

  func testJSONAndShardsMerge() throws {
    let full = try CommandRunner.run(["prove", "Proofs", "--filter", "sec4", "--json"])
    XCTAssertEqual(full.status, 0, full.stderr)
    let all = try JSONSerialization.jsonObject(with: Data(full.stdout.utf8)) as? [String: Any]
    let allIds = (all?["results"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
    XCTAssertGreaterThanOrEqual(allIds.count, 8)
    var paths: [String] = []
    var ids: [String] = []
    for i in 1...3 {
      let r = try CommandRunner.run([
        "prove", "Proofs", "--filter", "sec4", "--json", "--shard", "\(i)/3",
      ])
      XCTAssertEqual(r.status, 0, r.stderr)
      let path = temp.appendingPathComponent("shard\(i).json").path
      try r.stdout.write(toFile: path, atomically: true, encoding: .utf8)
      paths.append(path)
      let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
      XCTAssertEqual(object?["shard"] as? String, "\(i)/3")
      ids += (object?["results"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
    }
    XCTAssertEqual(ids.sorted(), allIds.sorted())
    let merged = try CommandRunner.run(["prove", "--merge"] + paths + ["--json"])
    XCTAssertEqual(merged.status, 0, merged.stderr)
    let m = try JSONSerialization.jsonObject(with: Data(merged.stdout.utf8)) as? [String: Any]
    XCTAssertEqual(
      (m?["results"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, allIds)
  }

  func testMismatchExitOneAndJUnit() throws {
    let text = """
      id: wrong
      claim: expects the wrong verdict
      reference: Example 5.7
      method: parametric
      encoding: threshold-construction
      parameters: {class: dissemination}
      expected: refuted
      budget: 10

      """
    try text.write(
      to: temp.appendingPathComponent("wrong.yaml"), atomically: true, encoding: .utf8)
    let junit = temp.appendingPathComponent("report.xml").path
    let r = try CommandRunner.run(["prove", temp.path, "--junit", junit])
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    XCTAssertTrue(
      r.normalizedStdout.contains("wrong       proved   refuted   T s  MISMATCH\n"), r.stdout)
    let xml = try String(contentsOfFile: junit, encoding: .utf8)
    XCTAssertTrue(xml.contains("<testcase classname=\"Proofs\" name=\"wrong\""), xml)
    XCTAssertTrue(xml.contains("<failure "), xml)
  }

  func testBadFileAndMissingParameterExitTwo() throws {
    try "id: x\nclaim: y\nreference: z\nmethod: bmc\nexpected: holds\nbudget: 1\n".write(
      to: temp.appendingPathComponent("bmc.yaml"), atomically: true, encoding: .utf8)
    try "id: bad\n  - oops\n".write(
      to: temp.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
    let r = try CommandRunner.run(["prove", temp.path])
    XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
    XCTAssertTrue(r.stdout.contains("bad.yaml:"), r.stdout)
    XCTAssertTrue(r.stdout.contains("missing parameter 'read-rule'"), r.stdout)
  }

  func testBadShardIsUsageError() throws {
    let r = try CommandRunner.run(["prove", "Proofs", "--shard", "3/2"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.contains("--shard must be I/K"), r.stderr)
  }

  func testEmitSMT2() throws {
    let dir = temp.appendingPathComponent("smt2").path
    let r = try CommandRunner.run([
      "prove", "Proofs", "--filter", "thm5.13-opaque-exists-iff", "--emit-smt2", dir,
    ])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    let files = try FileManager.default.contentsOfDirectory(atPath: dir)
    XCTAssertTrue(files.contains("thm5.13-opaque-exists-iff-1.smt2"), "\(files)")
    XCTAssertTrue(files.allSatisfy { $0.hasSuffix(".smt2") })
    // Another solver binary, when installed, gives the answer the proof recorded.
    for solver in ["/usr/bin/z3", "/usr/bin/cvc5"]
    where FileManager.default.isExecutableFile(atPath: solver) {
      for file in files {
        let path = dir + "/" + file
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let recorded = text.split(separator: "\n")[1].components(separatedBy: "Z3 answered: ")
          .last
        let process = Process()
        process.executableURL = URL(fileURLWithPath: solver)
        process.arguments = solver.hasSuffix("cvc5") ? ["--lang", "smt2", path] : [path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let answer = String(decoding: data, as: UTF8.self).split(separator: "\n").first
        XCTAssertEqual(answer.map(String.init), recorded, "\(solver) on \(file)")
      }
    }
  }
}
