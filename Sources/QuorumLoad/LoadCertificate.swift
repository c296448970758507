import BigInt
import QuorumKit

/// Why a load certificate was rejected.
public struct CertificateError: Error, Equatable, Sendable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// The exact check behind every load this module reports (Definition 3.1 and its LP dual).
///
/// A certificate is a strategy `w` and server weights `y`. The check recomputes, in exact
/// rationals: `w` is a probability distribution on quorums of the system and induces the
/// maximum server load `L`; `y` is a probability distribution on servers and every quorum has
/// `y`-weight at least `T`; and `L = T`. Then `L` is the load: any strategy `w'` induces
/// `max_u l_w'(u) ≥ Σ_u y_u l_w'(u) = Σ_Q w'(Q) y(Q) ≥ T = L` (weak duality), and `w`
/// attains it.
public enum LoadCertificate {
  /// Checks a certificate for the explicit system `quorums` over `n` servers and returns the
  /// proved load.
  ///
  /// - Throws: ``CertificateError`` naming the first check that fails.
  public static func check(
    quorums: [ServerSet], n: Int, strategy: [WeightedQuorum], dual: [Rational]
  ) throws -> Rational {
    guard !quorums.isEmpty else { throw CertificateError("the system has no quorums") }
    guard n >= 1 && n <= ServerSet.capacity,
      quorums.allSatisfy({ $0.isSubset(of: ServerSet.universe(n)) })
    else { throw CertificateError("a quorum has a server outside 0..<\(n)") }
    let members = Set(quorums.map(\.bits))
    let l = try primalLoad(n: n, strategy: strategy) { q in
      members.contains(q.bits) ? nil : "\(q) is not a quorum of the system"
    }
    try checkDistribution(dual, n: n)
    let t = minimumQuorumWeight(quorums.map(\.bits), dual)
    return try equal(l, t)
  }

  /// Checks a certificate for the threshold construction (all `q`-subsets of `n` servers,
  /// Examples 4.7, 5.7, 5.12) without listing its quorums: a set is a quorum iff it has `q`
  /// members, and the lightest quorum under `y` is made of the `q` lightest servers.
  public static func checkThreshold(
    n: Int, quorumSize q: Int, strategy: [WeightedQuorum], dual: [Rational]
  ) throws -> Rational {
    let universe = ServerSet.universe(n)
    let l = try primalLoad(n: n, strategy: strategy) { s in
      s.count == q && s.isSubset(of: universe) ? nil : "\(s) does not have \(q) servers"
    }
    try checkDistribution(dual, n: n)
    guard q >= 0 && q <= n else { throw CertificateError("quorum size \(q) outside 0...\(n)") }
    let lightest = dual.sorted().prefix(q).reduce(Rational.zero, +)
    return try equal(l, lightest)
  }

  /// `w` is a distribution on distinct quorums; returns the largest server load it induces.
  static func primalLoad(
    n: Int, strategy: [WeightedQuorum], notAQuorum: (ServerSet) -> String?
  ) throws -> Rational {
    guard !strategy.isEmpty else { throw CertificateError("the strategy is empty") }
    var seen = Set<UInt64>()
    let universe = ServerSet.universe(n)
    for e in strategy {
      if let why = notAQuorum(e.quorum) { throw CertificateError(why) }
      guard seen.insert(e.quorum.bits).inserted else {
        throw CertificateError("\(e.quorum) appears twice in the strategy")
      }
      guard e.weight.sign > 0 else {
        throw CertificateError("\(e.quorum) has weight \(e.weight), not positive")
      }
      guard e.quorum.isSubset(of: universe) else {
        throw CertificateError("\(e.quorum) has a server outside 0..<\(n)")
      }
    }
    // Over a common denominator D the weights are integers W_Q with sum D when they sum to 1;
    // every server load is then at most D, so machine integers suffice when D fits.
    var d = BigInt(1)
    for e in strategy where e.weight.denominator != 1 {
      d = d / d.greatestCommonDivisor(with: e.weight.denominator) * e.weight.denominator
    }
    let scaled = strategy.map { $0.weight.numerator * (d / $0.weight.denominator) }
    let total = scaled.reduce(BigInt(0), +)
    guard total == d else {
      throw CertificateError("the strategy's weights sum to \(Rational(total, d)), not 1")
    }
    if d <= BigInt(Int.max) {
      var load = [Int](repeating: 0, count: n)
      for (e, w) in zip(strategy, scaled) {
        let wi = Int(w)
        for u in e.quorum { load[u] += wi }
      }
      return Rational(BigInt(load.max() ?? 0), d)
    }
    var load = [BigInt](repeating: 0, count: n)
    for (e, w) in zip(strategy, scaled) {
      for u in e.quorum { load[u] += w }
    }
    return Rational(load.max() ?? 0, d)
  }

  /// `y` is a distribution on the `n` servers.
  static func checkDistribution(_ y: [Rational], n: Int) throws {
    guard y.count == n else {
      throw CertificateError("the dual has \(y.count) server weights, not \(n)")
    }
    if let u = y.firstIndex(where: { $0.sign < 0 }) {
      throw CertificateError("server \(u) has negative dual weight \(y[u])")
    }
    let sum = y.reduce(Rational.zero, +)
    guard sum == .one else { throw CertificateError("the dual weights sum to \(sum), not 1") }
  }

  static func equal(_ l: Rational, _ t: Rational) throws -> Rational {
    guard l == t else {
      throw CertificateError(
        "the strategy's load \(l) differs from the dual's lightest quorum \(t): not optimal")
    }
    return l
  }

  /// `min_Q Σ_{u ∈ Q} y_u`, exactly: the weights are put over a common denominator `D`; when
  /// `D` fits in 64 bits every quorum sum does too (it is at most `Σ_u y_u D = D`), so the scan
  /// runs on machine integers; otherwise on big integers.
  static func minimumQuorumWeight(_ quorums: [UInt64], _ y: [Rational]) -> Rational {
    var d = BigInt(1)
    for v in y where v.denominator != 1 {
      d = d / d.greatestCommonDivisor(with: v.denominator) * v.denominator
    }
    let scaled = y.map { $0.numerator * (d / $0.denominator) }
    if d <= BigInt(Int.max), !quorums.isEmpty {
      let small = scaled.map { Int($0) }
      var best = Int.max
      small.withUnsafeBufferPointer { w in
        for q in quorums {
          var s = 0
          var bits = q
          while bits != 0 {
            s += w[bits.trailingZeroBitCount]
            bits &= bits - 1
          }
          if s < best { best = s }
        }
      }
      return Rational(BigInt(best), d)
    }
    var best: BigInt? = nil
    for q in quorums {
      var s = BigInt(0)
      for u in ServerSet(bits: q) { s += scaled[u] }
      if best == nil || s < best! { best = s }
    }
    return Rational(best ?? 0, d)
  }
}

extension LoadCertificate {
  /// Checks a certificate for the threshold construction on super-elements (Examples 4.9, 5.9,
  /// 5.14: the unions of `q` of the disjoint `elements`) without listing its quorums: a set is
  /// a quorum iff it is the union of exactly `q` elements, and the lightest quorum under `y`
  /// is made of the `q` lightest elements (an element weighs the sum of its servers' `y`).
  public static func checkSuperElements(
    n: Int, elements: [ServerSet], quorumSize q: Int, strategy: [WeightedQuorum],
    dual: [Rational]
  ) throws -> Rational {
    var covered = ServerSet()
    for e in elements {
      guard !e.isEmpty, e.isDisjoint(with: covered), e.isSubset(of: ServerSet.universe(n)) else {
        throw CertificateError("the super-elements are not disjoint non-empty sets of servers")
      }
      covered = covered.union(e)
    }
    guard q >= 1 && q <= elements.count else {
      throw CertificateError("quorum size \(q) outside 1...\(elements.count)")
    }
    let l = try primalLoad(n: n, strategy: strategy) { s in
      let used = elements.filter { !$0.isDisjoint(with: s) }
      let union = used.reduce(ServerSet()) { $0.union($1) }
      return union == s && used.count == q ? nil : "\(s) is not the union of \(q) super-elements"
    }
    try checkDistribution(dual, n: n)
    let weights = elements.map { e in e.reduce(Rational.zero) { $0 + dual[$1] } }
    let lightest = weights.sorted().prefix(q).reduce(Rational.zero, +)
    return try equal(l, lightest)
  }
}

extension LoadCertificate {
  /// Checks the threshold certificate for any `n` (up to 10^7): the `n` cyclic windows of
  /// ``CyclicWindows``, each `1/n`, and the dual `y`. Server loads are counted exactly with a
  /// difference array over the windows; the lightest quorum is the `q` lightest servers.
  public static func checkThresholdWindows(
    _ windows: CyclicWindows, quorumSize q: Int, dual: [Rational]
  ) throws -> Rational {
    let n = windows.n
    guard n >= 1 && n <= 10_000_000 else { throw CertificateError("n = \(n) out of range") }
    guard windows.size == q, q >= 1, q <= n else {
      throw CertificateError("the windows have \(windows.size) servers, the quorums \(q)")
    }
    var diff = [Int](repeating: 0, count: n + 1)
    for i in 0..<n {
      if i + q <= n {
        diff[i] += 1
        diff[i + q] -= 1
      } else {
        diff[i] += 1
        diff[n] -= 1
        diff[0] += 1
        diff[i + q - n] -= 1
      }
    }
    var count = 0
    var busiest = 0
    for u in 0..<n {
      count += diff[u]
      busiest = max(busiest, count)
    }
    let l = Rational(busiest, n)
    try checkDistribution(dual, n: n)
    let lightest = dual.sorted().prefix(q).reduce(Rational.zero, +)
    return try equal(l, lightest)
  }
}

extension LoadCertificate {
  /// Checks a certificate for the grid of Examples 4.8 and 5.8 on a `k × k` grid of any size
  /// (server `i·k + j` in row `i`, column `j`; a quorum is one column and `rows` rows) without
  /// listing its `k·C(k, rows)` quorums: the loads of ``GridShifts`` are counted cell by cell,
  /// and the lightest quorum under `y` is found exactly as, over the columns `j`,
  /// `y(column j) + (sum of the rows smallest values y(row i) - y(i, j))`.
  public static func checkGrid(_ shifts: GridShifts, dual: [Rational]) throws -> Rational {
    let k = shifts.k
    let rows = shifts.rows
    guard k >= 1 && k <= 1000, rows >= 1, rows <= k else {
      throw CertificateError("grid k = \(k), rows = \(rows) out of range")
    }
    // Loads in units of 1/k².
    var count = [Int](repeating: 0, count: k * k)
    var inQuorum = [Bool](repeating: false, count: k * k)
    for j in 0..<k {
      for s in 0..<k {
        for i in 0..<(k * k) { inQuorum[i] = false }
        for i in 0..<k { inQuorum[i * k + j] = true }
        for t in 0..<rows {
          let r = (s + t) % k
          for c in 0..<k { inQuorum[r * k + c] = true }
        }
        for i in 0..<(k * k) where inQuorum[i] { count[i] += 1 }
      }
    }
    let l = Rational(count.max() ?? 0, k * k)
    try checkDistribution(dual, n: k * k)
    var lightest: Rational? = nil
    let rowWeight = (0..<k).map { i in (0..<k).reduce(Rational.zero) { $0 + dual[i * k + $1] } }
    for j in 0..<k {
      let column = (0..<k).reduce(Rational.zero) { $0 + dual[$1 * k + j] }
      let extra = (0..<k).map { i in rowWeight[i] - dual[i * k + j] }.sorted().prefix(rows)
      let w = extra.reduce(column, +)
      if lightest == nil || w < lightest! { lightest = w }
    }
    return try equal(l, lightest!)
  }
}
