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
}
