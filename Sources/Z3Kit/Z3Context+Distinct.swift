import CZ3

extension Z3Context {
  /// Returns "the terms `ts` are pairwise different" (`Z3_mk_distinct`).
  ///
  /// Fewer than two terms give `true` directly.
  public func distinct(_ ts: [Term]) -> Term {
    if ts.count < 2 { return literal(true) }
    return withASTs(ts) { wrap(Z3_mk_distinct(raw, $1, $0), "distinct") }
  }
}
