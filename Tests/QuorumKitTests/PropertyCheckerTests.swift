import QuorumKit
import XCTest

final class PropertyCheckerTests: XCTestCase {
  private func violation(
    _ p: QuorumProperty, _ quorums: [[Int]], _ b: FailProneSystem
  ) throws -> PropertyViolation? {
    try PropertyChecker.firstViolation(of: p, quorums: quorums.map { ServerSet($0) }, failProne: b)
  }

  private func explicit(_ n: Int, _ sets: [[Int]]) throws -> FailProneSystem {
    try FailProneSystem.explicit(universe: Universe(count: n), sets: sets.map { ServerSet($0) })
  }

  func testHandMadeM1AndM2() throws {
    let b = try explicit(4, [[0], [1]])
    let v = try XCTUnwrap(try violation(.m1, [[0, 1, 2], [0, 1, 3]], b))
    XCTAssertEqual(v.q1, ServerSet([0, 1, 2]))
    XCTAssertEqual(v.q2, ServerSet([0, 1, 3]))
    XCTAssertEqual(v.b1, ServerSet([0]))
    XCTAssertEqual(v.b2, ServerSet([1]))
    XCTAssertEqual(v.detail, "(Q1 ∩ Q2) \\ B1 = {1} ⊆ B2")
    XCTAssertEqual(
      v.description,
      "M1 fails: Q1 = {0, 1, 2}, Q2 = {0, 1, 3}, B1 = {0}, B2 = {1}: (Q1 ∩ Q2) \\ B1 = {1} ⊆ B2")
    XCTAssertNil(try violation(.m1, [[0, 1, 2], [0, 1, 2, 3]], b))

    let m2 = try XCTUnwrap(try violation(.m2, [[0, 1]], b))
    XCTAssertEqual(m2.b1, ServerSet([0]))
    XCTAssertNil(m2.q1)
    XCTAssertEqual(m2.detail, "every quorum intersects B = {0}")
    XCTAssertNil(try violation(.m2, [[0, 2], [1, 2]], b))
    let none = try XCTUnwrap(try violation(.o3, [], b))
    XCTAssertEqual(none.b1, ServerSet([0]))
  }

  func testHandMadeD1() throws {
    let b = try explicit(4, [[0, 1], [3]])
    let v = try XCTUnwrap(try violation(.d1, [[0, 1, 2], [0, 1, 3]], b))
    XCTAssertEqual(v.q1, ServerSet([0, 1, 2]))
    XCTAssertEqual(v.q2, ServerSet([0, 1, 3]))
    XCTAssertEqual(v.b1, ServerSet([0, 1]))
    XCTAssertNil(v.b2)
    XCTAssertEqual(v.detail, "Q1 ∩ Q2 = {0, 1} ⊆ B")
    XCTAssertNil(try violation(.d1, [[0, 1, 2], [1, 2, 3]], b))
  }

  func testHandMadeO1AndO2() throws {
    // B = {{0}}: Q1 = {0, 1, 2}, Q2 = {0, 1, 3, 4}: Q1 ∩ Q2 = {0, 1}, minus B: {1} (1);
    // (Q2 ∩ B) ∪ (Q2 \ Q1) = {0, 3, 4} (3): O1 fails; O2: 1 > |Q2 ∩ B| = 1 fails too.
    let b = try explicit(5, [[0]])
    let o1 = try XCTUnwrap(try violation(.o1, [[0, 1, 2], [0, 1, 3, 4]], b))
    XCTAssertEqual(o1.detail, "|(Q1 ∩ Q2) \\ B| = 1 < |(Q2 ∩ B) ∪ (Q2 \\ Q1)| = 3")
    XCTAssertEqual(o1.q1, ServerSet([0, 1, 2]))
    XCTAssertEqual(o1.q2, ServerSet([0, 1, 3, 4]))
    let o2 = try XCTUnwrap(try violation(.o2, [[0, 1, 2], [0, 1, 3, 4]], b))
    XCTAssertEqual(o2.detail, "|(Q1 ∩ Q2) \\ B| = 1 ≤ |Q2 ∩ B| = 1")
    // One quorum {0, 1, 2, 3}: O1 holds (3 >= 1), O2 holds (3 > 1).
    XCTAssertNil(try violation(.o1, [[0, 1, 2, 3]], b))
    XCTAssertNil(try violation(.o2, [[0, 1, 2, 3]], b))
    // O2 alone: {0, 1} with B = {{0}}: |{1}| = 1 > |{0}| = 1 fails; O1: 1 >= 1 holds.
    XCTAssertNil(try violation(.o1, [[0, 1]], b))
    XCTAssertNotNil(try violation(.o2, [[0, 1]], b))
  }

  func testRejectsBadInput() throws {
    let b = try FailProneSystem.threshold(n: 3, f: 1)
    XCTAssertThrowsError(try violation(.m1, [[0, 5]], b))
    let big = try FailProneSystem.threshold(n: 100, f: 1)
    XCTAssertThrowsError(try violation(.m1, [[0, 5]], big))
  }

  /// The first violation, per property, equals the naive one for every enumerable kind, and
  /// the tree path (memberLimit 0) agrees on whether one exists and reports a real one.
  func testAgainstNaiveDefinitions() throws {
    var rng = SplitMix64(seed: 4)
    var violations = 0
    var holds = 0
    for _ in 0..<300 {
      let n = Int.random(in: 1...7, using: &rng)
      let b = RandomInput.failProne(n: n, using: &rng)
      let members = Naive.members(b)
      let quorums = RandomInput.quorums(n: n, using: &rng)
      let sorted = Array(Set(quorums)).sorted()
      for p in QuorumProperty.allCases {
        let expected = Naive.firstViolation(p, quorums: quorums, members: members)
        let got = try PropertyChecker.firstViolation(of: p, quorums: quorums, failProne: b)
        XCTAssertEqual(got == nil, expected == nil, "\(p) \(b) \(quorums)")
        if let got, let expected {
          violations += 1
          XCTAssertTrue(Naive.isReal(got, quorums: sorted, members: members), "\(got)")
          XCTAssertEqual(got.q1, expected.0, "\(p) \(b) \(quorums)")
          XCTAssertEqual(got.q2, expected.1, "\(p) \(b) \(quorums)")
          XCTAssertEqual(got.b1, expected.2, "\(p) \(b) \(quorums)")
          XCTAssertEqual(got.b2, expected.3, "\(p) \(b) \(quorums)")
        } else {
          holds += 1
        }
        if b.hasDisjointLeaves, case .nested = b.kind {
          let tree = try PropertyChecker.firstViolation(
            of: p, quorums: quorums, failProne: b, memberLimit: 0)
          XCTAssertEqual(tree == nil, expected == nil, "tree \(p) \(b) \(quorums)")
          if let tree {
            XCTAssertTrue(Naive.isReal(tree, quorums: sorted, members: members), "\(tree)")
          }
        }
      }
    }
    XCTAssertGreaterThan(violations, 300)
    XCTAssertGreaterThan(holds, 300)
  }

  /// Examples 4.7, 5.7, 5.12 with Corollaries 4.4, 5.5 and Theorem 5.13: the paper's threshold
  /// construction is an X-system exactly when n > 4f, n > 3f, n >= 5f.
  func testPaperThresholdConstructions() throws {
    for n in 1...11 {
      for f in 0..<min(n, 4) {
        let b = try FailProneSystem.threshold(n: n, f: f)
        for cls in QuorumClass.allCases {
          let q = QuorumSystem.paperThresholdQuorumSize(cls, n: n, f: f)
          let system = QuorumSystem.threshold(n: n, quorumSize: q)
          let quorums = try XCTUnwrap(system.quorums)
          let results = try PropertyChecker.check(cls, quorums: quorums, failProne: b)
          XCTAssertEqual(results.map(\.0), cls.properties)
          let holds = results.allSatisfy { $0.1 == nil }
          let expected: Bool
          switch cls {
          case .masking: expected = n > 4 * f
          case .dissemination: expected = n > 3 * f
          case .opaque: expected = n >= 5 * f
          }
          XCTAssertEqual(holds, expected, "\(cls) n = \(n) f = \(f) q = \(q)")
          let members = Naive.members(b)
          for case (_, let v?) in results {
            XCTAssertTrue(Naive.isReal(v, quorums: quorums, members: members), "\(v)")
          }
        }
      }
    }
  }

  func testThresholdQuorumSizes() {
    XCTAssertEqual(QuorumSystem.paperThresholdQuorumSize(.masking, n: 5, f: 1), 4)
    XCTAssertEqual(QuorumSystem.paperThresholdQuorumSize(.dissemination, n: 4, f: 1), 3)
    XCTAssertEqual(QuorumSystem.paperThresholdQuorumSize(.opaque, n: 5, f: 1), 4)
    XCTAssertEqual(
      QuorumSystem.paperThresholdQuorumSize(.masking, n: 1_000_000_000, f: 249_999_999),
      750_000_000)
    XCTAssertEqual(
      QuorumSystem.paperThresholdQuorumSize(.opaque, n: 1_000_000_000, f: 200_000_000),
      800_000_000)
    let big = QuorumSystem.threshold(n: 1_000_000_000, quorumSize: 600_000_000)
    XCTAssertNil(big.quorums)
    XCTAssertEqual(big.smallestQuorumSize, 600_000_000)
    let small = QuorumSystem.threshold(n: 5, quorumSize: 3)
    XCTAssertEqual(small.quorums?.count, 10)
    XCTAssertEqual(small.smallestQuorumSize, 3)
    XCTAssertEqual(QuorumSystem.threshold(n: 5, quorumSize: 6).quorums, [])
    XCTAssertNil(QuorumSystem.threshold(n: 5, quorumSize: 6).smallestQuorumSize)
    XCTAssertNil(QuorumSystem.threshold(n: 20, quorumSize: 10, listLimit: 1000).quorums)
  }

  /// Explicit families whose subsets are too many to index one by one take the per-server
  /// index; answers still match the definitions.
  func testLargeExplicitFamilies() throws {
    var rng = SplitMix64(seed: 10)
    for _ in 0..<20 {
      let n = 26
      var family = Set<ServerSet>()
      while family.count < 6 {
        var s = RandomInput.set(n: n, using: &rng)
        while s.count < 21 { s.insert(Int.random(in: 0..<n, using: &rng)) }
        family.insert(s)
      }
      let sets = Array(family).filter { s in !family.contains { $0 != s && s.isSubset(of: $0) } }
      let b = try FailProneSystem.explicit(universe: Universe(count: n), sets: sets)
      let members = try b.members(limit: 100)
      let quorums = (0..<4).map { _ in
        ServerSet((0..<n).filter { _ in Double.random(in: 0..<1, using: &rng) < 0.8 })
      }
      for p in [QuorumProperty.m1, .d1] {
        let expected = Naive.firstViolation(p, quorums: quorums, members: members)
        let got = try PropertyChecker.firstViolation(of: p, quorums: quorums, failProne: b)
        XCTAssertEqual(got == nil, expected == nil, "\(p)")
        if let got, let expected {
          XCTAssertEqual(
            [got.q1, got.q2, got.b1, got.b2], [expected.0, expected.1, expected.2, expected.3])
        }
      }
    }
  }

  /// A nested system with repeated servers that is too large to list: D1 and availability
  /// are decided on the tree, M1, O1, O2 refuse.
  func testRepeatedServersTooLargeToList() throws {
    let e = ThresholdExpression.select(
      k: 2,
      of: [
        .select(k: 1, of: [.server(0), .server(1)]), .select(k: 1, of: [.server(1), .server(2)]),
      ])
    let b = try FailProneSystem.nested(universe: Universe(count: 3), expression: e)
    XCTAssertEqual(try b.members(limit: 10).map(\.members), [[0, 1], [0, 2], [1, 2]])
    let quorums = [ServerSet([0, 1]), ServerSet([1, 2])]
    XCTAssertThrowsError(
      try PropertyChecker.firstViolation(of: .m1, quorums: quorums, failProne: b, memberLimit: 0))
    XCTAssertThrowsError(
      try PropertyChecker.firstViolation(of: .o1, quorums: quorums, failProne: b, memberLimit: 0))
    let d1 = try XCTUnwrap(
      try PropertyChecker.firstViolation(of: .d1, quorums: quorums, failProne: b, memberLimit: 0))
    XCTAssertTrue(Naive.isReal(d1, quorums: quorums, members: try b.members(limit: 10)))
    let d2 = try XCTUnwrap(
      try PropertyChecker.firstViolation(of: .d2, quorums: quorums, failProne: b, memberLimit: 0))
    XCTAssertTrue(Naive.isReal(d2, quorums: quorums, members: try b.members(limit: 10)))
  }

  /// A nested system far too large to list is checked on its tree.
  func testLargeNestedSystemOnTheTree() throws {
    // 12 groups of 5 (60 servers), select 8 out-of the groups: 495 · 6^8 ≈ 8.3e8 sets.
    let groups: [ThresholdExpression] = (0..<12).map { g in
      .select(k: 2, of: [.server(5 * g), .select(k: 2, of: (1...4).map { .server(5 * g + $0) })])
    }
    let b = try FailProneSystem.nested(
      universe: Universe(count: 60), expression: .select(k: 8, of: groups))
    let everything = ServerSet.universe(60)
    // One quorum, the whole universe: M1 needs Q ⊄ B1 ∪ B2 (two sets of 24 cannot cover 60).
    XCTAssertNil(try PropertyChecker.firstViolation(of: .m1, quorums: [everything], failProne: b))
    // Availability fails: every member meets the universe.
    let m2 = try XCTUnwrap(
      try PropertyChecker.firstViolation(of: .m2, quorums: [everything], failProne: b))
    XCTAssertTrue(b.hasMember(containing: try XCTUnwrap(m2.b1)))
    XCTAssertEqual(m2.b1?.count, 24)
    // Two quorums meeting in 30 servers: two members of 24 cover them (M1 fails).
    let q1 = ServerSet.range(0..<45)
    let q2 = ServerSet.range(15..<60)
    let v = try XCTUnwrap(
      try PropertyChecker.firstViolation(of: .m1, quorums: [q1, q2], failProne: b))
    let i = try XCTUnwrap(v.q1).intersection(try XCTUnwrap(v.q2))
    XCTAssertTrue(i.subtracting(try XCTUnwrap(v.b1)).isSubset(of: try XCTUnwrap(v.b2)))
    XCTAssertTrue(b.hasMember(containing: v.b1!) && b.hasMember(containing: v.b2!))
    XCTAssertEqual(v.b1?.count, 24)
    let o2 = try XCTUnwrap(
      try PropertyChecker.firstViolation(of: .o2, quorums: [q1, q2], failProne: b))
    XCTAssertTrue(b.hasMember(containing: o2.b1!))
  }
}
