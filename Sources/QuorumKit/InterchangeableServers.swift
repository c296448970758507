/// The classes of interchangeable servers of a fail-prone system and a quorum system: the
/// servers `i ~ j` such that the transposition `(i j)` maps B onto B and the quorums onto the
/// quorums.
///
/// The relation is an equivalence: if `(i j)` and `(j k)` both preserve B and the quorums, so
/// does `(i k) = (i j)(j k)(i j)`. So every permutation that only moves servers within their
/// class (the product of the classes' symmetric groups) preserves B and the quorums, and a
/// protocol whose steps depend on servers only through B and the quorums (Section 3.2's
/// read/write protocol with any of the `Result()` rules of Sections 4, 5.1, 5.2) is symmetric
/// under it: sorting the servers' local states within each class is a canonical form.
///
/// This covers threshold systems (one class), partitions with super-elements (Examples 4.9,
/// 5.9, 5.14: single-server blocks whose servers play the same role form a class, and so do
/// the servers of a block that no quorum uses) and many explicit systems. It is a subgroup of
/// the full automorphism group: a grid (Example 4.8) with one row per quorum has row and column
/// permutations as symmetries but no transposition of two servers (singleton classes), while
/// with all rows but one per quorum the servers of each row are interchangeable.
public enum InterchangeableServers {
  /// The classes, each sorted, ordered by their smallest server; every server of `0..<n` is in
  /// exactly one class.
  ///
  /// - Parameters:
  ///   - failProne: B; a threshold system preserves every transposition without being listed.
  ///   - quorums: the quorums; ignored when `quorumThreshold` is given.
  ///   - quorumThreshold: if the quorums are all `q`-subsets, `q` (every transposition
  ///     preserves them).
  ///   - memberLimit: B is listed only up to this many members; a larger non-threshold B gives
  ///     singleton classes (no reduction: always sound).
  public static func classes(
    failProne: FailProneSystem, quorums: [ServerSet], quorumThreshold: Int? = nil,
    memberLimit: Int = 100_000
  ) -> [[Int]] {
    let n = failProne.n
    var families: [[ServerSet]] = []
    if case .threshold = failProne.kind {
    } else {
      guard failProne.setCount <= Double(memberLimit),
        let members = try? failProne.members(limit: memberLimit)
      else { return (0..<n).map { [$0] } }
      families.append(members)
    }
    if quorumThreshold == nil { families.append(quorums) }
    return classes(n: n, preserving: families)
  }

  /// The classes of servers whose transpositions map each of `families` onto itself.
  public static func classes(n: Int, preserving families: [[ServerSet]]) -> [[Int]] {
    let lookups = families.map { Set($0) }
    var parent = Array(0..<n)
    func root(_ x: Int) -> Int {
      var x = x
      while parent[x] != x { x = parent[x] }
      return x
    }
    for s in 0..<n {
      for t in (s + 1)..<max(n, s + 1) where root(s) != root(t) {
        let preserved = zip(families, lookups).allSatisfy { family, lookup in
          family.allSatisfy { lookup.contains(swap($0, s, t)) }
        }
        if preserved { parent[root(t)] = root(s) }
      }
    }
    var byRoot: [Int: [Int]] = [:]
    for s in 0..<n { byRoot[root(s), default: []].append(s) }
    return byRoot.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
  }

  /// `set` with servers `s` and `t` exchanged.
  @inlinable public static func swap(_ set: ServerSet, _ s: Int, _ t: Int) -> ServerSet {
    let a = set.contains(s)
    let b = set.contains(t)
    guard a != b else { return set }
    var out = set
    if a {
      out.remove(s)
      out.insert(t)
    } else {
      out.remove(t)
      out.insert(s)
    }
    return out
  }

  /// The number of distinct assignments that permuting servers within their classes makes of
  /// `values` (one value per server): the product over the classes of the multinomial
  /// coefficient `|class|! / (m_1! m_2! ...)`, where `m_k` counts the servers of the class that
  /// hold the k-th distinct value. This is the size of the assignment's orbit under the classes'
  /// permutations.
  ///
  /// - Returns: the exact count, or nil if it exceeds `UInt64.max`.
  public static func orbitSize(of values: [UInt64], classes: [[Int]]) -> UInt64? {
    var total: UInt64 = 1
    for cls in classes where cls.count > 1 {
      var counts: [UInt64: Int] = [:]
      for s in cls { counts[values[s], default: 0] += 1 }
      var remaining = cls.count
      for (_, m) in counts.sorted(by: { $0.key < $1.key }) {
        guard let c = binomialExact(remaining, m) else { return nil }
        let (p, overflow) = total.multipliedReportingOverflow(by: c)
        if overflow { return nil }
        total = p
        remaining -= m
      }
    }
    return total
  }

  /// `C(n, k)` exactly, or nil if it exceeds `UInt64.max`.
  public static func binomialExact(_ n: Int, _ k: Int) -> UInt64? {
    guard k >= 0, k <= n else { return 0 }
    let k = min(k, n - k)
    var c: UInt64 = 1
    for i in 0..<k {
      // c * (n - i) = (i + 1) * C(n, i + 1): the quotient fits iff the high word is below
      // i + 1, and C(n, j) grows with j up to n / 2.
      let (high, low) = c.multipliedFullWidth(by: UInt64(n - i))
      if high >= UInt64(i + 1) { return nil }
      c = UInt64(i + 1).dividingFullWidth((high, low)).quotient
    }
    return c
  }
}
