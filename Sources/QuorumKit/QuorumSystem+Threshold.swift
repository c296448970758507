extension QuorumSystem {
  /// The quorum size of the paper's threshold constructions for `f`-subset fail-prone systems:
  /// Example 4.7 (masking) `⌈(n + 2f + 1) / 2⌉`, Example 5.7 (dissemination)
  /// `⌈(n + f + 1) / 2⌉`, Example 5.12 (opaque) `⌈(2n + 2f) / 3⌉`.
  ///
  /// Pure integer arithmetic on non-negative `n` and `f`, exact for any values up to 10^15
  /// (no `Double`, no overflow). The paper's conditions (`n > 4f`, `n > 3f`, `n >= 5f`) are
  /// not checked here.
  public static func paperThresholdQuorumSize(_ cls: QuorumClass, n: Int, f: Int) -> Int {
    switch cls {
    case .masking: return ceilDiv(n + 2 * f + 1, 2)
    case .dissemination: return ceilDiv(n + f + 1, 2)
    case .opaque: return ceilDiv(2 * n + 2 * f, 3)
    }
  }

  /// The threshold construction (Examples 4.7, 5.7, 5.12): all `q`-subsets of `n` servers.
  ///
  /// ``quorums`` lists them in ``ServerSet`` order when `n <= 64` and `C(n, q) <= listLimit`,
  /// and is nil otherwise (the system is then decided on sizes). A `q` outside `0...n` gives
  /// a system with no quorums (listed as `[]` when `n <= 64`).
  public static func threshold(n: Int, quorumSize q: Int, listLimit: Int = 100_000)
    -> QuorumSystem
  {
    let universe = Universe(count: n)
    var list: [ServerSet]? = nil
    if n >= 0 && n <= ServerSet.capacity && binomial(n, q) <= Double(listLimit) {
      list = Array(KSubsets(n: n, k: q))
    }
    return QuorumSystem(
      universe: universe, quorums: list, construction: .threshold(n: n, quorumSize: q))
  }

  /// The size of the smallest quorum, `c(Q)` of Theorem 4.5 and Corollaries 4.6, 5.6: from
  /// the list when there is one, else from the construction (`q` for the threshold one). Nil
  /// when the system has no quorums or neither is known.
  public var smallestQuorumSize: Int? {
    if let quorums { return quorums.map(\.count).min() }
    if case .threshold(let n, let q)? = construction { return q >= 0 && q <= n ? q : nil }
    return nil
  }
}

/// `⌈a / b⌉` for `a >= 0`, `b > 0`.
func ceilDiv(_ a: Int, _ b: Int) -> Int { a / b + (a % b != 0 ? 1 : 0) }
