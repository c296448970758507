import QuorumKit
import XCTest

final class MembersTests: XCTestCase {
  func testMembersOfEachKind() throws {
    let t = try FailProneSystem.threshold(n: 4, f: 2)
    XCTAssertEqual(
      try t.members(limit: 10).map(\.members),
      [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]])
    XCTAssertEqual(t.setCount, 6)
    XCTAssertEqual(t.largestSetSize, 2)
    XCTAssertEqual(try FailProneSystem.threshold(n: 3, f: 0).members(limit: 1), [ServerSet()])

    let u = Universe(count: 5)
    let e = try FailProneSystem.explicit(universe: u, sets: [ServerSet([3, 4]), ServerSet([0])])
    XCTAssertEqual(try e.members(limit: 5), [ServerSet([0]), ServerSet([3, 4])])
    XCTAssertEqual(e.largestSetSize, 2)

    let p = try FailProneSystem.partition(
      universe: u, blocks: [ServerSet([2, 3, 4]), ServerSet([0, 1])])
    XCTAssertEqual(try p.members(limit: 5), [ServerSet([0, 1]), ServerSet([2, 3, 4])])
    XCTAssertEqual(p.setCount, 2)
    XCTAssertEqual(p.largestSetSize, 3)
  }

  func testNestedMembers() throws {
    // select 2 out-of [0, select 1 out-of [1, 2], 3]
    let e = ThresholdExpression.select(
      k: 2, of: [.server(0), .select(k: 1, of: [.server(1), .server(2)]), .server(3)])
    let b = try FailProneSystem.nested(universe: Universe(count: 4), expression: e)
    XCTAssertEqual(
      try b.members(limit: 100).map(\.members), [[0, 1], [0, 2], [0, 3], [1, 3], [2, 3]])
    XCTAssertEqual(b.setCount, 5)
    XCTAssertEqual(b.largestSetSize, 2)
    XCTAssertTrue(b.hasDisjointLeaves)
    XCTAssertThrowsError(try b.members(limit: 4))

    // Repeated server 0: {0} ∪ {0, 1} = {0, 1} and {0} ∪ {2} = {0, 2}; the union {0, 1} of
    // the second choice lies inside {0, 1, 2}? No: listed are the maximal unions only.
    let r = ThresholdExpression.select(
      k: 2,
      of: [.server(0), .select(k: 1, of: [.server(0), .server(1)]), .server(2)])
    let br = try FailProneSystem.nested(universe: Universe(count: 3), expression: r)
    XCTAssertFalse(br.hasDisjointLeaves)
    // Choices: {0}∪{0} = {0}, {0}∪{1}, {0}∪{2}, {0}∪{2}, {1}∪{2}: maximal {0,1}, {0,2}, {1,2}.
    XCTAssertEqual(try br.members(limit: 100).map(\.members), [[0, 1], [0, 2], [1, 2]])
    XCTAssertEqual(br.setCount, 3)
    XCTAssertEqual(br.largestSetSize, 2)

    // A subtree that denotes only the empty set: select 1 out-of [select 0 out-of [0], 1]
    // has the unions {} and {1}; only {1} is maximal, and server 0 is in no member.
    let z = ThresholdExpression.select(k: 1, of: [.select(k: 0, of: [.server(0)]), .server(1)])
    let bz = try FailProneSystem.nested(universe: Universe(count: 2), expression: z)
    XCTAssertEqual(try bz.members(limit: 10), [ServerSet([1])])
    XCTAssertEqual(bz.setCount, 1)
    XCTAssertFalse(bz.hasMember(containing: ServerSet([0])))
  }

  func testLargerExpansionWithRepeatedServers() throws {
    // 10 children, each one of two servers out of 9; choose 4: 3,360 unions, many equal.
    let pairs = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 0), (0, 4)]
    let e = ThresholdExpression.select(
      k: 4, of: pairs.map { .select(k: 1, of: [.server($0.0), .server($0.1)]) })
    let b = try FailProneSystem.nested(universe: Universe(count: 9), expression: e)
    let expected = Naive.members(b)
    XCTAssertGreaterThan(expected.count, 64)
    XCTAssertEqual(try b.members(limit: 5000), expected)
    XCTAssertEqual(b.setCount, Double(expected.count))
    XCTAssertEqual(b.largestSetSize, 4)
    XCTAssertThrowsError(try b.members(limit: 1000))
    for s in Naive.allSubsets(9) where s.count <= 5 {
      XCTAssertEqual(b.hasMember(containing: s), expected.contains { s.isSubset(of: $0) }, "\(s)")
    }
  }

  func testRingOfGroupsCountsWithoutExpanding() throws {
    let b = try ring()
    XCTAssertEqual(b.setCount, 715 * 10_077_696)
    XCTAssertEqual(b.largestSetSize, 27)
    XCTAssertTrue(b.hasDisjointLeaves)
    XCTAssertThrowsError(try b.members(limit: 1_000_000))
  }

  func testMembersAgainstNaiveExpansion() throws {
    var rng = SplitMix64(seed: 1)
    for _ in 0..<300 {
      let n = Int.random(in: 1...7, using: &rng)
      let b = RandomInput.failProne(n: n, using: &rng)
      let expected = Naive.members(b)
      XCTAssertEqual(try b.members(limit: 10_000), expected, "\(b)")
      XCTAssertEqual(b.setCount, Double(expected.count), "\(b)")
      XCTAssertEqual(b.largestSetSize, expected.map(\.count).max(), "\(b)")
    }
  }

  func testHasMemberAgainstExpansion() {
    var rng = SplitMix64(seed: 2)
    for _ in 0..<300 {
      let n = Int.random(in: 1...8, using: &rng)
      let b = RandomInput.failProne(n: n, using: &rng)
      let members = Naive.members(b)
      for _ in 0..<20 {
        var s = RandomInput.set(n: n, using: &rng)
        // Mostly small sets, so that both answers occur.
        while s.count > 3 { s.remove(s.members.randomElement(using: &rng)!) }
        XCTAssertEqual(
          b.hasMember(containing: s), members.contains { s.isSubset(of: $0) }, "\(b) \(s)")
      }
      XCTAssertTrue(b.hasMember(containing: ServerSet()))
      XCTAssertFalse(b.hasMember(containing: ServerSet([n])))
    }
  }

  func testMemberHittingAllAgainstExpansion() throws {
    var rng = SplitMix64(seed: 3)
    var found = 0
    for _ in 0..<400 {
      let n = Int.random(in: 1...8, using: &rng)
      let b = RandomInput.failProne(n: n, using: &rng)
      let members = Naive.members(b)
      let quorums = RandomInput.quorums(n: n, maxCount: 5, using: &rng)
      let hitting = members.filter { m in quorums.allSatisfy { !$0.isDisjoint(with: m) } }
      let answer = b.memberHittingAll(quorums)
      XCTAssertEqual(answer == nil, hitting.isEmpty, "\(b) \(quorums)")
      if let answer {
        found += 1
        XCTAssertTrue(hitting.contains(answer), "\(b) \(quorums) \(answer)")
        if case .nested = b.kind {
        } else {
          XCTAssertEqual(answer, hitting.first, "first in order: \(b) \(quorums)")
        }
      }
    }
    XCTAssertGreaterThan(found, 50)
  }

  func testMemberHittingAllEdgeCases() throws {
    let t = try FailProneSystem.threshold(n: 6, f: 2)
    XCTAssertEqual(t.memberHittingAll([]), ServerSet([0, 1]))
    XCTAssertNil(t.memberHittingAll([ServerSet()]))
    XCTAssertNil(t.memberHittingAll([ServerSet([0]), ServerSet([1]), ServerSet([2])]))
    XCTAssertEqual(t.memberHittingAll([ServerSet([4]), ServerSet([3, 5])]), ServerSet([3, 4]))
    let none = try FailProneSystem.threshold(n: 3, f: 0)
    XCTAssertEqual(none.memberHittingAll([]), ServerSet())
    XCTAssertNil(none.memberHittingAll([ServerSet([0])]))
    // All 8-sets of 13 servers against f-sets: hit iff f >= 13 - 8 + 1.
    let quorums = Array(KSubsets(n: 13, k: 8))
    XCTAssertNil(try FailProneSystem.threshold(n: 13, f: 5).memberHittingAll(quorums))
    XCTAssertEqual(
      try FailProneSystem.threshold(n: 13, f: 6).memberHittingAll(quorums), ServerSet.range(0..<6))
    // Large universes: only servers below 64 are named.
    let big = try FailProneSystem.threshold(n: 1000, f: 3)
    XCTAssertEqual(
      big.memberHittingAll([ServerSet([10, 20]), ServerSet([20, 30])]), ServerSet([0, 1, 20]))
    let ringB = try ring()
    let hit = try XCTUnwrap(ringB.memberHittingAll([ServerSet([0, 5]), ServerSet([1])]))
    XCTAssertTrue(ringB.hasMember(containing: hit))
  }
}

/// 13 groups of 5 servers, each `select 2 out-of [s, select 2 out-of [4 servers]]`, and
/// `select 9 out-of` the groups: 65 servers, 715 · 6^9 ≈ 7.2e9 member sets.
func ring() throws -> FailProneSystem {
  let groups: [ThresholdExpression] = (0..<13).map { g in
    let base = 5 * g
    return .select(
      k: 2,
      of: [.server(base), .select(k: 2, of: (1...4).map { .server(base + $0) })])
  }
  return try FailProneSystem.nested(
    universe: Universe(count: 65), expression: .select(k: 9, of: groups))
}
