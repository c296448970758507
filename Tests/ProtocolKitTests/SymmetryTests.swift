import ProtocolKit
import QuorumKit
import XCTest

/// Symmetry reduction by classes of interchangeable servers (and the automorphism group they
/// are normal in, SymmetryGroupTests): the same verdicts as without it,
/// and the stored representatives stand for exactly the unreduced state space.
final class SymmetryTests: XCTestCase {
  func verdictName(_ v: Verdict<ReadWriteModel>) -> String {
    switch v {
    case .safe: return "safe"
    case .violated(let c): return "violated \(c.property) after \(c.trace.steps.count)"
    case .unknown(let r): return "unknown \(r)"
    }
  }

  /// Explores with and without symmetry; returns (states on, represented on, states off).
  func compare(
    _ instance: ReadWriteInstance, file: StaticString = #filePath, line: UInt = #line
  ) throws -> (on: SearchStatistics, off: SearchStatistics, verdict: String) {
    let model = try ReadWriteModel(instance)
    let on = try model.explore(limits: SearchLimits(symmetry: true))
    let off = try model.explore(limits: SearchLimits(symmetry: false))
    XCTAssertEqual(verdictName(on.verdict), verdictName(off.verdict), file: file, line: line)
    if case .violated(let c) = on.verdict {
      XCTAssertTrue(c.trace.replays(in: model), file: file, line: line)
    }
    XCTAssertEqual(off.statistics.representedStates, Double(off.statistics.states))
    if case .safe = on.verdict {
      // Every unreduced reachable state is in the orbit of exactly one stored representative.
      XCTAssertEqual(
        on.statistics.representedStates, Double(off.statistics.states), file: file, line: line)
    }
    return (on.statistics, off.statistics, verdictName(on.verdict))
  }

  func testThresholdInstancesRepresentTheUnreducedStateSpace() throws {
    let d = try compare(
      .threshold(
        n: 4, f: 1, q: 3, readRule: .dissemination, writers: 2, readers: 1))
    XCTAssertEqual(d.verdict, "safe")
    XCTAssertEqual(d.on.states, 7321)
    XCTAssertEqual(d.off.states, 126_836)
    let o = try compare(.threshold(n: 5, f: 1, q: 4, readRule: .opaque, writers: 1, readers: 1))
    XCTAssertEqual(o.verdict, "safe")
    XCTAssertEqual(o.on.representedStates, Double(o.off.states))
  }

  func testPartitionWithSuperElements() throws {
    // Example 4.9 on m = 5 blocks {0, 1}, {2}, ..., {5} with super-elements {0}, {2}, ..., {5}:
    // classes {0}, {1}, {2, 3, 4, 5}.
    let u = Universe(count: 6)
    let blocks = [
      ServerSet([0, 1]), ServerSet([2]), ServerSet([3]), ServerSet([4]), ServerSet([5]),
    ]
    let elements = [ServerSet([0]), ServerSet([2]), ServerSet([3]), ServerSet([4]), ServerSet([5])]
    let quorums = try QuorumSystem.superElements(universe: u, elements: elements, quorumSize: 4)
    let instance = try ReadWriteInstance(
      universe: u, failProne: try .partition(universe: u, blocks: blocks),
      quorums: quorums.quorums!, readRule: .masking, writers: 1, readers: 1)
    XCTAssertEqual(try ReadWriteModel(instance).symmetryClasses, [[0], [1], [2, 3, 4, 5]])
    let r = try compare(instance)
    XCTAssertEqual(r.verdict, "safe")
    XCTAssertEqual(r.on.states, 1036)
    XCTAssertEqual(r.off.states, 13045)
  }

  func testExplicitSystems() throws {
    // B = {{0}, {1}, {2, 3}}: classes {0, 1}, {2, 3}, {4}; the opaque rule is broken here.
    let u = Universe(count: 5)
    let b = try FailProneSystem.explicit(
      universe: u, sets: [ServerSet([0]), ServerSet([1]), ServerSet([2, 3])])
    let quorums = [
      ServerSet([0, 1, 2, 3, 4]), ServerSet([0, 2, 3, 4]), ServerSet([1, 2, 3, 4]),
      ServerSet([0, 1, 4]),
    ]
    let opaque = try ReadWriteInstance(
      universe: u, failProne: b, quorums: quorums, readRule: .opaque, writers: 1, readers: 1)
    XCTAssertEqual(try ReadWriteModel(opaque).symmetryClasses, [[0, 1], [2, 3], [4]])
    let r = try compare(opaque)
    XCTAssertEqual(
      r.verdict,
      "violated Lemma 5.11: a read concurrent with no write returns the last preceding write's value after 6"
    )
    XCTAssertEqual(r.on.states, 1133)
    XCTAssertEqual(r.off.states, 3285)
    // The same sets with the masking rule: safe, and the sum is exact.
    let masking = try ReadWriteInstance(
      universe: u, failProne: b, quorums: quorums, readRule: .masking, writers: 1, readers: 1)
    XCTAssertEqual(try compare(masking).verdict.prefix(4), "safe")
    // All singletons and all 3-subsets listed explicitly: one class, as for threshold.
    let u4 = Universe(count: 4)
    let listed = try ReadWriteInstance(
      universe: u4, failProne: .explicit(universe: u4, sets: (0..<4).map { ServerSet([$0]) }),
      quorums: Array(KSubsets(n: 4, k: 3)), readRule: .masking, writers: 2, readers: 1)
    XCTAssertEqual(try ReadWriteModel(listed).symmetryClasses, [[0, 1, 2, 3]])
    XCTAssertEqual(
      try compare(listed).verdict,
      "violated Lemma 4.2: a read concurrent with no write returns the last preceding write's value after 8"
    )
  }

  func testGridRowsAreClasses() throws {
    // The 3 x 3 grid, one column and two rows per quorum, no faulty server (B = {∅}): each row
    // is a class. The unreduced state space (1,018,390 states, `explore --no-symmetry` on the
    // same instance) is too large for a unit test; the sum of the orbits must still hit it.
    let grid = try QuorumSystem.grid(k: 3, rows: 2)
    let u = Universe(count: 9)
    let instance = try ReadWriteInstance(
      universe: u, failProne: .threshold(universe: u, f: 0), quorums: grid.quorums!,
      readRule: .opaque, writers: 1, readers: 1)
    let model = try ReadWriteModel(instance)
    XCTAssertEqual(model.symmetryClasses, [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    let on = try model.explore(limits: SearchLimits(symmetry: true))
    XCTAssertEqual(verdictName(on.verdict), "safe")
    // The rows are also exchangeable as blocks: the automorphism group (S3 wr S3, order 1296)
    // has 6 cosets of the classes' permutations (order 216). Under the classes alone 23,491
    // states were stored.
    XCTAssertEqual(model.group.subgroupOrder, 216)
    XCTAssertEqual(model.group.order, 1296)
    XCTAssertEqual(on.statistics.states, 4170)
    XCTAssertEqual(on.statistics.representedStates, 1_018_390)
    // One row per quorum: no transposition is a symmetry, but the automorphism group (rows,
    // columns, transposition) has order 72.
    let oneRow = try ReadWriteModel(
      ReadWriteInstance(
        universe: u, failProne: .threshold(universe: u, f: 1),
        quorums: try QuorumSystem.grid(k: 3, rows: 1).quorums!, readRule: .opaque, writers: 1,
        readers: 1))
    XCTAssertEqual(oneRow.symmetryClasses.count, 9)
    XCTAssertTrue(oneRow.hasSymmetry)
    XCTAssertEqual(oneRow.group.order, 72)
  }

  func testReducedActionsReachTheSameRepresentatives() throws {
    // On every state of a small reduced search, the reduced actions' successors have the same
    // set of representatives as all actions' successors.
    let model = try ReadWriteModel(
      .threshold(n: 5, f: 1, q: 4, readRule: .opaque, writers: 2, readers: 1))
    var frontier = model.initialStates.map { model.representative(of: $0) }
    var seen = Set(frontier)
    var checked = 0
    while let s = frontier.popLast(), checked < 3000 {
      checked += 1
      var all: [ReadWriteAction] = []
      var reduced: [ReadWriteAction] = []
      model.actions(of: s, into: &all)
      model.reducedActions(of: s, into: &reduced)
      XCTAssertLessThanOrEqual(reduced.count, all.count)
      let a = Set(all.compactMap { model.successor(of: s, taking: $0) }.map(model.representative))
      let b = Set(
        reduced.compactMap { model.successor(of: s, taking: $0) }.map(model.representative))
      XCTAssertEqual(a, b)
      for t in a where seen.insert(t).inserted { frontier.append(t) }
    }
    XCTAssertEqual(checked, 3000)
  }
}
