import QuorumKit

extension LoadSolver {
  /// The load of a listed system by the LP reduced to the cells of its coarsest equitable
  /// partition (``EquitablePartition``), which contain the orbits of its automorphisms; nil
  /// when the partition does not merge any quorums, or the reduced certificate fails.
  ///
  /// The reduced LP has one variable `x_O` per quorum cell (the cell's total probability) and
  /// one row per server cell `S`: minimise `L` subject to `Σ_O c(O, S) x_O ≤ |S| L`,
  /// `Σ_O x_O = 1`, `x ≥ 0`, where `c(O, S)` is the number of servers of `S` in any quorum of
  /// `O`. Averaging an optimal strategy over the cells gives one of this form with the same
  /// load, so the optima agree. It is solved by a dense floating-point simplex; its final
  /// basis is re-solved in exact rationals; the strategy is spread evenly over each cell
  /// (`w_Q = x_O/|O|`) and the dual over each server cell; and the certificate is re-checked
  /// exactly against every quorum of the full list by ``LoadCertificate``.
  static func orbitLoad(_ list: [ServerSet], n: Int) throws -> LoadResult? {
    let bits = list.map(\.bits)
    let partition = EquitablePartition.refine(quorums: bits, n: n, stopAtDistinctQuorums: true)
    guard partition.quorumCellCount < list.count else { return nil }
    let serverCells = partition.serverCells
    let quorumCells = partition.quorumCells
    let r = serverCells.count
    let c = quorumCells.count
    var coefficient = [[Int]](repeating: [Int](repeating: 0, count: c), count: r)
    for (o, cell) in quorumCells.enumerated() {
      var b = bits[cell[0]]
      while b != 0 {
        coefficient[partition.serverColour[b.trailingZeroBitCount]][o] += 1
        b &= b - 1
      }
    }
    var lp = DenseLoadLP(coefficient: coefficient, cellSizes: serverCells.map(\.count))
    guard lp.solve(maxIterations: 50_000 + 50 * (r + c)),
      let exact = lp.exactSolution()
    else { return nil }
    var strategy: [WeightedQuorum] = []
    for (o, cell) in quorumCells.enumerated() where exact.x[o].sign > 0 {
      let w = exact.x[o] / Rational(cell.count)
      for q in cell { strategy.append(WeightedQuorum(quorum: list[q], weight: w)) }
    }
    let dual = (0..<n).map { exact.z[partition.serverColour[$0]] }
    guard
      let v = try? LoadCertificate.check(
        quorums: list, n: n, strategy: strategy, dual: dual)
    else { return nil }
    return LoadResult(
      n: n, quorumCount: Double(list.count), value: v, strategy: sortStrategy(strategy),
      dual: dual, bound: bound(list, n: n), method: .orbitLP, iterations: lp.iterations,
      note:
        "\(r) server cell\(r == 1 ? "" : "s") and \(c) quorum cell\(c == 1 ? "" : "s") (equitable partition)",
      verified: true)
  }
}

/// The load LP on cells, `min L` subject to `Σ_o a[s][o] x_o - size[s] L + slack_s = 0` for
/// every server cell `s` and `Σ_o x_o = 1`, as a dense tableau (Dantzig's rule, Bland's after
/// a run of degenerate pivots), in floating point; only its final basis is kept.
struct DenseLoadLP {
  let a: [[Int]]
  let size: [Int]
  let r: Int
  let c: Int
  /// Columns: `x_0 ..< x_c`, then `L` (column `c`), then the slacks `c + 1 + s`.
  var columns: Int { c + 1 + r }
  /// `(r + 1)` rows of `columns + 1` entries (the last is the right-hand side).
  var tableau: [Double]
  /// The reduced costs of the columns.
  var cost: [Double]
  var basis: [Int]
  var iterations = 0

  init(coefficient: [[Int]], cellSizes: [Int]) {
    a = coefficient
    size = cellSizes
    r = cellSizes.count
    c = coefficient.first?.count ?? 0
    let width = c + 1 + r + 1
    tableau = [Double](repeating: 0, count: (r + 1) * width)
    for s in 0..<r {
      for o in 0..<c { tableau[s * width + o] = Double(coefficient[s][o]) }
      tableau[s * width + c] = -Double(cellSizes[s])
      tableau[s * width + c + 1 + s] = 1
    }
    for o in 0..<c { tableau[r * width + o] = 1 }
    tableau[r * width + width - 1] = 1
    cost = [Double](repeating: 0, count: c + 1 + r)
    cost[c] = 1
    let first = c + 1
    basis = (0..<cellSizes.count).map { first + $0 } + [-1]
  }

  mutating func pivot(row p: Int, column j: Int) {
    let width = columns + 1
    let pv = tableau[p * width + j]
    for t in 0..<width { tableau[p * width + t] /= pv }
    for i in 0...r where i != p {
      let f = tableau[i * width + j]
      if f == 0 { continue }
      for t in 0..<width { tableau[i * width + t] -= f * tableau[p * width + t] }
    }
    let f = cost[j]
    if f != 0 { for t in 0..<columns { cost[t] -= f * tableau[p * width + t] } }
    basis[p] = j
  }

  /// Runs to optimality; false when it stops early or meets a singular pivot.
  mutating func solve(maxIterations: Int) -> Bool {
    guard c > 0, r > 0 else { return false }
    let width = columns + 1
    // Start: the first quorum cell with probability 1, L at its busiest server cell.
    pivot(row: r, column: 0)
    var busiest = 0
    for s in 1..<r
    where Double(a[s][0]) / Double(size[s]) > Double(a[busiest][0]) / Double(size[busiest]) {
      busiest = s
    }
    guard abs(tableau[busiest * width + c]) > 1e-12 else { return false }
    pivot(row: busiest, column: c)
    let eps = 1e-9
    var degenerate = 0
    while iterations < maxIterations {
      var entering = -1
      var best = -eps
      let bland = degenerate > 50
      for j in 0..<columns where !basis.contains(j) && cost[j] < -eps {
        if bland {
          entering = j
          break
        }
        if cost[j] < best {
          best = cost[j]
          entering = j
        }
      }
      if entering < 0 { return true }
      var leave = -1
      var ratio = Double.infinity
      for i in 0...r {
        let d = tableau[i * width + entering]
        guard d > eps else { continue }
        let t = tableau[i * width + width - 1] / d
        if t < ratio - eps || (abs(t - ratio) <= eps && leave >= 0 && basis[i] < basis[leave]) {
          ratio = t
          leave = i
        }
      }
      if leave < 0 { return false }
      degenerate = ratio <= eps ? degenerate + 1 : 0
      pivot(row: leave, column: entering)
      iterations += 1
    }
    return false
  }

  /// The final basis re-solved in exact rationals: the cells' probabilities `x` (nil if one
  /// is negative or the basis is singular) and the server cells' dual weights `z = -π`.
  func exactSolution() -> (x: [Rational], z: [Rational])? {
    let size = r + 1
    func column(_ j: Int) -> [Int] {
      if j < c { return (0..<r).map { a[$0][j] } + [1] }
      if j == c { return (0..<r).map { -self.size[$0] } + [0] }
      var e = [Int](repeating: 0, count: size)
      e[j - c - 1] = 1
      return e
    }
    let columnsOfB = basis.map(column)
    let b = (0..<size).map { i in columnsOfB.map { $0[i] } }
    var rhs = [Int](repeating: 0, count: size)
    rhs[r] = 1
    guard let xB = ExactLinearAlgebra.solve(b, rhs) else { return nil }
    let bt = (0..<size).map { i in columnsOfB[i] }
    guard let pi = ExactLinearAlgebra.solve(bt, basis.map { $0 == c ? 1 : 0 }) else {
      return nil
    }
    var x = [Rational](repeating: .zero, count: c)
    for (i, j) in basis.enumerated() {
      if xB[i].sign < 0 { return nil }
      if j < c { x[j] = xB[i] }
    }
    return (x, (0..<r).map { -pi[$0] })
  }
}
