import Foundation
import XCTest

/// End-to-end: `bqs-verify explore` on the protocol instances under Specs/protocols.
final class ExploreCommandTests: XCTestCase {
  /// Each spec's header states its expected verdict ("Expected verdict: safe|violated").
  func testEverySpecGivesItsExpectedVerdict() throws {
    let dir = CommandRunner.packageRoot.appendingPathComponent("Specs/protocols")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
      .filter { $0.hasSuffix(".yaml") }.sorted()
    XCTAssertGreaterThanOrEqual(files.count, 5)
    for file in files {
      let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
      let expected = text.contains("Expected verdict: safe") ? "safe" : "violated"
      let r = try CommandRunner.run(["explore", "Specs/protocols/\(file)"])
      XCTAssertTrue(r.stdout.hasPrefix("\(expected): "), "\(file): \(r.stdout)\(r.stderr)")
      XCTAssertEqual(r.status, expected == "safe" ? 0 : 1, file)
      if expected == "violated" {
        XCTAssertTrue(r.stdout.contains("shortest run (replayed through the model):"), r.stdout)
        XCTAssertTrue(r.stdout.contains("WRONG: expected"), r.stdout)
      } else {
        XCTAssertTrue(r.stdout.contains("state space exhausted"), r.stdout)
      }
    }
  }

  func testViolationTraceIsNumberedAndShortest() throws {
    let r = try CommandRunner.run(["explore", "Specs/protocols/broken-masking-n4-f1-q3.yaml"])
    XCTAssertEqual(r.status, 1)
    let lines = r.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(
      lines[0],
      "violated: Lemma 4.2: a read concurrent with no write returns the last preceding write's value after 8 steps"
    )
    XCTAssertTrue(
      lines.contains { $0.hasPrefix("  8. ") && $0.contains("returns v0 — WRONG: expected v1") })
    XCTAssertFalse(lines.contains { $0.hasPrefix("  9. ") })
  }

  func testSymmetryOffGivesTheSameVerdict() throws {
    for (file, status) in [
      ("Specs/protocols/broken-opaque-n4-f1-q3.yaml", Int32(1)),
      ("Specs/protocols/broken-masking-n4-f1-q3.yaml", Int32(1)),
    ] {
      let on = try CommandRunner.run(["explore", file])
      let off = try CommandRunner.run(["explore", file, "--no-symmetry"])
      XCTAssertEqual(on.status, status)
      XCTAssertEqual(off.status, status)
      XCTAssertEqual(on.stdout.split(separator: " ").first, off.stdout.split(separator: " ").first)
      XCTAssertTrue(off.stdout.contains("symmetry: off"), off.stdout)
    }
  }

  func testMaxStatesIsUnknownExitThree() throws {
    let r = try CommandRunner.run([
      "explore", "Specs/protocols/opaque-n5-f1-q4.yaml", "--max-states", "100",
    ])
    XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("unknown: --max-states 100 reached"), r.stdout)
    XCTAssertTrue(r.stdout.contains("explored 100 states"), r.stdout)
    let t = try CommandRunner.run([
      "explore", "Specs/protocols/opaque-n5-f1-q4.yaml", "--timeout", "0.000001",
    ])
    XCTAssertEqual(t.status, 3)
    XCTAssertTrue(t.stdout.hasPrefix("unknown: timeout"), t.stdout)
  }

  func testJSONAndDot() throws {
    let dot = FileManager.default.temporaryDirectory.appendingPathComponent(
      "explore-\(getpid()).dot")
    defer { try? FileManager.default.removeItem(at: dot) }
    let r = try CommandRunner.run([
      "explore", "Specs/protocols/broken-opaque-n4-f1-q3.yaml", "--json", "--dot", dot.path,
    ])
    XCTAssertEqual(r.status, 1)
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(object["verdict"] as? String, "violated")
    XCTAssertEqual((object["trace"] as? [Any])?.count, 8)
    let stats = object["statistics"] as! [String: Any]
    XCTAssertNotNil(stats["states"] as? Int)
    let chart = try String(contentsOf: dot, encoding: .utf8)
    XCTAssertTrue(chart.hasPrefix("digraph msc {"), chart)
    XCTAssertTrue(chart.contains("update ⟨v1, t1⟩"), chart)
  }

  /// Threshold quorums are never listed: n = 30 with quorums of 25 (C(30, 25) = 142,506 sets,
  /// over the reader's listing limit of 100,000) reads and runs, here up to a state cap
  /// (unknown, exit 3).
  func testThresholdQuorumsAreNotListed() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "explore-unlisted-\(getpid()).yaml")
    defer { try? FileManager.default.removeItem(at: file) }
    try """
    universe: 30
    fail-prone: {threshold: 3}
    quorums: {threshold: 25}
    read-rule: opaque
    writers: 1
    readers: 1
    """.write(to: file, atomically: true, encoding: .utf8)
    let r = try CommandRunner.run(["explore", file.path, "--max-states", "1000"])
    XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("unknown: --max-states 1000 reached"), r.stdout)
    XCTAssertTrue(r.stdout.contains("quorums = all 25-subsets"), r.stdout)
  }

  func testExplicitSetsAndNamesAreReducedByInterchangeableServers() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "explore-explicit-\(getpid()).yaml")
    defer { try? FileManager.default.removeItem(at: file) }
    try """
    universe: [a, b, c, d]
    fail-prone: {sets: [[a], [b], [c], [d]]}
    quorums: {sets: [[a, b, c], [a, b, d], [a, c, d], [b, c, d]]}
    read-rule: masking
    writers: 1
    readers: 1
    """.write(to: file, atomically: true, encoding: .utf8)
    let r = try CommandRunner.run(["explore", file.path])
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    XCTAssertTrue(r.stdout.contains("returns v0 — WRONG: expected v1"), r.stdout)
    XCTAssertTrue(r.stdout.contains("server a (faulty)"), r.stdout)
    // All singletons and all 3-subsets, listed: every transposition preserves them.
    XCTAssertTrue(
      r.stdout.contains(
        "symmetry: on (interchangeable servers {a, b, c, d}: states are stored with the profiles sorted within each class)"
      ), r.stdout)
  }

  func testReductionFactorInTextAndJSON() throws {
    let r = try CommandRunner.run(["explore", "Specs/protocols/dissemination-n4-f1-q3.yaml"])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    XCTAssertTrue(
      r.stdout.contains(
        "reduction: the 7321 stored states stand for 126836 reachable states without symmetry, reduction factor 17.32"
      ), r.stdout)
    let off = try CommandRunner.run([
      "explore", "Specs/protocols/dissemination-n4-f1-q3.yaml", "--no-symmetry", "--json",
    ])
    let object = try JSONSerialization.jsonObject(with: Data(off.stdout.utf8)) as! [String: Any]
    let stats = object["statistics"] as! [String: Any]
    XCTAssertEqual(stats["states"] as? Int, 126_836)
    XCTAssertEqual(stats["represented_states"] as? Double, 126_836)
    XCTAssertEqual(stats["reduction_factor"] as? Double, 1)
    let on = try CommandRunner.run([
      "explore", "Specs/protocols/broken-opaque-rule-on-masking-n5.yaml", "--json",
    ])
    XCTAssertEqual(on.status, 1)
    let o2 = try JSONSerialization.jsonObject(with: Data(on.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(o2["symmetry_classes"] as? [[Int]], [[0, 1], [2, 3]])
    XCTAssertEqual((o2["trace"] as? [Any])?.count, 5)
  }

  func testBadSpecIsOneLineExitTwo() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "explore-bad-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let cases: [(String, String)] = [
      (
        "universe: 4\nfail-prone: {threshold: 1}\nquorums: {threshold: 3}\nread-rule: voting\n",
        ":4:12: read-rule must be masking, dissemination or opaque"
      ),
      (
        "universe: 4\nfail-prone: {threshold: 1}\nquorums: {sets: [[0, 1, 7]]}\nread-rule: opaque\n",
        ":3:25: '7' is not a server of the universe"
      ),
      (
        "universe: 4\nfail-prone: {threshold: 1}\nquorum: {threshold: 3}\nread-rule: opaque\n",
        ":3:1: unknown key 'quorum'"
      ),
      (
        "universe: [a, b, c, d]\nfail-prone: {sets: [[a], [b, c]]}\nquorums: {threshold: 3}\n"
          + "read-rule: masking\nsymmetry:\n  generators:\n    - [[b, c]]\n    - [[a, b]]\n",
        ":8:7: symmetry generator 2 does not map B onto B"
      ),
      (
        "universe: 4\nfail-prone: {threshold: 1}\nquorums: {threshold: 3}\nread-rule: masking\n"
          + "symmetry: {generators: [[[0, 1, 0]]]}\n",
        ":5:33: server '0' appears twice in a symmetry generator"
      ),
    ]
    for (k, (text, message)) in cases.enumerated() {
      let file = dir.appendingPathComponent("bad\(k).yaml")
      try text.write(to: file, atomically: true, encoding: .utf8)
      let r = try CommandRunner.run(["explore", file.path])
      XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
      XCTAssertTrue(r.stderr.contains(message), r.stderr)
      XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }
  }

  func testGridIsReducedByItsAutomorphismGroup() throws {
    let file = "Specs/protocols/grid3-row-column-dissemination-f1.yaml"
    let r = try CommandRunner.run(["explore", file])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    XCTAssertTrue(
      r.stdout.contains(
        "symmetry: on (the automorphism group of B and the quorums, computed: order 72 = 1 (permutations of interchangeable servers) x 72 cosets; states are stored as their least image under the group)"
      ), r.stdout)
    XCTAssertTrue(
      r.stdout.contains(
        "reduction: the 11720 stored states stand for 777780 reachable states without symmetry, reduction factor 66.36"
      ), r.stdout)
    let json = try CommandRunner.run(["explore", file, "--json"])
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
    let group = object["symmetry_group"] as! [String: Any]
    XCTAssertEqual(group["source"] as? String, "computed")
    XCTAssertEqual(group["order"] as? Double, 72)
    XCTAssertEqual(group["interchangeable_order"] as? Double, 1)
    XCTAssertEqual(group["cosets"] as? Int, 72)
    XCTAssertEqual(object["symmetry"] as? Bool, true)
    // The stated subgroup of order 9: more stored states, the same represented total.
    let stated = try CommandRunner.run([
      "explore", "Specs/protocols/grid3-row-column-dissemination-f1-stated-group.yaml",
    ])
    XCTAssertEqual(stated.status, 0, stated.stdout + stated.stderr)
    XCTAssertTrue(
      stated.stdout.contains(
        "the group generated by the stated generators and the interchangeable servers: order 9 = 1 (permutations of interchangeable servers) x 9 cosets"
      ), stated.stdout)
    XCTAssertTrue(
      stated.stdout.contains("stored states stand for 777780 reachable states without symmetry"),
      stated.stdout)
  }

  func testThresholdBIsNotListedUnderSymmetry() throws {
    // n = 29, f = 5: 118,755 members of B, more than are listed. Under symmetry one initial
    // state stands for them all; without symmetry B must still be listed (exit 2).
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "explore-n29-\(getpid()).yaml")
    defer { try? FileManager.default.removeItem(at: file) }
    try """
    universe: 29
    fail-prone: {threshold: 5}
    quorums: {threshold: 24}
    read-rule: masking
    writers: 1
    readers: 1
    """.write(to: file, atomically: true, encoding: .utf8)
    let on = try CommandRunner.run(["explore", file.path, "--max-states", "2000"])
    XCTAssertEqual(on.status, 3, on.stdout + on.stderr)
    XCTAssertTrue(on.stdout.hasPrefix("unknown: --max-states 2000 reached"), on.stdout)
    let off = try CommandRunner.run(["explore", file.path, "--no-symmetry"])
    XCTAssertEqual(off.status, 2, off.stdout + off.stderr)
    XCTAssertTrue(off.stderr.contains("118755 sets, more than the limit of 100000"), off.stderr)
  }
}
