extension FailProneSystem {
  /// A member of B that intersects every given quorum, so that no given quorum is available
  /// when that member fails: a witness that M2, D2 or O3 (Definitions 4.1, 5.1, 5.10) fails.
  /// Nil iff every member of B is disjoint from at least one of the quorums.
  ///
  /// Which member: for threshold, explicit and partition systems the first in ``ServerSet``
  /// order (threshold: a lexicographic search over `f`-sets with pruning, never listing
  /// `C(n, f)` sets). For nested systems, the first found by a search on the tree: take the
  /// quorum with the fewest candidate servers that is not hit yet, try its servers in
  /// increasing order (each must keep the chosen servers inside some member), and finally
  /// extend the chosen servers to a maximal member by adding servers in increasing order.
  ///
  /// Edge cases: with no quorums, the first member (nested: the extension of `{}`); a quorum
  /// that is empty, or names only servers outside the universe, cannot be hit, so the answer
  /// is nil. For `n > 64` the answer holds only servers below 64 (it is then a subset of a
  /// member that hits every quorum).
  public func memberHittingAll(_ quorums: [ServerSet]) -> ServerSet? {
    let oracle = MemberOracle(self, listLimit: 0)
    return oracle.memberHittingAll(quorums.map(\.bits)).map(ServerSet.init(bits:))
  }
}

extension MemberOracle {
  /// See ``FailProneSystem/memberHittingAll(_:)``.
  func memberHittingAll(_ quorums: [UInt64]) -> UInt64? {
    let all: UInt64 = n >= 64 ? ~0 : (UInt64(1) << UInt64(n)) - 1
    let restricted = quorums.map { $0 & all }
    if restricted.contains(0) { return nil }
    let minimal = minimalSets(restricted)
    switch storage {
    case .threshold(let f): return thresholdHitting(minimal, f: f)
    case .listed(let l):
      return l.sets.first { m in minimal.allSatisfy { $0 & m.bits != 0 } }?.bits
    case .partition(let blocks, _):
      return blocks.first { m in minimal.allSatisfy { $0 & m != 0 } }
    case .tree:
      return treeHitting(minimal)
    }
  }

  /// The first `f`-set in lexicographic order that hits every quorum. Servers are chosen in
  /// increasing order; a branch is cut when a quorum can no longer be hit (its largest
  /// remaining server lies below the next choice) or when more pairwise disjoint quorums
  /// remain than choices.
  private func thresholdHitting(_ quorums: [UInt64], f: Int) -> UInt64? {
    let positions = min(n, 64)
    let exact = n <= 64
    var chosen: UInt64 = 0
    func dfs(_ start: Int, _ r: Int, _ unhit: [UInt64]) -> Bool {
      if unhit.isEmpty {
        // The smallest completion: the next servers in order.
        var x = start
        var left = r
        while left > 0 && x < positions {
          chosen |= UInt64(1) << UInt64(x)
          x += 1
          left -= 1
        }
        return true
      }
      if r == 0 || start >= positions { return false }
      let available = ~((UInt64(1) << UInt64(start)) &- 1)
      var xmax = exact ? min(positions - 1, n - r) : positions - 1
      var used: UInt64 = 0
      var packed = 0
      for q in unhit {
        let a = q & available
        if a == 0 { return false }
        xmax = min(xmax, 63 - a.leadingZeroBitCount)
        if a & used == 0 {
          used |= a
          packed += 1
          if packed > r { return false }
        }
      }
      if start > xmax { return false }
      if r == 1 {
        // One pick left: the smallest server in every remaining quorum.
        var common = available
        for q in unhit { common &= q }
        guard common != 0 else { return false }
        let x = common.trailingZeroBitCount
        guard x <= xmax else { return false }
        chosen |= UInt64(1) << UInt64(x)
        return true
      }
      for x in start...xmax {
        let b = UInt64(1) << UInt64(x)
        chosen |= b
        if dfs(x + 1, r - 1, unhit.filter { $0 & b == 0 }) { return true }
        chosen &= ~b
      }
      return false
    }
    return dfs(0, exact ? f : min(f, 64), quorums) ? chosen : nil
  }

  /// A search for a member hitting every quorum, using only ``containsSuperset(_:)``.
  private func treeHitting(_ quorums: [UInt64]) -> UInt64? {
    func search(_ chosen: UInt64, _ excluded: UInt64, _ unhit: [UInt64]) -> UInt64? {
      if unhit.isEmpty { return complete(chosen) }
      let room = largest - chosen.nonzeroBitCount
      if room <= 0 { return nil }
      var best: UInt64 = 0
      var bestCount = Int.max
      var used: UInt64 = 0
      var packed = 0
      for q in unhit {
        let c = q & ~excluded
        if c == 0 { return nil }
        if c.nonzeroBitCount < bestCount {
          best = c
          bestCount = c.nonzeroBitCount
        }
        if c & used == 0 {
          used |= c
          packed += 1
          if packed > room { return nil }
        }
      }
      var excluded = excluded
      var rest = best
      while rest != 0 {
        let b = rest & (~rest &+ 1)
        rest &= rest - 1
        let next = chosen | b
        if containsSuperset(next),
          let found = search(next, excluded, unhit.filter { $0 & b == 0 })
        {
          return found
        }
        excluded |= b
      }
      return nil
    }
    return search(0, 0, quorums)
  }
}

/// The family deduplicated, in ``ServerSet`` order, without sets that contain another one
/// (hitting the rest hits them too). The containment pass is quadratic, so it only runs on
/// families of mixed sizes with at most 4,096 sets.
func minimalSets(_ family: [UInt64]) -> [UInt64] {
  let unique = Array(Set(family)).map(ServerSet.init(bits:)).sorted()
  guard unique.count <= 4096, let first = unique.first, let last = unique.last,
    first.count != last.count
  else { return unique.map(\.bits) }
  var kept: [UInt64] = []
  outer: for s in unique {
    for t in kept where t & ~s.bits == 0 { continue outer }
    kept.append(s.bits)
  }
  return kept
}
