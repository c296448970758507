import QuorumKit
import XCTest

/// Is there a (B, Q) that is opaque (O1-O3, Definition 5.10) but not masking (M1, M2,
/// Definition 4.1), on which the masking read rule of Section 4 could fail? No:
///
/// O3 is M2. O2 implies M1: suppose (Q1 ∩ Q2) \ B1 ⊆ B2 and let X = Q1 ∩ Q2, so X ⊆ B1 ∪ B2.
/// O2 at B2 gives |X \ B2| > |Q2 ∩ B2| >= |X ∩ B2|, and X \ B2 ⊆ B1 \ B2, so
/// |X ∩ (B1 \ B2)| > |X ∩ (B2 \ B1)|. O2 at B1 gives the reverse strict inequality. So every
/// opaque system is a masking system, and Lemma 4.2 (the masking rule is correct on any masking
/// system) covers every opaque configuration. The sweeps below check this with the enumerator
/// (PropertyChecker) on every fail-prone system and quorum system over 3 servers and on every
/// fail-prone system with up to 3 quorums over 4 servers. The converse fails: masking-only
/// systems exist (Specs/protocols/broken-opaque-rule-on-masking-*.yaml explore them).
final class OpaqueImpliesMaskingTests: XCTestCase {
  /// Every antichain of subsets of `n` servers (every fail-prone system), including {∅}.
  func failProneSystems(_ n: Int) -> [FailProneSystem] {
    let u = Universe(count: n)
    let subsets = (0..<(1 << n)).map { ServerSet(bits: UInt64($0)) }
    var out: [FailProneSystem] = []
    for family in 1..<(1 << subsets.count) {
      let sets = subsets.indices.filter { family & (1 << $0) != 0 }.map { subsets[$0] }
      let antichain = sets.allSatisfy { a in !sets.contains { $0 != a && a.isSubset(of: $0) } }
      if antichain, let b = try? FailProneSystem.explicit(universe: u, sets: sets) {
        out.append(b)
      }
    }
    return out
  }

  func holds(_ cls: QuorumClass, _ quorums: [ServerSet], _ b: FailProneSystem) throws -> Bool {
    try PropertyChecker.check(cls, quorums: quorums, failProne: b).allSatisfy { $0.1 == nil }
  }

  func sweep(n: Int, maxQuorums: Int) throws -> (opaque: Int, maskingOnly: Int) {
    let systems = failProneSystems(n)
    let candidates = (1..<(1 << n)).map { ServerSet(bits: UInt64($0)) }
    var opaque = 0
    var maskingOnly = 0
    func visit(_ start: Int, _ chosen: inout [ServerSet]) throws {
      if !chosen.isEmpty {
        for b in systems {
          let isOpaque = try holds(.opaque, chosen, b)
          let isMasking = try holds(.masking, chosen, b)
          if isOpaque {
            opaque += 1
            XCTAssertTrue(isMasking, "opaque but not masking: B = \(b), Q = \(chosen)")
          } else if isMasking {
            maskingOnly += 1
          }
        }
      }
      guard chosen.count < maxQuorums else { return }
      for i in start..<candidates.count {
        chosen.append(candidates[i])
        try visit(i + 1, &chosen)
        chosen.removeLast()
      }
    }
    var chosen: [ServerSet] = []
    try visit(0, &chosen)
    return (opaque, maskingOnly)
  }

  func testEveryOpaqueSystemOverThreeServersIsMasking() throws {
    // 19 fail-prone systems (antichains, {∅} included) x 127 quorum systems.
    XCTAssertEqual(failProneSystems(3).count, 19)
    let r = try sweep(n: 3, maxQuorums: 7)
    print("n = 3: \(r.opaque) opaque (B, Q) pairs, all masking; \(r.maskingOnly) masking-only")
    XCTAssertGreaterThan(r.opaque, 0)
    XCTAssertGreaterThan(r.maskingOnly, 0)
  }

  func testEveryOpaqueSystemOverFourServersWithFewQuorumsIsMasking() throws {
    XCTAssertEqual(failProneSystems(4).count, 167)
    let r = try sweep(n: 4, maxQuorums: 3)
    print(
      "n = 4, <= 3 quorums: \(r.opaque) opaque (B, Q) pairs, all masking; \(r.maskingOnly) masking-only"
    )
    XCTAssertGreaterThan(r.opaque, 0)
    XCTAssertGreaterThan(r.maskingOnly, 0)
  }

  func testTheMaskingOnlySpecIsMaskingButNotOpaque() throws {
    // Specs/protocols/broken-opaque-rule-on-masking-n5.yaml.
    let u = Universe(count: 5)
    let b = try FailProneSystem.explicit(
      universe: u, sets: [ServerSet([0, 1]), ServerSet([2]), ServerSet([3])])
    let q = [ServerSet([2, 3, 4]), ServerSet([0, 1, 3, 4]), ServerSet([0, 1, 2, 4])]
    XCTAssertTrue(try holds(.masking, q, b))
    let opaque = try PropertyChecker.check(.opaque, quorums: q, failProne: b)
    XCTAssertNotNil(opaque.first { $0.0 == .o2 }?.1)
  }
}
