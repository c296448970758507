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
  /// (the back substitution too is fraction-free; each answer is reduced once at the end).
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
          let (q, o4) = d.dividedReportingOverflow(by: previous)
          if o1 || o2 || o3 || o4 { return .overflow }
          m[i * w + j] = q
        }
        m[i * w + k] = 0
      }
      previous = pivot
    }
    // Fraction-free back substitution: with D the last pivot (± det a), every D·x_i is an
    // integer (Cramer's rule), so y = D·x is found in integers and x_i = y_i / D.
    let d = m[(r - 1) * w + r - 1]
    var y = [Int](repeating: 0, count: r)
    for i in stride(from: r - 1, through: 0, by: -1) {
      let (start, o) = d.multipliedReportingOverflow(by: m[i * w + r])
      if o { return .overflow }
      var s = start
      for j in (i + 1)..<max(r, i + 1) where m[i * w + j] != 0 && y[j] != 0 {
        let (t, o1) = m[i * w + j].multipliedReportingOverflow(by: y[j])
        let (u, o2) = s.subtractingReportingOverflow(t)
        if o1 || o2 { return .overflow }
        s = u
      }
      let (q, o1) = s.dividedReportingOverflow(by: m[i * w + i])
      let (rest, o2) = s.remainderReportingOverflow(dividingBy: m[i * w + i])
      guard !o1 && !o2 && rest == 0 else { return .overflow }
      y[i] = q
    }
    return .solved(y.map { fraction($0, d) })
  }

  /// `p / q` in lowest terms, reduced with machine integers (`q` non-zero).
  static func fraction(_ p: Int, _ q: Int) -> Rational {
    if p == .min || q == .min { return Rational(BigInt(p), BigInt(q)) }
    var a = p.magnitude
    var b = q.magnitude
    while b != 0 { (a, b) = (b, a % b) }
    let g = Int(a)
    let sign = (p < 0) != (q < 0) ? -1 : 1
    if p == 0 { return .zero }
    return Rational(
      reduced: BigInt(sign * Int(p.magnitude / UInt(g))), BigInt(Int(q.magnitude / UInt(g))))
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
