/// Decides the properties of Definitions 4.1 (M1, M2), 5.1 (D1, D2) and 5.10 (O1, O2, O3) for
/// a listed quorum system by enumeration, with a concrete counterexample when one fails.
///
/// This is the reference engine: every witness another engine produces is re-checked here.
public enum PropertyChecker {
  /// The first violation of `property`, or nil if it holds.
  ///
  /// Quorums are deduplicated and sorted in ``ServerSet`` order. Pair properties (M1, D1, O1,
  /// O2) try the ordered pairs `(Q1, Q2)` in that order (each quorum with itself too) and
  /// report the first pair that has a violation, with the first member `B` (M1: `B1`, then
  /// the first `B2` containing `(Q1 ∩ Q2) \ B1`) in ``ServerSet`` order. Availability
  /// properties (M2, D2, O3) report the first member that intersects every quorum (see
  /// ``FailProneSystem/memberHittingAll(_:)``). Threshold systems are searched without being
  /// listed. Nested systems with more than `memberLimit` members are decided on their tree
  /// (this needs every server to occur once, except for D1, D2, M2, O3): the violation is
  /// then the one the tree search finds, still a real one, not necessarily the first.
  ///
  /// With no quorums the pair properties hold vacuously and availability fails at the first
  /// member of B.
  ///
  /// - Throws: ``InputError`` if `n > 64`, a quorum names a server outside the universe, or
  ///   a nested system is too large to list and repeats servers (for M1, O1, O2).
  public static func firstViolation(
    of property: QuorumProperty, quorums: [ServerSet], failProne: FailProneSystem,
    memberLimit: Int = 1_000_000
  ) throws -> PropertyViolation? {
    try PropertyContext(quorums: quorums, failProne: failProne, memberLimit: memberLimit)
      .firstViolation(property)
  }

  /// Every property of the class (``QuorumClass/properties``), in order, with its first
  /// violation (nil: the property holds). The quorums form an X-system for B iff every entry
  /// is nil (Definitions 4.1, 5.1, 5.10).
  public static func check(
    _ cls: QuorumClass, quorums: [ServerSet], failProne: FailProneSystem,
    memberLimit: Int = 1_000_000
  ) throws -> [(QuorumProperty, PropertyViolation?)] {
    let context = try PropertyContext(
      quorums: quorums, failProne: failProne, memberLimit: memberLimit)
    return try cls.properties.map { ($0, try context.firstViolation($0)) }
  }
}

/// The prepared inputs of one check: sorted quorums and a member oracle.
final class PropertyContext {
  let universe: Universe
  let quorums: [ServerSet]
  let oracle: MemberOracle

  init(quorums: [ServerSet], failProne: FailProneSystem, memberLimit: Int) throws {
    universe = failProne.universe
    try universe.requireEnumerable("checking a listed quorum system")
    let all = universe.all
    for q in quorums where !q.isSubset(of: all) {
      throw InputError(
        "quorum \(q) names server \(q.subtracting(all).first!) outside the universe of \(universe.count) servers"
      )
    }
    self.quorums = Array(Set(quorums)).sorted()
    oracle = MemberOracle(failProne, listLimit: memberLimit)
  }

  func firstViolation(_ p: QuorumProperty) throws -> PropertyViolation? {
    if p.isAvailability { return availability(p) }
    if case .tree(let t) = oracle.storage, !t.disjoint, p != .d1 {
      throw InputError(
        "the nested fail-prone system repeats servers and has too many member sets to list; \(p.rawValue) needs one or the other"
      )
    }
    for q1 in quorums {
      for q2 in quorums {
        if let v = pairViolation(p, q1, q2) { return v }
      }
    }
    return nil
  }

  private func names(_ s: ServerSet) -> String { universe.describe(s) }

  private func availability(_ p: QuorumProperty) -> PropertyViolation? {
    guard let b = oracle.memberHittingAll(quorums.map(\.bits)) else { return nil }
    let set = ServerSet(bits: b)
    let detail =
      quorums.isEmpty
      ? "there are no quorums, so none is disjoint from B = \(names(set))"
      : "every quorum intersects B = \(names(set))"
    return PropertyViolation(property: p, q1: nil, q2: nil, b1: set, b2: nil, detail: detail)
  }

  private func pairViolation(_ p: QuorumProperty, _ q1: ServerSet, _ q2: ServerSet)
    -> PropertyViolation?
  {
    let i = q1.bits & q2.bits
    let d = q2.bits & ~q1.bits
    switch p {
    case .m1:
      guard let (b1, b2) = m1Witness(i) else { return nil }
      let rest = ServerSet(bits: i & ~b1)
      return PropertyViolation(
        property: .m1, q1: q1, q2: q2, b1: ServerSet(bits: b1), b2: ServerSet(bits: b2),
        detail: "(Q1 ∩ Q2) \\ B1 = \(names(rest)) ⊆ B2")
    case .d1:
      guard let b = d1Witness(i) else { return nil }
      return PropertyViolation(
        property: .d1, q1: q1, q2: q2, b1: ServerSet(bits: b), b2: nil,
        detail: "Q1 ∩ Q2 = \(names(ServerSet(bits: i))) ⊆ B")
    case .o1:
      guard let b = o1Witness(i, d) else { return nil }
      let left = (i & ~b).nonzeroBitCount
      let right = ((q2.bits & b) | d).nonzeroBitCount
      return PropertyViolation(
        property: .o1, q1: q1, q2: q2, b1: ServerSet(bits: b), b2: nil,
        detail: "|(Q1 ∩ Q2) \\ B| = \(left) < |(Q2 ∩ B) ∪ (Q2 \\ Q1)| = \(right)")
    case .o2:
      guard let b = o2Witness(i, d) else { return nil }
      let left = (i & ~b).nonzeroBitCount
      let right = (q2.bits & b).nonzeroBitCount
      return PropertyViolation(
        property: .o2, q1: q1, q2: q2, b1: ServerSet(bits: b), b2: nil,
        detail: "|(Q1 ∩ Q2) \\ B| = \(left) ≤ |Q2 ∩ B| = \(right)")
    case .m2, .d2, .o3:
      return nil
    }
  }

  // MARK: - M1 (Definition 4.1): B1, B2 with Q1 ∩ Q2 ⊆ B1 ∪ B2

  private var m1Cache: [UInt64: (UInt64, UInt64)?] = [:]

  private func m1Witness(_ i: UInt64) -> (UInt64, UInt64)? {
    if let cached = m1Cache[i] { return cached }
    let result = computeM1(i)
    m1Cache[i] = result
    return result
  }

  private func computeM1(_ i: UInt64) -> (UInt64, UInt64)? {
    let size = i.nonzeroBitCount
    if size > 2 * oracle.largest { return nil }
    switch oracle.storage {
    case .threshold(let f):
      // B1 must take at least |I| - f servers of I; B2 then takes the rest.
      guard let b1 = ThresholdLex.first(n: oracle.n, f: f, heavy: 0, light: i, target: size - f)
      else { return nil }
      return (b1, oracle.padThreshold(i & ~b1, f: f))
    case .listed(let l):
      return scanM1(i, l.sets.lazy.map(\.bits))
    case .partition(let blocks, _):
      return scanM1(i, blocks)
    case .tree(let t):
      // A server at no leaf is in no member, so nothing covers it.
      guard i & ~t.servers == 0 else { return nil }
      let target = i
      guard
        let copies = t.coverCopies(
          count: 2, targeted: { $0 < 64 && target & (UInt64(1) << UInt64($0)) != 0 })
      else { return nil }
      let sets = copies.map { list in
        oracle.complete(list.reduce(UInt64(0)) { $1 < 64 ? $0 | (UInt64(1) << UInt64($1)) : $0 })
      }
      return (sets[0], sets[1])
    }
  }

  private func scanM1<S: Sequence>(_ i: UInt64, _ members: S) -> (UInt64, UInt64)?
  where S.Element == UInt64 {
    for b1 in members {
      let rest = i & ~b1
      if oracle.containsSuperset(rest), let b2 = oracle.firstMember(containing: rest) {
        return (b1, b2)
      }
    }
    return nil
  }

  // MARK: - D1 (Definition 5.1): B with Q1 ∩ Q2 ⊆ B

  private var d1Cache: [UInt64: UInt64?] = [:]

  private func d1Witness(_ i: UInt64) -> UInt64? {
    if let cached = d1Cache[i] { return cached }
    let result = oracle.firstMember(containing: i)
    d1Cache[i] = result
    return result
  }

  // MARK: - O1, O2 (Definition 5.10)

  /// O1 fails for B iff `|I| - |I ∩ B| < |I ∩ B| + |D|` (with `I = Q1 ∩ Q2`, `D = Q2 \ Q1`, as
  /// `(Q2 ∩ B) ∪ (Q2 \ Q1)` is the disjoint union of `I ∩ B` and `D`), i.e. iff
  /// `|I ∩ B| >= ⌊(|I| - |D|) / 2⌋ + 1`.
  private func o1Witness(_ i: UInt64, _ d: UInt64) -> UInt64? {
    let diff = i.nonzeroBitCount - d.nonzeroBitCount
    let need = max(0, floorDiv(diff, 2) + 1)
    return firstWithWeight(heavy: 0, light: i, target: need)
  }

  /// O2 fails for B iff `|I| - |I ∩ B| <= |I ∩ B| + |D ∩ B|`, i.e. iff
  /// `2·|I ∩ B| + |D ∩ B| >= |I|`.
  private func o2Witness(_ i: UInt64, _ d: UInt64) -> UInt64? {
    firstWithWeight(heavy: i, light: d, target: i.nonzeroBitCount)
  }

  /// The first member B (in order) with `2·|B ∩ heavy| + |B ∩ light| >= target`.
  private func firstWithWeight(heavy: UInt64, light: UInt64, target: Int) -> UInt64? {
    func weight(_ b: UInt64) -> Int {
      2 * (b & heavy).nonzeroBitCount + (b & light).nonzeroBitCount
    }
    switch oracle.storage {
    case .threshold(let f):
      return ThresholdLex.first(n: oracle.n, f: f, heavy: heavy, light: light, target: target)
    case .listed(let l):
      return l.sets.first { weight($0.bits) >= target }?.bits
    case .partition(let blocks, _):
      return blocks.first { weight($0) >= target }
    case .tree(let t):
      let best = t.maxWeightMember { s in
        let b = UInt64(1) << UInt64(s)
        return heavy & b != 0 ? 2 : light & b != 0 ? 1 : 0
      }
      return best.weight >= target ? oracle.complete(best.member) : nil
    }
  }
}

/// `⌊a / b⌋` for `b > 0`.
func floorDiv(_ a: Int, _ b: Int) -> Int {
  let q = a / b
  return (a % b != 0 && a < 0) ? q - 1 : q
}
