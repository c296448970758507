import ProtocolKit
import ProtocolSMT
import QuorumKit
import QuorumSMT

/// The `bmc` method with `protocol: update`: the Section 6 update protocol (Figure 3 under the
/// write protocol of 6.1) on a threshold instance, every run of at most `depth` steps as one
/// SMT query (``UpdateBMC``), checked against Lemma 6.2 (Integrity) and Lemma 6.3 (Agreement),
/// and with a correct reader Lemma 6.1.
///
/// Parameters: `protocol: update`, `n`, `f`, `q`, `faulty-updates` (default 2), `writer`,
/// `retries`, `forged`, `reader` (default false / 0), the readings `step2`, `step3`, `step4`,
/// `step5` (defaults: the paper's), `property` (a name prefix such as
/// `Lemma 6.3`; default every invariant of the instance), `depth` (the step bound K). The
/// eventual properties are not encoded: such parameters are refused. Verdicts: `holds` means only "no violation
/// within K steps" (UNSAT), so the claim must state the bound; `violated` with a run Z3 found,
/// decoded and replayed through the model; solver unknown or the budget is `unknown`.
public enum UpdateBMCObligation {
  /// Runs an update-protocol bmc obligation.
  public static func run(_ o: Obligation, options: EngineOptions) throws -> Outcome {
    try o.requireOnly([
      "protocol", "n", "f", "q", "faulty-updates", "writer", "retries", "forged", "reader",
      "step2",
      "step3", "step4", "step5", "property", "depth",
    ])
    let depth = try o.int("depth")
    guard depth >= 1 && depth <= 10_000 else {
      throw o.error(
        "depth must be between 1 and 10000 (got \(depth))", line: o.parameters["depth"]?.line)
    }
    let only = o.parameters["property"] == nil ? nil : [try o.string("property")]
    let instance = try UpdateObligation.instance(o)
    let readings = instance.readings
    let encoder: UpdateBMC
    do {
      encoder = try UpdateBMC(instance, only: only)
    } catch let e as InputError {
      throw o.error(e.message, line: o.parameters["n"]?.line)
    }
    let remaining = options.remainingMilliseconds.map { Double($0) / 1000 }
    let result = try BoundedModelChecker.check(
      encoder, depth: depth,
      options: BMCOptions(timeout: remaining, keepSMTLIB2: options.keepSMTLIB2, seed: options.seed))
    let s = result.statistics
    let lemmas = encoder.system.properties.map {
      $0.name.split(separator: ":").first.map(String.init) ?? $0.name
    }.joined(separator: " or ")
    let size = "query: \(s.booleans) Boolean variables, \(s.assertions) assertions"
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
          title: "a run of at most \(depth) steps violating \(lemmas)",
          needed: "unsat", answer: answer, seconds: s.solveSeconds, smtlib2: text))
    }
    switch result.verdict {
    case .noViolation:
      return Outcome(
        .holds, "no violation within \(depth) steps (UNSAT); readings: \(readings)",
        details: [size], queries: queries)
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
