import Foundation
import QuorumKit
import XCTest

@testable import QuorumSpec

/// `quorums:` as named constructions and quorum expressions, `fail-prone: {complements: ...}`,
/// and resolving a specification into a quorum system.
final class ConstructionSpecTests: XCTestCase {
  // MARK: Named constructions

  func testThresholdConstructionForms() throws {
    let a = try parse("universe: 9\nquorums: {construction: threshold, size: 7}\n")
    XCTAssertEqual(a.quorums, .threshold(size: 7))
    let b = try parse(
      "universe: 9\nfail-prone: {threshold: 2}\nquorums: {construction: threshold, for: masking}\n")
    XCTAssertEqual(b.quorums, .threshold(size: 7))
    // f from the quorums mapping; the fail-prone key may come after the quorums.
    let c = try parse(
      "universe: 10\nquorums: {construction: threshold, for: opaque, f: 2}\n")
    XCTAssertEqual(c.quorums, .threshold(size: 8))
    let d = try parse(
      "quorums: {construction: threshold, for: dissemination}\nfail-prone: {threshold: 3}\nuniverse: 10\n"
    )
    XCTAssertEqual(d.quorums, .threshold(size: 7))
    let system = try XCTUnwrap(try d.quorumSystem())
    XCTAssertEqual(system.construction, .threshold(n: 10, quorumSize: 7))
    XCTAssertEqual(system.quorums?.count, 120)
  }

  func testGridForms() throws {
    let a = try parse("universe: 16\nquorums: {construction: grid, k: 4, rows: 3}\n")
    XCTAssertEqual(a.quorums, .construction(.grid(k: 4, rows: 3)))
    let b = try parse(
      "universe: 25\nfail-prone: {threshold: 2}\nquorums: {construction: grid, for: dissemination}\n"
    )
    XCTAssertEqual(b.quorums, .construction(.grid(k: 5, rows: 3)))
    let c = try parse("universe: 49\nquorums: {construction: grid, for: masking, f: 2}\n")
    XCTAssertEqual(c.quorums, .construction(.grid(k: 7, rows: 5)))
    let system = try XCTUnwrap(try c.quorumSystem())
    XCTAssertEqual(system.quorums?.count, 7 * 21)
  }

  func testPartitionForms() throws {
    let a = try parse(
      """
      universe: 9
      fail-prone:
        partition: [[0], [1, 2], [3, 4, 5], [6, 7], [8]]
      quorums: {construction: partition, for: masking}
      """)
    let blocks = [[0], [1, 2], [3, 4, 5], [6, 7], [8]].map { ServerSet($0) }
    XCTAssertEqual(a.quorums, .construction(.superElements(elements: blocks, quorumSize: 4)))
    let b = try parse(
      """
      servers: [a, b, c, d]
      quorums: {construction: partition, size: 3, super-elements: [[a], [b, c], [d]]}
      """)
    let system = try XCTUnwrap(try b.quorumSystem())
    XCTAssertEqual(system.quorums, [ServerSet([0, 1, 2, 3])])
    XCTAssertEqual(system.universe.names, ["a", "b", "c", "d"])
    let c = try parse(
      """
      universe: 9
      fail-prone: {partition: [[0], [1], [2], [3], [4], [5], [6], [7], [8]]}
      quorums: {construction: partition-grid, for: dissemination}
      """)
    XCTAssertEqual(
      c.quorums,
      .construction(.superElementGrid(elements: (0..<9).map { ServerSet([$0]) }, rows: 2)))
  }

  func testHadamardForms() throws {
    let a = try parse("universe: 8\nquorums: {construction: hadamard, l: 3}\n")
    XCTAssertEqual(a.quorums, .construction(.hadamard(l: 3)))
    let b = try parse("universe: 16\nquorums: {construction: hadamard}\n")
    XCTAssertEqual(b.quorums, .construction(.hadamard(l: 4)))
    XCTAssertEqual(try b.quorumSystem()?.quorums?.count, 15)
  }

  func testConstructionErrors() {
    assertSpecError(
      "universe: 16\nquorums: {construction: gird, rows: 2}\n",
      "x.yaml:2:25: unknown construction 'gird' (expected one of: threshold, grid, partition, partition-grid, hadamard); did you mean 'grid'?"
    )
    assertSpecError(
      "universe: 16\nquorums: {construction: grid, size: 2}\n",
      "x.yaml:2:31: 'size' is not a parameter of the grid construction (it takes: k, rows, for, f)")
    assertSpecError(
      "universe: 16\nquorums: {construction: grid, rows: 2, for: masking}\n",
      "x.yaml:2:40: give either 'rows' (the number of rows in each quorum) or 'for' (a class, to use the paper's value), not both"
    )
    assertSpecError(
      "universe: 16\nquorums: {construction: grid}\n",
      "x.yaml:2:11: the grid construction needs 'rows' (the number of rows in each quorum) or 'for' (masking, dissemination or opaque: the paper's value)"
    )
    assertSpecError(
      "universe: 16\nquorums: {construction: grid, for: masking}\n",
      "x.yaml:2:31: 'for' needs f: give 'f' beside it, or a threshold fail-prone system ('fail-prone: {threshold: f}')"
    )
    assertSpecError(
      "universe: 15\nquorums: {construction: grid, k: 4, rows: 2}\n",
      "x.yaml:2:34: a 4 × 4 grid has 16 servers, but the universe has 15")
    assertSpecError(
      "universe: 15\nquorums: {construction: grid, rows: 2}\n",
      "x.yaml:2:25: the grid needs a universe of k × k servers; 15 is not a square")
    assertSpecError(
      "universe: 16\nquorums: {construction: grid, k: 4, rows: 5}\n",
      "x.yaml:2:43: the grid needs 1 <= rows <= k = 4 (got rows = 5)")
    assertSpecError(
      "universe: 16\nquorums: {construction: grid, for: opaque, f: 1}\n",
      "x.yaml:2:36: the paper gives no grid construction for opaque systems (Examples 4.8 and 5.8 are masking and dissemination)"
    )
    assertSpecError(
      "universe: 12\nquorums: {construction: hadamard}\n",
      "x.yaml:2:25: the Hadamard construction needs a universe of n = 2^l servers; 12 is not a power of 2"
    )
    assertSpecError(
      "universe: 8\nquorums: {construction: hadamard, l: 4}\n",
      "x.yaml:2:38: the Hadamard construction H(4) needs 2^4 servers, but the universe has 8")
    assertSpecError(
      "universe: 6\nquorums: {construction: partition, size: 2}\n",
      "x.yaml:2:11: the partition constructions need 'super-elements' (a list of disjoint server sets) or a partition fail-prone system ('fail-prone: {partition: [...]}') whose blocks to use"
    )
    assertSpecError(
      "universe: 6\nquorums: {construction: partition, size: 2, super-elements: [[0, 1], [1, 2]]}\n",
      "x.yaml:2:71: super-elements overlap in server 1")
    assertSpecError(
      "universe: 6\nquorums: {construction: partition, size: 3, super-elements: [[0], [1]]}\n",
      "x.yaml:2:42: the partition construction needs 1 <= size <= m = 2 super-elements (got size = 3)"
    )
    assertSpecError(
      "universe: 9\nquorums: {construction: threshold, size: 7, sets: [[0]]}\n",
      "x.yaml:2:45: 'sets' cannot be given with 'construction': a quorum system is given by exactly one of sets, threshold, construction, expression"
    )
    assertSpecError(
      "universe: 9\nquorums: {threshold: 7, rows: 2}\n",
      "x.yaml:2:25: 'rows' is a parameter of a named construction and cannot be given with 'threshold'"
    )
    assertSpecError(
      "universe: 9\nquorums: {construction: threshold, size: 7, f: 2}\n",
      "x.yaml:2:45: 'f' goes with 'for' (the paper's value for f faults), not with 'size'")
    assertSpecError(
      "universe: 9\nquorums: {construction: threshold, for: masking, f: 5}\n",
      "x.yaml:2:41: the paper's masking quorum size for n = 9, f = 5 is 10, more than n")
  }

  // MARK: Quorum expressions

  func testExpressionForms() throws {
    let a = try parse("servers: [a, b, c, d]\nquorums: \"a*b + c*d\"\n")
    guard case .expression(_, let qa) = a.quorums else { return XCTFail("not an expression") }
    XCTAssertEqual(qa, [ServerSet([0, 1]), ServerSet([2, 3])])
    let b = try parse("universe: 3\nquorums: {expression: \"choose(2, [0, 1, 2])\"}\n")
    guard case .expression(let e, let qb) = b.quorums else { return XCTFail("not an expression") }
    XCTAssertEqual(qb, [ServerSet([0, 1]), ServerSet([0, 2]), ServerSet([1, 2])])
    XCTAssertEqual(e.specText(in: b.universe), "choose(2, [0, 1, 2])")
    // Minimal sets only: a + a*b is just {a}; precedence and parentheses.
    let c = try parse("servers: [a, b, c]\nquorums: \"a + a*b\"\n")
    guard case .expression(_, let qc) = c.quorums else { return XCTFail() }
    XCTAssertEqual(qc, [ServerSet([0])])
    let d = try parse("servers: [a, b, c]\nquorums: \"(a + b) * c\"\n")
    guard case .expression(_, let qd) = d.quorums else { return XCTFail() }
    XCTAssertEqual(qd, [ServerSet([0, 2]), ServerSet([1, 2])])
    let system = try XCTUnwrap(try d.quorumSystem())
    XCTAssertNil(system.construction)
    XCTAssertEqual(system.quorums?.count, 2)
  }

  func testNestedChooseWithBlockScalar() throws {
    let spec = try parse(
      """
      servers: [a1, a2, b1, b2, c1, c2]
      quorums: |
        choose(2, [a1 * a2,
                   b1 * b2,
                   choose(1, [c1, c2])])
      """)
    guard case .expression(_, let q) = spec.quorums else { return XCTFail() }
    XCTAssertEqual(q.count, 1 + 2 + 2)
    XCTAssertTrue(q.contains(ServerSet([0, 1, 2, 3])))
    XCTAssertTrue(q.contains(ServerSet([0, 1, 4])))
  }

  func testExpressionErrors() {
    assertSpecError(
      "servers: [a, b, c]\nquorums: \"a*b + + c\"\n",
      "x.yaml:2:17: expected a server, '(' or 'choose(', got '+'")
    assertSpecError(
      "servers: [a, b, c]\nquorums: \"a*z\"\n", "x.yaml:2:13: unknown server 'z'")
    assertSpecError(
      "universe: 3\nquorums: \"0 * 3\"\n",
      "x.yaml:2:15: server 3 is outside the universe of 3 servers (0...2)")
    assertSpecError(
      "servers: [a, b, c]\nquorums: \"choose(4, [a, b, c])\"\n",
      "x.yaml:2:18: choose(4, ...) of 3 children: k must be between 1 and 3")
    assertSpecError(
      "servers: [a, b, c]\nquorums: \"choose(2 [a, b])\"\n",
      "x.yaml:2:20: expected ',' after 'choose(2', got '['")
    assertSpecError(
      "servers: [a, b, c]\nquorums: \"(a + b\"\n",
      "x.yaml:2:17: expected ')' to close the '(' at character 1, got the end of the expression")
    assertSpecError(
      "servers: [a, b, c]\nquorums: \"a b\"\n",
      "x.yaml:2:13: unexpected 'b' after the end of the expression (expected '+', '*' or the end)")
    assertSpecError(
      "servers: [a, b, c]\nquorums: \"\"\n",
      "x.yaml:2:10: expected a quorum expression such as 'a*b + c*d' or 'choose(2, [a, b, c])'")
    assertSpecError(
      "universe: 3\nquorums: {expression: 3}\n",
      "x.yaml:2:23: expected a quorum expression string such as \"a*b + c*d\", got the number 3")
    assertSpecError(
      "servers: [a, b, c]\nquorums: |\n  a * b +\n    * c\n",
      "x.yaml:4:5: expected a server, '(' or 'choose(', got '*'")
    assertSpecError(
      "universe: 65\nquorums: \"0 * 1\"\n",
      "x.yaml:2:10: a quorum expression needs explicit server sets, which support at most 64 servers; this universe has 65"
    )
  }

  func testExpressionExpansionIsCapped() {
    let servers = (0..<40).map(String.init).joined(separator: ", ")
    assertSpecError(
      "universe: 40\nquorums: \"choose(20, [\(servers)])\"\n",
      "x.yaml:2:10: the quorum expression expands to more than 100000 sets; write a smaller one or use a named construction"
    )
  }

  /// The expansion agrees with a brute force over every subset: the quorums are exactly the
  /// minimal sets that satisfy the formula.
  func testExpansionMatchesBruteForceOnRandomExpressions() throws {
    var state: UInt64 = 0x1234_5678
    func random(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    let n = 6
    func make(_ depth: Int) -> QuorumExpression {
      if depth == 0 || random(3) == 0 { return .server(random(n)) }
      let count = 2 + random(2)
      let children = (0..<count).map { _ in make(depth - 1) }
      switch random(3) {
      case 0: return .either(children)
      case 1: return .both(children)
      default: return .choose(k: 1 + random(count), of: children)
      }
    }
    func satisfies(_ e: QuorumExpression, _ s: ServerSet) -> Bool {
      switch e {
      case .server(let x): return s.contains(x)
      case .either(let c): return c.contains { satisfies($0, s) }
      case .both(let c): return c.allSatisfy { satisfies($0, s) }
      case .choose(let k, let c): return c.filter { satisfies($0, s) }.count >= k
      }
    }
    for _ in 0..<200 {
      let e = make(3)
      let all = (0..<(UInt64(1) << UInt64(n))).map { ServerSet(bits: $0) }
      let sat = all.filter { satisfies(e, $0) }
      let minimal = sat.filter { s in !sat.contains { $0 != s && $0.isSubset(of: s) } }.sorted()
      XCTAssertEqual(try e.quorums(), minimal, e.specText(in: Universe(count: n)))
      // The printed form reads back to the same quorums.
      let reparsed = try QuorumExpression(
        parsing: e.specText(in: Universe(count: n)), in: Universe(count: n))
      XCTAssertEqual(try reparsed.quorums(), minimal)
    }
  }

  // MARK: Fail-prone systems as complements

  func testComplements() throws {
    let spec = try parse(
      "servers: [a, b, c, d]\nfail-prone: {complements: \"a*b + c*d + a*c\"}\n")
    guard case .explicit(let sets) = spec.failProne?.kind else { return XCTFail("not explicit") }
    XCTAssertEqual(
      Set(sets), [ServerSet([2, 3]), ServerSet([0, 1]), ServerSet([1, 3])])
    assertSpecError(
      "servers: [a, b]\nfail-prone: {complements: [a]}\n",
      "x.yaml:2:27: expected a quorum expression string such as \"a*b + c*d\" (the fail-prone sets are the complements of its quorums), got a list"
    )
    assertSpecError(
      "servers: [a, b]\nfail-prone: {complements: \"a\", threshold: 1}\n",
      "x.yaml:2:32: 'threshold' cannot be given with 'complements': a fail-prone system is given by exactly one of threshold, sets, partition, select, complements"
    )
  }

  // MARK: The spec files

  func testEveryConstructionSpecParsesAndResolves() throws {
    let files = try specFiles(in: "constructions")
    XCTAssertGreaterThanOrEqual(files.count, 18)
    for url in files {
      let spec = try Spec.load(path: url.path)
      let name = url.lastPathComponent
      XCTAssertNotNil(spec.description, name)
      XCTAssertNotNil(spec.quorumClass, name)
      XCTAssertNotNil(spec.failProne, name)
      let system = try XCTUnwrap(try spec.quorumSystem(), name)
      XCTAssertEqual(system.universe, spec.universe, name)
      let text = try String(contentsOf: url, encoding: .utf8)
      XCTAssertTrue(text.hasPrefix("# "), "\(name) starts with a header comment")
      XCTAssertTrue(text.contains("Expected: "), "\(name) states the expected verdict")
    }
    // Every construction example of the paper, at two sizes.
    for example in ["4.7", "4.8", "4.9", "5.7", "5.8", "5.9", "5.12", "5.14", "5.16"] {
      let count = files.filter { $0.lastPathComponent.hasPrefix("ex\(example)-") }.count
      XCTAssertGreaterThanOrEqual(count, 2, "Example \(example)")
    }
  }
}
