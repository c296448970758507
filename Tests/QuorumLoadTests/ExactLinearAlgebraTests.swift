import QuorumKit
import XCTest

@testable import QuorumLoad

final class ExactLinearAlgebraTests: XCTestCase {
  /// The machine-integer elimination agrees with the big-integer one on random 0/±1 systems
  /// (fixed seed), and overflows on a matrix whose minors do not fit in 64 bits.
  func testMachineIntegersAgreeWithBigIntegers() {
    var rng = SplitMix64(seed: 41)
    var solved = 0
    for round in 0..<150 {
      let r = 1 + round % 10
      let a = (0..<r).map { _ in (0..<r).map { _ in Int.random(in: -1...1, using: &rng) } }
      let b = (0..<r).map { _ in Int.random(in: -2...2, using: &rng) }
      let big = ExactLinearAlgebra.solveInBigIntegers(a, b)
      switch ExactLinearAlgebra.solveInMachineIntegers(a, b) {
      case .solved(let x):
        XCTAssertEqual(x, big)
        solved += 1
      case .singular:
        XCTAssertNil(big)
      case .overflow:
        XCTFail("no overflow expected at size \(r)")
      }
    }
    XCTAssertGreaterThan(solved, 50)
    let huge = [[1 << 40, 1], [1, 1 << 40]]
    guard case .overflow = ExactLinearAlgebra.solveInMachineIntegers(huge, [1, 0]) else {
      return XCTFail("expected an overflow")
    }
    XCTAssertEqual(
      ExactLinearAlgebra.solve(huge, [1, 0]),
      ExactLinearAlgebra.solveInBigIntegers(huge, [1, 0]))
  }
}
