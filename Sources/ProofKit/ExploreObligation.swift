import ProtocolKit
import QuorumKit
import QuorumSMT

/// The `explore` method: the read/write protocol of Sections 3-5 on a threshold instance, every
/// run explored by the BFS checker (ProtocolKit).
///
/// Parameters: `n`, `f`, `q` (quorums are all q-subsets, B all f-subsets), `read-rule`
/// (masking, dissemination, opaque), `writers`, `writes-per-writer` (default 1), `readers`,
/// `reads-per-reader` (default 1), `symmetry` (default true). Verdicts: `holds` only from an
/// exhausted state space; `violated` with the shortest counterexample, replayed through the
/// model; a cap or the budget is `unknown`.
public enum ExploreObligation {
  /// Runs an explore obligation.
  public static func run(_ o: Obligation, options: EngineOptions) throws -> Outcome {
    if o.parameters["protocol"] != nil, try o.string("protocol") == "update" {
      return try UpdateObligation.run(o, options: options)
    }
    try o.requireOnly([
      "n", "f", "q", "read-rule", "writers", "writes-per-writer", "readers", "reads-per-reader",
      "symmetry",
    ])
    let ruleName = try o.string("read-rule")
    guard let rule = ReadRule(rawValue: ruleName) else {
      throw o.error(
        "unknown read rule '\(ruleName)' (expected masking, dissemination or opaque)",
        line: o.parameters["read-rule"]?.line)
    }
    let instance: ReadWriteInstance
    do {
      instance = try ReadWriteInstance.threshold(
        n: try o.int("n"), f: try o.int("f"), q: try o.int("q"), readRule: rule,
        writers: try o.int("writers", default: 1),
        writesPerWriter: try o.int("writes-per-writer", default: 1),
        readers: try o.int("readers", default: 1),
        readsPerReader: try o.int("reads-per-reader", default: 1))
    } catch let e as InputError {
      throw o.error(e.message, line: o.parameters["n"]?.line)
    }
    let symmetry = try o.string("symmetry", default: "on") != "off"
    let model = try ReadWriteModel(instance)
    let remaining = options.remainingMilliseconds.map { Double($0) / 1000 }
    let result = try model.explore(limits: SearchLimits(timeout: remaining, symmetry: symmetry))
    let stats = result.statistics
    let counts =
      "\(stats.states) states, \(stats.transitions) transitions, depth \(stats.depth), symmetry \(symmetry ? "on" : "off")"
    switch result.verdict {
    case .safe:
      return Outcome(.holds, "state space exhausted: \(counts)")
    case .violated(let c):
      guard c.trace.replays(in: model) else {
        return Outcome(.unknown, "internal: the counterexample does not replay")
      }
      return Outcome(
        .violated, "\(c.property) violated after \(c.trace.steps.count) steps (replayed)",
        details: [counts])
    case .unknown(let why):
      return Outcome(.unknown, "\(why) (\(counts))")
    }
  }
}
