import ProtocolKit
import QuorumKit
import XCTest

/// The checker's fast paths under symmetry (`canonicalSuccessor`, which moves only the changed
/// profile into place, and `encodeCanonicalSuccessor`, which does so on the parent's encoding)
/// must give exactly `canonicalize(successor)` for every action of every reachable
/// representative: a difference would merge or split states silently.
final class CanonicalSuccessorTests: XCTestCase {
  /// Walks the reachable representatives breadth-first (up to `limit`) and compares the paths
  /// on every action; returns the number of transitions compared and how many of them the
  /// encoding shortcut took.
  func compareBothPaths(_ model: ReadWriteModel, limit: Int = 4000) -> (
    compared: Int, shortcuts: Int
  ) {
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
    var shortcuts = 0
    var cursor = 0
    var shortcut = [UInt64](repeating: 0, count: model.wordsPerState)
    var actions: [ReadWriteAction] = []
    var fast = ReadWriteState(serverCount: model.instance.universe.count)
    // As the checker has it: decoded from its words (with the operations' counts cached).
    var decoded = fast
    while cursor < queue.count, queue.count < limit {
      let s = queue[cursor]
      cursor += 1
      let parent = words(s)
      parent.withUnsafeBufferPointer { model.decode($0.baseAddress!, into: &decoded) }
      XCTAssertEqual(decoded, s)
      actions.removeAll()
      model.actions(of: s, into: &actions)
      for action in actions {
        guard let slow = model.successor(of: s, taking: action).map(model.representative(of:))
        else { continue }
        for (k, from) in [s, decoded].enumerated() {
          XCTAssertTrue(model.canonicalSuccessor(of: from, taking: action, into: &fast))
          XCTAssertEqual(fast, slow, "\(action) from \(s.profiles)")
          let took = shortcut.withUnsafeMutableBufferPointer { out in
            parent.withUnsafeBufferPointer {
              model.encodeCanonicalSuccessor(
                of: from, encoded: $0.baseAddress!, taking: action, into: out.baseAddress!)
            }
          }
          if took {
            XCTAssertEqual(shortcut, words(slow), "encoded: \(action) from \(s.profiles)")
            if k == 1 { shortcuts += 1 }
          }
        }
        compared += 1
        if seen.insert(words(slow)).inserted { queue.append(slow) }
      }
    }
    return (compared, shortcuts)
  }

  func testThresholdInstancesAllRules() throws {
    for rule in [ReadRule.masking, .dissemination, .opaque] {
      let model = try ReadWriteModel(
        .threshold(n: 5, f: 1, q: 3, readRule: rule, writers: 2, readers: 1))
      let (compared, shortcuts) = compareBothPaths(model)
      XCTAssertGreaterThan(compared, 1000, "\(rule)")
      XCTAssertGreaterThan(shortcuts, compared / 4, "\(rule)")
    }
    for (n, f, q, writers, readers) in [(7, 2, 5, 1, 2), (9, 1, 8, 3, 1), (4, 1, 3, 1, 1)] {
      let model = try ReadWriteModel(
        .threshold(n: n, f: f, q: q, readRule: .opaque, writers: writers, readers: readers))
      let (compared, shortcuts) = compareBothPaths(model)
      XCTAssertGreaterThan(compared, 300, "n = \(n)")
      XCTAssertGreaterThan(shortcuts, compared / 4, "n = \(n)")
    }
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
    let (compared, shortcuts) = compareBothPaths(model)
    XCTAssertGreaterThan(compared, 1000)
    // Classes that are not the whole universe: no shortcut.
    XCTAssertEqual(shortcuts, 0)
  }
}
