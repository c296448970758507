import QuorumKit
import XCTest

/// Independent, naive versions of the library's algorithms, straight from the definitions.
enum Naive {
  /// Every subset of `{0, ..., n - 1}`, in ServerSet order.
  static func allSubsets(_ n: Int) -> [ServerSet] {
    (0..<(UInt64(1) << UInt64(n))).map { ServerSet(bits: $0) }.sorted()
  }

  /// The raw family of a nested expression: every choice of exactly k children and one set
  /// of each.
  static func rawFamily(_ e: ThresholdExpression) -> Set<ServerSet> {
    switch e {
    case .server(let s): return [ServerSet([s])]
    case .select(let k, let children):
      let families = children.map(rawFamily)
      var result = Set<ServerSet>()
      func go(_ i: Int, _ taken: Int, _ acc: ServerSet) {
        if taken == k {
          result.insert(acc)
          return
        }
        if i == families.count { return }
        if families.count - i > k - taken { go(i + 1, taken, acc) }  // skip child i
        for s in families[i] { go(i + 1, taken + 1, acc.union(s)) }
      }
      go(0, 0, ServerSet())
      return result
    }
  }

  /// The inclusion-maximal sets, sorted.
  static func maximal(_ family: Set<ServerSet>) -> [ServerSet] {
    family.filter { s in !family.contains { $0 != s && s.isSubset(of: $0) } }.sorted()
  }

  /// The members of any kind, computed without the library's expansion code.
  static func members(_ b: FailProneSystem) -> [ServerSet] {
    switch b.kind {
    case .threshold(let f): return allSubsets(b.n).filter { $0.count == f }
    case .explicit(let sets): return sets.sorted()
    case .partition(let blocks): return blocks.sorted()
    case .nested(let e): return maximal(rawFamily(e))
    }
  }

  /// Whether the pair (or, for availability, the single set) breaks the property, as the
  /// paper writes it.
  static func breaks(
    _ p: QuorumProperty, q1: ServerSet, q2: ServerSet, b1: ServerSet, b2: ServerSet
  ) -> Bool {
    let i = q1.intersection(q2)
    switch p {
    case .m1: return i.subtracting(b1).isSubset(of: b2)
    case .d1: return i.isSubset(of: b1)
    case .o1:
      return i.subtracting(b1).count < q2.intersection(b1).union(q2.subtracting(q1)).count
    case .o2: return !(i.subtracting(b1).count > q2.intersection(b1).count)
    case .m2, .d2, .o3: return false
    }
  }

  /// The first violation in the documented order: (Q1, Q2, B1, B2) lexicographically over
  /// sorted quorums and members; availability: the first member meeting every quorum.
  static func firstViolation(
    _ p: QuorumProperty, quorums: [ServerSet], members: [ServerSet]
  ) -> (ServerSet?, ServerSet?, ServerSet?, ServerSet?)? {
    let qs = Array(Set(quorums)).sorted()
    if p.isAvailability {
      for b in members where qs.allSatisfy({ !$0.isDisjoint(with: b) }) {
        return (nil, nil, b, nil)
      }
      return nil
    }
    for q1 in qs {
      for q2 in qs {
        for b1 in members {
          if p == .m1 {
            for b2 in members where breaks(p, q1: q1, q2: q2, b1: b1, b2: b2) {
              return (q1, q2, b1, b2)
            }
          } else if breaks(p, q1: q1, q2: q2, b1: b1, b2: b1) {
            return (q1, q2, b1, nil)
          }
        }
      }
    }
    return nil
  }

  /// Whether a reported violation is a real one: its sets are members and quorums, and the
  /// relation breaks.
  static func isReal(_ v: PropertyViolation, quorums: [ServerSet], members: [ServerSet]) -> Bool {
    guard let b1 = v.b1, members.contains(b1) else { return false }
    if v.property.isAvailability {
      return v.q1 == nil && quorums.allSatisfy { !$0.isDisjoint(with: b1) }
    }
    guard let q1 = v.q1, let q2 = v.q2, quorums.contains(q1), quorums.contains(q2) else {
      return false
    }
    if v.property == .m1 {
      guard let b2 = v.b2, members.contains(b2) else { return false }
      return breaks(.m1, q1: q1, q2: q2, b1: b1, b2: b2)
    }
    return v.b2 == nil && breaks(v.property, q1: q1, q2: q2, b1: b1, b2: b1)
  }

  /// Whether some `count` members (with repetition) cover the universe.
  static func hasCover(_ members: [ServerSet], n: Int, count: Int) -> Bool {
    let all = ServerSet.universe(n)
    func go(_ start: Int, _ left: Int, _ acc: ServerSet) -> Bool {
      if all.isSubset(of: acc) { return true }
      if left == 0 { return false }
      for i in start..<members.count where go(i, left - 1, acc.union(members[i])) { return true }
      return false
    }
    return go(0, count, ServerSet())
  }
}

/// Random inputs beyond the library's own generators.
enum RandomInput {
  /// 1 to `maxCount` random subsets of `{0, ..., n - 1}`.
  static func quorums(n: Int, maxCount: Int = 6, using rng: inout SplitMix64) -> [ServerSet] {
    let count = Int.random(in: 1...maxCount, using: &rng)
    let density = Double.random(in: 0.3...0.9, using: &rng)
    return (0..<count).map { _ in
      ServerSet((0..<n).filter { _ in Double.random(in: 0..<1, using: &rng) < density })
    }
  }

  /// A random set over n servers.
  static func set(n: Int, using rng: inout SplitMix64) -> ServerSet {
    ServerSet(bits: rng.next() & ServerSet.universe(n).bits)
  }

  /// A random nested expression whose leaves may repeat servers.
  static func nestedWithRepeats(n: Int, using rng: inout SplitMix64) -> FailProneSystem {
    func node(_ depth: Int) -> ThresholdExpression {
      if depth >= 2 || Int.random(in: 0..<3, using: &rng) == 0 {
        return .server(Int.random(in: 0..<n, using: &rng))
      }
      let width = Int.random(in: 1...3, using: &rng)
      let children = (0..<width).map { _ in node(depth + 1) }
      return .select(k: Int.random(in: 0...width, using: &rng), of: children)
    }
    let width = Int.random(in: 1...4, using: &rng)
    let root = ThresholdExpression.select(
      k: Int.random(in: 1...width, using: &rng), of: (0..<width).map { _ in node(1) })
    return try! FailProneSystem.nested(universe: Universe(count: n), expression: root)
  }

  /// A random partition of n servers into 1 to n blocks.
  static func partition(n: Int, using rng: inout SplitMix64) -> FailProneSystem {
    let blocks = Int.random(in: 1...n, using: &rng)
    var sets = [ServerSet](repeating: ServerSet(), count: blocks)
    // Each block gets one server first, so none is empty.
    let order = Array(0..<n).shuffled(using: &rng)
    for (i, s) in order.enumerated() {
      sets[i < blocks ? i : Int.random(in: 0..<blocks, using: &rng)].insert(s)
    }
    return try! FailProneSystem.partition(universe: Universe(count: n), blocks: sets)
  }

  /// A random fail-prone system of any kind over n servers (n <= 8 keeps expansions small).
  static func failProne(n: Int, using rng: inout SplitMix64) -> FailProneSystem {
    switch Int.random(in: 0..<5, using: &rng) {
    case 0: return try! FailProneSystem.threshold(n: n, f: Int.random(in: 0..<n, using: &rng))
    case 1: return partition(n: n, using: &rng)
    case 2: return RandomFailProne.nested(n: n, using: &rng)
    case 3: return nestedWithRepeats(n: n, using: &rng)
    default: return RandomFailProne.explicit(n: n, using: &rng)
    }
  }
}
