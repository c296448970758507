import QuorumKit
import XCTest

@testable import QuorumSMT

/// The closed criteria (Corollaries 4.4, 5.5) on nested structures: SMT over the expression
/// tree against the pure-Swift tree search and against expansion into explicit sets.
final class CriterionEngineTests: XCTestCase {
  func testNestedTreeCoverAgreesWithExpansion() throws {
    var rng = SplitMix64(seed: 0x7EE)
    var covers = 0
    for trial in 0..<200 {
      let n = 2 + trial % 7
      let b = RandomFailProne.nested(n: n, using: &rng)
      guard case .nested(let e) = b.kind else { return XCTFail("not nested") }
      let members = try b.members(limit: 100_000)
      let explicit = try FailProneSystem.explicit(universe: b.universe, sets: members)
      for k in [3, 4] {
        let smt = TreeCoverEncoder.cover(
          e, universe: b.universe, count: k, options: EngineOptions())
        XCTAssertNil(smt.unknownReason)
        let pure = try CoverCriterion.cover(of: b, count: k)
        let expanded = try CoverCriterion.cover(of: explicit, count: k)
        XCTAssertEqual(smt.cover == nil, expanded == nil, "trial \(trial) k=\(k): \(e)")
        XCTAssertEqual(pure == nil, expanded == nil, "trial \(trial) k=\(k): \(e)")
        if let c = smt.cover {
          covers += 1
          XCTAssertEqual(c.reduce(ServerSet()) { $0.union(ServerSet($1)) }, b.universe.all)
          XCTAssertTrue(c.allSatisfy { b.hasMember(containing: ServerSet($0)) })
        }
      }
    }
    XCTAssertGreaterThan(covers, 20)
    XCTAssertLessThan(covers, 380)
  }

  func testCriterionWitnessIsRecheckedComplements() throws {
    let blocks = (0..<5).map { ServerSet([$0]) }
    let b = try FailProneSystem.partition(universe: Universe(count: 5), blocks: blocks)
    let r = try CriterionEngine.decide(.masking, failProne: b, options: EngineOptions())
    XCTAssertEqual(r.verdict, .exists)
    XCTAssertEqual(r.witnessFamily?.count, 5)
    let none = try CriterionEngine.decide(
      .masking,
      failProne: try FailProneSystem.partition(
        universe: Universe(count: 4), blocks: Array(blocks.prefix(4))),
      options: EngineOptions())
    XCTAssertEqual(none.verdict, .none)
    XCTAssertEqual(none.involvedSets?.count, 4)
  }

  func testDeciderReportsAgreementOnThreshold() throws {
    for (cls, n, f) in [
      (QuorumClass.masking, 8, 2), (.masking, 9, 2), (.opaque, 9, 2), (.opaque, 10, 2),
    ] {
      let b = try FailProneSystem.threshold(n: n, f: f)
      let o = try ExistenceDecider.decide(cls, failProne: b, options: EngineOptions())
      XCTAssertNil(o.disagreement)
      XCTAssertEqual(
        o.verdict, ThresholdArithmetic.paperBound(cls, n: n, f: f).holds ? .exists : .none)
      XCTAssertTrue(o.reports.allSatisfy { $0.verdict == o.verdict }, "\(o.reports.map(\.reason))")
    }
  }
}

/// The correctness range: every threshold (n, f) with 1 <= f <= 3 and n <= 14, all three
/// classes, every default engine (arithmetic, criterion, family): each must decide, agree with
/// the others, and match n > 4f, n > 3f, n >= 5f.
final class ThresholdSweepTests: XCTestCase {
  func testEveryEngineOnEveryThresholdUpTo14() throws {
    for f in 1...3 {
      for n in (f + 1)...14 {
        let b = try FailProneSystem.threshold(n: n, f: f)
        for cls in QuorumClass.allCases {
          let o = try ExistenceDecider.decide(cls, failProne: b, options: EngineOptions())
          let expected: ExistenceVerdict =
            ThresholdArithmetic.paperBound(cls, n: n, f: f).holds ? .exists : .none
          XCTAssertNil(o.disagreement, "\(cls) n=\(n) f=\(f)")
          XCTAssertEqual(o.verdict, expected, "\(cls) n=\(n) f=\(f)")
          for r in o.reports {
            XCTAssertEqual(r.verdict, expected, "\(cls) n=\(n) f=\(f) \(r.engine): \(r.reason)")
          }
          XCTAssertTrue(
            o.reports.contains { $0.engine == "family reduction" }, "\(cls) n=\(n) f=\(f)")
        }
      }
    }
  }
}
