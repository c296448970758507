extension NestedTree {
  /// Whether some member contains `set` (servers of `set` at no leaf make it false).
  func containsSuperset(_ set: UInt64) -> Bool {
    if set & ~servers != 0 { return false }
    return disjoint ? containsDisjoint(0, set) : projections(0, of: set).contains(set)
  }

  /// Disjoint leaves: the children that hold part of `set` must all be chosen (at most `k`
  /// of them) and contain their parts; the remaining choices are free.
  private func containsDisjoint(_ i: Int, _ set: UInt64) -> Bool {
    let node = nodes[i]
    if node.server >= 0 || set == 0 { return true }
    var needed = 0
    for c in node.children {
      let part = set & nodes[c].mask
      if part == 0 { continue }
      needed += 1
      if needed > node.k || !containsDisjoint(c, part) { return false }
    }
    return true
  }

  /// The maximal traces `T ∩ set` of the node's members `T` on `set`: with repeated servers a
  /// server of `set` may come from any of its leaves, so this is a small family of subsets of
  /// `set` (exponential in `|set|` at worst), computed without expanding the members.
  func projections(_ i: Int, of set: UInt64) -> [UInt64] {
    let node = nodes[i]
    if node.server >= 0 { return [set & node.mask] }
    if set & node.mask == 0 { return [0] }
    let k = node.k
    // g[t]: the maximal traces of unions of t chosen children among those seen so far.
    var g: [[UInt64]] = [[0]] + [[UInt64]](repeating: [], count: k)
    var seen = 0
    for c in node.children {
      let p = projections(c, of: set)
      seen += 1
      var t = min(k, seen)
      while t >= 1 {
        if !g[t - 1].isEmpty {
          var next = g[t]
          for a in g[t - 1] { for b in p { next.append(a | b) } }
          g[t] = maximalSets(next)
        }
        t -= 1
      }
    }
    return g[k]
  }
}

/// The inclusion-maximal sets of a family, deduplicated, in decreasing size (then decreasing
/// bits). A set is compared only with the kept sets holding its rarest server; quadratic in
/// the worst case.
func maximalSets(_ family: [UInt64]) -> [UInt64] {
  let unique = Array(Set(family)).sorted {
    let a = $0.nonzeroBitCount
    let b = $1.nonzeroBitCount
    return a != b ? a > b : $0 > $1
  }
  var kept: [UInt64] = []
  if unique.count <= 64 {
    outer: for s in unique {
      for t in kept where s & ~t == 0 { continue outer }
      kept.append(s)
    }
    return kept
  }
  var holding = [[UInt64]](repeating: [], count: 64)
  for s in unique {
    if s == 0 {
      if kept.isEmpty { kept.append(s) }
      continue
    }
    var rarest = s.trailingZeroBitCount
    var rest = s
    while rest != 0 {
      let x = rest.trailingZeroBitCount
      rest &= rest - 1
      if holding[x].count < holding[rarest].count { rarest = x }
    }
    if holding[rarest].contains(where: { s & ~$0 == 0 }) { continue }
    kept.append(s)
    rest = s
    while rest != 0 {
      let x = rest.trailingZeroBitCount
      rest &= rest - 1
      holding[x].append(s)
    }
  }
  return kept
}
