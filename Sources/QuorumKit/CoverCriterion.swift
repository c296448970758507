/// The closed existence criteria of Corollary 4.4 (a masking quorum system exists for B iff no
/// 4 members of B cover the universe) and Corollary 5.5 (a dissemination quorum system exists
/// iff no 3 members cover it), decided per kind of fail-prone system.
///
/// DESIGN.md: these are an independent cross-check of the family reduction, never the only
/// engine.
public enum CoverCriterion {
  /// `count` members of B (repetition allowed) whose union is the whole universe, in
  /// ``ServerSet`` order, or nil if there are none.
  ///
  /// - Threshold: such sets exist iff `count·f >= n`; they are consecutive blocks of `f`
  ///   servers (the last one shifted to end at server `n - 1`).
  /// - Partition: iff there are at most `count` blocks; the blocks.
  /// - Explicit: a branch-and-bound search (``CoverSearch``).
  /// - Nested with every server once: a dynamic program over the tree that never expands it
  ///   (`count` copies choose children; only the number of copies at a node matters), which
  ///   also rebuilds the sets. With repeated servers the system is listed (at most 10^6
  ///   members) and searched like an explicit one.
  ///
  /// Fewer than `count` distinct sets are padded by repeating one. `count = 0` covers only the
  /// empty universe.
  ///
  /// - Throws: ``InputError`` if `count < 0`; for a threshold system with `n > 64` (decide it
  ///   by `count·f >= n`); for a nested one with `n > 64` *only when a cover exists* (it cannot
  ///   be written as ``ServerSet``s: ``coverServers(of:count:)`` gives it), a nil answer is
  ///   final; for repeated servers too many to list.
  public static func cover(
    of failProne: FailProneSystem, count: Int, shouldStop: @escaping () -> Bool = { false }
  ) throws -> [ServerSet]? {
    guard count >= 0 else { throw InputError("a cover needs count >= 0 (got \(count))") }
    let n = failProne.n
    if case .threshold = failProne.kind, n > ServerSet.capacity {
      throw InputError(
        "a threshold cover over \(n) servers cannot be listed as sets (at most \(ServerSet.capacity) servers); it exists iff count·f >= n"
      )
    }
    guard let lists = try coverServers(of: failProne, count: count, shouldStop: shouldStop) else {
      return nil
    }
    if n > ServerSet.capacity {
      throw InputError(
        "\(count) fail-prone sets cover the universe, but its \(n) servers do not fit in server sets of at most \(ServerSet.capacity); use coverServers(of:count:)"
      )
    }
    return lists.map { ServerSet($0) }.sorted()
  }

  /// Like ``cover(of:count:)``, with each set as a sorted list of server numbers, so that
  /// nested systems and threshold systems (up to 10^6 servers) over more than 64 servers get
  /// their witness too. The lists are in the order of ``cover(of:count:)`` when `n <= 64`.
  ///
  /// - Throws: ``InputError`` if `count < 0`, a threshold universe has more than 10^6 servers,
  ///   or a nested system with repeated servers is too large to list.
  ///
  /// `shouldStop` is polled during the search of an explicit family; when it answers true the
  /// search throws ``CoverSearchInterrupted`` rather than answer.
  public static func coverServers(
    of failProne: FailProneSystem, count: Int, shouldStop: @escaping () -> Bool = { false }
  ) throws -> [[Int]]? {
    guard count >= 0 else { throw InputError("a cover needs count >= 0 (got \(count))") }
    let n = failProne.n
    var result: [[Int]]
    switch failProne.kind {
    case .threshold(let f):
      guard n <= 1_000_000 else {
        throw InputError(
          "a threshold cover over \(n) servers is too large to list; it exists iff count·f >= n")
      }
      guard count * f >= n, count > 0 else { return n == 0 ? [] : nil }
      result = stride(from: 0, to: n, by: max(f, 1)).map { start in
        let first = min(start, n - f)
        return Array(first..<(first + f))
      }
    case .partition(let blocks):
      guard blocks.count <= count else { return nil }
      result = blocks.sorted().map(\.members)
    case .explicit(let sets):
      guard
        let found = try searchCover(
          sets, universe: failProne.universe, count: count, shouldStop: shouldStop)
      else {
        return nil
      }
      result = found
    case .nested(let e):
      let tree = NestedTree(e)
      if tree.disjoint {
        guard tree.distinctServerCount == n else { return nil }  // some server is in no set
        guard let copies = tree.coverCopies(count: count, targeted: { _ in true }) else {
          return nil
        }
        result = copies
      } else {
        let sets = try failProne.members(limit: 1_000_000)
        guard
          let found = try searchCover(
            sets, universe: failProne.universe, count: count, shouldStop: shouldStop)
        else {
          return nil
        }
        result = found
      }
    }
    if result.isEmpty && count > 0 { return nil }  // cannot happen for n >= 1
    while result.count < count { result.append(result.last!) }
    if n <= ServerSet.capacity {
      result = result.map { ServerSet($0) }.sorted().map(\.members)
    }
    return result
  }

  /// The explicit search, after two quick refusals: a server in no set, or `count` sets of
  /// the largest size still too small.
  private static func searchCover(
    _ sets: [ServerSet], universe: Universe, count: Int, shouldStop: @escaping () -> Bool
  ) throws -> [[Int]]? {
    let all = universe.all.bits
    let union = sets.reduce(UInt64(0)) { $0 | $1.bits }
    let largest = sets.map(\.count).max() ?? 0
    if union & all != all || count * largest < universe.count { return nil }
    let search = CoverSearch(sets.map(\.bits))
    search.shouldStop = shouldStop
    guard let found = try search.cover(all, count: count) else { return nil }
    return found.map { ServerSet(bits: $0).members }
  }
}
