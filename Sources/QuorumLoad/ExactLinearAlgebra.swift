import BigInt

/// Exact solution of small square integer systems, for re-solving an optimal simplex basis.
enum ExactLinearAlgebra {
  /// The solution `x` of `a x = b` in exact rationals, or nil when `a` is singular.
  ///
  /// `a` is `r x r` row-major with machine-integer entries (the basis matrices of the load LP
  /// have entries -1, 0, 1). Fraction-free (Bareiss) elimination keeps every intermediate an
  /// integer minor of `a`, then back substitution works in rationals.
  static func solve(_ a: [[Int]], _ b: [Int]) -> [Rational]? {
    let r = a.count
    precondition(b.count == r)
    var m: [[BigInt]] = (0..<r).map { i in a[i].map { BigInt($0) } + [BigInt(b[i])] }
    var previous = BigInt(1)
    for k in 0..<r {
      // Pivot: the first row at or below k with a non-zero entry in column k.
      guard let p = (k..<r).first(where: { !m[$0][k].isZero }) else { return nil }
      if p != k { m.swapAt(p, k) }
      let pivotRow = m[k]
      let pivot = pivotRow[k]
      for i in (k + 1)..<max(r, k + 1) {
        let factor = m[i][k]
        var row = m[i]
        if factor.isZero {
          // (pivot * row[j] - 0) / previous, exact by Bareiss' identity.
          if pivot != previous {
            for j in (k + 1)...r where !row[j].isZero { row[j] = row[j] * pivot / previous }
          }
        } else {
          for j in (k + 1)...r {
            row[j] = (pivot * row[j] - factor * pivotRow[j]) / previous
          }
          row[k] = 0
        }
        m[i] = row
      }
      previous = pivot
    }
    // Back substitution.
    var x = [Rational](repeating: .zero, count: r)
    for i in stride(from: r - 1, through: 0, by: -1) {
      var s = Rational(integer: m[i][r])
      for j in (i + 1)..<max(r, i + 1) where !m[i][j].isZero && !x[j].isZero {
        s -= Rational(integer: m[i][j]) * x[j]
      }
      x[i] = s / Rational(integer: m[i][i])
    }
    return x
  }
}
