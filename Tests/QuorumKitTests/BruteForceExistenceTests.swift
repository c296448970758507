import QuorumKit
import XCTest

final class BruteForceExistenceTests: XCTestCase {
  /// Corollary 4.4 and Corollary 5.5: masking (dissemination) systems exist iff no 4 (3)
  /// members cover the universe; the brute force's witness passes the property checker.
  func testAgainstCoverCriterion() throws {
    var rng = SplitMix64(seed: 8)
    var exists = [QuorumClass: Int]()
    var none = [QuorumClass: Int]()
    for round in 0..<300 {
      let n = Int.random(in: 1...5, using: &rng)
      let b =
        round % 3 == 0
        ? RandomFailProne.nested(n: n, using: &rng) : RandomFailProne.explicit(n: n, using: &rng)
      guard b.setCount <= 20 else { continue }
      for (cls, count) in [(QuorumClass.masking, 4), (.dissemination, 3)] {
        let witness = try BruteForceExistence.witness(cls, failProne: b)
        let cover = try CoverCriterion.cover(of: b, count: count)
        XCTAssertEqual(witness != nil, cover == nil, "\(cls) \(b)")
        if let witness {
          exists[cls, default: 0] += 1
          let results = try PropertyChecker.check(cls, quorums: witness, failProne: b)
          XCTAssertTrue(results.allSatisfy { $0.1 == nil }, "\(cls) \(b) \(witness)")
          // Theorem 4.3 / 5.4: the complements are then an X-system too.
          let complements = try b.members(limit: 100).map { $0.complement(in: n) }
          let canonical = try PropertyChecker.check(cls, quorums: complements, failProne: b)
          XCTAssertTrue(canonical.allSatisfy { $0.1 == nil }, "\(cls) \(b)")
        } else {
          none[cls, default: 0] += 1
        }
      }
    }
    for cls in [QuorumClass.masking, .dissemination] {
      XCTAssertGreaterThan(exists[cls, default: 0], 20, "\(cls)")
      XCTAssertGreaterThan(none[cls, default: 0], 20, "\(cls)")
    }
  }

  /// Theorem 5.13: an opaque system for the f-subsets of n servers exists iff n >= 5f.
  func testOpaqueThresholdTheorem() throws {
    var checked = 0
    for n in 1...6 {
      for f in 0..<n where binomial(n, f) <= 20 {
        let b = try FailProneSystem.threshold(n: n, f: f)
        let witness = try BruteForceExistence.witness(.opaque, failProne: b)
        XCTAssertEqual(witness != nil, n >= 5 * f, "n = \(n) f = \(f)")
        if let witness {
          let results = try PropertyChecker.check(.opaque, quorums: witness, failProne: b)
          XCTAssertTrue(results.allSatisfy { $0.1 == nil }, "n = \(n) f = \(f) \(witness)")
        }
        checked += 1
      }
    }
    XCTAssertGreaterThan(checked, 15)
  }

  /// On random systems every opaque witness the brute force finds passes the property
  /// checker (Definition 5.10).
  func testOpaqueWitnessesCheckOut() throws {
    var rng = SplitMix64(seed: 9)
    var found = 0
    for _ in 0..<200 {
      let n = Int.random(in: 1...5, using: &rng)
      let b = RandomFailProne.explicit(n: n, using: &rng)
      guard let witness = try BruteForceExistence.witness(.opaque, failProne: b) else { continue }
      found += 1
      let results = try PropertyChecker.check(.opaque, quorums: witness, failProne: b)
      XCTAssertTrue(results.allSatisfy { $0.1 == nil }, "\(b) \(witness)")
    }
    XCTAssertGreaterThan(found, 20)
  }

  func testLimits() throws {
    XCTAssertThrowsError(
      try BruteForceExistence.witness(
        .masking, failProne: try FailProneSystem.threshold(n: 7, f: 1)))
    // Sperner: an antichain over 6 servers has at most C(6, 3) = 20 sets, all accepted.
    let b = try FailProneSystem.threshold(n: 6, f: 3)
    XCTAssertNil(try BruteForceExistence.witness(.dissemination, failProne: b))
    XCTAssertNotNil(
      try BruteForceExistence.witness(.opaque, failProne: try FailProneSystem.threshold(n: 6, f: 0))
    )
  }
}
