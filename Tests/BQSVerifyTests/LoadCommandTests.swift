import Foundation
import XCTest

/// End-to-end: `bqs-verify load`, its verdict line, the paper comparison and its exit codes.
final class LoadCommandTests: XCTestCase {
  func testThresholdLoadMatchesThePaper() throws {
    let r = try CommandRunner.run(["load", "Specs/constructions/ex4.7-threshold-n9-f2.yaml"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("load 7/9 (0.777778), capacity 9/7\n"), r.stdout)
    XCTAssertTrue(r.stdout.contains("q/n with q = 7, n = 9 = 7/9: matches"), r.stdout)
    XCTAssertTrue(r.stdout.contains("certificate re-checked in exact arithmetic"), r.stdout)
  }

  func testHadamardLoadDiffersFromThePaper() throws {
    let r = try CommandRunner.run(["load", "Specs/constructions/ex5.16-hadamard-l3.yaml"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("load 4/7 (0.571429), capacity 7/4\n"), r.stdout)
    XCTAssertTrue(r.stdout.contains("DIFFERS from the computed load 4/7"), r.stdout)
  }

  func testLargeGridWithoutListing() throws {
    let r = try CommandRunner.run(["load", "Specs/large/ex4.8-grid-k9-f2.yaml"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("load 49/81 (0.604938), capacity 81/49\n"), r.stdout)
  }

  func testBadSpecExitsTwo() throws {
    let r = try CommandRunner.run(["load", "Specs/broken/unknown-key.yaml"])
    XCTAssertEqual(r.status, 2)
    XCTAssertTrue(r.stderr.hasPrefix("error: Specs/broken/unknown-key.yaml:"), r.stderr)
  }

  /// An exact simplex over 3,000 random quorums cannot finish in 50 ms: unknown, exit 3.
  func testTimeoutIsUnknown() throws {
    var lines = ["universe: 30", "quorums:", "  sets:"]
    var rng = SystemRandomNumberGenerator()
    var seen = Set<[Int]>()
    while seen.count < 3000 {
      let q = Array((0..<30).shuffled(using: &rng).prefix(Int.random(in: 8...20, using: &rng)))
        .sorted()
      seen.insert(q)
    }
    for q in seen.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
      lines.append("    - [" + q.map(String.init).joined(separator: ", ") + "]")
    }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("load-timeout.yaml")
      .path
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    let r = try CommandRunner.run(["load", path, "--method", "exact", "--timeout", "0.05"])
    XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("unknown: --timeout 0.05 s reached"), r.stdout)
  }
}
