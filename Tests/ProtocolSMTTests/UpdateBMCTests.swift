import ProtocolKit
import QuorumKit
import XCTest

@testable import ProtocolSMT

/// The update-protocol encoder on its own: what it refuses, a run it finds and decodes, the
/// bound below it, and the replay rejecting what the model cannot do.
final class UpdateBMCTests: XCTestCase {
  /// The reader and the `exactly` reading of step 5 are encoded; selecting only eventual
  /// properties is refused, not answered.
  func testRefusesWhatItDoesNotEncode() throws {
    let reader = try UpdateInstance.threshold(n: 5, f: 1, q: 4, faultyUpdates: 1, reader: true)
    XCTAssertNil(UpdateBMC.unsupported(reader))
    XCTAssertEqual(
      try UpdateBMC(reader).system.properties.map(\.name),
      [UpdateModel.integrity, UpdateModel.agreement, UpdateModel.lemma61])
    let exactly = try UpdateInstance.threshold(
      n: 5, f: 1, q: 4, faultyUpdates: 0, correctWriter: true,
      readings: UpdateReadings(step5: .exactly))
    XCTAssertNil(UpdateBMC.unsupported(exactly))
    let paper = try UpdateInstance.threshold(n: 5, f: 1, q: 4, faultyUpdates: 3)
    XCTAssertNil(UpdateBMC.unsupported(paper))
    XCTAssertThrowsError(try UpdateBMC(paper, only: ["Lemma 6.5"]))
  }

  /// Quorums of 2 out of 4 with f = 1: Init, then the Byzantine member of the writer's quorum
  /// sends the forged ready to a correct server, which delivers ⟨x, tw⟩ (Integrity).
  func testForgedValueDeliveredInTwoSteps() throws {
    let instance = try UpdateInstance.threshold(
      n: 4, f: 1, q: 2, faultyUpdates: 0, correctWriter: true, forged: true)
    let bmc = try UpdateBMC(instance)
    let result = try BoundedModelChecker.check(bmc, depth: 2)
    guard case .violated(let cex) = result.verdict else {
      return XCTFail("expected a violation, got \(result.verdict)")
    }
    XCTAssertEqual(cex.property, UpdateModel.integrity)
    XCTAssertEqual(cex.trace.steps.count, 2)
    guard case .initWrite = cex.trace.steps[0].action else {
      return XCTFail("the run starts with \(cex.trace.steps[0].action)")
    }
    // Byzantine readies may reach any correct server, in Q_X or not (with Q \ B covered by B,
    // either delivers): Z3 picks one of servers 1, 2, 3.
    guard case .byzantineReady(UpdateSlot.forged, let server) = cex.trace.steps[1].action else {
      return XCTFail("the second step is \(cex.trace.steps[1].action)")
    }
    XCTAssertTrue((1...3).contains(server))
    XCTAssertEqual(bmc.system.faulty(cex.trace.initial), ServerSet([0]))
    XCTAssertTrue(cex.trace.replays(in: bmc.system))
    guard case .noViolation(depth: 1) = try BoundedModelChecker.check(bmc, depth: 1).verdict
    else { return XCTFail("expected no violation within 1 step") }
  }

  /// Steps 1...m are the faulty client's quorum choices: nothing can go wrong before them.
  func testNothingBeforeTheQuorumChoices() throws {
    let instance = try UpdateInstance.threshold(
      n: 5, f: 1, q: 3, faultyUpdates: 2, readings: UpdateReadings(step2: .perQuorum))
    let bmc = try UpdateBMC(instance)
    for k in 1...2 {
      let result = try BoundedModelChecker.check(bmc, depth: k)
      guard case .noViolation(depth: k) = result.verdict else {
        return XCTFail("depth \(k): \(result.verdict)")
      }
    }
  }

  /// The replay accepts only initial states of the model and enabled actions.
  func testReplayRejectsWhatTheModelCannotDo() throws {
    let instance = try UpdateInstance.threshold(
      n: 4, f: 1, q: 2, faultyUpdates: 0, correctWriter: true, forged: true)
    let bmc = try UpdateBMC(instance)
    let initial = UpdateState(profiles: [1, 0, 0, 0])
    let twoFaulty = UpdateState(profiles: [1, 1, 0, 0])
    XCTAssertTrue(bmc.isInitial(initial))
    XCTAssertFalse(bmc.isInitial(twoFaulty))
    if case .success = BoundedModelChecker.replay(
      bmc, initial: twoFaulty, actions: [.initWrite(quorum: 0, gap: 0)], depth: 4)
    {
      XCTFail("replayed from a state that is not initial")
    }
    // Deliver before Init: not enabled.
    if case .success = BoundedModelChecker.replay(
      bmc, initial: initial,
      actions: [.byzantineReady(slot: UpdateSlot.forged, server: 1)], depth: 4)
    {
      XCTFail("replayed a step that is not enabled")
    }
    // Enabled, but no violation: a run that does not end badly is not reported.
    if case .success = BoundedModelChecker.replay(
      bmc, initial: initial, actions: [.stop], depth: 4)
    {
      XCTFail("replayed a run without a violation")
    }
  }

  /// Lemma 6.1 on n = 4, f = 1, q = 3 (M1 fails): the faulty client's ⟨a, t1⟩ is delivered by
  /// the correct members of its quorum but one, which ends the write (with the Byzantine
  /// server, they contain a quorum); the read quorum meets them in one correct server, which
  /// alone vouches for nothing, so the read returns v0. Z3's run has 10 steps (explore's
  /// shortest too), ends with the answer that completes the read quorum and replays; none
  /// within 9.
  func testLemma61ReadReturnsAnOlderValue() throws {
    let instance = try UpdateInstance.threshold(
      n: 4, f: 1, q: 3, faultyUpdates: 1, reader: true)
    let bmc = try UpdateBMC(instance, only: ["Lemma 6.1"])
    let result = try BoundedModelChecker.check(bmc, depth: 10)
    guard case .violated(let cex) = result.verdict else {
      return XCTFail("expected a violation, got \(result.verdict)")
    }
    XCTAssertEqual(cex.property, UpdateModel.lemma61)
    XCTAssertEqual(cex.trace.steps.count, 10)
    XCTAssertTrue(cex.trace.replays(in: bmc.system))
    XCTAssertEqual(cex.trace.final.readPhase, 2)
    XCTAssertEqual(cex.trace.final.readResult, UpdatePair.initial)
    XCTAssertEqual(cex.trace.final.readBefore, 1 << UpdatePair.a)
    XCTAssertEqual(
      cex.trace.steps.filter {
        if case .beginRead = $0.action { return true } else { return false }
      }
      .count, 1)
    guard case .respond = cex.trace.steps.last!.action else {
      return XCTFail("the run ends with \(cex.trace.steps.last!.action)")
    }
    guard case .noViolation(depth: 9) = try BoundedModelChecker.check(bmc, depth: 9).verdict
    else { return XCTFail("expected no violation within 9 steps") }
  }
}
