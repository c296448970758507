/// Decides whether a quorum system of a class exists for a small fail-prone system by plain
/// backtracking over families, for tests: the independent reference for the family
/// reduction (DESIGN.md), Theorem 4.3 / Corollary 4.4, Theorem 5.4 / Corollary 5.5 and
/// Theorem 5.13.
///
/// An X-system exists iff there is a family `{Q_B : B ∈ B}` with `Q_B ∩ B = ∅` whose members
/// satisfy the class's pair properties (M1 / D1 / O1 and O2) for every ordered pair, each
/// member with itself too: any X-system contains one by its availability property, and such a
/// family is an X-system. The pair properties are written out here again (not taken from
/// ``PropertyChecker``), so the two check each other.
public enum BruteForceExistence {
  /// A witness family (sorted, deduplicated), or nil if no quorum system of class `cls`
  /// exists for B.
  ///
  /// For each member `B_i` in order, every subset of `U \ B_i` is tried as `Q_i` (larger
  /// first), keeping those compatible with themselves and with every earlier choice (both
  /// orders). Compatibility is tabulated over all `2^n` subsets first, and dead ends are
  /// remembered by the set of choices still allowed.
  ///
  /// - Throws: ``InputError`` if `n > 6` (B then has at most `C(6, 3) = 20` members, by
  ///   Sperner's theorem).
  public static func witness(_ cls: QuorumClass, failProne: FailProneSystem) throws
    -> [ServerSet]?
  {
    let n = failProne.n
    guard n <= 6 else {
      throw InputError("the brute-force existence search handles n <= 6 servers (got \(n))")
    }
    let members = try failProne.members(limit: 20).map(\.bits)
    let subsets = 1 << n  // at most 64: a subset's index is its bits

    // compatible[a] has bit b iff (Q_a, Q_b) and (Q_b, Q_a) satisfy the pair properties.
    var compatible = [UInt64](repeating: 0, count: subsets)
    for a in 0..<subsets {
      for b in a..<subsets {
        let ok =
          pairHolds(cls, UInt64(a), UInt64(b), members)
          && pairHolds(cls, UInt64(b), UInt64(a), members)
        if ok {
          compatible[a] |= UInt64(1) << UInt64(b)
          compatible[b] |= UInt64(1) << UInt64(a)
        }
      }
    }
    // Candidates for each member: subsets of its complement compatible with themselves,
    // largest first.
    let candidates: [[Int]] = members.map { b in
      (0..<subsets).filter { q in
        UInt64(q) & b == 0 && compatible[q] & (UInt64(1) << UInt64(q)) != 0
      }.sorted {
        let x = $0.nonzeroBitCount
        let y = $1.nonzeroBitCount
        return x != y ? x > y : $0 < $1
      }
    }
    var chosen: [Int] = []
    var deadEnds = Set<[UInt64]>()
    func search(_ i: Int, _ allowed: UInt64) -> Bool {
      if i == members.count { return true }
      let key = [UInt64(i), allowed]
      if deadEnds.contains(key) { return false }
      for q in candidates[i] where allowed & (UInt64(1) << UInt64(q)) != 0 {
        chosen.append(q)
        if search(i + 1, allowed & compatible[q]) { return true }
        chosen.removeLast()
      }
      deadEnds.insert(key)
      return false
    }
    // Every subset index allowed at first.
    let everyIndex: UInt64 = subsets == 64 ? ~0 : (UInt64(1) << UInt64(subsets)) - 1
    guard search(0, everyIndex) else { return nil }
    return Array(Set(chosen)).map { ServerSet(bits: UInt64($0)) }.sorted()
  }

  /// The class's pair properties for the ordered pair `(q1, q2)` against every member, as
  /// Definitions 4.1 (M1), 5.1 (D1) and 5.10 (O1, O2) state them.
  static func pairHolds(_ cls: QuorumClass, _ q1: UInt64, _ q2: UInt64, _ members: [UInt64])
    -> Bool
  {
    let i = q1 & q2
    func size(_ x: UInt64) -> Int { x.nonzeroBitCount }
    switch cls {
    case .masking:
      // M1: (Q1 ∩ Q2) \ B1 ⊄ B2.
      for b1 in members {
        for b2 in members where (i & ~b1) & ~b2 == 0 { return false }
      }
      return true
    case .dissemination:
      // D1: Q1 ∩ Q2 ⊄ B.
      return members.allSatisfy { i & ~$0 != 0 }
    case .opaque:
      // O1: |(Q1 ∩ Q2) \ B| >= |(Q2 ∩ B) ∪ (Q2 \ Q1)|; O2: |(Q1 ∩ Q2) \ B| > |Q2 ∩ B|.
      return members.allSatisfy { b in
        size(i & ~b) >= size((q2 & b) | (q2 & ~q1)) && size(i & ~b) > size(q2 & b)
      }
    }
  }
}
