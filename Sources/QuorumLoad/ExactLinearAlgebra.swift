import BigInt

/// Exact solution of small square integer systems, for re-solving an optimal simplex basis.
enum ExactLinearAlgebra {
  /// The solution `x` of `a x = b` in exact rationals, or nil when `a` is singular.
  ///
  /// `a` is `r x r` row-major with machine-integer entries (the basis matrices of the load LP
  /// have entries -1, 0, 1). Fraction-free (Bareiss) elimination keeps every intermediate an
  /// integer minor of `a`, then back substitution works in rationals.
  static func solve(_ a: [[Int]], _ b: [Int]) -> [Rational]? {
    switch solveInMachineIntegers(a, b) {
    case .solved(let x): return x
    case .singular: return nil
    case .overflow: return solveInBigIntegers(a, b)
    }
  }

  enum MachineOutcome {
    case solved([Rational])
    case singular
    case overflow
  }

  /// Bareiss elimination on 64-bit integers, every product checked for overflow: the minors
  /// of the load LP's 0/±1 bases are usually small, and this avoids big integers entirely
  /// until the back substitution (whose fractions are reduced as they are formed).
  static func solveInMachineIntegers(_ a: [[Int]], _ b: [Int]) -> MachineOutcome {
    let r = a.count
    precondition(b.count == r)
    let w = r + 1
    var m = [Int](repeating: 0, count: r * w)
    for i in 0..<r {
      for j in 0..<r { m[i * w + j] = a[i][j] }
      m[i * w + r] = b[i]
    }
    var previous = 1
    for k in 0..<r {
      guard let p = (k..<r).first(where: { m[$0 * w + k] != 0 }) else { return .singular }
      if p != k { for j in 0..<w { m.swapAt(p * w + j, k * w + j) } }
      let pivot = m[k * w + k]
      for i in (k + 1)..<max(r, k + 1) {
        let factor = m[i * w + k]
        for j in (k + 1)..<w {
          let (x, o1) = pivot.multipliedReportingOverflow(by: m[i * w + j])
          let (y, o2) = factor.multipliedReportingOverflow(by: m[k * w + j])
          let (d, o3) = x.subtractingReportingOverflow(y)
          if o1 || o2 || o3 { return .overflow }
          m[i * w + j] = d / previous
        }
        m[i * w + k] = 0
      }
      previous = pivot
    }
    var x = [Rational](repeating: .zero, count: r)
    for i in stride(from: r - 1, through: 0, by: -1) {
      var s = Rational(m[i * w + r])
      for j in (i + 1)..<max(r, i + 1) where m[i * w + j] != 0 && !x[j].isZero {
        s -= Rational(m[i * w + j]) * x[j]
      }
      x[i] = s / Rational(m[i * w + i])
    }
    return .solved(x)
  }

  /// ``solve(_:_:)`` on big integers throughout.
  static func solveInBigIntegers(_ a: [[Int]], _ b: [Int]) -> [Rational]? {
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
