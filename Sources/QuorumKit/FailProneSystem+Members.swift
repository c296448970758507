extension FailProneSystem {
  /// The number of member sets of B (Section 3.1), as a `Double`: exact below 2^53.
  ///
  /// Threshold: `C(n, f)`; explicit: the number of sets; partition: the number of blocks.
  /// Nested (``ThresholdExpression``): the number of *maximal* sets (see ``members(limit:)``),
  /// exact when every server occurs at most once (``hasDisjointLeaves``); with repeated servers
  /// it is counted by expansion when at most 100,000 unions are involved, and otherwise it is
  /// the number of choices of the normal form, an upper bound.
  public var setCount: Double {
    switch kind {
    case .threshold(let f): return binomial(n, f)
    case .explicit(let sets): return Double(sets.count)
    case .partition(let blocks): return Double(blocks.count)
    case .nested(let e):
      let tree = NestedTree(e)
      let nf = tree.normal()
      let bound = tree.normalCount(nf)
      if tree.disjoint || n > ServerSet.capacity { return bound }
      if let sets = try? tree.expand(limit: 100_000) { return Double(sets.count) }
      return bound
    }
  }

  /// The size of the largest member of B.
  ///
  /// Threshold: `f`; explicit and partition: the largest set or block. Nested: exact when
  /// every server occurs at most once; with repeated servers exact when the system expands
  /// within 100,000 unions, otherwise an upper bound (the largest choice of the normal form,
  /// at most the number of distinct servers).
  public var largestSetSize: Int {
    switch kind {
    case .threshold(let f): return f
    case .explicit(let sets): return sets.map(\.count).max() ?? 0
    case .partition(let blocks): return blocks.map(\.count).max() ?? 0
    case .nested(let e):
      let tree = NestedTree(e)
      let bound = min(tree.normalLargest(tree.normal()), tree.distinctServerCount)
      if tree.disjoint || n > ServerSet.capacity { return bound }
      if let sets = try? tree.expand(limit: 100_000) {
        return sets.map(\.nonzeroBitCount).max() ?? 0
      }
      return bound
    }
  }

  /// True iff every server occurs at most once in the nested expression; true for the other
  /// kinds. The tree algorithms (``CoverCriterion`` for Corollaries 4.4 and 5.5, the property
  /// checks of Definitions 4.1, 5.1, 5.10 on systems too large to list) need disjoint leaves.
  public var hasDisjointLeaves: Bool {
    if case .nested(let e) = kind { return NestedTree(e).disjoint }
    return true
  }

  /// Every member of B, sorted in ``ServerSet`` order (by size, then lexicographically).
  ///
  /// Threshold: the `f`-subsets (`f = 0` gives `[{}]`); explicit: the sets; partition: the
  /// blocks. Nested: the *maximal* sets of choosing exactly `k` children and one set of each
  /// (an antichain, as a fail-prone system must be). With disjoint leaves and no `select 0`
  /// these are all the unions; when servers repeat, or a subtree denotes only the empty set,
  /// a union may lie inside another one and only the larger is listed.
  ///
  /// - Throws: ``InputError`` if `n > 64`, or if B has more than `limit` members (the message
  ///   names the count and the limit).
  public func members(limit: Int) throws -> [ServerSet] {
    try universe.requireEnumerable("listing the fail-prone system's sets")
    let count: Double
    switch kind {
    case .threshold(let f):
      count = binomial(n, f)
      try checkLimit(count, limit)
      return Array(KSubsets(n: n, k: f))
    case .explicit(let sets):
      try checkLimit(Double(sets.count), limit)
      return sets.sorted()
    case .partition(let blocks):
      try checkLimit(Double(blocks.count), limit)
      return blocks.sorted()
    case .nested(let e):
      let tree = NestedTree(e)
      let sets = try tree.expand(limit: limit)
      try checkLimit(Double(sets.count), limit)
      return sets.map(ServerSet.init(bits:)).sorted()
    }
  }

  private func checkLimit(_ count: Double, _ limit: Int) throws {
    if count > Double(limit) {
      throw InputError(
        "the fail-prone system has \(describeCount(count)) sets, more than the limit of \(limit) that can be listed"
      )
    }
  }

  /// True iff some member of B contains `set`: the sets a fail-prone system allows to fail
  /// together (Section 3.1), as used by M1 (`(Q1 ∩ Q2) \ B1 ⊆ B2`, Definition 4.1) and D1
  /// (`Q1 ∩ Q2 ⊆ B`, Definition 5.1).
  ///
  /// Threshold: `|set| <= f` (within the universe); explicit: a scan; partition: `set` lies in
  /// one block; nested: a recursion over the tree that never expands it (with repeated
  /// servers it works on the traces of members on `set`, exponential in `|set|` at worst).
  /// The empty set is always contained in a member; a set naming a server outside the
  /// universe never is.
  public func hasMember(containing set: ServerSet) -> Bool {
    if n < ServerSet.capacity && !set.isSubset(of: universe.all) { return false }
    switch kind {
    case .threshold(let f): return set.count <= f
    case .explicit(let sets): return sets.contains { set.isSubset(of: $0) }
    case .partition(let blocks):
      guard let s = set.first else { return true }
      return blocks.contains { $0.contains(s) && set.isSubset(of: $0) }
    case .nested(let e): return NestedTree(e).containsSuperset(set.bits)
    }
  }
}
