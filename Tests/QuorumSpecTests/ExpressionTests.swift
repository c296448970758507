import QuorumKit
import XCTest

@testable import QuorumSpec

/// Nested threshold structures: the string and mapping forms, and the expression language.
final class ExpressionTests: XCTestCase {
  private let abcde = Universe(names: ["a", "b", "c", "d", "e"])

  private func failProne(_ text: String) throws -> FailProneSystem? {
    try parse(text).failProne
  }

  private var expected: ThresholdExpression {
    .select(
      k: 2, of: [.server(0), .server(1), .select(k: 2, of: [.server(2), .server(3), .server(4)])])
  }

  func testStringAndMappingFormsGiveTheSameExpression() throws {
    let header = "servers: [a, b, c, d, e]\n"
    let forms = [
      // The string form, plain, quoted, and as a block.
      "fail-prone: select 2 out-of [a, b, select 2 out-of [c, d, e]]\n",
      "fail-prone: \"select 2 out-of [a, b, select 2 out-of [c, d, e]]\"\n",
      "fail-prone: |\n  select 2 out-of [\n    a,\n    b,\n    select 2 out-of [c, d, e],\n  ]\n",
      "fail-prone: >\n  select 2 out-of [a, b,\n  select 2 out-of [c, d, e]]\n",
      // The mapping form, flow and block.
      "fail-prone: {select: 2, out-of: [a, b, {select: 2, out-of: [c, d, e]}]}\n",
      "fail-prone:\n  select: 2\n  out-of:\n    - a\n    - b\n    - select: 2\n      out-of: [c, d, e]\n",
      // Mixed: a string child, and a string under `select:`.
      "fail-prone: {select: 2, out-of: [a, b, \"select 2 out-of [c, d, e]\"]}\n",
      "fail-prone: {select: \"2 out-of [a, b, select 2 out-of [c, d, e]]\"}\n",
      "fail-prone: {select: 2, out-of: [a, b, {select: \"2 out-of [c, d, e]\"}]}\n",
    ]
    let system = try FailProneSystem.nested(universe: abcde, expression: expected)
    for form in forms {
      XCTAssertEqual(try failProne(header + form), system, form)
    }
  }

  func testJSONMappingForm() throws {
    let json = """
      {
        "servers": ["a", "b", "c", "d", "e"],
        "fail-prone": {"select": 2, "out-of": ["a", "b", {"select": 2, "out-of": ["c", "d", "e"]}]}
      }
      """
    XCTAssertEqual(
      try failProne(json), try FailProneSystem.nested(universe: abcde, expression: expected))
  }

  func testNumberedServers() throws {
    let system = try failProne(
      "universe: 5\nfail-prone: {select: 2, out-of: [0, 1, \"select 2 out-of [2, 3, 4]\"]}\n")
    XCTAssertEqual(
      system, try FailProneSystem.nested(universe: Universe(count: 5), expression: expected))
  }

  func testSpecTextRoundTrips() throws {
    XCTAssertEqual(
      expected.specText(in: abcde), "select 2 out-of [a, b, select 2 out-of [c, d, e]]")
    XCTAssertEqual(
      expected.specText(in: Universe(count: 5)), "select 2 out-of [0, 1, select 2 out-of [2, 3, 4]]"
    )
    for universe in [abcde, Universe(count: 5)] {
      let text = expected.specText(in: universe)
      XCTAssertEqual(try ThresholdExpression(parsing: text, in: universe), expected)
      // And through a spec file.
      let header =
        universe.names.map { "servers: [\($0.joined(separator: ", "))]\n" } ?? "universe: 5\n"
      guard case .nested(let parsed) = try failProne(header + "fail-prone: \(text)\n")?.kind else {
        return XCTFail("not nested")
      }
      XCTAssertEqual(parsed, expected)
    }
  }

  func testSelectZeroAndSingleServers() throws {
    XCTAssertEqual(try ThresholdExpression(parsing: "b", in: abcde), .server(1))
    XCTAssertEqual(
      try ThresholdExpression(parsing: "select 0 out-of [a,b,]", in: abcde),
      .select(k: 0, of: [.server(0), .server(1)]))
  }

  func testParsingErrorsHaveLineAndColumnInTheText() {
    XCTAssertThrowsError(
      try ThresholdExpression(parsing: "select 1 out-of [\n  a,\n  z]", in: abcde)
    ) {
      XCTAssertEqual($0 as? InputError, InputError("unknown server 'z'", line: 3, column: 3))
    }
    XCTAssertThrowsError(
      try ThresholdExpression(parsing: "select 1 out-of [5]", in: Universe(count: 5))
    ) {
      XCTAssertEqual(
        ($0 as? InputError)?.description,
        "line 1:18: server 5 is outside the universe of 5 servers (0...4)")
    }
  }
}
