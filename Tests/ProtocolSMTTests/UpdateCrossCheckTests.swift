import ProtocolKit
import QuorumKit
import XCTest

@testable import ProtocolSMT

/// bmc against explore on the Section 6 update protocol: on every instance where both run,
/// they agree on whether a run of at most K steps violates Lemma 6.2 (Integrity) or Lemma 6.3
/// (Agreement), and with a correct reader Lemma 6.1 too, under every reading of Figure 3 (step 5
/// `exactly` included). Explore (restricted to those two invariants) gives the shortest violating depth
/// D, or safe with the BFS depth; bmc must find a replayed run at depth D and none at D - 1, and
/// none at min(BFS depth, cap) on a safe instance.
final class UpdateCrossCheckTests: XCTestCase {
  struct Tally {
    var instances = 0
    var queries = 0
    var violated = 0
    var safe = 0
    var skipped = 0
  }

  static let invariants = ["Lemma 6.2", "Lemma 6.3"]
  /// With a reader: Lemma 6.1 too (every safety property of the model).
  static let withReader = ["Lemma 6.1", "Lemma 6.2", "Lemma 6.3"]

  func crossCheck(
    _ instance: UpdateInstance, _ label: String, tally: inout Tally, maxStates: Int,
    safeCap: Int = 10
  ) throws {
    let only = instance.reader ? Self.withReader : Self.invariants
    let model = try UpdateModel(instance, only: only)
    let explored = try model.explore(limits: SearchLimits(maxStates: maxStates))
    let bmc = try UpdateBMC(instance, only: only)
    func run(_ k: Int) throws -> BMCVerdict<UpdateModel> {
      tally.queries += 1
      return try BoundedModelChecker.check(bmc, depth: k).verdict
    }
    switch explored.verdict {
    case .unknown:
      tally.skipped += 1
      return
    case .safe:
      tally.safe += 1
      let k = max(1, min(explored.statistics.depth, safeCap))
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
      XCTAssertEqual(witness.trace.steps.count, d, label)
      XCTAssertTrue(witness.trace.replays(in: model), label)
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

  /// The update instances of Specs/protocols that bmc covers (no reader, step 5 at-least):
  /// the three readings that break Agreement at their shortest depth and one step less, the
  /// broken n = 5, q = 3 instance likewise, the safe ones at the BFS depth (capped at 13).
  func testSpecsInstances() throws {
    var tally = Tally()
    let d = UpdateReadings.paper
    let specs: [(String, UpdateInstance)] = [
      ("update-n5-f1-q4", try .threshold(n: 5, f: 1, q: 4, faultyUpdates: 2)),
      (
        "update-n5-f1-q4-writer",
        try .threshold(n: 5, f: 1, q: 4, faultyUpdates: 1, correctWriter: true, forged: true)
      ),
      ("update-broken-n4-f1-q3", try .threshold(n: 4, f: 1, q: 3, faultyUpdates: 1)),
      ("update-broken-m1-n5-f1-q3", try .threshold(n: 5, f: 1, q: 3, faultyUpdates: 2)),
      (
        "update-reading-step2-per-quorum",
        try .threshold(
          n: 5, f: 1, q: 4, faultyUpdates: 2,
          readings: UpdateReadings(step2: .perQuorum, step3: d.step3))
      ),
      (
        "update-reading-step3-every-other-member",
        try .threshold(
          n: 5, f: 1, q: 4, faultyUpdates: 2, readings: UpdateReadings(step3: .everyOtherMember))
      ),
      (
        "update-reading-step3-quorum-minus-b",
        try .threshold(
          n: 5, f: 1, q: 4, faultyUpdates: 2, readings: UpdateReadings(step3: .quorumMinusB))
      ),
    ]
    for (name, instance) in specs {
      try crossCheck(instance, name, tally: &tally, maxStates: 1_000_000, safeCap: 13)
    }
    XCTAssertEqual(tally.instances, 7)
    XCTAssertEqual(tally.violated, 4)
    XCTAssertEqual(tally.safe, 3)
  }

  /// A corner of step 5: the writer's quorum {0} lies inside B, so Q \ B is empty and every
  /// correct server, all of them outside Q, delivers the forged ⟨x, tw⟩ with no ready at all,
  /// in the step of Init (Integrity, one step). Both engines must find it at depth 1.
  func testQuorumInsideAFailProneSet() throws {
    let universe = Universe(count: 3)
    let instance = try UpdateInstance(
      universe: universe,
      failProne: try .explicit(universe: universe, sets: [ServerSet([0])]),
      quorums: [ServerSet([0]), ServerSet([0, 1, 2])], quorumThreshold: nil, faultyUpdates: 0,
      correctWriter: true, retries: 0, forged: true, readings: UpdateReadings())
    var tally = Tally()
    try crossCheck(instance, "quorum {0} = B", tally: &tally, maxStates: 100_000)
    XCTAssertEqual(tally.violated, 1)
    XCTAssertEqual(tally.instances, 1)
  }

  /// A random B on `universe` for the random configurations: threshold (f = 0 or 1) half the
  /// time, else an explicit or a nested system.
  func randomFailProne(_ universe: Universe, using rng: inout SplitMix64) throws -> FailProneSystem
  {
    let n = universe.count
    switch Int.random(in: 0..<4, using: &rng) {
    case 0, 1: return try .threshold(universe: universe, f: Int.random(in: 0...1, using: &rng))
    case 2: return RandomFailProne.explicit(n: n, using: &rng)
    default: return RandomFailProne.nested(n: n, using: &rng)
    }
  }

  /// Random quorums on `n` servers: all q-subsets (and q) half the time, else one to three
  /// random non-empty sets (and nil).
  func randomQuorums(n: Int, using rng: inout SplitMix64) -> ([ServerSet], Int?) {
    if Bool.random(using: &rng) {
      let q = Int.random(in: 2...n, using: &rng)
      return (Array(KSubsets(n: n, k: q)), q)
    }
    var list: [ServerSet] = []
    for _ in 0..<Int.random(in: 1...3, using: &rng) {
      var s = ServerSet()
      for i in 0..<n where Int.random(in: 0..<3, using: &rng) != 0 { s.insert(i) }
      if s.isEmpty { s.insert(Int.random(in: 0..<n, using: &rng)) }
      list.append(s)
    }
    return (list, nil)
  }

  /// Random small configurations (fixed seed): n = 3 or 4; threshold, explicit and nested B;
  /// threshold and listed quorums; 0-3 faulty updates, a correct writer with or without a retry
  /// and forged messages; every supported reading of steps 2-4. Explore stops at 20 000 states
  /// (such instances are skipped) so that the test stays quick in debug builds.
  func testRandomConfigurations() throws {
    var rng = SplitMix64(seed: 0x6_0B3C)
    var tally = Tally()
    let count = 240
    for index in 0..<count {
      let n = Int.random(in: 3...4, using: &rng)
      let universe = Universe(count: n)
      let failProne = try randomFailProne(universe, using: &rng)
      let (quorums, threshold) = randomQuorums(n: n, using: &rng)
      let writer = Bool.random(using: &rng)
      let faultyUpdates = Int.random(in: (writer ? 0 : 1)...(writer ? 2 : 3), using: &rng)
      let readings = UpdateReadings(
        step2: UpdateReadings.Step2.allCases.randomElement(using: &rng)!,
        step3: UpdateReadings.Step3.allCases.randomElement(using: &rng)!,
        step4: UpdateReadings.Step4.allCases.randomElement(using: &rng)!)
      let instance = try UpdateInstance(
        universe: universe, failProne: failProne, quorums: quorums, quorumThreshold: threshold,
        faultyUpdates: faultyUpdates, correctWriter: writer,
        retries: writer && Bool.random(using: &rng) ? 1 : 0,
        forged: writer && Bool.random(using: &rng), readings: readings)
      try crossCheck(
        instance, "random #\(index) \(instance)", tally: &tally, maxStates: 20_000, safeCap: 9)
    }
    print(
      "update cross-check: \(tally.instances) random instances (\(tally.violated) violated, \(tally.safe) safe, \(tally.skipped) skipped), \(tally.queries) bmc queries"
    )
    XCTAssertGreaterThanOrEqual(tally.instances, count * 3 / 4)
    XCTAssertGreaterThan(tally.violated, 5)
    XCTAssertGreaterThan(tally.safe, 5)
  }

  /// The reader instances of Specs/protocols and Proofs/sec6 (Lemma 6.1 with Lemmas 6.2, 6.3):
  /// n = 5, f = 1, q = 4 with one faulty update (safe; bmc at the BFS depth capped at 12), and
  /// the M1-breaking n = 4, q = 3 (the read returns v0 after the faulty client's write ended:
  /// shortest run 10 steps), plus n = 5, q = 3 (also breaks M1) with two faulty updates.
  func testSpecsReaderInstances() throws {
    var tally = Tally()
    let specs: [(String, UpdateInstance)] = [
      ("update-n5-f1-q4-reader", try .threshold(n: 5, f: 1, q: 4, faultyUpdates: 1, reader: true)),
      (
        "lemma6.1-update-n4-f1-q3-mutant",
        try .threshold(n: 4, f: 1, q: 3, faultyUpdates: 1, reader: true)
      ),
      ("n5-f1-q3 reader", try .threshold(n: 5, f: 1, q: 3, faultyUpdates: 2, reader: true)),
    ]
    for (name, instance) in specs {
      try crossCheck(instance, name, tally: &tally, maxStates: 2_000_000, safeCap: 12)
    }
    XCTAssertEqual(tally.instances, 3)
    XCTAssertEqual(tally.violated, 2)
    XCTAssertEqual(tally.safe, 1)
  }

  /// Random small configurations with a correct reader (fixed seed): n = 3 or 4; threshold,
  /// explicit and nested B; threshold and listed quorums; 0-2 faulty updates, a correct writer
  /// (with or without a retry and forged messages) or not; every supported reading of steps
  /// 2-4. Lemma 6.1 is checked with Lemmas 6.2 and 6.3; explore stops at 20 000 states.
  func testRandomReaderConfigurations() throws {
    var rng = SplitMix64(seed: 0x6_1EAD)
    var tally = Tally()
    var lemma61 = 0
    let count = 60
    for index in 0..<count {
      let n = Int.random(in: 3...4, using: &rng)
      let universe = Universe(count: n)
      let failProne = try randomFailProne(universe, using: &rng)
      let (quorums, threshold) = randomQuorums(n: n, using: &rng)
      let writer = Int.random(in: 0..<3, using: &rng) == 0
      let faultyUpdates = Int.random(in: (writer ? 0 : 1)...2, using: &rng)
      let readings = UpdateReadings(
        step2: UpdateReadings.Step2.allCases.randomElement(using: &rng)!,
        step3: UpdateReadings.Step3.allCases.randomElement(using: &rng)!,
        step4: UpdateReadings.Step4.allCases.randomElement(using: &rng)!)
      let instance = try UpdateInstance(
        universe: universe, failProne: failProne, quorums: quorums, quorumThreshold: threshold,
        faultyUpdates: faultyUpdates, correctWriter: writer,
        retries: writer && Bool.random(using: &rng) ? 1 : 0,
        forged: writer && Bool.random(using: &rng), reader: true, readings: readings)
      let model = try UpdateModel(instance, only: Self.withReader)
      if case .violated(let cex) = try model.explore(limits: SearchLimits(maxStates: 20_000))
        .verdict, cex.property == UpdateModel.lemma61
      {
        lemma61 += 1
      }
      try crossCheck(
        instance, "random reader #\(index) \(instance)", tally: &tally, maxStates: 20_000,
        safeCap: 8)
    }
    print(
      "update cross-check with a reader: \(tally.instances) random instances (\(tally.violated) violated, \(lemma61) of them Lemma 6.1 first, \(tally.safe) safe, \(tally.skipped) skipped), \(tally.queries) bmc queries"
    )
    XCTAssertGreaterThanOrEqual(tally.instances, count * 3 / 4)
    XCTAssertGreaterThan(lemma61, 5)
    XCTAssertGreaterThan(tally.safe, 5)
  }

  /// The `exactly` reading of step 5 (threshold B only): the Specs instance (n = 5, f = 1,
  /// q = 4, a correct writer: the invariants hold, none at the BFS depth capped at 12) and 40
  /// random configurations (fixed seed: n = 3 or 4, f = 0 or 1, threshold or listed quorums,
  /// 0-2 faulty updates, a writer or not, a reader or not, every supported reading of steps
  /// 2-4). Under `exactly` every Deliver is a step and a ready from a Byzantine server outside Q
  /// received before it (`readyFromOutside`) rules step 5 out.
  func testStep5ExactlyConfigurations() throws {
    var tally = Tally()
    let spec = try UpdateInstance.threshold(
      n: 5, f: 1, q: 4, faultyUpdates: 0, correctWriter: true,
      readings: UpdateReadings(step5: .exactly))
    try crossCheck(
      spec, "update-reading-step5-exactly", tally: &tally, maxStates: 1_000_000, safeCap: 12)
    XCTAssertEqual(tally.safe, 1)
    var rng = SplitMix64(seed: 0x6_E5AC)
    let count = 40
    for index in 0..<count {
      let n = Int.random(in: 3...4, using: &rng)
      let universe = Universe(count: n)
      let failProne = try FailProneSystem.threshold(
        universe: universe, f: Int.random(in: 0...1, using: &rng))
      let (quorums, threshold) = randomQuorums(n: n, using: &rng)
      let writer = Bool.random(using: &rng)
      let faultyUpdates = Int.random(in: (writer ? 0 : 1)...2, using: &rng)
      let readings = UpdateReadings(
        step2: UpdateReadings.Step2.allCases.randomElement(using: &rng)!,
        step3: UpdateReadings.Step3.allCases.randomElement(using: &rng)!,
        step4: UpdateReadings.Step4.allCases.randomElement(using: &rng)!, step5: .exactly)
      let instance = try UpdateInstance(
        universe: universe, failProne: failProne, quorums: quorums, quorumThreshold: threshold,
        faultyUpdates: faultyUpdates, correctWriter: writer,
        retries: writer && Bool.random(using: &rng) ? 1 : 0,
        forged: writer && Bool.random(using: &rng), reader: Int.random(in: 0..<3, using: &rng) == 0,
        readings: readings)
      try crossCheck(
        instance, "random exactly #\(index) \(instance)", tally: &tally, maxStates: 60_000,
        safeCap: 8)
    }
    print(
      "update cross-check, step5 exactly: \(tally.instances) instances (\(tally.violated) violated, \(tally.safe) safe, \(tally.skipped) skipped), \(tally.queries) bmc queries"
    )
    XCTAssertGreaterThanOrEqual(tally.instances, (count + 1) * 3 / 4)
    XCTAssertGreaterThan(tally.violated, 3)
    XCTAssertGreaterThan(tally.safe, 3)
  }

  /// The shortest run from `initial` to a state violating one of `model`'s safety properties,
  /// by breadth-first search (explore from one initial state), or nil if none within `limit`.
  func shortestViolation(_ model: UpdateModel, from initial: UpdateState, limit: Int) -> Int? {
    func bad(_ s: UpdateState) -> Bool { model.properties.contains { !$0.holds(s) } }
    if bad(initial) { return 0 }
    var seen: Set<UpdateState> = [initial]
    var level = [initial]
    var actions: [UpdateAction] = []
    for depth in 1...limit {
      var next: [UpdateState] = []
      for s in level {
        actions.removeAll()
        model.actions(of: s, into: &actions)
        for a in actions {
          guard let t = model.successor(of: s, taking: a), seen.insert(t).inserted else {
            continue
          }
          if bad(t) { return depth }
          next.append(t)
        }
      }
      level = next
    }
    return nil
  }

  /// Teeth for the rule "Byzantine servers outside the slot's quorum Q may send ready to correct
  /// servers" (step 4 helped by every Byzantine server, `ready(help: 3)`). On the random and
  /// Specs instances an encoder without that rule agrees with explore: whenever a run uses
  /// such a ready, another run of the same length makes a Byzantine member of Q do the work
  /// (1,550 random configurations searched, 751 with a violation, none told the two apart; the
  /// help-3 ready is enabled only under the every-other-member reading of step 3). So the
  /// encoders are compared from one initial state: n = 6, f = 1, quorums {1, 2, 3} and
  /// {3, 4, 5} (M1 fails), step 3 every-other-member, Byzantine server 0, outside both quorums.
  /// Server 3 sends ready for ⟨a, t1⟩ on the echoes of 1 and 2 without echoing it, and ready
  /// for ⟨b, t1⟩ on those of 4 and 5; server 0's ready then completes step 4 at 1 (and at 4),
  /// and the members deliver both values (Agreement, 8 steps). Explore from that state finds the
  /// shortest violation; the encoder pinned to it finds a replayed run of that length using a
  /// help-3 ready and none shorter; the mutant finds none at that depth: it disagrees with
  /// explore.
  func testByzantineReadiesFromOutsideQHaveTeeth() throws {
    let universe = Universe(count: 6)
    let instance = try UpdateInstance(
      universe: universe, failProne: try .threshold(universe: universe, f: 1),
      quorums: [ServerSet([1, 2, 3]), ServerSet([3, 4, 5])], faultyUpdates: 2,
      readings: UpdateReadings(step3: .everyOtherMember))
    let pin = ServerSet([0])
    let model = try UpdateModel(instance, only: Self.invariants)
    let initial = try XCTUnwrap(model.initialStates.first { model.faulty($0) == pin })
    let d = try XCTUnwrap(shortestViolation(model, from: initial, limit: 10))
    var bmc = try UpdateBMC(instance, only: Self.invariants)
    bmc.pinnedFaulty = pin
    guard case .violated(let cex) = try BoundedModelChecker.check(bmc, depth: d).verdict else {
      return XCTFail("the pinned encoder finds no run within \(d) steps")
    }
    XCTAssertEqual(cex.trace.steps.count, d)
    XCTAssertEqual(cex.trace.initial, initial)
    XCTAssertTrue(cex.trace.replays(in: model))
    XCTAssertTrue(
      cex.trace.steps.contains {
        if case .ready(_, _, 3) = $0.action { return true } else { return false }
      })
    guard case .noViolation = try BoundedModelChecker.check(bmc, depth: d - 1).verdict else {
      return XCTFail("the pinned encoder finds a run shorter than explore's \(d) steps")
    }
    var mutant = bmc
    mutant.mutation = .noReadyFromByzantineOutsideQ
    let verdict = try BoundedModelChecker.check(mutant, depth: d).verdict
    guard case .noViolation = verdict else {
      return XCTFail("the mutant agrees with explore at depth \(d): \(verdict)")
    }
    // Unpinned, the mutant finds a run of the same length with another Byzantine server.
    var free = try UpdateBMC(instance, only: Self.invariants)
    free.mutation = .noReadyFromByzantineOutsideQ
    guard case .violated(let other) = try BoundedModelChecker.check(free, depth: d).verdict else {
      return XCTFail("the unpinned mutant finds no run within \(d) steps")
    }
    XCTAssertTrue(other.trace.replays(in: model))
    XCTAssertNotEqual(model.faulty(other.trace.initial), pin)
  }
}
