import ProtocolKit
import ProtocolSMT
import QuorumKit
import QuorumSMT

/// The `bmc` method: the read/write protocol of Sections 3-5 on a threshold instance, every
/// run of at most `depth` steps as one SMT query (ProtocolSMT).
///
/// Parameters: `n`, `f`, `q` (quorums are all q-subsets, B all f-subsets), `read-rule`
/// (masking, dissemination, opaque), `writers`, `writes-per-writer` (default 1), `readers`,
/// `reads-per-reader` (default 1), `depth` (the step bound K). Verdicts: `holds` means only
/// "no violation within K steps" (UNSAT), so the claim must state the bound; `violated` with a
/// run Z3 found, decoded and replayed through the model; solver unknown or the budget is
/// `unknown`. With `protocol: update`, the Section 6 update protocol (``UpdateBMCObligation``).
public enum BMCObligation {
  /// Runs a bmc obligation.
  public static func run(_ o: Obligation, options: EngineOptions) throws -> Outcome {
    if o.parameters["protocol"] != nil, try o.string("protocol") == "update" {
      return try UpdateBMCObligation.run(o, options: options)
    }
    try o.requireOnly([
      "n", "f", "q", "read-rule", "writers", "writes-per-writer", "readers", "reads-per-reader",
      "depth",
    ])
    let ruleName = try o.string("read-rule")
    guard let rule = ReadRule(rawValue: ruleName) else {
      throw o.error(
        "unknown read rule '\(ruleName)' (expected masking, dissemination or opaque)",
        line: o.parameters["read-rule"]?.line)
    }
    let depth = try o.int("depth")
    guard depth >= 1 && depth <= 10_000 else {
      throw o.error(
        "depth must be between 1 and 10000 (got \(depth))", line: o.parameters["depth"]?.line)
    }
    let encoder: ReadWriteBMC
    do {
      let n = try o.int("n")
      guard n >= 1, n <= ServerSet.capacity else {
        throw InputError("n must be between 1 and \(ServerSet.capacity) (got \(n))")
      }
      let universe = Universe(count: n)
      let instance = try ReadWriteInstance.unlistedThreshold(
        universe: universe,
        failProne: try FailProneSystem.threshold(universe: universe, f: o.int("f")),
        q: try o.int("q"), readRule: rule, writers: try o.int("writers", default: 1),
        writesPerWriter: try o.int("writes-per-writer", default: 1),
        readers: try o.int("readers", default: 1),
        readsPerReader: try o.int("reads-per-reader", default: 1))
      encoder = try ReadWriteBMC(instance)
    } catch let e as InputError {
      throw o.error(e.message, line: o.parameters["n"]?.line)
    }
    let remaining = options.remainingMilliseconds.map { Double($0) / 1000 }
    let result = try BoundedModelChecker.check(
      encoder, depth: depth,
      options: BMCOptions(timeout: remaining, keepSMTLIB2: options.keepSMTLIB2, seed: options.seed))
    let s = result.statistics
    let size =
      "query: \(s.booleans) Boolean and \(s.integers) integer variables, \(s.assertions) assertions"
    var queries: [ProofQuery] = []
    let answer: String
    switch result.verdict {
    case .noViolation: answer = "unsat"
    case .violated: answer = "sat"
    case .unknown: answer = "unknown"
    }
    if let text = result.smtlib2 {
      queries.append(
        ProofQuery(
          title: "a run of at most \(depth) steps violating a property", needed: "unsat",
          answer: answer, seconds: s.solveSeconds, smtlib2: text))
    }
    switch result.verdict {
    case .noViolation:
      return Outcome(
        .holds, "no violation within \(depth) steps (UNSAT)", details: [size], queries: queries)
    case .violated(let c):
      return Outcome(
        .violated,
        "\(c.property) violated after \(c.trace.steps.count) steps (found by Z3 within \(depth), replayed)",
        details: [size], queries: queries)
    case .unknown(let why):
      return Outcome(.unknown, "\(why) (\(size))", queries: queries)
    }
  }
}
