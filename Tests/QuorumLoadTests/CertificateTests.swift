import BigInt
import QuorumKit
import XCTest

@testable import QuorumLoad

final class CertificateTests: XCTestCase {
  let majority = sets([[0, 1], [0, 2], [1, 2]])

  func testGenuineCertificateAccepted() throws {
    let r = try LoadSolver.load(quorums: majority, n: 3)
    XCTAssertEqual(
      try LoadCertificate.check(quorums: majority, n: 3, strategy: r.strategy, dual: r.dual),
      Rational(2, 3))
  }

  func testTamperedCertificatesRejected() throws {
    let r = try LoadSolver.load(quorums: majority, n: 3)
    var s = r.strategy
    let third = Rational(1, 3)

    // A weight changed: the weights no longer sum to 1.
    s[0] = WeightedQuorum(quorum: s[0].quorum, weight: Rational(1, 2))
    assertRejected(majority, 3, s, r.dual, containing: "sum")

    // A suboptimal but valid strategy: load 1 on server 0 against a dual giving 2/3.
    s = [WeightedQuorum(quorum: ServerSet([0, 1]), weight: .one)]
    assertRejected(majority, 3, s, r.dual, containing: "not optimal")

    // A set that is not a quorum.
    s = [WeightedQuorum(quorum: ServerSet([0, 1, 2]), weight: .one)]
    assertRejected(majority, 3, s, r.dual, containing: "not a quorum")

    // A repeated quorum.
    s = [
      WeightedQuorum(quorum: ServerSet([0, 1]), weight: Rational(1, 2)),
      WeightedQuorum(quorum: ServerSet([0, 1]), weight: Rational(1, 2)),
    ]
    assertRejected(majority, 3, s, r.dual, containing: "twice")

    // Dual weights that do not sum to 1, a negative one, a wrong count.
    assertRejected(majority, 3, r.strategy, [third, third, Rational(1, 2)], containing: "sum")
    assertRejected(
      majority, 3, r.strategy, [Rational(2, 3), Rational(2, 3), -Rational(1, 3)],
      containing: "negative")
    assertRejected(majority, 3, r.strategy, [Rational(1, 2), Rational(1, 2)], containing: "2")

    // A valid dual that is not optimal: y = (1, 0, 0) leaves {1, 2} with weight 0.
    assertRejected(majority, 3, r.strategy, [.one, .zero, .zero], containing: "not optimal")
  }

  func testThresholdCertificateTampered() throws {
    let r = try LoadSolver.thresholdLoad(n: 7, quorumSize: 5)
    XCTAssertEqual(
      try LoadCertificate.checkThreshold(n: 7, quorumSize: 5, strategy: r.strategy, dual: r.dual),
      Rational(5, 7))
    var dual = r.dual
    dual[0] = Rational(2, 7)
    dual[1] = .zero
    XCTAssertThrowsError(
      try LoadCertificate.checkThreshold(n: 7, quorumSize: 5, strategy: r.strategy, dual: dual))
    var s = r.strategy
    s[0] = WeightedQuorum(quorum: ServerSet([0, 1, 2, 3]), weight: s[0].weight)
    XCTAssertThrowsError(
      try LoadCertificate.checkThreshold(n: 7, quorumSize: 5, strategy: s, dual: r.dual))
    // Claiming the 4-subsets' load with a 5-subset certificate fails.
    XCTAssertThrowsError(
      try LoadCertificate.checkThreshold(n: 7, quorumSize: 4, strategy: r.strategy, dual: r.dual))
  }

  func testThresholdWindowsBeyond64Servers() throws {
    for (n, q) in [(65, 33), (100, 67), (1000, 750), (101, 1), (80, 80)] {
      let r = try LoadSolver.thresholdLoad(n: n, quorumSize: q)
      XCTAssertEqual(r.value, Rational(q, n))
      XCTAssertEqual(r.windows, CyclicWindows(n: n, size: q))
      XCTAssertTrue(r.strategy.isEmpty)
      XCTAssertTrue(r.verified)
    }
    let w = CyclicWindows(n: 100, size: 67)
    var dual = [Rational](repeating: Rational(1, 100), count: 100)
    XCTAssertEqual(
      try LoadCertificate.checkThresholdWindows(w, quorumSize: 67, dual: dual), Rational(67, 100))
    // A dual shifted onto one server leaves a lighter quorum.
    dual[0] = Rational(2, 100)
    dual[1] = .zero
    XCTAssertThrowsError(try LoadCertificate.checkThresholdWindows(w, quorumSize: 67, dual: dual))
    // Windows of the wrong size.
    XCTAssertThrowsError(
      try LoadCertificate.checkThresholdWindows(
        CyclicWindows(n: 100, size: 66), quorumSize: 67,
        dual: [Rational](repeating: Rational(1, 100), count: 100)))
  }

  /// Example 4.8's 9 x 9 grid with f = 2 (81 servers, 9·C(9, 5) = 1134 quorums) by rule.
  func testGridBeyond64Servers() throws {
    let start = Date()
    let r = try LoadSolver.gridLoad(k: 9, rows: 5)
    XCTAssertEqual(r.value, Rational(6 * 9 - 5, 81))
    XCTAssertEqual(r.gridShifts, GridShifts(k: 9, rows: 5))
    XCTAssertLessThan(Date().timeIntervalSince(start), 1.0)
    // Agrees with the listed path where both apply.
    for (k, rows) in [(3, 1), (4, 3), (8, 5)] {
      XCTAssertEqual(
        try LoadSolver.gridLoad(k: k, rows: rows).value,
        try LoadSolver.load(of: QuorumSystem.grid(k: k, rows: rows), method: .simplex).value)
    }
    // A dual moved off one cell leaves a lighter quorum.
    var dual = r.dual
    dual[0] = dual[0] + dual[1]
    dual[1] = .zero
    XCTAssertThrowsError(try LoadCertificate.checkGrid(GridShifts(k: 9, rows: 5), dual: dual))
  }

  func testSuperElementCertificateTampered() throws {
    let elements = sets([[0], [1, 2], [3, 4, 5], [6]])
    let good = [
      WeightedQuorum(quorum: ServerSet([0, 1, 2]), weight: Rational(1, 4)),
      WeightedQuorum(quorum: ServerSet([1, 2, 3, 4, 5]), weight: Rational(1, 4)),
      WeightedQuorum(quorum: ServerSet([3, 4, 5, 6]), weight: Rational(1, 4)),
      WeightedQuorum(quorum: ServerSet([0, 6]), weight: Rational(1, 4)),
    ]
    let dual = [
      Rational(1, 4), Rational(1, 4), .zero, Rational(1, 4), .zero, .zero, Rational(1, 4),
    ]
    XCTAssertEqual(
      try LoadCertificate.checkSuperElements(
        n: 7, elements: elements, quorumSize: 2, strategy: good, dual: dual), Rational(1, 2))
    var bad = good
    bad[1] = WeightedQuorum(quorum: ServerSet([1, 3, 4, 5]), weight: Rational(1, 4))
    XCTAssertThrowsError(
      try LoadCertificate.checkSuperElements(
        n: 7, elements: elements, quorumSize: 2, strategy: bad, dual: dual))
    // A dual on the big element's servers makes a lighter quorum appear.
    let skewed = [
      Rational(1, 4), .zero, .zero, Rational(1, 12), Rational(1, 12), Rational(1, 12),
      Rational(1, 2),
    ]
    XCTAssertThrowsError(
      try LoadCertificate.checkSuperElements(
        n: 7, elements: elements, quorumSize: 2, strategy: good, dual: skewed))
  }

  func testBigDenominatorsTakeTheBigIntegerPath() throws {
    // y with a common denominator beyond 64 bits still checks exactly.
    let p = BigInt(1) << 70
    let y = [Rational(BigInt(1), p), Rational(p - 1, p)]
    XCTAssertEqual(
      LoadCertificate.minimumQuorumWeight([0b01, 0b10, 0b11], y), Rational(BigInt(1), p))
  }

  func testRationalArithmetic() {
    XCTAssertEqual(Rational(8, 10), Rational(4, 5))
    XCTAssertEqual(Rational(8, 10).description, "4/5")
    XCTAssertEqual(Rational(-3, -6), Rational(1, 2))
    XCTAssertEqual(Rational(1, 3) + Rational(1, 6), Rational(1, 2))
    XCTAssertEqual(Rational(1, 3) * Rational(3, 4), Rational(1, 4))
    XCTAssertEqual(Rational(4, 5).decimal(), "0.8")
    XCTAssertEqual(Rational(2, 3).decimal(4), "0.6667")
    XCTAssertTrue(Rational(1, 3) < Rational(1, 2))
    XCTAssertEqual(Rational(6, 3).description, "2")
    XCTAssertEqual(
      Rational(BigInt(1) << 80, BigInt(3) << 80).doubleValue, 1.0 / 3.0, accuracy: 1e-15)
  }

  func assertRejected(
    _ q: [ServerSet], _ n: Int, _ s: [WeightedQuorum], _ y: [Rational], containing: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertThrowsError(try LoadCertificate.check(quorums: q, n: n, strategy: s, dual: y)) {
      error in
      XCTAssert(
        "\(error)".contains(containing), "\(error) lacks '\(containing)'", file: file, line: line)
    }
  }
}
