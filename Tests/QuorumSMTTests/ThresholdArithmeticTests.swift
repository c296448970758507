import QuorumKit
import XCTest

@testable import QuorumSMT

/// The arithmetic engine must reproduce the paper's bounds exactly, and for every (n, f) it
/// decides it must prove its verdict (no `unknown`).
final class ThresholdArithmeticTests: XCTestCase {
  func testBoundsForSmallThresholds() {
    for f in 0...6 {
      for n in (f + 1)...(5 * f + 6) {
        for cls in QuorumClass.allCases {
          let r = ThresholdArithmetic.decide(cls, n: n, f: f, options: EngineOptions())
          let expected = ThresholdArithmetic.paperBound(cls, n: n, f: f).holds
          XCTAssertEqual(
            r.verdict, expected ? .exists : .none, "\(cls) n=\(n) f=\(f): \(r.reason)")
        }
      }
    }
  }

  func testLargeValidatorSets() {
    let cases: [(QuorumClass, Int, Int, ExistenceVerdict)] = [
      (.masking, 1_000_000, 249_999, .exists),
      (.masking, 1_000_000, 250_000, .none),
      (.dissemination, 999_999, 333_333, .none),
      (.dissemination, 1_000_000, 333_333, .exists),
      (.opaque, 1000, 200, .exists),
      (.opaque, 999, 200, .none),
      (.opaque, 1_000_000, 200_000, .exists),
    ]
    for (cls, n, f, verdict) in cases {
      let r = ThresholdArithmetic.decide(cls, n: n, f: f, options: EngineOptions())
      XCTAssertEqual(r.verdict, verdict, "\(cls) n=\(n) f=\(f): \(r.reason)")
      if verdict == .exists {
        XCTAssertEqual(r.witnessQuorumSize, QuorumSystem.paperThresholdQuorumSize(cls, n: n, f: f))
      }
    }
  }

  func testNoneCarriesTheBoundAndBothQueries() {
    let r = ThresholdArithmetic.decide(
      .opaque, n: 9, f: 2, options: EngineOptions(keepSMTLIB2: true))
    XCTAssertEqual(r.verdict, .none)
    XCTAssertEqual(r.reason, "n = 9 < 5f = 10 (Theorem 5.13)")
    XCTAssertEqual(r.queries.map(\.answer), ["sat", "sat", "unsat"])
    XCTAssertTrue(r.queries.allSatisfy { $0.smtlib2?.contains("(check-sat)") == true })
  }

  func testExpiredDeadlineIsUnknown() {
    let r = ThresholdArithmetic.decide(
      .masking, n: 9, f: 2, options: EngineOptions(deadline: Clock.now - 1))
    XCTAssertEqual(r.verdict, .unknown)
  }

  /// The pure-Swift region sweep against full enumeration of quorum pairs and fail-prone sets.
  func testRegionSweepMatchesEnumeration() throws {
    for n in 1...9 {
      for f in 0..<n {
        let b = try FailProneSystem.threshold(n: n, f: f)
        for q in 1...n {
          let quorums = Array(KSubsets(n: n, k: q))
          for cls in QuorumClass.allCases {
            let sweep = ThresholdRegionCheck.violation(cls, n: n, f: f, quorumSize: q)
            let enumerated = try PropertyChecker.check(cls, quorums: quorums, failProne: b)
              .contains { $0.1 != nil }
            XCTAssertEqual(
              sweep != nil, enumerated, "\(cls) n=\(n) f=\(f) q=\(q): \(sweep ?? "holds")")
          }
        }
      }
    }
  }
}
