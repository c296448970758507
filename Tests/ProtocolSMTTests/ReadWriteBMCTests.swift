import ProtocolKit
import QuorumKit
import XCTest

@testable import ProtocolSMT

final class ReadWriteBMCTests: XCTestCase {
  /// The opaque mutant (n = 4 < 5f): explore's shortest violation has D steps; bmc finds a run
  /// at depth D (replayed) and none at D - 1.
  func testOpaqueMutantAtTheShortestDepth() throws {
    let instance = try ReadWriteInstance.threshold(
      n: 4, f: 1, q: 3, readRule: .opaque, writers: 1, readers: 1)
    let explored = try ReadWriteModel(instance).explore()
    guard case .violated(let cex) = explored.verdict else {
      return XCTFail("explore: no violation")
    }
    let d = cex.trace.steps.count
    let bmc = try ReadWriteBMC(instance)
    let found = try BoundedModelChecker.check(bmc, depth: d)
    guard case .violated(let run) = found.verdict else {
      return XCTFail("bmc at depth \(d): \(found.verdict)")
    }
    XCTAssertEqual(run.trace.steps.count, d)
    let none = try BoundedModelChecker.check(bmc, depth: d - 1)
    guard case .noViolation = none.verdict else {
      return XCTFail("bmc at depth \(d - 1): \(none.verdict)")
    }
  }

  /// Edge workloads: no writer (a read must return v0) and no reader (nothing to violate). With
  /// quorums of 2 out of 4 a faulty server's fabricated pair ties with one correct v0 and wins:
  /// both engines find that 3-step run.
  func testNoWritesOrNoReads() throws {
    for (writers, readers, q, violated) in [
      (0, 1, 4, false), (1, 0, 2, false), (0, 2, 4, false), (0, 1, 2, true),
    ] {
      let instance = try ReadWriteInstance.threshold(
        n: 4, f: 1, q: q, readRule: .opaque, writers: writers, readers: readers)
      let label = "\(writers) writers, \(readers) readers, q = \(q)"
      let verdict = try BoundedModelChecker.check(ReadWriteBMC(instance), depth: 12).verdict
      let explored = try ReadWriteModel(instance).explore().verdict
      switch (verdict, explored, violated) {
      case (.noViolation, .safe, false): break
      case (.violated(let a), .violated(let b), true):
        XCTAssertEqual(a.trace.steps.count, 3, label)
        XCTAssertEqual(b.trace.steps.count, 3, label)
      default: XCTFail("\(label): bmc \(verdict), explore \(explored)")
      }
    }
  }

  /// A faulty set that is not a member of B, or a step that is not enabled, does not replay.
  func testReplayRejectsWhatTheModelCannotDo() throws {
    let instance = try ReadWriteInstance.threshold(
      n: 4, f: 1, q: 3, readRule: .masking, writers: 1, readers: 1)
    let bmc = try ReadWriteBMC(instance)
    let twoFaulty = ReadWriteState(profiles: [1, 1, 0, 0])
    XCTAssertFalse(bmc.isInitial(twoFaulty))
    let oneFaulty = ReadWriteState(profiles: [1, 0, 0, 0])
    XCTAssertTrue(bmc.isInitial(oneFaulty))
    if case .success = BoundedModelChecker.replay(
      bmc, initial: oneFaulty, actions: [.beginRead(read: 0), .endRead(read: 0)], depth: 5)
    {
      XCTFail("an empty read cannot end")
    }
  }
}
