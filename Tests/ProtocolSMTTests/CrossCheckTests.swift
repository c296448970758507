import ProtocolKit
import QuorumKit
import XCTest

@testable import ProtocolSMT

/// bmc against explore: on every instance where both run, they agree on whether a violation
/// exists within the bound. Explore gives the shortest violating depth D (or safe, with the
/// BFS depth: every reachable state is reached within it); bmc must find a replayed run at
/// depth D and none at D - 1, and none at the BFS depth of a safe instance.
final class CrossCheckTests: XCTestCase {
  struct Tally {
    var instances = 0
    var queries = 0
    var violated = 0
    var safe = 0
    var skipped = 0
  }

  /// Checks one instance; returns false when explore hit its cap (skipped).
  func crossCheck(
    _ instance: ReadWriteInstance, _ label: String, tally: inout Tally, maxStates: Int = 200_000
  ) throws {
    let explored = try ReadWriteModel(instance).explore(limits: SearchLimits(maxStates: maxStates))
    let bmc = try ReadWriteBMC(instance)
    func run(_ k: Int) throws -> BMCVerdict<ReadWriteModel> {
      tally.queries += 1
      return try BoundedModelChecker.check(bmc, depth: k).verdict
    }
    switch explored.verdict {
    case .unknown:
      tally.skipped += 1
      return
    case .safe:
      tally.safe += 1
      let k = explored.statistics.depth
      let verdict = try run(k)
      guard case .noViolation = verdict else {
        return XCTFail("\(label): explore safe, bmc within \(k) steps: \(verdict)")
      }
    case .violated(let cex):
      tally.violated += 1
      let d = cex.trace.steps.count
      let found = try run(d)
      guard case .violated(let witness) = found else {
        return XCTFail("\(label): explore violates at \(d), bmc at depth \(d) says \(found)")
      }
      XCTAssertLessThanOrEqual(witness.trace.steps.count, d, label)
      if d > 1 {
        let below = try run(d - 1)
        guard case .noViolation = below else {
          return XCTFail(
            "\(label): explore's shortest violation has \(d) steps, bmc within \(d - 1): \(below)")
        }
      }
    }
    tally.instances += 1
  }

  /// The instances of Specs/protocols (all threshold): two safe at the BFS depth, the two
  /// mutants at their shortest depth and one step less.
  func testSpecsInstances() throws {
    var tally = Tally()
    let specs: [(String, Int, Int, Int, ReadRule)] = [
      ("broken-masking-n4-f1-q3", 4, 1, 3, .masking),
      ("broken-opaque-n4-f1-q3", 4, 1, 3, .opaque),
      ("dissemination-n4-f1-q3", 4, 1, 3, .dissemination),
      ("masking-n5-f1-q4", 5, 1, 4, .masking),
      ("opaque-n5-f1-q4", 5, 1, 4, .opaque),
    ]
    for (name, n, f, q, rule) in specs {
      let instance = try ReadWriteInstance.threshold(
        n: n, f: f, q: q, readRule: rule, writers: 2, readers: 1)
      try crossCheck(instance, name, tally: &tally, maxStates: 5_000_000)
    }
    XCTAssertEqual(tally.instances, 5)
    XCTAssertEqual(tally.violated, 2)
    XCTAssertEqual(tally.safe, 3)
  }

  /// A few hundred random small configurations (fixed seed): threshold, explicit and nested B,
  /// threshold and listed quorums (nested ones too, so that explicit ends occur), every read
  /// rule, one or two writes and one or two reads.
  func testRandomConfigurations() throws {
    var rng = SplitMix64(seed: 0x6_B3C)
    var tally = Tally()
    var rules: [ReadRule: Int] = [:]
    for index in 0..<300 {
      let n = Int.random(in: 2...4, using: &rng)
      let universe = Universe(count: n)
      let failProne: FailProneSystem
      switch Int.random(in: 0..<4, using: &rng) {
      case 0, 1:
        failProne = try .threshold(universe: universe, f: Int.random(in: 0...1, using: &rng))
      case 2: failProne = RandomFailProne.explicit(n: n, using: &rng)
      default: failProne = RandomFailProne.nested(n: n, using: &rng)
      }
      let rule = ReadRule.allCases.randomElement(using: &rng)!
      rules[rule, default: 0] += 1
      let (writers, wpw, readers, rpr): (Int, Int, Int, Int)
      switch Int.random(in: 0..<5, using: &rng) {
      case 0: (writers, wpw, readers, rpr) = (1, 1, 1, 1)
      case 1: (writers, wpw, readers, rpr) = (2, 1, 1, 1)
      case 2: (writers, wpw, readers, rpr) = (1, 2, 1, 1)
      case 3: (writers, wpw, readers, rpr) = (1, 1, 1, 2)
      default: (writers, wpw, readers, rpr) = (1, 1, 2, 1)
      }
      let instance: ReadWriteInstance
      if Bool.random(using: &rng) {
        instance = try ReadWriteInstance(
          universe: universe, failProne: failProne,
          quorums: Array(KSubsets(n: n, k: Int.random(in: 1...n, using: &rng))),
          quorumThreshold: nil, readRule: rule, writers: writers, writesPerWriter: wpw,
          readers: readers, readsPerReader: rpr)
      } else {
        var quorums: [ServerSet] = []
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
          var s = ServerSet()
          for i in 0..<n where Bool.random(using: &rng) { s.insert(i) }
          if s.isEmpty { s.insert(Int.random(in: 0..<n, using: &rng)) }
          quorums.append(s)
          // Now and then a superset, so that an operation may end at a non-maximal quorum.
          if Int.random(in: 0..<3, using: &rng) == 0 { quorums.append(universe.all) }
        }
        instance = try ReadWriteInstance(
          universe: universe, failProne: failProne, quorums: quorums, readRule: rule,
          writers: writers, writesPerWriter: wpw, readers: readers, readsPerReader: rpr)
      }
      try crossCheck(instance, "random #\(index) \(instance)", tally: &tally)
    }
    print(
      "cross-check: \(tally.instances) random instances (\(tally.violated) violated, \(tally.safe) safe, \(tally.skipped) skipped), \(tally.queries) bmc queries, rules \(rules)"
    )
    XCTAssertGreaterThanOrEqual(tally.instances, 250)
    XCTAssertGreaterThan(tally.violated, 30)
    XCTAssertGreaterThan(tally.safe, 30)
  }
}
