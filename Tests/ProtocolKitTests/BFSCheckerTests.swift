import ProtocolKit
import XCTest

/// A toy: two counters `x, y` in `0..<size`, each step increments one; optionally the bad
/// state `(badX, badY)`. Swapping the counters is a symmetry.
struct Grid: TransitionSystem {
  struct State: Equatable {
    var x: Int
    var y: Int
  }
  enum Action: Equatable {
    case incX, incY
  }
  let size: Int
  var bad: (Int, Int)? = nil
  var symmetric = false

  var initialStates: [State] { [State(x: 0, y: 0)] }
  func actions(of s: State, into actions: inout [Action]) {
    if s.x + 1 < size { actions.append(.incX) }
    if s.y + 1 < size { actions.append(.incY) }
  }
  func successor(of s: State, taking a: Action) -> State? {
    a == .incX ? State(x: s.x + 1, y: s.y) : State(x: s.x, y: s.y + 1)
  }
  var properties: [SafetyProperty<State>] {
    guard let bad else { return [] }
    return [
      SafetyProperty("avoid bad") { s in
        !((s.x == bad.0 && s.y == bad.1) || (symmetric && s.x == bad.1 && s.y == bad.0))
      }
    ]
  }
  var wordsPerState: Int { 1 }
  func encode(_ s: State, into w: UnsafeMutablePointer<UInt64>) {
    w[0] = UInt64(s.x) << 32 | UInt64(s.y)
  }
  func decode(_ w: UnsafePointer<UInt64>) -> State {
    State(x: Int(w[0] >> 32), y: Int(w[0] & 0xFFFF_FFFF))
  }
  func representative(of s: State) -> State {
    symmetric && s.y < s.x ? State(x: s.y, y: s.x) : s
  }
  func describe(_ a: Action, from: State, to: State) -> String { "\(a) -> (\(to.x), \(to.y))" }
}

final class BFSCheckerTests: XCTestCase {
  func testExhaustsAndCounts() throws {
    let result = try BFSChecker.check(Grid(size: 10))
    guard case .safe = result.verdict else { return XCTFail("expected safe") }
    XCTAssertEqual(result.statistics.states, 100)
    // Every state but the top row/column has two successors: 2 * 9 * 10 transitions.
    XCTAssertEqual(result.statistics.transitions, 180)
    XCTAssertEqual(result.statistics.depth, 18)
    XCTAssertEqual(result.statistics.queued, 0)
    XCTAssertEqual(result.statistics.encodingBytes, 8)
    XCTAssertGreaterThan(result.statistics.bytesPerState, 8)
  }

  func testShortestTraceAndReplay() throws {
    let grid = Grid(size: 10, bad: (3, 4))
    let result = try BFSChecker.check(grid)
    guard case .violated(let cex) = result.verdict else { return XCTFail("expected violated") }
    XCTAssertEqual(cex.property, "avoid bad")
    XCTAssertEqual(cex.trace.steps.count, 7)
    XCTAssertEqual(cex.trace.final, Grid.State(x: 3, y: 4))
    XCTAssertTrue(cex.trace.replays(in: grid))
    XCTAssertEqual(cex.trace.describe(in: grid).count, 7)
  }

  func testViolatedInitialStateHasEmptyTrace() throws {
    let result = try BFSChecker.check(Grid(size: 3, bad: (0, 0)))
    guard case .violated(let cex) = result.verdict else { return XCTFail("expected violated") }
    XCTAssertTrue(cex.trace.steps.isEmpty)
  }

  func testSymmetryReducesAndKeepsVerdict() throws {
    let plain = try BFSChecker.check(
      Grid(size: 10, symmetric: true), limits: .init(symmetry: false))
    let reduced = try BFSChecker.check(
      Grid(size: 10, symmetric: true), limits: .init(symmetry: true))
    XCTAssertEqual(plain.statistics.states, 100)
    XCTAssertEqual(reduced.statistics.states, 55)
    let grid = Grid(size: 10, bad: (5, 2), symmetric: true)
    let a = try BFSChecker.check(grid, limits: .init(symmetry: false))
    let b = try BFSChecker.check(grid, limits: .init(symmetry: true))
    guard case .violated(let ca) = a.verdict, case .violated(let cb) = b.verdict else {
      return XCTFail("expected both violated")
    }
    XCTAssertEqual(ca.trace.steps.count, 7)
    XCTAssertEqual(cb.trace.steps.count, 7)
    // The symmetric trace is de-canonicalised: a real run of the model.
    XCTAssertTrue(cb.trace.replays(in: grid))
  }

  func testCapsGiveUnknown() throws {
    let capped = try BFSChecker.check(Grid(size: 100), limits: .init(maxStates: 50))
    guard case .unknown(let reason) = capped.verdict else { return XCTFail("expected unknown") }
    XCTAssertTrue(reason.contains("max-states"), reason)
    XCTAssertEqual(capped.statistics.states, 50)
    XCTAssertGreaterThan(capped.statistics.queued, 0)

    let timed = try BFSChecker.check(Grid(size: 3000), limits: .init(timeout: 1e-9))
    guard case .unknown(let r2) = timed.verdict else { return XCTFail("expected unknown") }
    XCTAssertTrue(r2.contains("timeout"), r2)

    for cap in [1 << 16, 100_000, 1 << 20] {
      let memory = try BFSChecker.check(Grid(size: 3000), limits: .init(memoryLimitBytes: cap))
      guard case .unknown(let r3) = memory.verdict else { return XCTFail("expected unknown") }
      XCTAssertTrue(r3.contains("memory"), r3)
      // Past the cap by one expansion's new states at most (two states of 12 bytes here).
      let used = Double(memory.statistics.states) * memory.statistics.bytesPerState
      XCTAssertLessThanOrEqual(used, Double(cap + 24), "cap \(cap)")
      XCTAssertGreaterThan(used, Double(cap) / 4, "cap \(cap)")
    }
  }

  func testTamperedTraceDoesNotReplay() throws {
    let grid = Grid(size: 10, bad: (1, 1))
    let result = try BFSChecker.check(grid)
    guard case .violated(let cex) = result.verdict else { return XCTFail("expected violated") }
    let other = Grid(size: 2, bad: (1, 1))
    XCTAssertTrue(cex.trace.replays(in: other))
    let tiny = Grid(size: 1)
    XCTAssertFalse(cex.trace.replays(in: tiny))
  }
}

/// ``Grid`` whose only quiescent state, the far corner, must satisfy `x + y == expected`.
struct QuiescentGrid: TransitionSystem {
  var grid: Grid
  let expectedSum: Int
  var initialStates: [Grid.State] { grid.initialStates }
  func actions(of s: Grid.State, into actions: inout [Grid.Action]) {
    grid.actions(of: s, into: &actions)
  }
  func successor(of s: Grid.State, taking a: Grid.Action) -> Grid.State? {
    grid.successor(of: s, taking: a)
  }
  var properties: [SafetyProperty<Grid.State>] { [] }
  var quiescentProperties: [SafetyProperty<Grid.State>] {
    [SafetyProperty("corner sum") { $0.x + $0.y == expectedSum }]
  }
  var wordsPerState: Int { 1 }
  func encode(_ s: Grid.State, into w: UnsafeMutablePointer<UInt64>) { grid.encode(s, into: w) }
  func decode(_ w: UnsafePointer<UInt64>) -> Grid.State { grid.decode(w) }
  func describe(_ a: Grid.Action, from: Grid.State, to: Grid.State) -> String {
    grid.describe(a, from: from, to: to)
  }
}

final class QuiescentPropertyTests: XCTestCase {
  func testQuiescentPropertyCheckedOnlyWhereNothingIsEnabled() throws {
    // The corner (4, 4) is the only quiescent state; x + y == 8 there, though not elsewhere.
    let holds = try BFSChecker.check(QuiescentGrid(grid: Grid(size: 5), expectedSum: 8))
    guard case .safe = holds.verdict else { return XCTFail("expected safe") }
    XCTAssertEqual(holds.statistics.states, 25)
  }

  func testQuiescentViolationHasAShortestReplayedTrace() throws {
    let system = QuiescentGrid(grid: Grid(size: 5), expectedSum: 7)
    let result = try BFSChecker.check(system)
    guard case .violated(let cex) = result.verdict else { return XCTFail("expected violated") }
    XCTAssertEqual(cex.property, "corner sum")
    XCTAssertEqual(cex.trace.steps.count, 8)
    XCTAssertEqual(cex.trace.final, Grid.State(x: 4, y: 4))
    XCTAssertTrue(cex.trace.replays(in: system))
  }
}
