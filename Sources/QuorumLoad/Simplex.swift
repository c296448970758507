/// Numbers the revised simplex runs on: `Double` (with a tolerance, as a fast guide) or
/// ``Rational`` (exact, as the fallback).
protocol SimplexScalar {
  static var zero: Self { get }
  static var one: Self { get }
  static func + (a: Self, b: Self) -> Self
  static func - (a: Self, b: Self) -> Self
  static func * (a: Self, b: Self) -> Self
  static func / (a: Self, b: Self) -> Self
  static prefix func - (a: Self) -> Self
  /// Strictly positive beyond the tolerance.
  var isClearlyPositive: Bool { get }
  /// Strictly negative beyond the tolerance.
  var isClearlyNegative: Bool { get }
  /// Zero within the tolerance.
  var isNegligible: Bool { get }
  /// For choosing pivots: a measure of size.
  var pivotSize: Double { get }
  static func less(_ a: Self, _ b: Self) -> Bool
  /// Whether the arithmetic is exact (then Bland's rule is always used: it terminates).
  static var isExact: Bool { get }
}

extension Double: SimplexScalar {
  static let tolerance = 1e-9
  static var one: Double { 1 }
  var isClearlyPositive: Bool { self > Double.tolerance }
  var isClearlyNegative: Bool { self < -Double.tolerance }
  var isNegligible: Bool { abs(self) <= Double.tolerance }
  var pivotSize: Double { abs(self) }
  static func less(_ a: Double, _ b: Double) -> Bool { a < b }
  static var isExact: Bool { false }
}

extension Rational: SimplexScalar {
  var isClearlyPositive: Bool { sign > 0 }
  var isClearlyNegative: Bool { sign < 0 }
  var isNegligible: Bool { isZero }
  var pivotSize: Double { isZero ? 0 : 1 }
  static func less(_ a: Rational, _ b: Rational) -> Bool { a < b }
  static var isExact: Bool { true }
}

/// The load LP of Definition 3.1 in standard form, solved by a revised simplex with a dense
/// explicit basis inverse (the basis has only `n + 1` rows).
///
/// Rows `0..<n` are the servers: `Σ_{Q ∋ u} w_Q - L + s_u = 0`; row `n` is `Σ_Q w_Q = 1`.
/// Columns `0..<m` are the quorum weights `w_Q`, column `m` is `L`, columns `m + 1 + u` are
/// the slacks `s_u`. The objective is to minimise `L`. The simplex multipliers `π` of an
/// optimal basis give the dual of the issue: `y_u = -π_u`, `t = π_n`.
struct LoadSimplex<T: SimplexScalar> {
  let quorums: [UInt64]
  let n: Int
  var m: Int { quorums.count }
  var rows: Int { n + 1 }
  var columnCount: Int { quorums.count + 1 + n }
  var lColumn: Int { quorums.count }

  /// The basic column of each row position.
  var basis: [Int]
  /// Row position of each column in the basis, or -1.
  var position: [Int]
  /// The basis inverse, row-major `rows x rows`.
  var inverse: [T]
  /// The basic variables' values.
  var x: [T]
  var iterations = 0

  enum Outcome { case optimal, iterationLimit, singular }

  /// A simplex at `basis` (a list of `n + 1` columns); nil if that basis is singular.
  init?(quorums: [UInt64], n: Int, basis: [Int]) {
    self.quorums = quorums
    self.n = n
    self.basis = basis
    self.position = [Int](repeating: -1, count: quorums.count + 1 + n)
    for (i, c) in basis.enumerated() { position[c] = i }
    self.inverse = []
    self.x = []
    guard refactor() else { return nil }
  }

  /// The starting basis: the first non-empty quorum `Q0` with weight 1, `L`, and the slacks of
  /// every server except one member `u0` of `Q0`. Its inverse exists: row `n` fixes `w_Q0`,
  /// row `u0` fixes `L`, every other row its slack.
  static func initialBasis(quorums: [UInt64], n: Int) -> [Int] {
    let q0 = quorums.firstIndex(where: { $0 != 0 })!
    let u0 = quorums[q0].trailingZeroBitCount
    var b = [q0, quorums.count]
    for u in 0..<n where u != u0 { b.append(quorums.count + 1 + u) }
    return b
  }

  /// Calls `body(row, coefficient)` for each non-zero of column `j`.
  @inline(__always) func forEachEntry(of j: Int, _ body: (Int, Int) -> Void) {
    if j < m {
      var bits = quorums[j]
      while bits != 0 {
        body(bits.trailingZeroBitCount, 1)
        bits &= bits - 1
      }
      body(n, 1)
    } else if j == m {
      for u in 0..<n { body(u, -1) }
    } else {
      body(j - m - 1, 1)
    }
  }

  /// Recomputes the inverse from the basis columns (Gauss-Jordan with partial pivoting) and
  /// the basic values `x = B^-1 e_n`. False if the basis is singular.
  mutating func refactor() -> Bool {
    let r = rows
    var a = [T](repeating: .zero, count: r * r)
    for (col, j) in basis.enumerated() {
      forEachEntry(of: j) { row, c in a[row * r + col] = c == 1 ? T.one : -T.one }
    }
    var inv = [T](repeating: .zero, count: r * r)
    for i in 0..<r { inv[i * r + i] = .one }
    for k in 0..<r {
      var p = -1
      var best = 0.0
      for i in k..<r {
        let s = a[i * r + k].pivotSize
        if s > best && !(a[i * r + k].isNegligible) {
          best = s
          p = i
          if T.isExact { break }
        }
      }
      if p < 0 { return false }
      if p != k {
        for j in 0..<r {
          a.swapAt(p * r + j, k * r + j)
          inv.swapAt(p * r + j, k * r + j)
        }
      }
      let pivot = a[k * r + k]
      for j in 0..<r {
        a[k * r + j] = a[k * r + j] / pivot
        inv[k * r + j] = inv[k * r + j] / pivot
      }
      for i in 0..<r where i != k {
        let f = a[i * r + k]
        if f.isNegligible && T.isExact { continue }
        if T.isExact == false && f.pivotSize == 0 { continue }
        for j in 0..<r {
          a[i * r + j] = a[i * r + j] - f * a[k * r + j]
          inv[i * r + j] = inv[i * r + j] - f * inv[k * r + j]
        }
      }
    }
    inverse = inv
    x = (0..<r).map { inv[$0 * r + n] }
    return true
  }

  /// `B^-1 a_j`.
  func direction(of j: Int) -> [T] {
    let r = rows
    var d = [T](repeating: .zero, count: r)
    forEachEntry(of: j) { row, c in
      for i in 0..<r {
        let v = inverse[i * r + row]
        d[i] = c == 1 ? d[i] + v : d[i] - v
      }
    }
    return d
  }

  /// The simplex multipliers `π = c_B B^-1`: the row of the inverse at `L`'s position.
  func multipliers() -> [T] {
    let p = position[lColumn]
    if p < 0 { return [T](repeating: .zero, count: rows) }
    let r = rows
    return (0..<r).map { inverse[p * r + $0] }
  }

  /// The reduced cost of column `j` under multipliers `pi`.
  @inline(__always) func reducedCost(_ j: Int, _ pi: [T]) -> T {
    if j < m {
      var s = pi[n]
      var bits = quorums[j]
      while bits != 0 {
        s = s + pi[bits.trailingZeroBitCount]
        bits &= bits - 1
      }
      return -s
    } else if j == m {
      var s = T.one
      for u in 0..<n { s = s + pi[u] }
      return s
    } else {
      return -pi[j - m - 1]
    }
  }

  /// Runs to optimality: Dantzig's rule, switching to Bland's rule (which cannot cycle) after a
  /// run of degenerate pivots, and always Bland's rule in exact arithmetic.
  mutating func run(maxIterations: Int) -> Outcome {
    var degenerateRun = 0
    var sinceRefactor = 0
    let total = columnCount
    while iterations < maxIterations {
      let pi = multipliers()
      let bland = T.isExact || degenerateRun > 40
      // Pricing.
      var entering = -1
      var bestCost = T.zero
      for j in 0..<total where position[j] < 0 {
        let d = reducedCost(j, pi)
        guard d.isClearlyNegative else { continue }
        if bland {
          entering = j
          break
        }
        if entering < 0 || T.less(d, bestCost) {
          entering = j
          bestCost = d
        }
      }
      if entering < 0 { return .optimal }
      // Ratio test.
      let d = direction(of: entering)
      var leave = -1
      var bestRatio = T.zero
      for i in 0..<rows where d[i].isClearlyPositive {
        let ratio = x[i] / d[i]
        if leave < 0 {
          leave = i
          bestRatio = ratio
          continue
        }
        let diff = ratio - bestRatio
        if diff.isClearlyNegative {
          leave = i
          bestRatio = ratio
        } else if diff.isNegligible {
          // Ties: Bland takes the smallest column index; otherwise the larger pivot.
          if bland ? basis[i] < basis[leave] : d[i].pivotSize > d[leave].pivotSize {
            leave = i
            bestRatio = ratio
          }
        }
      }
      // L bounds the problem (L >= max load >= 0), so some row always blocks.
      if leave < 0 { return .singular }
      degenerateRun = bestRatio.isNegligible ? degenerateRun + 1 : 0
      pivot(entering: entering, leaving: leave, direction: d)
      iterations += 1
      sinceRefactor += 1
      if !T.isExact && sinceRefactor >= 50 {
        sinceRefactor = 0
        if !refactor() { return .singular }
      }
    }
    return .iterationLimit
  }

  mutating func pivot(entering: Int, leaving p: Int, direction d: [T]) {
    let r = rows
    let dp = d[p]
    for j in 0..<r { inverse[p * r + j] = inverse[p * r + j] / dp }
    x[p] = x[p] / dp
    for i in 0..<r where i != p {
      let f = d[i]
      if f.isNegligible && (T.isExact || f.pivotSize == 0) { continue }
      for j in 0..<r { inverse[i * r + j] = inverse[i * r + j] - f * inverse[p * r + j] }
      x[i] = x[i] - f * x[p]
      if !T.isExact && x[i].isNegligible { x[i] = .zero }
    }
    position[basis[p]] = -1
    basis[p] = entering
    position[entering] = p
  }
}
