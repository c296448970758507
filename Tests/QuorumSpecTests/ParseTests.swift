import Foundation
import QuorumKit
import XCTest

@testable import QuorumSpec

/// Valid specs, JSON input, and reading files.
final class ParseTests: XCTestCase {
  func testFullSpec() throws {
    let spec = try parse(
      """
      # comments allowed
      description: "free text"
      universe: 9
      fail-prone:
        threshold: 2
      quorums:
        sets: [[0, 1, 2, 3, 4, 5, 6], [2, 3, 4, 5, 6, 7, 8]]
      class: opaque
      """)
    XCTAssertEqual(spec.file, "x.yaml")
    XCTAssertEqual(spec.description, "free text")
    XCTAssertEqual(spec.universe, Universe(count: 9))
    XCTAssertEqual(spec.failProne, try FailProneSystem.threshold(n: 9, f: 2))
    XCTAssertEqual(
      spec.quorums, .explicit([ServerSet(0...6), ServerSet(2...8)]))
    XCTAssertEqual(spec.quorumClass, .opaque)
  }

  func testOnlyAUniverse() throws {
    let spec = try parse("universe: 1000000000\n")
    XCTAssertEqual(spec.universe.count, 1_000_000_000)
    XCTAssertNil(spec.failProne)
    XCTAssertNil(spec.quorums)
    XCTAssertNil(spec.quorumClass)
    XCTAssertNil(spec.description)
  }

  func testThresholdsOverLargeUniverses() throws {
    let spec = try parse(
      "universe: 1001\nfail-prone: {threshold: 250}\nquorums: {threshold: 751}\n")
    XCTAssertEqual(spec.failProne, try FailProneSystem.threshold(n: 1001, f: 250))
    XCTAssertEqual(spec.quorums, .threshold(size: 751))
  }

  func testNamedServers() throws {
    let spec = try parse(
      """
      servers: [east-1, east-2, west_1, "west.2", yes, no]
      fail-prone:
        sets: [[east-1, east-2], [west_1], [west.2], [yes, no]]
      """)
    XCTAssertEqual(spec.universe.names, ["east-1", "east-2", "west_1", "west.2", "yes", "no"])
    XCTAssertEqual(
      spec.failProne,
      try FailProneSystem.explicit(
        universe: spec.universe,
        sets: [ServerSet([0, 1]), ServerSet([2]), ServerSet([3]), ServerSet([4, 5])]))
  }

  func testExplicitSetsMayBeEmptyAndSixtyFourServersFit() throws {
    let spec = try parse("universe: 64\nfail-prone: {sets: [[]]}\nquorums: {sets: [[63, 0]]}\n")
    XCTAssertEqual(
      spec.failProne,
      try FailProneSystem.explicit(universe: Universe(count: 64), sets: [ServerSet()]))
    XCTAssertEqual(spec.quorums, .explicit([ServerSet([0, 63])]))
  }

  func testJSON() throws {
    let json = """
      {
      \t"description": "JSON is YAML",
      \t"universe": 5,
      \t"fail-prone": {"partition": [[0, 1], [2], [3], [4]]},
      \t"quorums": {"threshold": 4},
      \t"class": "dissemination"
      }
      """
    let spec = try parse(json)
    XCTAssertEqual(spec.description, "JSON is YAML")
    XCTAssertEqual(
      spec.failProne,
      try FailProneSystem.partition(
        universe: Universe(count: 5),
        blocks: [ServerSet([0, 1]), ServerSet([2]), ServerSet([3]), ServerSet([4])]))
    XCTAssertEqual(spec.quorums, .threshold(size: 4))
    XCTAssertEqual(spec.quorumClass, .dissemination)
  }

  func testJSONErrorsHavePlaces() {
    assertSpecError(
      "{\"universe\": 5, \"quorums\": {\"sets\": [[0, 1], [\"2\"]]}}",
      "x.yaml:1:47: expected a server number, got the string '2' (write numbers without quotes)")
    assertSpecError(
      "{\"universe\": 5,\n \"class\": \"masking\",\n \"class\": \"opaque\"}",
      "x.yaml:3:2: duplicate key 'class' (first given at line 2)")
    // A key that repeats in another mapping is not mistaken for the duplicate.
    assertSpecError(
      "{\n  \"universe\": 3,\n  \"fail-prone\": {\n  \"universe\": 2\n  },\n  \"universe\": 4\n}\n",
      "x.yaml:6:3: duplicate key 'universe' (first given at line 2)")
  }

  func testCarriageReturnLineEndings() throws {
    let spec = try parse("universe: 3\r\nfail-prone: select 1 out-of [0, 1, 2]\r\n")
    XCTAssertEqual(spec.universe.count, 3)
    assertSpecError(
      "universe: 3\r\nfail-prone: select 1 out-of [0, 1, 3]\r\n",
      "x.yaml:2:36: server 3 is outside the universe of 3 servers (0...2)")
  }

  // MARK: Files

  private func temporaryFile(_ bytes: [UInt8]) throws -> String {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("quorumspec-\(UUID().uuidString).yaml")
    try Data(bytes).write(to: url)
    addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url.path
  }

  func testLoadReportsThePathAsGiven() throws {
    let path = try temporaryFile(Array("universe: 4\nfail-prone: {threshold: 4}\n".utf8))
    XCTAssertThrowsError(try Spec.load(path: path)) {
      XCTAssertEqual(
        ($0 as? InputError)?.description,
        "\(path):2:25: f must be smaller than n (got n = 4, f = 4): some server must be correct")
    }
  }

  func testUnreadableFiles() throws {
    XCTAssertThrowsError(try Spec.load(path: "/nonexistent/spec.yaml")) {
      XCTAssertEqual(
        $0 as? InputError,
        InputError("cannot read the spec: no such file", file: "/nonexistent/spec.yaml"))
    }
    let dir = FileManager.default.temporaryDirectory.path
    XCTAssertThrowsError(try Spec.load(path: dir)) {
      XCTAssertEqual(
        $0 as? InputError,
        InputError("cannot read the spec: it is a directory, not a file", file: dir))
    }
  }

  func testInvalidUTF8() throws {
    let path = try temporaryFile(Array("universe: 4\ndescription: caf".utf8) + [0xE9, 0x0A])
    XCTAssertThrowsError(try Spec.load(path: path)) {
      XCTAssertEqual(
        ($0 as? InputError)?.description,
        "\(path):2:17: the spec is not UTF-8 text (invalid byte sequence)")
    }
  }
}
