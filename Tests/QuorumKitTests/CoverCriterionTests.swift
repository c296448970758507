import QuorumKit
import XCTest

final class CoverCriterionTests: XCTestCase {
  /// A cover's sets are members and their union is the universe.
  private func assertValid(
    _ cover: [ServerSet], count: Int, members: [ServerSet], n: Int, _ message: String = "",
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(cover.count, count, message, file: file, line: line)
    XCTAssertEqual(cover, cover.sorted(), message, file: file, line: line)
    for s in cover { XCTAssertTrue(members.contains(s), "\(s) \(message)", file: file, line: line) }
    XCTAssertEqual(
      cover.reduce(ServerSet()) { $0.union($1) }, ServerSet.universe(n), message, file: file,
      line: line)
  }

  func testAgainstTupleSearch() throws {
    var rng = SplitMix64(seed: 5)
    var covers = 0
    var none = 0
    for _ in 0..<400 {
      let n = Int.random(in: 1...8, using: &rng)
      let b = RandomInput.failProne(n: n, using: &rng)
      let members = Naive.members(b)
      for count in 1...4 {
        let expected = Naive.hasCover(members, n: n, count: count)
        let got = try CoverCriterion.cover(of: b, count: count)
        XCTAssertEqual(got != nil, expected, "\(count) \(b)")
        if let got {
          covers += 1
          assertValid(got, count: count, members: members, n: n, "\(b)")
        } else {
          none += 1
        }
      }
    }
    XCTAssertGreaterThan(covers, 200)
    XCTAssertGreaterThan(none, 200)
  }

  func testNestedProgramAgainstExpansion() throws {
    var rng = SplitMix64(seed: 6)
    for _ in 0..<300 {
      let n = Int.random(in: 1...10, using: &rng)
      let b = RandomFailProne.nested(n: n, using: &rng)
      let members = try b.members(limit: 100_000)
      let listed = try FailProneSystem.explicit(universe: b.universe, sets: members)
      for count in 1...4 {
        let tree = try CoverCriterion.cover(of: b, count: count)
        let flat = try CoverCriterion.cover(of: listed, count: count)
        XCTAssertEqual(tree != nil, flat != nil, "\(count) \(b)")
        if let tree { assertValid(tree, count: count, members: members, n: n, "\(b)") }
      }
    }
  }

  func testThresholdAndPartition() throws {
    let t = try FailProneSystem.threshold(n: 9, f: 2)
    XCTAssertNil(try CoverCriterion.cover(of: t, count: 4))
    let c = try XCTUnwrap(try CoverCriterion.cover(of: t, count: 5))
    assertValid(c, count: 5, members: try t.members(limit: 100), n: 9)
    XCTAssertEqual(c.last, ServerSet([7, 8]))
    XCTAssertNil(try CoverCriterion.cover(of: try FailProneSystem.threshold(n: 3, f: 0), count: 4))
    XCTAssertThrowsError(
      try CoverCriterion.cover(of: try FailProneSystem.threshold(n: 65, f: 20), count: 4))
    XCTAssertEqual(
      try CoverCriterion.coverServers(of: try FailProneSystem.threshold(n: 65, f: 20), count: 4)?
        .last,
      Array(45..<65))
    XCTAssertThrowsError(try CoverCriterion.cover(of: t, count: -1))
    XCTAssertNil(try CoverCriterion.cover(of: t, count: 0))

    let p = try FailProneSystem.partition(
      universe: Universe(count: 5),
      blocks: [ServerSet([0, 1]), ServerSet([2]), ServerSet([3, 4])])
    XCTAssertNil(try CoverCriterion.cover(of: p, count: 2))
    XCTAssertEqual(
      try CoverCriterion.cover(of: p, count: 4),
      [ServerSet([2]), ServerSet([0, 1]), ServerSet([3, 4]), ServerSet([3, 4])])
  }

  func testExplicitWithoutCoverBySizeAndByStructure() throws {
    // All 4-subsets of 16 servers: 4 sets of 4 cover 16, 3 do not.
    let sets = Array(KSubsets(n: 16, k: 4))
    let b = try FailProneSystem.explicit(universe: Universe(count: 16), sets: sets)
    XCTAssertNil(try CoverCriterion.cover(of: b, count: 3))
    XCTAssertNotNil(try CoverCriterion.cover(of: b, count: 4))
    // Large sets that each hold at most one of the servers 0, 1, 2, 3: no 3 of them cover.
    var rng = SplitMix64(seed: 7)
    var family = Set<ServerSet>()
    while family.count < 500 {
      var s = RandomInput.set(n: 20, using: &rng).subtracting(ServerSet.range(0..<4))
      s.insert(Int.random(in: 0..<4, using: &rng))
      family.insert(s)
    }
    let antichain = family.filter { s in !family.contains { $0 != s && s.isSubset(of: $0) } }
    let structured = try FailProneSystem.explicit(
      universe: Universe(count: 20), sets: Array(antichain))
    XCTAssertNil(try CoverCriterion.cover(of: structured, count: 3))
  }

  /// The 65-server ring (about 7.2e9 members) is decided on its tree.
  func testRingOfGroups() throws {
    let b = try ring()
    // Each group needs two copies for its inner 4 servers (each copy takes 2 of them), so 13
    // groups need 26 group choices: 2 copies give 18, 3 give 27.
    XCTAssertNil(try CoverCriterion.cover(of: b, count: 2))
    XCTAssertNil(try CoverCriterion.coverServers(of: b, count: 2))
    XCTAssertThrowsError(try CoverCriterion.cover(of: b, count: 3))
    let lists = try XCTUnwrap(try CoverCriterion.coverServers(of: b, count: 3))
    XCTAssertEqual(lists.count, 3)
    XCTAssertEqual(Set(lists.flatMap { $0 }), Set(0..<65))
    for list in lists {
      XCTAssertEqual(list.count, 27)
      XCTAssertTrue(b.hasMember(containing: ServerSet(list.filter { $0 < 64 })))
      // 9 groups, each with its own server and 2 of its 4 others.
      let groups = Dictionary(grouping: list) { $0 / 5 }
      XCTAssertEqual(groups.count, 9)
      for (g, servers) in groups {
        XCTAssertTrue(servers.contains(5 * g))
        XCTAssertEqual(servers.count, 3)
      }
    }
  }
}

/// A cover search that is told to stop throws instead of answering: a stopped search proves
/// nothing, so it must never come back as "no cover".
final class CoverSearchInterruptionTests: XCTestCase {
  func testStoppedSearchThrowsInsteadOfAnsweringNone() throws {
    var rng = SplitMix64(seed: 42)
    var sets = Set<ServerSet>()
    while sets.count < 20_000 {
      var s = ServerSet()
      while s.count < 20 { s.insert(Int.random(in: 0..<40, using: &rng)) }
      sets.insert(s)
    }
    let b = try FailProneSystem.explicit(universe: Universe(count: 40), sets: Array(sets))
    XCTAssertThrowsError(try CoverCriterion.cover(of: b, count: 2, shouldStop: { true })) {
      XCTAssertTrue($0 is CoverSearchInterrupted, "\($0)")
    }
  }
}
