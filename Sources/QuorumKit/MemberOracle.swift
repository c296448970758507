/// A fail-prone system prepared for many membership questions: "does some member contain
/// S?" (the oracle behind M1 and D1, Definitions 4.1 and 5.1), "which member, first in
/// ``ServerSet`` order, contains S?", and the extension of S to a maximal member.
///
/// Explicit families (and nested ones small enough to list) get an index; threshold and
/// partition systems answer by arithmetic; large nested systems answer on the tree.
final class MemberOracle {
  enum Storage {
    case threshold(f: Int)
    case listed(ListedMembers)
    case partition(blocks: [UInt64], blockOf: [UInt64])
    case tree(NestedTree)
  }

  let n: Int
  let storage: Storage
  /// The size of the largest member (an upper bound for nested trees with repeated servers).
  let largest: Int

  /// - Parameter listLimit: nested systems with at most this many members are listed (so
  ///   answers follow the sorted member order); larger ones are kept as trees (for repeated
  ///   servers only the containment questions are answered on the tree).
  init(_ system: FailProneSystem, listLimit: Int) {
    n = system.n
    switch system.kind {
    case .threshold(let f):
      storage = .threshold(f: f)
      largest = f
    case .explicit(let sets):
      let listed = ListedMembers(sets.sorted(), n: system.n)
      storage = .listed(listed)
      largest = listed.largest
    case .partition(let blocks):
      var blockOf = [UInt64](repeating: 0, count: system.n)
      for b in blocks { for s in b { blockOf[s] = b.bits } }
      storage = .partition(blocks: blocks.sorted().map(\.bits), blockOf: blockOf)
      largest = blocks.map(\.count).max() ?? 0
    case .nested(let e):
      let tree = NestedTree(e)
      if system.n <= ServerSet.capacity && tree.normalCount(tree.normal()) <= Double(listLimit),
        let sets = try? system.members(limit: listLimit)
      {
        let listed = ListedMembers(sets, n: system.n)
        storage = .listed(listed)
        largest = listed.largest
      } else {
        storage = .tree(tree)
        largest = min(tree.normalLargest(tree.normal()), tree.distinctServerCount)
      }
    }
  }

  /// The members in order, when they are listed (explicit, and nested small enough).
  var listedMembers: [ServerSet]? {
    if case .listed(let l) = storage { return l.sets }
    return nil
  }

  /// Whether some member contains `set` (a subset of the universe).
  func containsSuperset(_ set: UInt64) -> Bool {
    switch storage {
    case .threshold(let f): return set.nonzeroBitCount <= f
    case .listed(let l): return l.containsSuperset(set)
    case .partition(_, let blockOf):
      if set == 0 { return true }
      return set & ~blockOf[set.trailingZeroBitCount] == 0
    case .tree(let t): return t.containsSuperset(set)
    }
  }

  /// The first member in ``ServerSet`` order that contains `set` (threshold: `set` and the
  /// smallest other servers; listed and partition: a scan); for trees, ``complete(_:)``. Nil
  /// iff no member contains `set`.
  func firstMember(containing set: UInt64) -> UInt64? {
    switch storage {
    case .threshold(let f):
      guard set.nonzeroBitCount <= f else { return nil }
      return padThreshold(set, f: f)
    case .listed(let l): return l.firstContaining(set)
    case .partition(let blocks, _):
      return blocks.first { set & ~$0 == 0 }
    case .tree:
      return containsSuperset(set) ? complete(set) : nil
    }
  }

  /// `set` plus the smallest servers outside it, up to `f` servers (those below 64).
  func padThreshold(_ set: UInt64, f: Int) -> UInt64 {
    var result = set
    var s = 0
    let limit = min(n, 64)
    while result.nonzeroBitCount < f && s < limit {
      result |= UInt64(1) << UInt64(s)
      s += 1
    }
    return result
  }

  /// A maximal member containing `set` (which some member must contain): servers are added
  /// in increasing order while some member still contains the result. A set that no server
  /// can be added to is itself a maximal member.
  func complete(_ set: UInt64) -> UInt64 {
    if case .threshold(let f) = storage { return padThreshold(set, f: f) }
    var result = set
    for s in 0..<min(n, 64) where result & (UInt64(1) << UInt64(s)) == 0 {
      let bigger = result | (UInt64(1) << UInt64(s))
      if containsSuperset(bigger) { result = bigger }
    }
    return result
  }
}

/// An explicit family with a containment index.
struct ListedMembers {
  /// The members in ``ServerSet`` order.
  let sets: [ServerSet]
  let largest: Int
  /// Every subset of every member, when that is at most 2^20 sets: one lookup per question.
  private let downClosure: Set<UInt64>?
  /// For each server, the members containing it (as bits): otherwise a scan of the shortest
  /// such list.
  private let byServer: [[UInt64]]

  init(_ sets: [ServerSet], n: Int) {
    self.sets = sets
    largest = sets.map(\.count).max() ?? 0
    var total = 0.0
    for s in sets { total += Double(UInt64(1) << UInt64(min(s.count, 62))) }
    if total <= Double(1 << 20) {
      var closure = Set<UInt64>(minimumCapacity: Int(total))
      for s in sets {
        // Every submask of s.
        var sub = s.bits
        while true {
          closure.insert(sub)
          if sub == 0 { break }
          sub = (sub &- 1) & s.bits
        }
      }
      downClosure = closure
      byServer = []
    } else {
      downClosure = nil
      var lists = [[UInt64]](repeating: [], count: max(n, 0))
      for s in sets { for x in s { lists[x].append(s.bits) } }
      byServer = lists
    }
  }

  func containsSuperset(_ set: UInt64) -> Bool {
    if let downClosure { return downClosure.contains(set) }
    if set == 0 { return !sets.isEmpty }
    var best = -1
    var rest = set
    while rest != 0 {
      let s = rest.trailingZeroBitCount
      rest &= rest - 1
      if s >= byServer.count { return false }
      if best < 0 || byServer[s].count < byServer[best].count { best = s }
    }
    for m in byServer[best] where set & ~m == 0 { return true }
    return false
  }

  func firstContaining(_ set: UInt64) -> UInt64? {
    sets.first { set & ~$0.bits == 0 }?.bits
  }
}
