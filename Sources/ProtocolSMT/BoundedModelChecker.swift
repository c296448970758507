import Foundation
import ProtocolKit
import Z3Kit

/// An encoding of a ``TransitionSystem``'s bounded runs as one SMT query.
///
/// The query is satisfiable iff some run of at most `depth` steps (counted as the explicit
/// model counts them: one action per step) reaches a state that violates a safety property. A
/// protocol model gets bounded model checking by giving such an encoder; the checker
/// (``BoundedModelChecker``) does the solving, the decoding of the Z3 model into actions and
/// their replay through the explicit model, so that no unreplayed run is ever reported. The
/// read/write protocols have ``ReadWriteBMC``; a second protocol (the Section 6 update
/// protocol) adds its own encoder beside it.
public protocol BoundedRunEncoder {
  /// The explicit model the runs are replayed through.
  associatedtype System: TransitionSystem

  /// The explicit model.
  var system: System { get }

  /// Asserts into `solver` the runs of at most `depth` steps that end in a violating state and
  /// returns how to read a run back from a model.
  func encode(depth: Int, solver: Z3Solver) throws -> BoundedQuery<System>

  /// True iff `state` is an initial state of the system (decided without listing them all).
  func isInitial(_ state: System.State) -> Bool
}

/// The query one encoder built: its size, and how to read a run back from a Z3 model.
public struct BoundedQuery<System: TransitionSystem> {
  /// Boolean constants declared.
  public var booleans: Int
  /// Integer constants declared.
  public var integers: Int
  /// The initial state and the actions of the run in the model, in order (nil if the model
  /// does not describe a run, which the checker reports as an internal error).
  public var decode: (Z3Model) -> (initial: System.State, actions: [System.Action])?

  /// A query of the given size with its decoder.
  public init(
    booleans: Int, integers: Int,
    decode: @escaping (Z3Model) -> (initial: System.State, actions: [System.Action])?
  ) {
    self.booleans = booleans
    self.integers = integers
    self.decode = decode
  }
}

/// Options of one bounded check.
public struct BMCOptions: Sendable {
  /// Wall-clock seconds the solver may use; nil = no limit. Running out answers unknown.
  public var timeout: Double?
  /// Keep the query as SMT-LIB2 text (for `--emit-smt2`).
  public var keepSMTLIB2: Bool
  /// The solver's random seed (fixed: the same input gives the same run).
  public var seed: Int

  /// Options: no time limit, no SMT-LIB2 text, seed 0 unless given.
  public init(timeout: Double? = nil, keepSMTLIB2: Bool = false, seed: Int = 0) {
    self.timeout = timeout
    self.keepSMTLIB2 = keepSMTLIB2
    self.seed = seed
  }
}

/// The size and cost of one bounded query.
public struct BMCStatistics: Sendable, Equatable {
  /// The step bound K.
  public var depth: Int = 0
  /// Boolean constants of the query.
  public var booleans: Int = 0
  /// Integer constants of the query.
  public var integers: Int = 0
  /// Top-level assertions of the query.
  public var assertions: Int = 0
  /// Seconds spent building the query.
  public var encodeSeconds: Double = 0
  /// Seconds in the solver.
  public var solveSeconds: Double = 0
  /// Seconds decoding and replaying the run (0 without one).
  public var replaySeconds: Double = 0
}

/// The verdict of a bounded check.
public enum BMCVerdict<System: TransitionSystem> {
  /// The query is UNSAT: no run of at most `depth` steps violates a property. Not "safe":
  /// longer runs are not covered.
  case noViolation(depth: Int)
  /// Z3 found a run; decoded and replayed through the model, its final state (and no earlier
  /// one) violates `counterexample.property`.
  case violated(Counterexample<System>)
  /// The solver answered unknown (timeout, memory, canceled), or its run did not replay.
  case unknown(reason: String)
}

/// The result of ``BoundedModelChecker/check(_:depth:options:)``.
public struct BMCResult<System: TransitionSystem> {
  /// The verdict.
  public var verdict: BMCVerdict<System>
  /// The query's size and the time spent.
  public var statistics: BMCStatistics
  /// The query as SMT-LIB2 when ``BMCOptions/keepSMTLIB2`` was set.
  public var smtlib2: String?
}

/// Bounded model checking: one SMT query for every run of at most K steps, the solver's run
/// decoded and replayed through the explicit model before it is reported.
public enum BoundedModelChecker {
  /// Checks every run of at most `depth` steps of `encoder`'s system.
  ///
  /// - Returns: ``BMCVerdict/noViolation(depth:)`` only from UNSAT; ``BMCVerdict/violated(_:)``
  ///   only with a run that replays (trimmed at its first violating state); otherwise unknown.
  public static func check<E: BoundedRunEncoder>(
    _ encoder: E, depth: Int, options: BMCOptions = BMCOptions()
  ) throws -> BMCResult<E.System> {
    var stats = BMCStatistics()
    stats.depth = depth
    let start = Date()
    let context = Z3Context()
    let solver = Z3Solver(context)
    solver.setSeed(options.seed)
    let query = try encoder.encode(depth: depth, solver: solver)
    stats.booleans = query.booleans
    stats.integers = query.integers
    stats.assertions = solver.assertionCount
    stats.encodeSeconds = Date().timeIntervalSince(start)
    let smt = options.keepSMTLIB2 ? solver.smtlib2() : nil
    if let timeout = options.timeout {
      let left = timeout - stats.encodeSeconds
      if left <= 0 {
        return BMCResult(
          verdict: .unknown(reason: "timeout while building the query"), statistics: stats,
          smtlib2: smt)
      }
      solver.setTimeout(milliseconds: max(1, Int(left * 1000)))
    }
    let solveStart = Date()
    let answer = solver.check()
    stats.solveSeconds = Date().timeIntervalSince(solveStart)
    switch answer {
    case .unsat:
      return BMCResult(verdict: .noViolation(depth: depth), statistics: stats, smtlib2: smt)
    case .unknown(let reason):
      return BMCResult(
        verdict: .unknown(reason: "Z3 answered unknown (\(reason))"), statistics: stats,
        smtlib2: smt)
    case .sat:
      let replayStart = Date()
      guard let model = solver.model(), let run = query.decode(model) else {
        stats.replaySeconds = Date().timeIntervalSince(replayStart)
        return BMCResult(
          verdict: .unknown(reason: "internal error: the model does not decode into a run"),
          statistics: stats, smtlib2: smt)
      }
      switch replay(encoder, initial: run.initial, actions: run.actions, depth: depth) {
      case .success(let cex):
        stats.replaySeconds = Date().timeIntervalSince(replayStart)
        return BMCResult(verdict: .violated(cex), statistics: stats, smtlib2: smt)
      case .failure(let why):
        stats.replaySeconds = Date().timeIntervalSince(replayStart)
        return BMCResult(
          verdict: .unknown(reason: "internal error, the run found by Z3 did not replay: \(why)"),
          statistics: stats, smtlib2: smt)
      }
    }
  }

  /// Why a decoded run failed to replay.
  public struct ReplayFailure: Error, CustomStringConvertible {
    /// Which step failed, or that no state violates a property.
    public let description: String
  }

  /// Replays `actions` from `initial` through the encoder's system: every action must be
  /// enabled (listed by `actions(of:)`) in the state before it, and some state within `depth`
  /// steps must violate a property. The run is cut at its first violating state.
  public static func replay<E: BoundedRunEncoder>(
    _ encoder: E, initial: E.System.State, actions: [E.System.Action], depth: Int
  ) -> Result<Counterexample<E.System>, ReplayFailure> {
    let system = encoder.system
    guard encoder.isInitial(initial) else {
      return .failure(ReplayFailure(description: "the initial state is not one of the model's"))
    }
    let properties = system.properties
    func violated(_ s: E.System.State) -> String? { properties.first { !$0.holds(s) }?.name }
    if let p = violated(initial) {
      return .success(Counterexample(violating: p, trace: Trace(from: initial, steps: [])))
    }
    var state = initial
    var steps: [Trace<E.System>.Step] = []
    var enabled: [E.System.Action] = []
    for (k, action) in actions.enumerated() {
      enabled.removeAll()
      system.actions(of: state, into: &enabled)
      guard enabled.contains(action), let next = system.successor(of: state, taking: action)
      else {
        return .failure(ReplayFailure(description: "step \(k + 1) is not enabled"))
      }
      steps.append(Trace.Step(taking: action, to: next))
      state = next
      if let p = violated(state) {
        guard steps.count <= depth else { break }
        return .success(Counterexample(violating: p, trace: Trace(from: initial, steps: steps)))
      }
    }
    let run = zip(steps.indices, steps).map { k, step in
      system.describe(step.action, from: k == 0 ? initial : steps[k - 1].state, to: step.state)
    }
    return .failure(
      ReplayFailure(
        description: "no state within \(depth) steps violates a property (decoded run: "
          + run.enumerated().map { "\($0 + 1). \($1)" }.joined(separator: "; ") + ")"))
  }
}
