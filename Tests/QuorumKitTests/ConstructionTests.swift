import XCTest

@testable import QuorumKit

/// The paper's constructions: their shape, and their class checked against an independently
/// derived expectation (the paper's inequalities, or a brute-force re-implementation of the
/// definitions for tiny sizes).
final class ConstructionTests: XCTestCase {
  // MARK: Helpers

  private func holds(
    _ cls: QuorumClass, _ system: QuorumSystem, _ b: FailProneSystem
  ) throws -> Bool {
    try PropertyChecker.check(cls, quorums: system.quorums!, failProne: b).allSatisfy {
      $0.1 == nil
    }
  }

  /// The class decided by the brute-force re-implementation of the definitions in
  /// TestSupport (every Q1, Q2, B1, B2).
  private func naiveHolds(_ cls: QuorumClass, _ system: QuorumSystem, _ b: FailProneSystem)
    -> Bool
  {
    let members = Naive.members(b)
    return cls.properties.allSatisfy {
      Naive.firstViolation($0, quorums: system.quorums!, members: members) == nil
    }
  }

  /// For a threshold fail-prone system the properties depend on sizes only: M1 iff every two
  /// quorums meet in > 2f servers; D1 iff in > f; availability iff some quorum avoids each
  /// f-set. Computed here from the quorums directly (not through PropertyChecker).
  private func minimumIntersection(_ quorums: [ServerSet]) -> Int {
    var best = Int.max
    for a in quorums { for b in quorums { best = min(best, a.intersection(b).count) } }
    return best
  }

  // MARK: Threshold (Examples 4.7, 5.7, 5.12)

  func testPaperThresholdSizesMatchTheFormulas() throws {
    XCTAssertEqual(
      try QuorumSystem.paperThreshold(.masking, n: 9, f: 2).construction,
      .threshold(n: 9, quorumSize: 7))
    XCTAssertEqual(
      try QuorumSystem.paperThreshold(.dissemination, n: 10, f: 3).construction,
      .threshold(n: 10, quorumSize: 7))
    XCTAssertEqual(
      try QuorumSystem.paperThreshold(.opaque, n: 10, f: 2).construction,
      .threshold(n: 10, quorumSize: 8))
    XCTAssertThrowsError(try QuorumSystem.paperThreshold(.masking, n: 5, f: 5))
    XCTAssertThrowsError(try QuorumSystem.paperThreshold(.masking, n: 0, f: 0))
  }

  func testThresholdExamplesAtTwoSizesHoldAsThePaperSays() throws {
    // (class, n, f): Example 4.7 n > 4f, 5.7 n > 3f, 5.12 n >= 5f.
    let cases: [(QuorumClass, Int, Int)] = [
      (.masking, 9, 2), (.masking, 13, 3), (.dissemination, 7, 2), (.dissemination, 10, 3),
      (.opaque, 5, 1), (.opaque, 10, 2),
    ]
    for (cls, n, f) in cases {
      let q = try QuorumSystem.paperThreshold(cls, n: n, f: f)
      let b = try FailProneSystem.threshold(n: n, f: f)
      XCTAssertTrue(try holds(cls, q, b), "\(cls) n = \(n) f = \(f)")
      let size = q.smallestQuorumSize!
      XCTAssertNil(ThresholdRegionCheck.violation(cls, n: n, f: f, quorumSize: size))
      // The paper's arguments: intersections of 2q - n and availability q <= n - f.
      XCTAssertLessThanOrEqual(size, n - f)
      switch cls {
      case .masking: XCTAssertGreaterThanOrEqual(2 * size - n, 2 * f + 1)
      case .dissemination: XCTAssertGreaterThanOrEqual(2 * size - n, f + 1)
      case .opaque: XCTAssertTrue(n >= 5 * f)
      }
    }
  }

  func testThresholdOneTooSmallIsRefutedWithRealSets() throws {
    let b = try FailProneSystem.threshold(n: 9, f: 2)
    let q = QuorumSystem.threshold(n: 9, quorumSize: 6)
    let result = try PropertyChecker.check(.masking, quorums: q.quorums!, failProne: b)
    let v = try XCTUnwrap(result[0].1)
    XCTAssertEqual(v.property, .m1)
    XCTAssertTrue(Naive.isReal(v, quorums: q.quorums!, members: Naive.members(b)))
  }

  // MARK: Grid (Examples 4.8, 5.8)

  func testGridShape() throws {
    let g = try QuorumSystem.grid(k: 4, rows: 3)
    XCTAssertEqual(g.construction, .grid(k: 4, rows: 3))
    XCTAssertEqual(g.quorums!.count, 4 * 4)  // k · C(k, rows)
    XCTAssertTrue(g.quorums!.allSatisfy { $0.count == 4 * 4 - 3 })  // (rows + 1)k - rows
    // Row-major: the quorum of column 0 and rows 0, 1, 2 is everything but 13, 14, 15.
    XCTAssertTrue(g.quorums!.contains(ServerSet(bits: 0xFFFF & ~(0b1110 << 12))))
    let g2 = try QuorumSystem.grid(k: 5, rows: 2)
    XCTAssertEqual(g2.quorums!.count, 5 * 10)
    XCTAssertEqual(g2.construction!.quorumCount, 50)
  }

  func testGridParametersAreValidated() {
    XCTAssertThrowsError(try QuorumSystem.grid(k: 1001, rows: 1)) {
      XCTAssertTrue("\($0)".contains("1 <= k <= 1000"), "\($0)")
    }
    // Past 64 servers the grid is a construction without listed quorums.
    let big = try? QuorumSystem.grid(k: 9, rows: 5)
    XCTAssertNil(big?.quorums ?? nil)
    XCTAssertEqual(big?.construction, .grid(k: 9, rows: 5))
    XCTAssertThrowsError(try QuorumSystem.grid(k: 4, rows: 5)) {
      XCTAssertTrue("\($0)".contains("1 <= rows <= k = 4"), "\($0)")
    }
    XCTAssertThrowsError(try QuorumSystem.grid(k: 4, rows: 0))
    XCTAssertThrowsError(try QuorumSystem.paperGrid(.opaque, k: 4, f: 1))
  }

  func testGridExamplesAtTwoSizes() throws {
    // Example 4.8: 3f + 1 <= k, rows 2f + 1; Example 5.8: 2f + 1 <= k, rows f + 1.
    let cases: [(QuorumClass, Int, Int)] = [
      (.masking, 4, 1), (.masking, 7, 2), (.dissemination, 3, 1), (.dissemination, 5, 2),
    ]
    for (cls, k, f) in cases {
      let g = try QuorumSystem.paperGrid(cls, k: k, f: f)
      let b = try FailProneSystem.threshold(n: k * k, f: f)
      // Independent expectation from the definitions for a threshold B.
      let inter = minimumIntersection(g.quorums!)
      let rows = cls == .masking ? 2 * f + 1 : f + 1
      let available = k - f >= rows  // f faults hit at most f rows and f columns
      let expected =
        available && (cls == .masking ? inter >= 2 * f + 1 : inter >= f + 1)
      XCTAssertTrue(expected, "the paper's claim, re-derived, for \(cls) k = \(k) f = \(f)")
      XCTAssertEqual(try holds(cls, g, b), expected, "\(cls) k = \(k) f = \(f)")
    }
  }

  func testGridSmallCasesAgreeWithBruteForce() throws {
    for (k, rows, f) in [(3, 2, 1), (3, 3, 1), (3, 1, 1), (4, 1, 1), (4, 3, 1)] {
      let g = try QuorumSystem.grid(k: k, rows: rows)
      let b = try FailProneSystem.threshold(n: k * k, f: f)
      for cls in QuorumClass.allCases {
        XCTAssertEqual(
          try holds(cls, g, b), naiveHolds(cls, g, b), "\(cls) k = \(k) rows = \(rows) f = \(f)")
      }
    }
  }

  /// Not a claim of the paper but worth pinning: Example 5.8's grid (f + 1 rows) is also a
  /// masking system, since two quorums meet in at least 2(f + 1) > 2f servers.
  func testDisseminationGridIsAlsoMasking() throws {
    for (k, f) in [(3, 1), (5, 2), (7, 3)] {
      let g = try QuorumSystem.paperGrid(.dissemination, k: k, f: f)
      XCTAssertGreaterThanOrEqual(minimumIntersection(g.quorums!), 2 * f + 2)
      XCTAssertTrue(try holds(.masking, g, try FailProneSystem.threshold(n: k * k, f: f)))
    }
  }

  func testBrokenGridsAreRefuted() throws {
    // One row, f = 1: quorums meet in 2 <= 2f servers (M1).
    let oneRow = try QuorumSystem.grid(k: 4, rows: 1)
    let b16 = try FailProneSystem.threshold(n: 16, f: 1)
    let r1 = try PropertyChecker.check(.masking, quorums: oneRow.quorums!, failProne: b16)
    XCTAssertEqual(r1[0].1?.property, .m1)
    XCTAssertTrue(Naive.isReal(r1[0].1!, quorums: oneRow.quorums!, members: Naive.members(b16)))
    // 3 × 3 with 3 rows: every quorum has every row (M2).
    let full = try QuorumSystem.paperGrid(.masking, k: 3, f: 1)
    let b9 = try FailProneSystem.threshold(n: 9, f: 1)
    let r2 = try PropertyChecker.check(.masking, quorums: full.quorums!, failProne: b9)
    XCTAssertNil(r2[0].1)
    XCTAssertEqual(r2[1].1?.b1, ServerSet([0]))
  }

  // MARK: Partition (Examples 4.9, 5.9, 5.14)

  private func partition(_ blocks: [[Int]]) throws -> ([ServerSet], FailProneSystem) {
    let sets = blocks.map { ServerSet($0) }
    let n = blocks.joined().count
    return (sets, try FailProneSystem.partition(universe: Universe(count: n), blocks: sets))
  }

  func testSuperElementShapeAndValidation() throws {
    let u = Universe(count: 6)
    let e = [ServerSet([0]), ServerSet([1, 2]), ServerSet([3]), ServerSet([5])]
    let s = try QuorumSystem.superElements(universe: u, elements: e, quorumSize: 3)
    XCTAssertEqual(s.quorums!.count, 4)
    XCTAssertTrue(s.quorums!.contains(ServerSet([0, 1, 2, 3])))
    XCTAssertFalse(s.quorums!.contains { $0.contains(4) })
    XCTAssertThrowsError(
      try QuorumSystem.superElements(universe: u, elements: e, quorumSize: 5))
    XCTAssertThrowsError(
      try QuorumSystem.superElements(
        universe: u, elements: [ServerSet([0, 1]), ServerSet([1])], quorumSize: 1)
    ) { XCTAssertTrue("\($0)".contains("overlap in server 1"), "\($0)") }
    XCTAssertThrowsError(
      try QuorumSystem.superElements(universe: u, elements: [ServerSet()], quorumSize: 1))
    XCTAssertThrowsError(
      try QuorumSystem.superElements(universe: u, elements: [ServerSet([7])], quorumSize: 1))
    XCTAssertThrowsError(
      try QuorumSystem.superElementGrid(universe: u, elements: e + [ServerSet([4])], rows: 1)
    ) { XCTAssertTrue("\($0)".contains("not a square"), "\($0)") }
  }

  func testPartitionExamplesAtTwoSizes() throws {
    // (class, blocks): 4.9 needs m > 4, 5.9 m > 3, 5.14 m = 3k, k > 1, equal sizes.
    let cases: [(QuorumClass, [[Int]])] = [
      (.masking, [[0], [1, 2], [3], [4, 5], [6]]),
      (.masking, [[0], [1], [2, 3], [4], [5], [6, 7], [8]]),
      (.dissemination, [[0, 1], [2], [3], [4, 5]]),
      (.dissemination, [[0], [1], [2], [3, 4], [5], [6]]),
      (.opaque, [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [10, 11]]),
      (.opaque, (0..<9).map { [2 * $0, 2 * $0 + 1] }),
    ]
    for (cls, blocks) in cases {
      let (sets, b) = try partition(blocks)
      let m = sets.count
      let q = QuorumSystem.paperSuperElementSize(cls, m: m)
      // The paper's sizes: ⌈(m+3)/2⌉, ⌈(m+2)/2⌉, 2k + 1.
      switch cls {
      case .masking: XCTAssertEqual(q, (m + 3 + 1) / 2)
      case .dissemination: XCTAssertEqual(q, (m + 2 + 1) / 2)
      case .opaque: XCTAssertEqual(q, 2 * (m / 3) + 1)
      }
      let s = try QuorumSystem.superElements(universe: b.universe, elements: sets, quorumSize: q)
      XCTAssertEqual(s.quorums!.count, Int(binomial(m, q)))
      // The reduction to the threshold construction on m super-elements with f = 1.
      XCTAssertNil(ThresholdRegionCheck.violation(cls, n: m, f: 1, quorumSize: q))
      XCTAssertTrue(try holds(cls, s, b), "\(cls) m = \(m)")
      if m <= 7 { XCTAssertTrue(naiveHolds(cls, s, b), "naive \(cls) m = \(m)") }
    }
  }

  func testBrokenPartitionsAreRefuted() throws {
    // Example 4.9 with m = 4: the one quorum is everything.
    let (sets, b) = try partition([[0, 1], [2], [3, 4], [5]])
    let s = try QuorumSystem.superElements(
      universe: b.universe, elements: sets,
      quorumSize: QuorumSystem.paperSuperElementSize(.masking, m: 4))
    XCTAssertEqual(s.quorums, [ServerSet(0..<6)])
    XCTAssertFalse(try holds(.masking, s, b))
    XCTAssertFalse(naiveHolds(.masking, s, b))
    // Example 5.14 with unequal super-elements.
    let (sets2, b2) = try partition([[0], [1], [2], [3], [4], [5, 6, 7, 8, 9]])
    let s2 = try QuorumSystem.superElements(universe: b2.universe, elements: sets2, quorumSize: 5)
    XCTAssertFalse(try holds(.opaque, s2, b2))
    XCTAssertFalse(naiveHolds(.opaque, s2, b2))
  }

  func testPartitionGridAtTwoSizes() throws {
    for (cls, k) in [
      (QuorumClass.masking, 4), (.masking, 5), (.dissemination, 3), (.dissemination, 4),
    ] {
      let blocks = (0..<(k * k)).map { [$0] }
      let (sets, b) = try partition(blocks)
      let g = try QuorumSystem.superElementGrid(
        universe: b.universe, elements: sets, rows: try QuorumSystem.paperGridRows(cls, f: 1))
      // With singleton blocks it is the plain grid against f = 1.
      let plain = try QuorumSystem.paperGrid(cls, k: k, f: 1)
      XCTAssertEqual(g.quorums, plain.quorums)
      XCTAssertTrue(try holds(cls, g, b), "\(cls) k = \(k)")
    }
  }

  // MARK: Hadamard (Example 5.16)

  func testHadamardMatrixProperties() {
    for l in 1...6 {
      let h = QuorumSystem.hadamardMatrix(l)
      let n = 1 << l
      XCTAssertEqual(h.count, n)
      // H H^T = n I.
      for i in 0..<n {
        for j in 0..<n {
          let dot = (0..<n).reduce(0) { $0 + h[i][$1] * h[j][$1] }
          XCTAssertEqual(dot, i == j ? n : 0)
        }
      }
      // The closed form: H(l)[i][j] = +1 iff i & j has an odd number of one bits.
      for i in 0..<n {
        for j in 0..<n {
          XCTAssertEqual(h[i][j] == 1, (i & j).nonzeroBitCount % 2 == 1)
        }
      }
    }
  }

  func testHadamardQuorumsHaveThePaperCounts() throws {
    for l in 3...6 {
      let n = 1 << l
      let s = try QuorumSystem.hadamard(l: l)
      let qs = s.quorums!
      XCTAssertEqual(qs.count, n - 1)
      XCTAssertTrue(qs.allSatisfy { $0.count == n / 2 })
      for a in qs { for b in qs where a != b { XCTAssertEqual(a.intersection(b).count, n / 4) } }
      XCTAssertFalse(qs.contains { $0.contains(0) })  // u_1 is in no quorum
      for u in 1..<n { XCTAssertEqual(qs.filter { $0.contains(u) }.count, n / 2) }
    }
    XCTAssertThrowsError(try QuorumSystem.hadamard(l: 7))
    XCTAssertThrowsError(try QuorumSystem.hadamard(l: 0))
  }

  func testHadamardIsOpaqueForTheEmptyFailProneSystemOnly() throws {
    for l in [3, 4] {
      let s = try QuorumSystem.hadamard(l: l)
      let empty = try FailProneSystem.threshold(n: 1 << l, f: 0)
      XCTAssertTrue(try holds(.opaque, s, empty))
      XCTAssertTrue(naiveHolds(.opaque, s, empty))
      let one = try FailProneSystem.threshold(n: 1 << l, f: 1)
      XCTAssertFalse(try holds(.opaque, s, one))
      XCTAssertFalse(naiveHolds(.opaque, s, one))
    }
  }

  // MARK: The paper's load formulas, by counting (evidence for the report; QuorumLoad owns load)

  /// Under the uniform strategy a server's load is the fraction of quorums holding it. For
  /// the grid with 2f + 1 = 3 rows on m = k² super-elements this is (4k - 3)/k² (Example
  /// 4.8's formula at f = 1); Example 4.9's printed (1 + √(m - 3))/m is smaller than c(Q)/m,
  /// which no strategy can beat: the quorum-weighted sum of the loads of the m elements is
  /// c(Q) at least, so some element carries c(Q)/m.
  func testGridOnSuperElementsLoadByCounting() throws {
    for k in 4...8 {
      let g = try QuorumSystem.grid(k: k, rows: 3)
      let qs = g.quorums!
      for s in 0..<(k * k) {
        let holding = qs.filter { $0.contains(s) }.count
        XCTAssertEqual(holding * k * k, qs.count * (4 * k - 3))
      }
      let m = Double(k * k)
      let printed = (1 + (m - 3).squareRoot()) / m
      XCTAssertLessThan(printed, Double(g.smallestQuorumSize!) / m)
    }
  }

  /// Example 5.16: every server but u_1 is in n/2 of the n - 1 quorums, so the uniform
  /// strategy's load is (n/2)/(n - 1), not the printed 3/(n - 1) (which is below the 1/2 of
  /// Theorem 5.15 for n > 7).
  func testHadamardUniformLoadByCounting() throws {
    for l in 3...6 {
      let n = 1 << l
      let qs = try QuorumSystem.hadamard(l: l).quorums!
      let busiest = (0..<n).map { s in qs.filter { $0.contains(s) }.count }.max()!
      XCTAssertEqual(busiest, n / 2)
      XCTAssertEqual(qs.count, n - 1)
      if n > 7 { XCTAssertLessThan(3.0 / Double(n - 1), 0.5) }
    }
  }
}
