import ProtocolKit
import QuorumKit
import XCTest

/// The checker's fast path under symmetry (`canonicalSuccessor`, which moves only the changed
/// profile into place) must give exactly `canonicalize(successor)` for every action of every
/// reachable representative: a difference would merge or split states silently.
final class CanonicalSuccessorTests: XCTestCase {
  /// Walks the reachable representatives breadth-first (up to `limit`) and compares both paths
  /// on every action; returns the number of transitions compared.
  func compareBothPaths(_ model: ReadWriteModel, limit: Int = 4000) -> Int {
    var seen: Set<[UInt64]> = []
    var queue: [ReadWriteState] = []
    func words(_ s: ReadWriteState) -> [UInt64] {
      var w = [UInt64](repeating: 0, count: model.wordsPerState)
      w.withUnsafeMutableBufferPointer { model.encode(s, into: $0.baseAddress!) }
      return w
    }
    for s in model.initialStates {
      let rep = model.representative(of: s)
      if seen.insert(words(rep)).inserted { queue.append(rep) }
    }
    var compared = 0
    var cursor = 0
    var actions: [ReadWriteAction] = []
    var fast = ReadWriteState(serverCount: model.instance.universe.count)
    while cursor < queue.count, queue.count < limit {
      let s = queue[cursor]
      cursor += 1
      actions.removeAll()
      model.actions(of: s, into: &actions)
      for action in actions {
        guard let slow = model.successor(of: s, taking: action).map(model.representative(of:))
        else { continue }
        XCTAssertTrue(model.canonicalSuccessor(of: s, taking: action, into: &fast))
        XCTAssertEqual(fast, slow, "\(action) from \(s.profiles)")
        compared += 1
        if seen.insert(words(slow)).inserted { queue.append(slow) }
      }
    }
    return compared
  }

  func testThresholdInstancesAllRules() throws {
    for rule in [ReadRule.masking, .dissemination, .opaque] {
      let model = try ReadWriteModel(
        .threshold(n: 5, f: 1, q: 3, readRule: rule, writers: 2, readers: 1))
      XCTAssertGreaterThan(compareBothPaths(model), 1000, "\(rule)")
    }
    let two = try ReadWriteModel(
      .threshold(n: 7, f: 2, q: 5, readRule: .opaque, writers: 1, readers: 2))
    XCTAssertGreaterThan(compareBothPaths(two), 1000)
  }

  func testClassesThatAreNotTheWholeUniverse() throws {
    // Example 4.9 on blocks {0, 1}, {2}, ..., {5} with super-elements: classes {0}, {1},
    // {2, 3, 4, 5} (the fast path must fall back to sorting within classes).
    let u = Universe(count: 6)
    let blocks = [
      ServerSet([0, 1]), ServerSet([2]), ServerSet([3]), ServerSet([4]), ServerSet([5]),
    ]
    let elements = [ServerSet([0]), ServerSet([2]), ServerSet([3]), ServerSet([4]), ServerSet([5])]
    let quorums = try QuorumSystem.superElements(universe: u, elements: elements, quorumSize: 4)
    let model = try ReadWriteModel(
      try ReadWriteInstance(
        universe: u, failProne: try .partition(universe: u, blocks: blocks),
        quorums: quorums.quorums!, readRule: .masking, writers: 1, readers: 1))
    XCTAssertGreaterThan(compareBothPaths(model), 1000)
  }
}
