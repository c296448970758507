import QuorumKit
import XCTest

@testable import QuorumSMT

/// The family reduction against the paper's threshold bounds, the closed criteria, and an
/// independent brute force over families.
final class FamilyEngineTests: XCTestCase {
  func testThresholdBoundsSmall() throws {
    for f in 1...2 {
      for n in (f + 1)...min(5 * f + 1, 11) {
        let b = try FailProneSystem.threshold(n: n, f: f)
        for cls in QuorumClass.allCases {
          let r = try FamilyEngine.decide(
            cls, failProne: b, options: EngineOptions(), tryComplements: n % 2 == 0)
          let expected = ThresholdArithmetic.paperBound(cls, n: n, f: f).holds
          XCTAssertEqual(r.verdict, expected ? .exists : .none, "\(cls) n=\(n) f=\(f): \(r.reason)")
          if r.verdict == .exists {
            let family = try XCTUnwrap(r.witnessFamily)
            XCTAssertTrue(
              try PropertyChecker.check(cls, quorums: family, failProne: b).allSatisfy {
                $0.1 == nil
              })
          }
        }
      }
    }
  }

  /// A few hundred random explicit fail-prone systems over at most 5 servers: the family engine,
  /// the brute force over families, and (masking, dissemination) the cover criterion agree.
  func testRandomExplicitAgainstBruteForceAndCriterion() throws {
    var rng = SplitMix64(seed: 0xB05)
    var decided = [ExistenceVerdict: Int]()
    for trial in 0..<300 {
      let n = 1 + trial % 5
      let b = RandomFailProne.explicit(n: n, using: &rng)
      for cls in QuorumClass.allCases {
        // Odd trials skip the complements, so the solver path is cross-checked too.
        let r = try FamilyEngine.decide(
          cls, failProne: b, options: EngineOptions(), tryComplements: trial % 2 == 0)
        let brute = try BruteForceExistence.witness(cls, failProne: b)
        XCTAssertEqual(r.verdict, brute == nil ? .none : .exists, "trial \(trial) \(cls) \(b)")
        decided[r.verdict, default: 0] += 1
        if cls != .opaque {
          let c = try CriterionEngine.decide(cls, failProne: b, options: EngineOptions())
          XCTAssertEqual(c.verdict, r.verdict, "trial \(trial) \(cls) criterion vs family, \(b)")
        }
      }
    }
    // The generator must exercise both verdicts, or the cross-check proves little.
    XCTAssertGreaterThan(decided[.exists, default: 0], 50)
    XCTAssertGreaterThan(decided[.none, default: 0], 50)
  }

  func testPartitionExamples() throws {
    // Example 4.9 (masking needs m > 4 blocks), 5.9 (dissemination m > 3), 5.14 (opaque, 3k blocks).
    for m in 2...7 {
      let blocks = (0..<m).map { ServerSet([2 * $0, 2 * $0 + 1]) }
      let b = try FailProneSystem.partition(universe: Universe(count: 2 * m), blocks: blocks)
      let masking = try FamilyEngine.decide(.masking, failProne: b, options: EngineOptions())
      XCTAssertEqual(masking.verdict, m > 4 ? .exists : .none, "masking m=\(m)")
      let dissemination = try FamilyEngine.decide(
        .dissemination, failProne: b, options: EngineOptions())
      XCTAssertEqual(dissemination.verdict, m > 3 ? .exists : .none, "dissemination m=\(m)")
      let opaque = try FamilyEngine.decide(.opaque, failProne: b, options: EngineOptions())
      // Threshold f = 1 over m super-elements: opaque iff m >= 5 (Theorem 5.13 on blocks of size 2
      // gives the same bound here; Example 5.14 uses 3k >= 6 blocks).
      if m >= 6 { XCTAssertEqual(opaque.verdict, .exists, "opaque m=\(m)") }
      if m <= 2 { XCTAssertEqual(opaque.verdict, .none, "opaque m=\(m)") }
    }
  }

  func testTooManySetsIsUnknownNotAVerdict() throws {
    // select 3 out-of 20 servers: 1,140 fail-prone sets, over the limit of 1,000.
    let b = try FailProneSystem.nested(
      universe: Universe(count: 20), expression: .select(k: 3, of: (0..<20).map { .server($0) }))
    let r = try FamilyEngine.decide(
      .opaque, failProne: b, options: EngineOptions(), memberLimit: 1000)
    XCTAssertEqual(r.verdict, .unknown)
    XCTAssertTrue(r.reason.contains("more than the family engine's limit of 1000"), r.reason)
  }

  func testTimeoutIsUnknown() throws {
    let b = try FailProneSystem.threshold(n: 14, f: 3)
    let r = try FamilyEngine.decide(
      .opaque, failProne: b, options: EngineOptions(deadline: Clock.now))
    XCTAssertEqual(r.verdict, .unknown)
  }
}
