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

/// ``ReadWriteModel`` with its encoding shortcut hidden: the checker then builds every
/// successor and encodes it (the general path).
struct WithoutEncodingShortcut: TransitionSystem {
  let model: ReadWriteModel

  var initialStates: [ReadWriteState] { model.initialStates }
  func actions(of s: ReadWriteState, into actions: inout [ReadWriteAction]) {
    model.actions(of: s, into: &actions)
  }
  func reducedActions(of s: ReadWriteState, into actions: inout [ReadWriteAction]) {
    model.reducedActions(of: s, into: &actions)
  }
  func successor(of s: ReadWriteState, taking a: ReadWriteAction) -> ReadWriteState? {
    model.successor(of: s, taking: a)
  }
  func canonicalSuccessor(
    of s: ReadWriteState, taking a: ReadWriteAction, into t: inout ReadWriteState
  ) -> Bool {
    model.canonicalSuccessor(of: s, taking: a, into: &t)
  }
  var properties: [SafetyProperty<ReadWriteState>] { model.properties }
  var wordsPerState: Int { model.wordsPerState }
  func encode(_ s: ReadWriteState, into w: UnsafeMutablePointer<UInt64>) {
    model.encode(s, into: w)
  }
  func decode(_ w: UnsafePointer<UInt64>) -> ReadWriteState { model.decode(w) }
  func representative(of s: ReadWriteState) -> ReadWriteState { model.representative(of: s) }
  func orbitSize(of s: ReadWriteState) -> Double { model.orbitSize(of: s) }
  func describe(_ a: ReadWriteAction, from: ReadWriteState, to: ReadWriteState) -> String {
    model.describe(a, from: from, to: to)
  }
}

final class EncodingShortcutSearchTests: XCTestCase {
  /// Whole searches with and without the shortcut on small threshold instances (every rule,
  /// sound and broken quorum sizes, one or two writes and reads): the same verdicts, states,
  /// transitions, depths and represented states, and the same shortest runs.
  func testSameSearchWithAndWithoutTheShortcut() throws {
    var searched = 0
    var verdicts: [String: Int] = [:]
    for (n, f) in [(3, 0), (4, 1), (5, 1), (6, 1), (7, 2), (9, 2)] {
      for q in Set([n - f, (n + 2 * f + 2) / 2, n - 1]) where q >= 1 && q <= n {
        for rule in [ReadRule.masking, .dissemination, .opaque] {
          for (writes, reads) in [(1, 1), (2, 1), (1, 2)] {
            let model = try ReadWriteModel(
              .threshold(
                n: n, f: f, q: q, readRule: rule, writers: 1, writesPerWriter: writes,
                readers: 1, readsPerReader: reads))
            let limits = SearchLimits(maxStates: 3000)
            let fast = try model.explore(limits: limits)
            let general = try BFSChecker.check(
              WithoutEncodingShortcut(model: model), limits: limits)
            let label = "n \(n) f \(f) q \(q) \(rule) \(writes)w \(reads)r"
            XCTAssertEqual(fast.statistics.states, general.statistics.states, label)
            XCTAssertEqual(fast.statistics.transitions, general.statistics.transitions, label)
            XCTAssertEqual(fast.statistics.depth, general.statistics.depth, label)
            XCTAssertEqual(
              fast.statistics.representedStates, general.statistics.representedStates, label)
            switch (fast.verdict, general.verdict) {
            case (.safe, .safe): verdicts["safe", default: 0] += 1
            case (.unknown, .unknown): verdicts["unknown", default: 0] += 1
            case (.violated(let a), .violated(let b)):
              XCTAssertEqual(a.property, b.property, label)
              XCTAssertEqual(
                a.trace.describe(in: model),
                b.trace.describe(in: WithoutEncodingShortcut(model: model)), label)
              XCTAssertTrue(a.trace.replays(in: model), label)
              verdicts["violated", default: 0] += 1
            default: XCTFail("different verdicts: \(label)")
            }
            searched += 1
          }
        }
      }
    }
    XCTAssertGreaterThan(searched, 80)
    // Both kinds of finished search occur (and searches the state cap stops).
    XCTAssertGreaterThan(verdicts["safe", default: 0], 5, "\(verdicts)")
    XCTAssertGreaterThan(verdicts["violated", default: 0], 5, "\(verdicts)")
  }
}
