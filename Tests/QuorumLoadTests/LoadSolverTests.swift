import BigInt
import QuorumKit
import XCTest

@testable import QuorumLoad

/// Quorums from member lists.
func sets(_ lists: [[Int]]) -> [ServerSet] { lists.map { ServerSet($0) } }

/// A random family of `m` non-empty subsets of `0..<n`, each server kept with probability about
/// `density`.
func randomFamily(n: Int, m: Int, density: Double = 0.5, using rng: inout SplitMix64)
  -> [ServerSet]
{
  var out: [ServerSet] = []
  while out.count < m {
    var s = ServerSet()
    for u in 0..<n where Double.random(in: 0..<1, using: &rng) < density { s.insert(u) }
    if s.isEmpty { s.insert(Int.random(in: 0..<n, using: &rng)) }
    out.append(s)
  }
  return out
}

final class LoadSolverTests: XCTestCase {
  func testMajorityOfThree() throws {
    let r = try LoadSolver.load(quorums: sets([[0, 1], [0, 2], [1, 2]]), n: 3)
    XCTAssertEqual(r.value, Rational(2, 3))
    XCTAssertEqual(r.capacity, Rational(3, 2))
    XCTAssertTrue(r.verified)
    XCTAssertEqual(r.dual, [Rational](repeating: Rational(1, 3), count: 3))
    XCTAssertEqual(r.strategy.count, 3)
    XCTAssertEqual(r.bound.value, Rational(2, 3))
    XCTAssertEqual(r.value.description, "2/3")
  }

  func testStarLoadsItsCentre() throws {
    let r = try LoadSolver.load(quorums: sets([[0, 1], [0, 2], [0, 3]]), n: 4)
    XCTAssertEqual(r.value, .one)
    XCTAssertEqual(r.dual[0], .one)
    XCTAssertEqual(r.bound.oneOverSize, Rational(1, 2))
  }

  func testSingleQuorumAndUnusedServers() throws {
    let r = try LoadSolver.load(quorums: sets([[1, 3, 4]]), n: 6)
    XCTAssertEqual(r.value, .one)
    XCTAssertEqual(r.strategy, [WeightedQuorum(quorum: ServerSet([1, 3, 4]), weight: .one)])
  }

  func testDisjointQuorumsDoNotClaimOneOverC() throws {
    // Not a quorum system in the paper's sense: Theorem 4.5's 1/c(Q) half does not apply.
    let r = try LoadSolver.load(quorums: sets([[0], [1]]), n: 2)
    XCTAssertEqual(r.value, Rational(1, 2))
    XCTAssertNil(r.bound.oneOverSize)
    XCTAssertEqual(r.bound.value, Rational(1, 2))
  }

  func testEmptyQuorumHasLoadZero() throws {
    let r = try LoadSolver.load(quorums: [ServerSet(), ServerSet([0, 1])], n: 2)
    XCTAssertEqual(r.value, .zero)
    XCTAssertNil(r.capacity)
    XCTAssertEqual(r.method, .trivial)
  }

  func testThresholdBySymmetryAndByLP() throws {
    for (n, q) in [(3, 2), (4, 3), (5, 3), (6, 4), (7, 5), (8, 5), (9, 7), (10, 3)] {
      let expected = Rational(q, n)
      let sym = try LoadSolver.load(of: QuorumSystem.threshold(n: n, quorumSize: q))
      XCTAssertEqual(sym.value, expected, "symmetry n=\(n) q=\(q)")
      XCTAssertEqual(sym.method, .thresholdSymmetry)
      let listed = Array(KSubsets(n: n, k: q))
      let auto = try LoadSolver.load(quorums: listed, n: n)
      XCTAssertEqual(auto.method, .thresholdSymmetry, "detected n=\(n) q=\(q)")
      let lp = try LoadSolver.load(quorums: listed, n: n, method: .simplex)
      XCTAssertEqual(lp.value, expected, "LP n=\(n) q=\(q)")
      XCTAssertEqual(lp.method, .floatingBasis)
      XCTAssertTrue(lp.verified)
      if listed.count <= 60 {
        let ex = try LoadSolver.load(quorums: listed, n: n, method: .exactSimplex)
        XCTAssertEqual(ex.value, expected, "exact n=\(n) q=\(q)")
        XCTAssertEqual(ex.method, .exactSimplex)
      }
    }
  }

  func testLargeThresholdWithoutListing() throws {
    let start = Date()
    let r = try LoadSolver.load(of: QuorumSystem.threshold(n: 25, quorumSize: 18))
    XCTAssertEqual(r.value, Rational(18, 25))
    XCTAssertEqual(r.quorumCount, 480_700)
    XCTAssertEqual(r.strategy.count, 25)
    XCTAssertLessThan(Date().timeIntervalSince(start), 1.0)
  }

  /// Example 4.8 (grid, masking): one column plus 2f + 1 rows of a k x k grid; the paper gives
  /// the load ((2f + 2) k - (2f + 1)) / k^2.
  func testGridMatchesExample48() throws {
    for (k, f) in [(3, 0), (4, 0), (4, 1), (5, 1)] {
      var quorums: [ServerSet] = []
      let rowSets = KSubsets(n: k, k: 2 * f + 1)
      for c in 0..<k {
        for rows in rowSets {
          var s = ServerSet((0..<k).map { $0 * k + c })
          for r in rows { s = s.union(ServerSet((0..<k).map { r * k + $0 })) }
          quorums.append(s)
        }
      }
      let expected = Rational((2 * f + 2) * k - (2 * f + 1), k * k)
      for method in LoadSolver.Method.allCases where method != .exactSimplex || k <= 4 {
        let r = try LoadSolver.load(quorums: quorums, n: k * k, method: method)
        XCTAssertEqual(r.value, expected, "grid k=\(k) f=\(f) \(method)")
      }
      let built = try LoadSolver.load(of: QuorumSystem.grid(k: k, rows: 2 * f + 1))
      XCTAssertEqual(built.value, expected)
      XCTAssertEqual(built.method, .constructionSymmetry)
    }
  }

  /// Example 5.16 (Hadamard, opaque): rows 2..n of a Sylvester Hadamard matrix as indicator
  /// sets. Every quorum has n/2 servers and every server but u1 is in n/2 of the n - 1
  /// quorums, so the uniform strategy and the uniform dual on u2..un both give n / (2(n - 1)).
  func testHadamardLoad() throws {
    for n in [4, 8, 16] {
      let quorums = (1..<n).map { i in
        ServerSet((0..<n).filter { (i & $0).nonzeroBitCount % 2 == 1 })
      }
      for method in [LoadSolver.Method.automatic, .simplex] {
        let r = try LoadSolver.load(quorums: quorums, n: n, method: method)
        XCTAssertEqual(r.value, Rational(n, 2 * (n - 1)), "Hadamard n=\(n)")
      }
    }
  }

  /// Examples 4.9, 5.9, 5.14: the threshold construction on super-elements of different sizes
  /// has load q/m (every element is chosen with probability q/m), and the grid on super-elements
  /// ((rows + 1)k - rows)/k²; symmetry and the LP agree.
  func testSuperElementConstructions() throws {
    let universe = Universe(count: 12)
    let elements = sets([[0], [1, 2], [3], [4, 5, 6], [7], [8, 9]])
    for q in 1...6 {
      let system = try QuorumSystem.superElements(
        universe: universe, elements: elements, quorumSize: q)
      let sym = try LoadSolver.load(of: system)
      XCTAssertEqual(sym.method, .constructionSymmetry)
      XCTAssertEqual(sym.value, Rational(q, 6))
      let lp = try LoadSolver.load(quorums: system.quorums!, n: 12, method: .simplex)
      XCTAssertEqual(lp.value, Rational(q, 6))
    }
    let nine = sets([[0], [1, 2], [3], [4], [5, 6], [7], [8], [9], [10, 11]])
    for rows in 1...3 {
      let system = try QuorumSystem.superElementGrid(
        universe: Universe(count: 13), elements: nine, rows: rows)
      let sym = try LoadSolver.load(of: system)
      XCTAssertEqual(sym.method, .constructionSymmetry)
      let expected = Rational((rows + 1) * 3 - rows, 9)
      XCTAssertEqual(sym.value, expected)
      let lp = try LoadSolver.load(quorums: system.quorums!, n: 13, method: .simplex)
      XCTAssertEqual(lp.value, expected)
    }
  }

  /// The exact re-solve of an optimal floating-point basis (Bareiss), which the rounded guess
  /// usually makes unnecessary, still yields an accepted certificate.
  func testExactBasisResolve() throws {
    var rng = SplitMix64(seed: 11)
    for _ in 0..<8 {
      let n = Int.random(in: 4...12, using: &rng)
      let list = Array(Set(randomFamily(n: n, m: Int.random(in: 3...30, using: &rng), using: &rng)))
        .sorted()
      let bits = list.map(\.bits)
      var lp = LoadSimplex<Double>(
        quorums: bits, n: n, basis: LoadSimplex<Double>.initialBasis(quorums: bits, n: n))!
      XCTAssertEqual(lp.run(maxIterations: 100_000), .optimal)
      let c = try XCTUnwrap(LoadSolver.exactCertificate(basis: lp.basis, quorums: bits, n: n))
      let v = try LoadCertificate.check(quorums: list, n: n, strategy: c.strategy, dual: c.dual)
      XCTAssertEqual(v, bruteForceLoadIfSmall(list, n: n) ?? v)
    }
    XCTAssertEqual(
      ExactLinearAlgebra.solve([[2, 1], [1, 3]], [3, 5]), [Rational(4, 5), Rational(7, 5)])
    XCTAssertNil(ExactLinearAlgebra.solve([[1, 2], [2, 4]], [1, 1]))
    XCTAssertEqual(LoadSolver.nearbyFraction(0.7142857142857143), Rational(5, 7))
    XCTAssertNil(LoadSolver.nearbyFraction(Double.pi / 1e7))
  }

  /// The warm start of the exact simplex from a basis that is not optimal.
  func testExactSimplexFromAnotherBasis() throws {
    var rng = SplitMix64(seed: 5)
    for _ in 0..<5 {
      let n = 6
      let list = Array(Set(randomFamily(n: n, m: 12, using: &rng))).sorted()
      let bits = list.map(\.bits)
      var lp = LoadSimplex<Rational>(
        quorums: bits, n: n, basis: LoadSimplex<Rational>.initialBasis(quorums: bits, n: n))!
      XCTAssertEqual(lp.run(maxIterations: 10_000), .optimal)
      let reference = try LoadSolver.load(quorums: list, n: n, method: .simplex)
      XCTAssertEqual(lp.x[lp.position[lp.lColumn]], reference.value)
    }
  }

  /// Every construction builder of QuorumKit: the automatic path (symmetry or uniform guess)
  /// against the general LP on the listed quorums and against the load derived by hand.
  func testPaperConstructionsAgainstLPAndFormulas() throws {
    var cases: [(QuorumSystem, Rational)] = []
    for (k, rows) in [(3, 1), (3, 2), (4, 3), (5, 3), (7, 5), (8, 3)] {
      cases.append(
        (try QuorumSystem.grid(k: k, rows: rows), Rational((rows + 1) * k - rows, k * k)))
    }
    for l in 2...5 {
      let n = 1 << l
      cases.append((try QuorumSystem.hadamard(l: l), Rational(n, 2 * (n - 1))))
    }
    for (system, expected) in cases {
      let auto = try LoadSolver.load(of: system)
      XCTAssertEqual(auto.value, expected, "\(String(describing: system.construction))")
      let lp = try LoadSolver.load(of: system, method: .simplex)
      XCTAssertEqual(lp.value, expected, "LP \(String(describing: system.construction))")
      XCTAssertLessThanOrEqual(auto.bound.value, auto.value)
    }
    // The paper's Example 5.16 writes 3/(n - 1); Theorem 5.15 (load >= 1/2 for any opaque
    // system) and the certificate both rule that out.
    let h = try LoadSolver.load(of: QuorumSystem.hadamard(l: 3))
    XCTAssertEqual(PaperLoads.claim(for: try QuorumSystem.hadamard(l: 3))?.value, Rational(3, 7))
    XCTAssertGreaterThan(h.value, Rational(1, 2))
  }

  /// Random small systems against an independent method: every basis of the standard-form LP
  /// is enumerated and solved with a separate rational elimination; the least objective over
  /// the feasible bases is the optimum.
  func testRandomSmallSystemsAgainstBasisEnumeration() throws {
    var rng = SplitMix64(seed: 42)
    for trial in 0..<40 {
      let n = Int.random(in: 2...4, using: &rng)
      let m = Int.random(in: 1...5, using: &rng)
      let quorums = Array(Set(randomFamily(n: n, m: m, using: &rng))).sorted()
      let expected = bruteForceLoad(quorums, n: n)
      let fast = try LoadSolver.load(quorums: quorums, n: n, method: .simplex)
      let exact = try LoadSolver.load(quorums: quorums, n: n, method: .exactSimplex)
      XCTAssertEqual(fast.value, expected, "trial \(trial): \(quorums)")
      XCTAssertEqual(exact.value, expected, "trial \(trial): \(quorums)")
    }
  }

  func testFloatingAndExactAgreeOnMediumSystems() throws {
    var rng = SplitMix64(seed: 7)
    for _ in 0..<6 {
      let n = Int.random(in: 6...12, using: &rng)
      let quorums = randomFamily(n: n, m: Int.random(in: 5...25, using: &rng), using: &rng)
      let a = try LoadSolver.load(quorums: quorums, n: n, method: .simplex)
      let b = try LoadSolver.load(quorums: quorums, n: n, method: .exactSimplex)
      XCTAssertEqual(a.value, b.value)
    }
  }

  func testTheorem45BoundNeverExceedsLoad() throws {
    var rng = SplitMix64(seed: 2024)
    var intersecting = 0
    for _ in 0..<300 {
      let n = Int.random(in: 2...10, using: &rng)
      let quorums = randomFamily(
        n: n, m: Int.random(in: 1...15, using: &rng),
        density: Double.random(in: 0.2...0.9, using: &rng), using: &rng)
      let r = try LoadSolver.load(quorums: quorums, n: n)
      XCTAssertLessThanOrEqual(r.bound.value, r.value, "\(quorums) over \(n)")
      if r.bound.oneOverSize != nil { intersecting += 1 }
      XCTAssertTrue(r.verified)
    }
    XCTAssertGreaterThan(intersecting, 30)
  }

  func testMediumRandomSystem() throws {
    var rng = SplitMix64(seed: 99)
    let quorums = randomFamily(n: 20, m: 400, using: &rng)
    let r = try LoadSolver.load(quorums: quorums, n: 20)
    XCTAssertTrue(r.verified)
    XCTAssertEqual(
      try LoadCertificate.check(quorums: quorums, n: 20, strategy: r.strategy, dual: r.dual),
      r.value)
    XCTAssertLessThanOrEqual(r.bound.value, r.value)
  }

  func testBadInput() {
    XCTAssertThrowsError(try LoadSolver.load(quorums: [], n: 3)) { XCTAssert($0 is InputError) }
    XCTAssertThrowsError(try LoadSolver.load(quorums: sets([[0, 5]]), n: 3)) {
      XCTAssert($0 is InputError)
    }
    XCTAssertThrowsError(try LoadSolver.load(quorums: sets([[0]]), n: 0)) {
      XCTAssert($0 is InputError)
    }
    XCTAssertThrowsError(try LoadSolver.thresholdLoad(n: 5, quorumSize: 6)) {
      XCTAssert($0 is InputError)
    }
  }
}

// MARK: - The independent method

func bruteForceLoadIfSmall(_ quorums: [ServerSet], n: Int) -> Rational? {
  quorums.count + 1 + n <= 14 ? bruteForceLoad(quorums, n: n) : nil
}

/// The load by enumerating every choice of n + 1 columns of the standard-form LP (quorum
/// weights, L, slacks), solving each with plain rational Gauss-Jordan and keeping the least L
/// over the non-negative solutions.
func bruteForceLoad(_ quorums: [ServerSet], n: Int) -> Rational {
  let m = quorums.count
  let r = n + 1
  // Column j as a dense vector.
  func column(_ j: Int) -> [Rational] {
    var c = [Rational](repeating: .zero, count: r)
    if j < m {
      for u in quorums[j] { c[u] = .one }
      c[n] = .one
    } else if j == m {
      for u in 0..<n { c[u] = -Rational.one }
    } else {
      c[j - m - 1] = .one
    }
    return c
  }
  let columns = (0..<(m + 1 + n)).map(column)
  var best: Rational? = nil
  for choice in KSubsets(n: m + 1 + n, k: r) {
    let cols = choice.members
    // Augmented matrix [B | e_n].
    var a = (0..<r).map { i in cols.map { columns[$0][i] } + [i == n ? Rational.one : .zero] }
    var singular = false
    for k in 0..<r {
      guard let p = (k..<r).first(where: { !a[$0][k].isZero }) else {
        singular = true
        break
      }
      a.swapAt(p, k)
      let pivot = a[k][k]
      a[k] = a[k].map { $0 / pivot }
      for i in 0..<r where i != k && !a[i][k].isZero {
        let f = a[i][k]
        for j in 0...r { a[i][j] = a[i][j] - f * a[k][j] }
      }
    }
    if singular { continue }
    let x = (0..<r).map { a[$0][r] }
    if x.contains(where: { $0.sign < 0 }) { continue }
    guard let li = cols.firstIndex(of: m) else { continue }
    if best == nil || x[li] < best! { best = x[li] }
  }
  return best!
}
