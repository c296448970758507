extension NestedTree {
  /// The maximal member sets (servers below 64 only; callers require `n <= 64`), unsorted.
  ///
  /// - Throws: ``InputError`` when there are more than `limit` of them (disjoint leaves: the
  ///   exact count), or, with repeated servers, when some node would form more than `limit`
  ///   unions before keeping the maximal ones.
  func expand(limit: Int) throws -> [UInt64] {
    let nf = normal()
    if disjoint {
      let count = normalCount(nf)
      if count > Double(limit) {
        throw InputError(
          "the nested fail-prone system has \(describeCount(count)) member sets, more than the limit of \(limit) that can be listed"
        )
      }
    }
    var families = [[UInt64]](repeating: [], count: nodes.count)
    for i in stride(from: nodes.count - 1, through: 0, by: -1) {
      let node = nodes[i]
      if node.server >= 0 {
        families[i] = [node.mask]
        continue
      }
      if nf.empty[i] {
        families[i] = [0]
        continue
      }
      let live = nf.live[i]
      let take = nf.take[i]
      if !disjoint {
        let raw = elementarySymmetric(live.map { Double(families[$0].count) }, take)
        if raw > Double(limit) {
          throw InputError(
            "the nested fail-prone system is too large to list: one of its nodes combines \(describeCount(raw)) unions, more than the limit of \(limit)"
          )
        }
      }
      var out: [UInt64] = []
      forEachCombination(live.count, take) { combo in
        var partial: [UInt64] = [0]
        for j in combo {
          let fam = families[live[j]]
          var next: [UInt64] = []
          next.reserveCapacity(partial.count * fam.count)
          for a in partial { for b in fam { next.append(a | b) } }
          partial = next
        }
        out.append(contentsOf: partial)
      }
      families[i] = disjoint ? out : maximalSets(out)
      // Children's lists are no longer needed.
      for c in node.children { families[c] = [] }
    }
    return families[0]
  }
}

/// A count for a message: exact below 2^53, else in scientific notation.
func describeCount(_ x: Double) -> String {
  if x < 9_007_199_254_740_992 { return String(UInt64(x)) }
  if !x.isFinite { return "more than 1.8e308" }
  // "7.2e9"-style without Foundation: a mantissa of 3 significant digits and an exponent.
  var exponent = 0
  var m = x
  while m >= 10 {
    m /= 10
    exponent += 1
  }
  // Two decimals, rounded half up, with integer arithmetic only (no libm).
  var hundredths = Int(m * 100 + 0.5)
  if hundredths >= 1000 {
    hundredths /= 10
    exponent += 1
  }
  let fraction = hundredths % 100
  return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)e\(exponent)"
}

/// Calls `body` with every `k`-combination of `0..<m` (sorted index lists), in lexicographic
/// order.
func forEachCombination(_ m: Int, _ k: Int, _ body: ([Int]) -> Void) {
  guard k >= 0, k <= m else { return }
  var idx = Array(0..<k)
  while true {
    body(idx)
    var i = k - 1
    while i >= 0 && idx[i] == m - k + i { i -= 1 }
    if i < 0 { return }
    idx[i] += 1
    for j in (i + 1)..<k { idx[j] = idx[j - 1] + 1 }
  }
}
