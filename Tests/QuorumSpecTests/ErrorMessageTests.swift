import QuorumKit
import XCTest

@testable import QuorumSpec

/// Golden error messages: each problem is reported at its exact file:line:column.
final class ErrorMessageTests: XCTestCase {
  // MARK: The document

  func testEmptyFile() {
    assertSpecError(
      "", "x.yaml:1:1: the spec is empty; expected a mapping with a 'universe' or 'servers' key")
    assertSpecError(
      "# only a comment\n",
      "x.yaml:1:1: the spec is empty; expected a mapping with a 'universe' or 'servers' key")
  }

  func testTopLevelNotAMapping() {
    assertSpecError(
      "- 1\n- 2\n",
      "x.yaml:1:1: expected a mapping of keys (universe, servers, fail-prone, quorums, class, description) at the top of the spec, got a list"
    )
  }

  func testYAMLSyntaxError() {
    assertSpecError(
      "universe: 9\nfail-prone: {sets: [[0, 1]\n",
      "x.yaml:3:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence that starts at line 2, column 20)"
    )
    assertSpecError(
      "universe: 9\nfail-prone:\n  threshold: 2\n bad: 1\n",
      "x.yaml:4:2: invalid YAML: did not find expected key (while parsing a block mapping that starts at line 1, column 1)"
    )
  }

  func testYAMLNestingLimit() {
    assertSpecError(
      "universe: 1\nquorums: {sets: " + String(repeating: "[", count: 1500) + "\n",
      "x.yaml:2:18: lists and mappings are nested too deeply (the YAML parser stops at 1000 levels)"
    )
  }

  func testControlCharacter() {
    assertSpecError(
      "universe: 9\ndescription: a\u{1}b\n",
      "x.yaml:2:15: invalid text: control characters are not allowed")
  }

  func testTwoDocuments() {
    assertSpecError(
      "universe: 9\n---\nuniverse: 3\n",
      "x.yaml:2:1: a spec is a single YAML document, but a second document starts here")
  }

  func testUnknownKeys() {
    assertSpecError(
      "universe: 9\nfail_prone: {threshold: 2}\n",
      "x.yaml:2:1: unknown key 'fail_prone' (expected one of: universe, servers, fail-prone, quorums, class, description); did you mean 'fail-prone'?"
    )
    assertSpecError(
      "universe: 9\nfail-prone:\n  treshold: 2\n",
      "x.yaml:3:3: unknown key 'treshold' under 'fail-prone' (expected one of: threshold, sets, partition, select, out-of, complements); did you mean 'threshold'?"
    )
    assertSpecError(
      "universe: 9\nquorums: {size: 7}\n",
      "x.yaml:2:11: 'size' is a parameter of a named construction; give 'construction' beside it, as in {construction: grid, k: 4, rows: 3}"
    )
    assertSpecError(
      "universe: 9\nfail-prone: {select: 1, out-of: [0, {select: 1, of: [1, 2]}]}\n",
      "x.yaml:2:49: unknown key 'of' in a select mapping (expected one of: select, out-of)")
  }

  func testDuplicateKeys() {
    assertSpecError(
      "universe: 9\nclass: masking\nuniverse: 10\n",
      "x.yaml:3:1: duplicate key 'universe' (first given at line 1)")
    assertSpecError(
      "universe: 9\nfail-prone:\n  threshold: 2\n  # again\n  threshold: 3\n",
      "x.yaml:5:3: duplicate key 'threshold' (first given at line 3)")
    assertSpecError(
      "universe: 9\nfail-prone: {threshold: 1, \"threshold\": 2}\n",
      "x.yaml:2:28: duplicate key 'threshold' (first given at line 2)")
    assertSpecError(
      "universe: 3\nfail-prone:\n  sets:\n    - [0]\n    - {select: 1, out-of: [1], select: 1}\n",
      "x.yaml:5:32: duplicate key 'select' (first given at line 5)")
    // Given three times: the first occurrence is reported.
    assertSpecError(
      "universe: 9\nclass: masking\nclass: opaque\nclass: dissemination\n",
      "x.yaml:2:1: the key 'class' is given more than once in this mapping")
  }

  // MARK: Universe

  func testMissingUniverse() {
    assertSpecError(
      "# no universe\nfail-prone: {threshold: 2}\n",
      "x.yaml:2:1: missing 'universe' (the number of servers) or 'servers' (their names)")
  }

  func testBothUniverseAndServers() {
    assertSpecError(
      "servers: [a, b]\nuniverse: 2\n",
      "x.yaml:2:1: give either 'universe' (the number of servers) or 'servers' (their names), not both"
    )
  }

  func testBadNumbers() {
    assertSpecError(
      "universe: -3\n", "x.yaml:1:11: the number of servers cannot be negative, got -3")
    assertSpecError(
      "universe: 9.5\n",
      "x.yaml:1:11: expected the number of servers (a whole number), got the number 9.5")
    assertSpecError(
      "universe: '9'\n",
      "x.yaml:1:11: expected the number of servers (a whole number), got the string '9'")
    assertSpecError(
      "universe: 010\n", "x.yaml:1:11: write 010 without leading zeros (numbers are decimal)")
    assertSpecError("universe: 0\n", "x.yaml:1:11: a universe needs at least one server, got 0")
    assertSpecError(
      "universe:\n", "x.yaml:1:10: expected the number of servers (a whole number), got nothing")
    assertSpecError(
      "universe: [a, b]\n",
      "x.yaml:1:11: expected the number of servers, got a list (to name the servers, write 'servers: [a, b, c]' instead of 'universe:')"
    )
  }

  func testAbsurdSizes() {
    assertSpecError(
      "universe: 2000000000\n",
      "x.yaml:1:11: a universe of 2000000000 servers is too large (at most 1000000000)")
    assertSpecError(
      "universe: 123456789012345678901234567890\n",
      "x.yaml:1:11: the number 123456789012345678901234567890 is too large")
    assertSpecError(
      "universe: 65\nfail-prone:\n  sets: [[0, 1]]\n",
      "x.yaml:3:9: an explicit fail-prone system needs explicit server sets, which support at most 64 servers; this universe has 65"
    )
    assertSpecError(
      "universe: 100\nquorums:\n  sets: [[0, 1]]\n",
      "x.yaml:3:9: an explicit quorum system needs explicit server sets, which support at most 64 servers; this universe has 100"
    )
  }

  func testServerNames() {
    assertSpecError(
      "servers: [a, b, a]\n", "x.yaml:1:17: server name 'a' is listed twice (first at line 1)")
    assertSpecError(
      "servers: [a, 1b]\n",
      "x.yaml:1:14: invalid server name '1b': a name starts with a letter or '_' and continues with letters, digits, '_', '-' or '.'"
    )
    assertSpecError(
      "servers: [a, select]\n",
      "x.yaml:1:14: invalid server name 'select': 'select' is a word of the select language")
    assertSpecError("servers: [a, 2]\n", "x.yaml:1:14: expected a server name, got the number 2")
    assertSpecError(
      "servers: 3\n",
      "x.yaml:1:10: expected a list of server names, got the number 3 (to number the servers, write 'universe: 3' instead of 'servers:')"
    )
  }

  // MARK: Server sets

  func testServerOutsideTheUniverse() {
    assertSpecError(
      "universe: 9\nfail-prone:\n  sets: [[0, 1], [2, 12]]\n",
      "x.yaml:3:22: server 12 is outside the universe of 9 servers (0...8)")
  }

  func testUnknownServerNames() {
    assertSpecError(
      "servers: [a, b, c]\nfail-prone:\n  sets:\n    - [a, b]\n    - [c, z]\n",
      "x.yaml:5:11: unknown server 'z'")
    assertSpecError(
      "servers: [a, b, c]\nquorums: {sets: [[a, 1]]}\n",
      "x.yaml:2:22: expected a server name, got the number 1 (this spec names its servers under 'servers:', so it refers to them by name)"
    )
    assertSpecError(
      "universe: 3\nquorums: {sets: [[0, a]]}\n",
      "x.yaml:2:22: unknown server 'a' (this spec numbers its servers 0...2; to use names, list them under 'servers:' instead of giving 'universe:')"
    )
  }

  func testWrongShapes() {
    assertSpecError(
      "universe: 9\nfail-prone:\n  sets: \"0, 1\"\n",
      "x.yaml:3:9: expected a list of fail-prone sets (each a list of servers), got the string '0, 1'"
    )
    assertSpecError(
      "universe: 9\nfail-prone:\n  sets: [0, 1]\n",
      "x.yaml:3:10: expected a server set (a list of servers, like [0, 1]), got the number 0")
    assertSpecError(
      "universe: 9\nfail-prone:\n  sets: [[0, [1]]]\n", "x.yaml:3:14: expected a server, got a list"
    )
    assertSpecError(
      "universe: 9\nfail-prone: 2\n",
      "x.yaml:2:13: expected a mapping with one of the keys threshold, sets, partition, select, complements (or a select expression string), got the number 2 (for 'at most 2 servers fail', write 'fail-prone: {threshold: 2}')"
    )
    assertSpecError(
      "universe: 9\nquorums: [[0, 1]]\n",
      "x.yaml:2:10: expected a mapping with 'sets' (a list of quorums), 'threshold' (the quorum size), 'construction' or 'expression' (or a quorum expression string), got a list (write 'quorums: {sets: [...]}')"
    )
    assertSpecError(
      "universe: 9\nfail-prone:\n  sets: [[0, 1, 0]]\n",
      "x.yaml:3:17: server 0 is listed twice in this set")
  }

  // MARK: The core's validation, placed

  func testContainmentIsPlacedAtTheContainedSet() {
    assertSpecError(
      "universe: 9\nfail-prone:\n  sets:\n    - [0, 1, 2]\n    - [3]\n    - [0, 1]\n",
      "x.yaml:6:7: fail-prone set {0, 1} is contained in {0, 1, 2}; a fail-prone system lists only maximal sets"
    )
    assertSpecError(
      "servers: [a, b, c]\nfail-prone: {sets: [[a, b], [c], [b, a]]}\n",
      "x.yaml:2:34: the fail-prone system lists a set twice")
  }

  func testPartitionProblems() {
    assertSpecError(
      "universe: 6\nfail-prone:\n  partition: [[0, 1], [2, 3, 1], [4, 5]]\n",
      "x.yaml:3:30: partition blocks overlap in server 1")
    assertSpecError(
      "universe: 6\nfail-prone:\n  partition: [[0, 1], [2, 3]]\n",
      "x.yaml:3:14: the partition's blocks miss server 4")
    assertSpecError(
      "universe: 6\nfail-prone:\n  partition: [[0, 1, 2, 3, 4, 5], []]\n",
      "x.yaml:3:35: a partition block is empty")
  }

  func testThresholdProblems() {
    assertSpecError(
      "universe: 9\nfail-prone: {threshold: 9}\n",
      "x.yaml:2:25: f must be smaller than n (got n = 9, f = 9): some server must be correct")
    assertSpecError(
      "universe: 9\nquorums: {threshold: 10}\n",
      "x.yaml:2:22: the quorum size must be between 1 and n = 9, got 10")
    assertSpecError(
      "universe: 9\nfail-prone: {threshold: 2, sets: [[0]]}\n",
      "x.yaml:2:28: 'sets' cannot be given with 'threshold': a fail-prone system is given by exactly one of threshold, sets, partition, select, complements"
    )
  }

  func testQuorumProblems() {
    assertSpecError(
      "universe: 4\nquorums:\n  sets:\n    - [0, 1, 2]\n    - [2, 1, 0]\n",
      "x.yaml:5:7: quorum {0, 1, 2} is listed twice (first at line 4)")
    assertSpecError(
      "universe: 4\nquorums: {sets: [[0], []]}\n", "x.yaml:2:23: a quorum cannot be empty")
    assertSpecError(
      "universe: 4\nquorums: {sets: []}\n",
      "x.yaml:2:17: a quorum system needs at least one quorum, got an empty list")
  }

  func testClassAndDescription() {
    assertSpecError(
      "universe: 9\nclass: opaq\n",
      "x.yaml:2:8: unknown class 'opaq' (expected one of: masking, dissemination, opaque); did you mean 'opaque'?"
    )
    assertSpecError(
      "universe: 9\nclass: [masking]\n",
      "x.yaml:2:8: expected a class (masking, dissemination, opaque), got a list")
    assertSpecError(
      "universe: 9\ndescription: 42\n",
      "x.yaml:2:14: expected a description (text), got the number 42")
  }

  // MARK: Nested threshold structures

  func testErrorsInsideExpressionStringsPointIntoTheString() {
    // Plain scalar: exact column.
    assertSpecError(
      "universe: 9\nfail-prone: select 2 out-of [0, 1, 12]\n",
      "x.yaml:2:36: server 12 is outside the universe of 9 servers (0...8)")
    // Double-quoted scalar: exact column, after the quote.
    assertSpecError(
      "universe: 9\nfail-prone: \"select 2 out-of [0, 1, 12]\"\n",
      "x.yaml:2:37: server 12 is outside the universe of 9 servers (0...8)")
    // Literal block: exact line and column.
    assertSpecError(
      "servers: [a, b, c, d]\nfail-prone: |\n  select 2 out-of [\n    a, b,\n    select 1 out-of [c, e]\n  ]\n",
      "x.yaml:5:25: unknown server 'e'")
    // Under `select:` the string holds the rest of the expression.
    assertSpecError(
      "universe: 3\nfail-prone: {select: \"4 out-of [0, 1, 2]\"}\n",
      "x.yaml:2:23: select 4 out-of a list of 3 children: k must be between 0 and 3")
    // An escape in a double-quoted string: the string's place, and the character offset.
    assertSpecError(
      "universe: 3\nfail-prone: \"select 1 out-of [\\u0030, 7]\"\n",
      "x.yaml:2:13: server 7 is outside the universe of 3 servers (0...2) (at character 21 of the string)"
    )
  }

  func testExpressionSyntaxErrors() {
    assertSpecError(
      "universe: 9\nfail-prone: select 2 of [0, 1]\n",
      "x.yaml:2:22: expected 'out-of' after 'select 2', got 'of'")
    assertSpecError(
      "universe: 9\nfail-prone: select 2 out-of [0 1]\n",
      "x.yaml:2:32: expected ',' or ']' after child 1 of 'select 2 out-of [', got '1'")
    assertSpecError(
      "universe: 9\nfail-prone: \"select 2 out-of [0, 1\"\n",
      "x.yaml:2:35: expected ',' or ']' after child 2 of 'select 2 out-of [', got the end of the expression"
    )
    assertSpecError(
      "universe: 9\nfail-prone: select 1 out-of [0] ]\n",
      "x.yaml:2:33: unexpected ']' after the end of the expression")
    assertSpecError(
      "universe: 9\nfail-prone: \"0\"\n",
      "x.yaml:2:14: expected a select expression such as 'select 1 out-of [a, b, c]', got '0'")
    assertSpecError(
      "universe: 9\nfail-prone: select 1 out-of [{0}]\n",
      "x.yaml:2:30: expected a server or 'select', got the character '{'")
  }

  func testMappingFormErrors() {
    assertSpecError(
      "universe: 9\nfail-prone: {select: 3, out-of: [0, 1]}\n",
      "x.yaml:2:22: select 3 out-of a list of 2 children: k must be between 0 and 2")
    assertSpecError(
      "universe: 9\nfail-prone: {select: 1, out-of: []}\n",
      "x.yaml:2:33: select 1 out-of [] has no children")
    assertSpecError(
      "universe: 9\nfail-prone: {select: 1}\n",
      "x.yaml:2:14: 'select: 1' needs 'out-of' with the list of children beside it")
    assertSpecError(
      "universe: 9\nfail-prone: {select: 1, out-of: [0, [1]]}\n",
      "x.yaml:2:37: expected a server, a {select, out-of} mapping or a select expression string, got a list"
    )
    assertSpecError(
      "universe: 9\nfail-prone: {select: 1, out-of: [0, \"select 1 out-of [1, 9]\"]}\n",
      "x.yaml:2:58: server 9 is outside the universe of 9 servers (0...8)")
    assertSpecError(
      "universe: 9\nfail-prone: {threshold: 1, out-of: [0]}\n",
      "x.yaml:2:28: 'out-of' belongs with 'select', not with 'threshold'")
  }

  func testNestingDepthIsLimited() {
    let deep =
      String(repeating: "select 1 out-of [", count: 101) + "0" + String(repeating: "]", count: 101)
    assertSpecError(
      "universe: 1\nfail-prone: \(deep)\n",
      "x.yaml:2:\(13 + 100 * 17): select expressions can be nested at most 100 deep")
    let ok =
      String(repeating: "select 1 out-of [", count: 100) + "0" + String(repeating: "]", count: 100)
    XCTAssertNoThrow(try Spec.parse("universe: 1\nfail-prone: \(ok)\n", file: "x.yaml"))
  }

  func testAliasBombsStopAtTheValueLimit() {
    // Forty lines, 2^40 values once the aliases are followed.
    var lines = [
      "universe: 2", "fail-prone:", "  select: 1", "  out-of:",
      "    - &a0 {select: 1, out-of: [0, 1]}",
    ]
    for i in 1..<40 { lines.append("    - &a\(i) {select: 1, out-of: [*a\(i - 1), *a\(i - 1)]}") }
    let text = lines.joined(separator: "\n")
    XCTAssertThrowsError(try SpecReader(file: "x.yaml", text: text, maxValues: 20_000).read()) {
      error in
      XCTAssertTrue(
        (error as? InputError)?.message
          == "the spec is too large: it has more than 20000 values (each use of an alias counts)",
        "\(error)")
    }
    // Specs read with the default limit.
    XCTAssertEqual(SpecReader.maxValues, 10_000_000)
  }
}
