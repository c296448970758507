import ProtocolKit
import QuorumKit
import QuorumSMT

/// The `explore` method: the read/write protocol of Sections 3-5 on a threshold instance, every
/// run explored by the BFS checker (ProtocolKit).
///
/// Parameters: `n`, `f`, `q` (quorums are all q-subsets, B all f-subsets), `read-rule`
/// (masking, dissemination, opaque), `writers`, `writes-per-writer` (default 1), `readers`,
/// `reads-per-reader` (default 1), `symmetry` (default true). Instead of `n` and `q`, `grid-k`
/// and `grid-rows` give the `k x k` grid whose quorums are one column and `grid-rows` rows
/// (Examples 4.8, 5.8), with B all f-subsets; symmetry then uses the automorphism group of the
/// grid, which bqs-verify computes. Verdicts: `holds` only from an
/// exhausted state space; `violated` with the shortest counterexample, replayed through the
/// model; a cap or the budget is `unknown`.
public enum ExploreObligation {
  /// Runs an explore obligation.
  public static func run(_ o: Obligation, options: EngineOptions) throws -> Outcome {
    if o.parameters["protocol"] != nil, try o.string("protocol") == "update" {
      return try UpdateObligation.run(o, options: options)
    }
    try o.requireOnly([
      "n", "f", "q", "grid-k", "grid-rows", "read-rule", "writers", "writes-per-writer",
      "readers", "reads-per-reader", "symmetry",
    ])
    let ruleName = try o.string("read-rule")
    guard let rule = ReadRule(rawValue: ruleName) else {
      throw o.error(
        "unknown read rule '\(ruleName)' (expected masking, dissemination or opaque)",
        line: o.parameters["read-rule"]?.line)
    }
    let instance: ReadWriteInstance
    do {
      if o.parameters["grid-k"] != nil {
        let k = try o.int("grid-k")
        let grid = try QuorumSystem.grid(k: k, rows: try o.int("grid-rows"))
        guard let quorums = grid.quorums else {
          throw InputError("the grid has more than \(ServerSet.capacity) servers")
        }
        let u = Universe(count: k * k)
        instance = try ReadWriteInstance(
          universe: u, failProne: .threshold(universe: u, f: try o.int("f")), quorums: quorums,
          readRule: rule, writers: try o.int("writers", default: 1),
          writesPerWriter: try o.int("writes-per-writer", default: 1),
          readers: try o.int("readers", default: 1),
          readsPerReader: try o.int("reads-per-reader", default: 1))
      } else {
        instance = try ReadWriteInstance.threshold(
          n: try o.int("n"), f: try o.int("f"), q: try o.int("q"), readRule: rule,
          writers: try o.int("writers", default: 1),
          writesPerWriter: try o.int("writes-per-writer", default: 1),
          readers: try o.int("readers", default: 1),
          readsPerReader: try o.int("reads-per-reader", default: 1))
      }
    } catch let e as InputError {
      throw o.error(e.message, line: (o.parameters["n"] ?? o.parameters["grid-k"])?.line)
    }
    let symmetry = try o.string("symmetry", default: "on") != "off"
    let model = try ReadWriteModel(instance)
    let remaining = options.remainingMilliseconds.map { Double($0) / 1000 }
    let result = try model.explore(limits: SearchLimits(timeout: remaining, symmetry: symmetry))
    let stats = result.statistics
    let counts =
      "\(stats.states) states, \(stats.transitions) transitions, depth \(stats.depth), symmetry \(symmetry ? "on" : "off")"
      + (symmetry && model.group.cosetCount > 1
        ? " (group of order \(Int(model.group.order)), reduction factor \((stats.reductionFactor * 100).rounded() / 100))"
        : "")
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
