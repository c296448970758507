import Foundation
import XCTest

/// End-to-end `bqs-verify check`: verdicts, exit codes, golden output.
final class CheckCommandTests: XCTestCase {
  private func check(_ arguments: [String]) throws -> CommandResult {
    try CommandRunner.run(["check"] + arguments)
  }

  func testGoldenPassingGrid() throws {
    let r = try check(["Specs/constructions/ex5.8-grid-k3-f1.yaml"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(
      r.normalizedStdout,
      """
      holds: the quorum system is a dissemination quorum system for B (Definition 5.1)
        spec: Specs/constructions/ex5.8-grid-k3-f1.yaml
        quorums: grid 3 × 3, one column + 2 rows (Examples 4.8, 5.8)
        9 quorums, smallest quorum c(Q) = 7, 9 servers
        fail-prone: B = all 1-subsets of 9 servers
        method: every pair of the 9 listed quorums enumerated against the fail-prone system (PropertyChecker), each counterexample re-checked against the definition
      masking (Definition 4.1): holds
        M1: holds
        M2: holds
      dissemination (Definition 5.1): holds
        D1: holds
        D2: holds
      opaque (Definition 5.10): holds
        O1: holds
        O2: holds
        O3: holds
      no quorum available when these fail: none (every fail-prone set misses some quorum)
      satisfies: masking, dissemination, opaque
      requested: dissemination (the spec's class)
      time: T s

      """)
  }

  func testGoldenFailingGrid() throws {
    let r = try check(["Specs/constructions/broken-grid-one-row.yaml"])
    XCTAssertEqual(r.status, 1, r.stderr)
    XCTAssertEqual(
      r.normalizedStdout,
      """
      violated: the quorum system is not a masking quorum system for B (Definition 4.1): M1 fails
        spec: Specs/constructions/broken-grid-one-row.yaml
        quorums: grid 4 × 4, one column + 1 row (Examples 4.8, 5.8)
        16 quorums, smallest quorum c(Q) = 7, 16 servers
        fail-prone: B = all 1-subsets of 16 servers
        method: every pair of the 16 listed quorums enumerated against the fail-prone system (PropertyChecker), each counterexample re-checked against the definition
      masking (Definition 4.1): violated
        M1: violated
          Q1 = {0, 1, 2, 3, 4, 8, 12} (7)
          Q2 = {1, 4, 5, 6, 7, 9, 13} (7)
          B1 = {1} (1)
          B2 = {4} (1)
          |Q1 ∩ Q2| = 2, |Q2 \\ Q1| = 5
          Q1 ∩ Q2 = {1, 4} (2) ⊆ B1 ∪ B2 = {1, 4} (2)
          (Q1 ∩ Q2) \\ B1 = {4} ⊆ B2
        M2: holds
      dissemination (Definition 5.1): holds
        D1: holds
        D2: holds
      opaque (Definition 5.10): violated
        O1: violated
          Q1 = {0, 1, 2, 3, 4, 8, 12} (7)
          Q2 = {0, 1, 2, 3, 5, 9, 13} (7)
          B = {0} (1)
          |Q1 ∩ Q2| = 4, |Q2 \\ Q1| = 3
          |(Q1 ∩ Q2) \\ B| = 3 < |(Q2 ∩ B) ∪ (Q2 \\ Q1)| = 4
        O2: violated
          Q1 = {0, 1, 2, 3, 4, 8, 12} (7)
          Q2 = {1, 4, 5, 6, 7, 9, 13} (7)
          B = {1} (1)
          |Q1 ∩ Q2| = 2, |Q2 \\ Q1| = 5
          |(Q1 ∩ Q2) \\ B| = 1 ≤ |Q2 ∩ B| = 1
        O3: holds
      no quorum available when these fail: none (every fail-prone set misses some quorum)
      satisfies: dissemination
      requested: masking (the spec's class)
      time: T s

      """)
  }

  /// Every paper example passes its class; every broken construction is refuted with a
  /// counterexample (exit 1).
  func testEveryConstructionSpecGetsItsExpectedExitCode() throws {
    let dir = CommandRunner.packageRoot.appendingPathComponent("Specs/constructions")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
      .filter { $0.hasSuffix(".yaml") }.sorted()
    XCTAssertGreaterThanOrEqual(files.count, 25)
    for name in files {
      let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
      let expected: Int32 = text.contains("exit 1") ? 1 : 0
      let r = try check(["Specs/constructions/\(name)"])
      XCTAssertEqual(r.status, expected, "\(name): \(r.stdout)\(r.stderr)")
      if expected == 1 {
        XCTAssertTrue(r.stdout.hasPrefix("violated: "), name)
        XCTAssertTrue(r.stdout.contains("Q1 = ") || r.stdout.contains("B = "), name)
      } else {
        XCTAssertTrue(r.stdout.hasPrefix("holds: "), name)
      }
    }
  }

  /// The sizes path (forced with --max-quorums 1) agrees with enumeration on every spec it
  /// applies to: each class is the same, or unknown on sizes.
  func testSizesAgreeWithEnumeration() throws {
    let dir = CommandRunner.packageRoot.appendingPathComponent("Specs/constructions")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
      .filter { $0.hasSuffix(".yaml") }.sorted()
    var compared = 0
    func verdicts(_ out: String) -> [String: String] {
      var result: [String: String] = [:]
      for line in out.split(separator: "\n") {
        for cls in ["masking", "dissemination", "opaque"] where line.hasPrefix(cls + " (") {
          result[cls] = String(line.split(separator: " ").last!)
        }
      }
      return result
    }
    for name in files {
      let path = "Specs/constructions/\(name)"
      let sizes = try check([path, "--max-quorums", "1"])
      guard sizes.stdout.contains("method: decided on sizes") else { continue }
      let full = try check([path])
      guard full.stdout.contains("method: every pair") else { continue }
      compared += 1
      let a = verdicts(full.stdout)
      let b = verdicts(sizes.stdout)
      XCTAssertEqual(a.count, 3, name)
      for (cls, v) in b where v != "unknown" {
        XCTAssertEqual(v, a[cls], "\(name) \(cls)")
      }
    }
    XCTAssertGreaterThanOrEqual(compared, 10)
  }

  func testClassOptionOverridesTheSpec() throws {
    // Example 4.7's system is masking and dissemination but not opaque (n = 9 < 5f).
    let r = try check(["Specs/constructions/ex4.7-threshold-n9-f2.yaml", "--class", "opaque"])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stdout.contains("requested: opaque (--class)"), r.stdout)
    let d = try check(
      ["Specs/constructions/ex4.7-threshold-n9-f2.yaml", "--class", "dissemination"])
    XCTAssertEqual(d.status, 0)
  }

  func testLargeThresholdIsDecidedOnSizes() throws {
    let r = try check(["Specs/constructions/ex4.7-threshold-n1000-f249.yaml"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("method: decided on sizes (ThresholdRegionCheck)"), r.stdout)
    XCTAssertTrue(r.stdout.contains("smallest quorum c(Q) = 750"), r.stdout)
    XCTAssertTrue(r.stdout.contains("satisfies: masking, dissemination\n"), r.stdout)
  }

  func testTooManyQuorumsIsUnknown() throws {
    let r = try check(["Specs/constructions/ex4.8-grid-k4-f1.yaml", "--max-quorums", "10"])
    XCTAssertEqual(r.status, 3, r.stdout)
    XCTAssertTrue(r.stdout.hasPrefix("unknown: "), r.stdout)
    XCTAssertFalse(r.stdout.contains(": holds"), r.stdout)
  }

  func testBlockingSetsAreListed() throws {
    let r = try check(["Specs/constructions/broken-grid-too-small.yaml"])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(
      r.stdout.contains(
        "no quorum available when these fail: 9 of 9: {0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}"),
      r.stdout)
  }

  func testJSON() throws {
    let r = try check(["Specs/constructions/broken-threshold-too-small.yaml", "--json"])
    XCTAssertEqual(r.status, 1)
    let object = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(object["verdict"] as? String, "violated")
    XCTAssertEqual(object["satisfies"] as? [String], ["dissemination"])
    let classes = try XCTUnwrap(object["classes"] as? [[String: Any]])
    let masking = try XCTUnwrap(classes.first { $0["class"] as? String == "masking" })
    let m1 = try XCTUnwrap((masking["properties"] as? [[String: Any]])?.first)
    let violation = try XCTUnwrap(m1["violation"] as? [String: Any])
    XCTAssertEqual(violation["q1"] as? [Int], [0, 1, 2, 3, 4, 5])
    XCTAssertEqual(violation["b2"] as? [Int], [2, 3])
  }

  func testBadInputExitsTwo() throws {
    let missing = try check(["Specs/constructions/no-such-file.yaml"])
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.stderr.contains("no such file"), missing.stderr)
    let broken = try check(["Specs/broken/construction-unknown.yaml"])
    XCTAssertEqual(broken.status, 2)
    XCTAssertTrue(
      broken.stderr.contains(
        "Specs/broken/construction-unknown.yaml:4:25: unknown construction 'gird'"),
      broken.stderr)
    let noFailProne = try check(["Specs/broken/construction-bad-grid-size.yaml"])
    XCTAssertEqual(noFailProne.status, 2)
    let temp = FileManager.default.temporaryDirectory
      .appendingPathComponent("check-no-fail-prone-\(getpid()).yaml")
    try "universe: 4\nquorums: {threshold: 3}\n".write(to: temp, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: temp) }
    let none = try check([temp.path])
    XCTAssertEqual(none.status, 2)
    XCTAssertTrue(none.stderr.contains("the spec has no 'fail-prone' system"), none.stderr)
    let badClass = try check(["Specs/constructions/ex4.8-grid-k4-f1.yaml", "--class", "mask"])
    XCTAssertEqual(badClass.status, 2)
  }
}
