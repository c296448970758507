import BigInt
import QuorumKit

/// An internal failure: the solver produced no certificate that survives the exact check.
/// Never expected; reported instead of an unproved load.
public struct LoadSolverError: Error, Sendable, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}

/// The exact load `L(Q)` of a quorum system (Definition 3.1) by linear programming.
///
/// Definition 3.1 as an LP: minimise `L` subject to `Σ_Q w_Q = 1`, `w ≥ 0`, and for every
/// server `u`, `Σ_{Q ∋ u} w_Q ≤ L`. Its dual: maximise `t` subject to `Σ_u y_u = 1`, `y ≥ 0`,
/// and for every quorum `Q`, `Σ_{u ∈ Q} y_u ≥ t`. Every result carries an optimal strategy and
/// an optimal dual, both re-checked by ``LoadCertificate`` in exact rationals before the result
/// is returned: no load is reported without that check.
public enum LoadSolver {
  /// Which path to take.
  public enum Method: String, Sendable, CaseIterable {
    /// Symmetry when the system is a whole threshold family, else the LP on the cells of its
    /// equitable partition when that merges quorums, else the floating-point simplex with an
    /// exact re-solve of its basis, else the exact simplex.
    case automatic = "auto"
    /// The floating-point simplex and exact re-solve (exact simplex if that fails), even for
    /// symmetric systems.
    case simplex = "lp"
    /// The exact rational simplex only.
    case exactSimplex = "exact"
  }

  /// The load of the explicit system `quorums` over the servers `0..<n` (Definition 3.1).
  ///
  /// Duplicate quorums are ignored. With ``Method/automatic``, a list that is every `q`-subset
  /// of the `n` servers is recognised (it has `C(n, q)` distinct `q`-sets) and solved by
  /// symmetry.
  ///
  /// - Throws: ``InputError`` for `n` outside `1...64`, no quorums, or a server outside
  ///   `0..<n`; ``LoadSolverError`` if no certificate survives the exact check.
  public static func load(
    quorums: [ServerSet], n: Int, method: Method = .automatic
  ) throws -> LoadResult {
    guard n >= 1 && n <= ServerSet.capacity else {
      throw InputError("load needs 1 to \(ServerSet.capacity) servers (got \(n))")
    }
    guard !quorums.isEmpty else { throw InputError("the quorum system has no quorums") }
    let universe = ServerSet.universe(n)
    if let bad = quorums.first(where: { !$0.isSubset(of: universe) }) {
      throw InputError("quorum \(bad) names a server outside 0..<\(n)")
    }
    let list = ServerSet.sortedDistinct(quorums)
    if list.contains(where: \.isEmpty) {
      // The empty quorum loads no server.
      let dual = [Rational](repeating: Rational(1, n), count: n)
      let strategy = [WeightedQuorum(quorum: ServerSet(), weight: .one)]
      let v = try certify {
        try LoadCertificate.check(quorums: list, n: n, strategy: strategy, dual: dual)
      }
      return LoadResult(
        n: n, quorumCount: Double(list.count), value: v, strategy: strategy, dual: dual,
        bound: bound(list, n: n), method: .trivial, iterations: 0, note: nil, verified: true)
    }
    if method == .automatic, let q = completeThresholdSize(list, n: n) {
      return try thresholdLoad(n: n, quorumSize: q)
    }
    if method == .automatic, uniformGuessCanHold(list) {
      // Every quorum equally likely, every covered server equally weighted: optimal whenever
      // the servers are all alike; kept only if the exact check proves it.
      let covered = list.reduce(ServerSet()) { $0.union($1) }
      let weight = Rational(1, list.count)
      let strategy = list.map { WeightedQuorum(quorum: $0, weight: weight) }
      let dual = (0..<n).map { covered.contains($0) ? Rational(1, covered.count) : .zero }
      if let v = try? LoadCertificate.check(quorums: list, n: n, strategy: strategy, dual: dual) {
        return LoadResult(
          n: n, quorumCount: Double(list.count), value: v, strategy: strategy, dual: dual,
          bound: bound(list, n: n), method: .uniformGuess, iterations: 0, note: nil,
          verified: true)
      }
    }
    if method == .automatic, list.count <= 1_000_000, let r = try orbitLoad(list, n: n) {
      return r
    }
    return try simplexLoad(list, n: n, exactOnly: method == .exactSimplex)
  }

  /// The load of `system`: by symmetry for the threshold construction (Examples 4.7, 5.7,
  /// 5.12: load `q/n`, without listing the `C(n, q)` quorums), otherwise by the LP on the
  /// listed quorums.
  ///
  /// - Throws: ``InputError`` when the system is neither a construction this module knows
  ///   nor listed.
  public static func load(of system: QuorumSystem, method: Method = .automatic) throws
    -> LoadResult
  {
    let n = system.universe.count
    if method == .automatic {
      switch system.construction {
      case .threshold(let cn, let q)?:
        return try thresholdLoad(n: cn, quorumSize: q)
      case .grid(let k, let rows)? where system.quorums == nil:
        return try gridLoad(k: k, rows: rows)
      case .grid(let k, let rows)?:
        if let r = try gridLoad(
          system, cells: (0..<(k * k)).map { ServerSet([$0]) }, k: k, rows: rows)
        {
          return r
        }
      case .superElementGrid(let elements, let rows)?:
        var k = 0
        while (k + 1) * (k + 1) <= elements.count { k += 1 }
        if k * k == elements.count,
          let r = try gridLoad(system, cells: elements, k: k, rows: rows)
        {
          return r
        }
      case .superElements(let elements, let q)?:
        if let r = try superElementLoad(system, elements: elements, quorumSize: q) {
          return r
        }
      default:
        break  // Constructions without a symmetric path here: use the listed quorums.
      }
    }
    if let quorums = system.quorums {
      return try load(quorums: quorums, n: n, method: method)
    }
    if case .threshold(let cn, let q)? = system.construction, cn <= ServerSet.capacity {
      // Asked for the LP on a construction too large to list: list it if it can be.
      guard binomial(cn, q) <= 2_000_000 else {
        throw InputError(
          "the threshold system has \(binomial(cn, q)) quorums, too many to list for the LP; "
            + "use the symmetric method")
      }
      return try load(quorums: Array(KSubsets(n: cn, k: q)), n: cn, method: method)
    }
    throw InputError(
      "load of this construction is not supported yet: its quorums are not listed")
  }

  /// The threshold construction (all `q`-subsets of `n` servers): load `q/n` (Examples 4.7,
  /// 5.7, 5.12; Theorem 4.5's `c(Q)/n` bound is attained).
  ///
  /// Certificate: the `n` cyclic windows `{i, i+1, ..., i+q-1 mod n}`, each with probability
  /// `1/n`, load every server exactly `q/n`; the uniform dual `y_u = 1/n` gives every
  /// `q`-set weight `q/n`. ``LoadCertificate/checkThreshold(n:quorumSize:strategy:dual:)``
  /// checks both exactly in `O(n log n)`, whatever `C(n, q)` is.
  ///
  /// Over more than 64 servers (up to 10^6) the strategy is returned as the rule
  /// ``LoadResult/windows`` and checked by
  /// ``LoadCertificate/checkThresholdWindows(_:quorumSize:dual:)``.
  public static func thresholdLoad(n: Int, quorumSize q: Int) throws -> LoadResult {
    guard n >= 1 && n <= 1_000_000 else {
      throw InputError("the threshold load needs 1 to 1000000 servers (got \(n))")
    }
    guard q >= 1 && q <= n else {
      throw InputError("threshold quorum size \(q) must be between 1 and n = \(n)")
    }
    if n > ServerSet.capacity {
      let windows = CyclicWindows(n: n, size: q)
      let dual = [Rational](repeating: Rational(1, n), count: n)
      let v = try certify {
        try LoadCertificate.checkThresholdWindows(windows, quorumSize: q, dual: dual)
      }
      var r = LoadResult(
        n: n, quorumCount: binomial(n, q), value: v, strategy: [], dual: dual,
        bound: TheoremBound(
          smallestQuorum: q, sizeOverN: Rational(q, n),
          oneOverSize: 2 * q > n ? Rational(1, q) : nil),
        method: .thresholdSymmetry, iterations: 0, note: nil, verified: true)
      r.windows = windows
      return r
    }
    var windows: [ServerSet] = []
    var seen = Set<UInt64>()
    for i in 0..<n {
      let w = ServerSet((0..<q).map { (i + $0) % n })
      if seen.insert(w.bits).inserted { windows.append(w) }
    }
    let weight = Rational(1, windows.count)
    let strategy = windows.sorted().map { WeightedQuorum(quorum: $0, weight: weight) }
    let dual = [Rational](repeating: Rational(1, n), count: n)
    let v = try certify {
      try LoadCertificate.checkThreshold(n: n, quorumSize: q, strategy: strategy, dual: dual)
    }
    let bound = TheoremBound(
      smallestQuorum: q, sizeOverN: Rational(q, n), oneOverSize: 2 * q > n ? Rational(1, q) : nil)
    return LoadResult(
      n: n, quorumCount: binomial(n, q), value: v, strategy: strategy, dual: dual, bound: bound,
      method: .thresholdSymmetry, iterations: 0, note: nil, verified: true)
  }

  // MARK: - Symmetric constructions

  /// The grid of Examples 4.8 (`rows = 2f + 1`) and 5.8 (`rows = f + 1`) on `k × k` servers,
  /// for any `k` up to 1000 (beyond the 64 servers a ``QuorumSystem`` can list): load
  /// `((rows + 1)k - rows)/k²`, with the strategy as the rule ``GridShifts`` and the uniform
  /// dual, checked by ``LoadCertificate/checkGrid(_:dual:)`` without listing the quorums.
  public static func gridLoad(k: Int, rows: Int) throws -> LoadResult {
    guard k >= 1 && k <= 1000 else { throw InputError("the grid needs 1 <= k <= 1000 (got \(k))") }
    guard rows >= 1 && rows <= k else {
      throw InputError("the grid needs 1 <= rows <= k = \(k) (got rows = \(rows))")
    }
    let n = k * k
    let shifts = GridShifts(k: k, rows: rows)
    let dual = [Rational](repeating: Rational(1, n), count: n)
    let v = try certify { try LoadCertificate.checkGrid(shifts, dual: dual) }
    let c = (rows + 1) * k - rows
    var r = LoadResult(
      n: n, quorumCount: Double(k) * binomial(k, rows), value: v, strategy: [], dual: dual,
      bound: TheoremBound(
        smallestQuorum: c, sizeOverN: Rational(c, n), oneOverSize: Rational(1, c)),
      method: .constructionSymmetry, iterations: 0, note: nil, verified: true)
    r.gridShifts = shifts
    return r
  }

  /// Merges equal quorums of a strategy, adding their weights.
  static func merged(_ entries: [(ServerSet, Rational)]) -> [WeightedQuorum] {
    var weights: [ServerSet: Rational] = [:]
    for (q, w) in entries { weights[q, default: .zero] += w }
    return sortStrategy(weights.map { WeightedQuorum(quorum: $0.key, weight: $0.value) })
  }

  /// The grid of Examples 4.8 and 5.8, on servers or on super-elements (Examples 4.9, 5.9):
  /// `k × k` cells, a quorum is one column and `rows` rows. Strategy: column `j` with the
  /// cyclic rows `s, ..., s + rows - 1 (mod k)`, for every `j` and `s`, each `1/k²`: every
  /// cell is in the column with probability `1/k` and otherwise in the rows with probability
  /// `rows/k`, load `((rows + 1)k - rows)/k²`. Dual: `1/k²` on one server of each cell, so
  /// every quorum (which covers `(rows + 1)k - rows` cells) weighs the same. Checked exactly
  /// against the listed quorums; nil when they are not listed or the check fails.
  static func gridLoad(_ system: QuorumSystem, cells: [ServerSet], k: Int, rows: Int) throws
    -> LoadResult?
  {
    let n = system.universe.count
    guard let list = system.quorums, !list.isEmpty, k >= 1, rows >= 1, rows <= k,
      n <= ServerSet.capacity, cells.allSatisfy({ !$0.isEmpty })
    else { return nil }
    let w = Rational(1, k * k)
    var entries: [(ServerSet, Rational)] = []
    for j in 0..<k {
      let column = (0..<k).reduce(ServerSet()) { $0.union(cells[$1 * k + j]) }
      for s in 0..<k {
        var q = column
        for t in 0..<rows {
          let r = (s + t) % k
          for c in 0..<k { q = q.union(cells[r * k + c]) }
        }
        entries.append((q, w))
      }
    }
    var dual = [Rational](repeating: .zero, count: n)
    for cell in cells { dual[cell.first!] += w }
    let strategy = merged(entries)
    guard
      let v = try? LoadCertificate.check(quorums: list, n: n, strategy: strategy, dual: dual)
    else { return nil }
    return LoadResult(
      n: n, quorumCount: Double(list.count), value: v, strategy: strategy, dual: dual,
      bound: bound(list, n: n), method: .constructionSymmetry, iterations: 0, note: nil,
      verified: true)
  }

  /// The threshold construction on `m` super-elements (Examples 4.9, 5.9, 5.14): strategy the
  /// `m` cyclic windows of `q` consecutive elements, each `1/m`; dual `1/m` on one server of
  /// each element. Load `q/m`. Checked exactly, without listing the quorums
  /// (``LoadCertificate/checkSuperElements(n:elements:quorumSize:strategy:dual:)``).
  static func superElementLoad(_ system: QuorumSystem, elements: [ServerSet], quorumSize q: Int)
    throws -> LoadResult?
  {
    let n = system.universe.count
    let m = elements.count
    guard m >= 1, q >= 1, q <= m, n <= ServerSet.capacity, elements.allSatisfy({ !$0.isEmpty })
    else { return nil }
    let w = Rational(1, m)
    let entries = (0..<m).map { i in
      ((0..<q).reduce(ServerSet()) { $0.union(elements[(i + $1) % m]) }, w)
    }
    var dual = [Rational](repeating: .zero, count: n)
    for e in elements { dual[e.first!] += w }
    let strategy = merged(entries)
    guard
      let v = try? LoadCertificate.checkSuperElements(
        n: n, elements: elements, quorumSize: q, strategy: strategy, dual: dual)
    else { return nil }
    let c = elements.map(\.count).sorted().prefix(q).reduce(0, +)
    return LoadResult(
      n: n, quorumCount: binomial(m, q), value: v, strategy: strategy, dual: dual,
      bound: TheoremBound(
        smallestQuorum: c, sizeOverN: Rational(c, n), oneOverSize: 2 * q > m ? Rational(1, c) : nil),
      method: .constructionSymmetry, iterations: 0, note: nil, verified: true)
  }

  // MARK: - The LP

  static func simplexLoad(_ list: [ServerSet], n: Int, exactOnly: Bool) throws -> LoadResult {
    let bits = list.map(\.bits)
    let limit = 200_000 + 50 * (bits.count + n)
    var note: String? = nil
    var warmBasis: [Int]? = nil
    var iterations = 0
    if !exactOnly {
      let start = LoadSimplex<Double>.initialBasis(quorums: bits, n: n)
      if var lp = LoadSimplex<Double>(quorums: bits, n: n, basis: start) {
        let outcome = lp.run(maxIterations: limit)
        iterations = lp.iterations
        if outcome == .optimal {
          // First a cheap guess: the floating-point values rounded to nearby fractions with
          // small denominators, kept only if the exact check accepts them.
          if let c = roundedCertificate(&lp, list: list),
            let v = try? LoadCertificate.check(
              quorums: list, n: n, strategy: c.strategy, dual: c.dual)
          {
            return LoadResult(
              n: n, quorumCount: Double(list.count), value: v, strategy: c.strategy,
              dual: c.dual, bound: bound(list, n: n), method: .floatingBasis,
              iterations: iterations, note: nil, verified: true)
          }
          if let c = exactCertificate(basis: lp.basis, quorums: bits, n: n) {
            do {
              let v = try LoadCertificate.check(
                quorums: list, n: n, strategy: c.strategy, dual: c.dual)
              return LoadResult(
                n: n, quorumCount: Double(list.count), value: v, strategy: c.strategy,
                dual: c.dual, bound: bound(list, n: n), method: .floatingBasis,
                iterations: iterations, note: nil, verified: true)
            } catch let e as CertificateError {
              note = "the floating-point basis failed the exact check (\(e.message))"
            }
          } else {
            note = "the floating-point basis is singular or infeasible in exact arithmetic"
          }
          warmBasis = lp.basis
        } else {
          note = "the floating-point simplex stopped (\(outcome))"
        }
      }
    }
    // Exact simplex, from the floating-point basis when it is exactly feasible.
    var exact: LoadSimplex<Rational>? = nil
    if let warmBasis, let s = LoadSimplex<Rational>(quorums: bits, n: n, basis: warmBasis),
      !s.x.contains(where: { $0.sign < 0 })
    {
      exact = s
    }
    if exact == nil {
      exact = LoadSimplex<Rational>(
        quorums: bits, n: n, basis: LoadSimplex<Rational>.initialBasis(quorums: bits, n: n))
    }
    guard var lp = exact else {
      throw LoadSolverError(message: "internal: the starting basis is singular")
    }
    let outcome = lp.run(maxIterations: Int.max)
    guard outcome == .optimal else {
      throw LoadSolverError(message: "internal: the exact simplex stopped (\(outcome))")
    }
    var strategy: [WeightedQuorum] = []
    for (i, j) in lp.basis.enumerated() where j < bits.count && lp.x[i].sign > 0 {
      strategy.append(WeightedQuorum(quorum: list[j], weight: lp.x[i]))
    }
    let dual = lp.multipliers().prefix(n).map { -$0 }
    let v = try certify {
      try LoadCertificate.check(quorums: list, n: n, strategy: strategy, dual: Array(dual))
    }
    return LoadResult(
      n: n, quorumCount: Double(list.count), value: v, strategy: sortStrategy(strategy),
      dual: Array(dual), bound: bound(list, n: n), method: .exactSimplex,
      iterations: iterations + lp.iterations, note: note, verified: true)
  }

  /// Re-solves a basis in exact rationals: `B x = e_n` gives the strategy, `B^T π = c_B` the
  /// multipliers, `y = -π` the dual. Nil when the basis is singular or `x` has a negative entry.
  static func exactCertificate(basis: [Int], quorums: [UInt64], n: Int) -> (
    strategy: [WeightedQuorum], dual: [Rational]
  )? {
    let m = quorums.count
    // A basic slack s_u is the only basic column with its unit entry alone in row u: row u
    // only fixes s_u (dropped from B x = e_n), and π_u = 0 (from B^T π = c_B). What remains is
    // square: the rows of the servers whose slack is not basic, plus row n, against the basic
    // quorum columns and L.
    var slackBasic = [Bool](repeating: false, count: n)
    for j in basis where j > m { slackBasic[j - m - 1] = true }
    let keptRows = (0..<n).filter { !slackBasic[$0] } + [n]
    let keptColumns = basis.filter { $0 <= m }
    guard keptRows.count == keptColumns.count else { return nil }
    let size = keptRows.count
    var rowOf = [Int](repeating: -1, count: n + 1)
    for (i, u) in keptRows.enumerated() { rowOf[u] = i }
    var b = [[Int]](repeating: [Int](repeating: 0, count: size), count: size)
    for (col, j) in keptColumns.enumerated() {
      if j < m {
        for u in ServerSet(bits: quorums[j]) where rowOf[u] >= 0 { b[rowOf[u]][col] = 1 }
        b[size - 1][col] = 1
      } else {
        for u in 0..<n where rowOf[u] >= 0 { b[rowOf[u]][col] = -1 }
      }
    }
    var rhs = [Int](repeating: 0, count: size)
    rhs[size - 1] = 1
    guard let x = ExactLinearAlgebra.solve(b, rhs) else { return nil }
    let bt = (0..<size).map { i in (0..<size).map { j in b[j][i] } }
    let cost = keptColumns.map { $0 == m ? 1 : 0 }
    guard let piKept = ExactLinearAlgebra.solve(bt, cost) else { return nil }
    var strategy: [WeightedQuorum] = []
    for (i, j) in keptColumns.enumerated() where j < m {
      if x[i].sign < 0 { return nil }
      if x[i].sign > 0 {
        strategy.append(WeightedQuorum(quorum: ServerSet(bits: quorums[j]), weight: x[i]))
      }
    }
    var dual = [Rational](repeating: .zero, count: n)
    for (i, u) in keptRows.enumerated() where u < n { dual[u] = -piKept[i] }
    return (sortStrategy(strategy), dual)
  }

  /// The floating-point optimum rounded to fractions with denominators up to 10^6 (continued
  /// fractions), as a candidate certificate; nil if the basis cannot be refactored. Only a
  /// guess: the caller keeps it only if ``LoadCertificate`` accepts it.
  static func roundedCertificate(_ lp: inout LoadSimplex<Double>, list: [ServerSet]) -> (
    strategy: [WeightedQuorum], dual: [Rational]
  )? {
    guard lp.refactor() else { return nil }
    var strategy: [WeightedQuorum] = []
    for (i, j) in lp.basis.enumerated() where j < list.count {
      guard let w = nearbyFraction(lp.x[i]) else { return nil }
      if w.sign > 0 { strategy.append(WeightedQuorum(quorum: list[j], weight: w)) }
    }
    var dual: [Rational] = []
    for p in lp.multipliers().prefix(lp.n) {
      guard let y = nearbyFraction(-p) else { return nil }
      dual.append(y)
    }
    return (sortStrategy(strategy), dual)
  }

  /// The fraction with the smallest denominator (at most 10^6) within 1e-9 of `x`, if any.
  static func nearbyFraction(_ x: Double) -> Rational? {
    guard x.isFinite, abs(x) < 1e6 else { return nil }
    if abs(x) < 1e-12 { return .zero }
    // Continued-fraction convergents h/k of x.
    var (h0, h1) = (0, 1)
    var (k0, k1) = (1, 0)
    var r = x
    for _ in 0..<40 {
      let a = r.rounded(.down)
      guard abs(a) < 1e9 else { return nil }
      let ai = Int(a)
      (h0, h1) = (h1, ai * h1 + h0)
      (k0, k1) = (k1, ai * k1 + k0)
      if k1 > 1_000_000 { return nil }
      if abs(Double(h1) / Double(k1) - x) <= 1e-9 { return Rational(h1, k1) }
      let f = r - a
      if f < 1e-15 { return nil }
      r = 1 / f
    }
    return nil
  }

  static func sortStrategy(_ s: [WeightedQuorum]) -> [WeightedQuorum] {
    s.sorted { a, b in a.weight != b.weight ? b.weight < a.weight : a.quorum < b.quorum }
  }

  static func certify(_ body: () throws -> Rational) throws -> Rational {
    do {
      return try body()
    } catch let e as CertificateError {
      throw LoadSolverError(message: "internal: certificate rejected: \(e.message)")
    }
  }

  /// Whether the uniform guess can pass the exact check, decided in machine integers before
  /// building it: its strategy loads the busiest server `maxdeg/m`, its dual gives the
  /// lightest quorum `min|Q|/|covered|`, and the check needs the two equal. (Only a filter:
  /// the guess is still checked exactly when it passes.)
  static func uniformGuessCanHold(_ list: [ServerSet]) -> Bool {
    var degree = [Int](repeating: 0, count: ServerSet.capacity)
    var covered: UInt64 = 0
    var smallest = Int.max
    for q in list {
      covered |= q.bits
      smallest = min(smallest, q.count)
      var b = q.bits
      while b != 0 {
        degree[b.trailingZeroBitCount] += 1
        b &= b - 1
      }
    }
    let busiest = degree.max() ?? 0
    let (left, o1) = busiest.multipliedReportingOverflow(by: covered.nonzeroBitCount)
    let (right, o2) = smallest.multipliedReportingOverflow(by: list.count)
    return o1 || o2 || left == right
  }

  /// If `list` (sorted, distinct) is every `q`-subset of `0..<n`, returns `q`.
  static func completeThresholdSize(_ list: [ServerSet], n: Int) -> Int? {
    guard let q = list.first?.count, list.allSatisfy({ $0.count == q }) else { return nil }
    return binomial(n, q) == Double(list.count) ? q : nil
  }

  /// Theorem 4.5's bound for an explicit list; the `1/c(Q)` half is claimed only after
  /// finding a smallest quorum that meets every quorum (at most 32 candidates are tried).
  static func bound(_ list: [ServerSet], n: Int) -> TheoremBound {
    let c = list.map(\.count).min() ?? 0
    var meets = false
    if c > 0 {
      for q1 in list.lazy.filter({ $0.count == c }).prefix(32) {
        if list.allSatisfy({ !$0.isDisjoint(with: q1) }) {
          meets = true
          break
        }
      }
    }
    return TheoremBound(
      smallestQuorum: c, sizeOverN: Rational(c, n), oneOverSize: meets ? Rational(1, c) : nil)
  }
}
