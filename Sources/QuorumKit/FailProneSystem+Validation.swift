extension FailProneSystem {
  /// All `f`-subsets of `n` servers.
  ///
  /// - Throws: ``InputError`` unless `n >= 1` and `0 <= f < n`.
  public static func threshold(n: Int, f: Int) throws -> FailProneSystem {
    try threshold(universe: Universe(count: n), f: f)
  }

  /// All `f`-subsets of the universe.
  public static func threshold(universe: Universe, f: Int) throws -> FailProneSystem {
    let n = universe.count
    guard n >= 1 else { throw InputError("n must be at least 1 (got n = \(n))") }
    guard f >= 0 else { throw InputError("f must be at least 0 (got f = \(f))") }
    guard f < n else {
      throw InputError(
        "f must be smaller than n (got n = \(n), f = \(f)): some server must be correct")
    }
    return FailProneSystem(uncheckedUniverse: universe, kind: .threshold(f: f))
  }

  /// An explicit family of sets.
  ///
  /// - Throws: ``InputError`` if the family is empty, a set names a server outside the universe,
  ///   or one set contains another (a fail-prone system is an antichain; the message names both).
  public static func explicit(universe: Universe, sets: [ServerSet]) throws -> FailProneSystem {
    try universe.requireEnumerable("an explicit fail-prone system")
    guard !sets.isEmpty else { throw InputError("a fail-prone system needs at least one set") }
    let all = universe.all
    for s in sets where !s.isSubset(of: all) {
      throw InputError(
        "set \(s) names server \(s.subtracting(all).first!) outside the universe of \(universe.count) servers"
      )
    }
    let unique = Array(Set(sets)).sorted()
    if unique.count != sets.count {
      throw InputError("the fail-prone system lists a set twice")
    }
    // Antichain check, by size: a set can only be contained in a strictly larger one, and
    // that one holds every server of it, in particular its rarest. Sets of one size (all
    // k-subsets, say) need no check.
    if let smallest = unique.first?.count, smallest != unique.last!.count {
      var holding = [[ServerSet]](repeating: [], count: universe.count)
      for b in unique where b.count > smallest { for x in b { holding[x].append(b) } }
      for a in unique {
        let candidates =
          a.isEmpty ? unique : holding[a.min { holding[$0].count < holding[$1].count }!]
        for b in candidates where a.count < b.count && a.isSubset(of: b) {
          throw InputError(
            "fail-prone set \(universe.describe(a)) is contained in \(universe.describe(b)); a fail-prone system lists only maximal sets"
          )
        }
      }
    }
    return FailProneSystem(uncheckedUniverse: universe, kind: .explicit(unique))
  }

  /// A partition of the universe into non-empty blocks; at most one block fails.
  ///
  /// - Throws: ``InputError`` if a block is empty, blocks overlap, or they miss a server.
  public static func partition(universe: Universe, blocks: [ServerSet]) throws -> FailProneSystem {
    try universe.requireEnumerable("a partition fail-prone system")
    guard !blocks.isEmpty else { throw InputError("a partition needs at least one block") }
    var seen = ServerSet()
    for b in blocks {
      guard !b.isEmpty else { throw InputError("a partition block is empty") }
      guard b.isSubset(of: universe.all) else {
        throw InputError(
          "block \(b) names server \(b.subtracting(universe.all).first!) outside the universe of \(universe.count) servers"
        )
      }
      guard b.isDisjoint(with: seen) else {
        throw InputError(
          "partition blocks overlap in server \(universe.name(of: b.intersection(seen).first!))")
      }
      seen = seen.union(b)
    }
    guard seen == universe.all else {
      throw InputError(
        "the partition's blocks miss server \(universe.name(of: universe.all.subtracting(seen).first!))"
      )
    }
    return FailProneSystem(uncheckedUniverse: universe, kind: .partition(blocks.sorted()))
  }

  /// A nested threshold structure over the universe.
  ///
  /// - Throws: ``InputError`` if a server is outside the universe or some `select k` has
  ///   `k < 0` or more than its number of children.
  public static func nested(universe: Universe, expression: ThresholdExpression) throws
    -> FailProneSystem
  {
    func validate(_ e: ThresholdExpression) throws {
      switch e {
      case .server(let s):
        guard s >= 0 && s < universe.count else {
          throw InputError("server \(s) is outside the universe of \(universe.count) servers")
        }
      case .select(let k, let children):
        guard !children.isEmpty else { throw InputError("select \(k) out-of [] has no children") }
        guard k >= 0 && k <= children.count else {
          throw InputError(
            "select \(k) out-of a list of \(children.count): k must be between 0 and \(children.count)"
          )
        }
        for c in children { try validate(c) }
      }
    }
    try validate(expression)
    return FailProneSystem(uncheckedUniverse: universe, kind: .nested(expression))
  }
}
