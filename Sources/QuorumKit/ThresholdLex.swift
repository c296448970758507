/// Searches over the `f`-subsets of `n <= 64` servers (the threshold fail-prone system of
/// Corollary 4.4 and Theorem 5.13) that never list them.
enum ThresholdLex {
  /// The first `f`-subset of `{0, ..., n - 1}` in lexicographic (``ServerSet``) order whose
  /// weight `2·|B ∩ heavy| + |B ∩ light|` is at least `target`, or nil if none is. `heavy`
  /// and `light` must be disjoint.
  ///
  /// Each position takes the smallest server that still allows the target: the best
  /// completion of the remaining picks takes heavy servers first, then light ones.
  static func first(n: Int, f: Int, heavy: UInt64, light: UInt64, target: Int) -> UInt64? {
    precondition(n <= 64 && heavy & light == 0)
    func above(_ x: Int) -> UInt64 { x >= 63 ? 0 : ~((UInt64(1) << UInt64(x + 1)) &- 1) }
    func best(after x: Int, picks: Int) -> Int {
      let h = min(picks, (heavy & above(x)).nonzeroBitCount)
      let l = min(picks - h, (light & above(x)).nonzeroBitCount)
      return 2 * h + l
    }
    guard f >= 0, f <= n, best(after: -1, picks: f) >= target else { return nil }
    var chosen: UInt64 = 0
    var weight = 0
    var last = -1
    for picked in 0..<f {
      let picks = f - picked
      var x = last + 1
      while true {
        precondition(x <= n - picks, "threshold search lost its way")
        let b = UInt64(1) << UInt64(x)
        let w = heavy & b != 0 ? 2 : light & b != 0 ? 1 : 0
        if weight + w + best(after: x, picks: picks - 1) >= target {
          chosen |= b
          weight += w
          last = x
          break
        }
        x += 1
      }
    }
    return chosen
  }
}
