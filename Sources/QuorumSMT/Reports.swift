import QuorumKit
import Z3Kit

/// The answer to "does a quorum system of this class exist for this fail-prone system?".
public enum ExistenceVerdict: String, Sendable, Codable {
  /// A witness exists and was re-checked independently of the solver.
  case exists
  /// No system exists: an UNSAT answer (or an exhausted search) proves it.
  case none
  /// Undecided: a timeout, a solver `unknown`, a resource cap, or engines that disagree.
  case unknown
}

/// One solver query an engine asked, with its size, answer and time.
public struct SolverQuery: Sendable {
  /// What the query asks, in words (e.g. "Theorem 5.13's argument over Venn regions").
  public var title: String
  /// The answer the query must have for the engine's verdict ("sat" or "unsat").
  public var expected: String?
  /// The solver's answer: "sat", "unsat" or "unknown (reason)".
  public var answer: String
  /// Number of declared variables (Boolean and integer).
  public var variables: Int
  /// Number of top-level assertions.
  public var assertions: Int
  /// Wall-clock seconds spent in the solver.
  public var seconds: Double
  /// The exact query as portable SMT-LIB2, when requested.
  public var smtlib2: String?

  public init(
    title: String, expected: String?, answer: String, variables: Int, assertions: Int,
    seconds: Double, smtlib2: String?
  ) {
    self.title = title
    self.expected = expected
    self.answer = answer
    self.variables = variables
    self.assertions = assertions
    self.seconds = seconds
    self.smtlib2 = smtlib2
  }
}

/// The evidence an existence engine gives for its verdict.
public struct ExistenceReport: Sendable {
  /// The class asked about.
  public var quorumClass: QuorumClass
  /// Which engine answered: "threshold arithmetic", "family reduction", "cover criterion".
  public var engine: String
  /// The verdict.
  public var verdict: ExistenceVerdict
  /// One line: why (the bound that fails, the witness's name, why it is unknown).
  public var reason: String
  /// Further lines of evidence, in order.
  public var details: [String]
  /// For `exists`: the witness quorums when they are listed (the family), sorted.
  public var witnessFamily: [ServerSet]?
  /// For `exists` from a construction: its quorum size.
  public var witnessQuorumSize: Int?
  /// For `none` from the cover criterion or the family engine: the fail-prone sets involved.
  public var involvedSets: [ServerSet]?
  /// The solver queries asked, in order.
  public var queries: [SolverQuery]

  public init(
    quorumClass: QuorumClass, engine: String, verdict: ExistenceVerdict, reason: String,
    details: [String] = [], witnessFamily: [ServerSet]? = nil, witnessQuorumSize: Int? = nil,
    involvedSets: [ServerSet]? = nil, queries: [SolverQuery] = []
  ) {
    self.quorumClass = quorumClass
    self.engine = engine
    self.verdict = verdict
    self.reason = reason
    self.details = details
    self.witnessFamily = witnessFamily
    self.witnessQuorumSize = witnessQuorumSize
    self.involvedSets = involvedSets
    self.queries = queries
  }
}

/// Options every engine honours.
public struct EngineOptions: Sendable {
  /// Absolute deadline (seconds since the reference date of `Clock.now`); nil = none.
  public var deadline: Double?
  /// Keep the SMT-LIB2 text of every query (for `--emit-smt2`).
  public var keepSMTLIB2: Bool
  /// Solver random seed (fixed for deterministic output).
  public var seed: Int
  /// Called now and then by long-running loops with a one-line status (the CLI shows it on
  /// stderr when stderr is a terminal).
  public var progress: (@Sendable (String) -> Void)?

  public init(
    deadline: Double? = nil, keepSMTLIB2: Bool = false, seed: Int = 0,
    progress: (@Sendable (String) -> Void)? = nil
  ) {
    self.deadline = deadline
    self.keepSMTLIB2 = keepSMTLIB2
    self.seed = seed
    self.progress = progress
  }

  /// Milliseconds left before the deadline (nil if there is no deadline; 0 if it has passed).
  public var remainingMilliseconds: Int? {
    guard let deadline else { return nil }
    return max(0, Int((deadline - Clock.now) * 1000))
  }

  /// True when a deadline was given and has passed.
  public var expired: Bool { remainingMilliseconds == 0 }
}

/// A monotonic clock in seconds.
public enum Clock {
  /// Seconds on a monotonic clock.
  public static var now: Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Z3Solver {
  /// Runs `check()` under the engine options' deadline and records the query.
  func run(
    _ title: String, expected: String?, options: EngineOptions, variables: Int
  ) -> (Z3Result, SolverQuery) {
    setSeed(options.seed)
    if let ms = options.remainingMilliseconds {
      setTimeout(milliseconds: max(ms, 1))
    }
    let text = options.keepSMTLIB2 ? smtlib2() : nil
    let start = Clock.now
    let result: Z3Result =
      options.expired ? .unknown(reason: "timeout before the query started") : check()
    let seconds = Clock.now - start
    let answer: String
    switch result {
    case .sat: answer = "sat"
    case .unsat: answer = "unsat"
    case .unknown(let reason): answer = "unknown (\(reason))"
    }
    return (
      result,
      SolverQuery(
        title: title, expected: expected, answer: answer, variables: variables,
        assertions: assertionCount, seconds: seconds, smtlib2: text)
    )
  }
}
