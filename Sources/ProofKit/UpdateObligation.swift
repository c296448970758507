import ProtocolKit
import QuorumKit
import QuorumSMT

/// The `explore` method with `protocol: update`: the Section 6 update protocol (Figure 3
/// under the write protocol of 6.1) on a threshold instance, every run explored by the BFS
/// checker (ProtocolKit).
///
/// Parameters: `protocol: update`, `n`, `f`, `q`, `faulty-updates` (default 2), `writer`,
/// `retries`, `forged`, `reader` (true/false, default false; retries 0), the readings `step2`,
/// `step3`, `step4`, `step5`, `propagation` (defaults: the paper's), `property` (a name prefix
/// such as `Lemma 6.1`: check only that property; default all), `symmetry` (default on),
/// `reduction` (default on: the timestamp decomposition where it is exact, see
/// ``UpdateDecomposition``; off searches the full model).
/// Verdicts: `holds` only from an exhausted state space; `violated` with the shortest
/// counterexample, replayed through the model; a cap or the budget is `unknown`.
public enum UpdateObligation {
  /// The threshold instance an update obligation names (`n`, `f`, `q`, `faulty-updates`,
  /// `writer`, `retries`, `forged`, `reader` and the readings `step2` to `step5` and
  /// `propagation`), for the explore and the bmc obligations alike; bad values are errors at
  /// their line.
  static func instance(_ o: Obligation) throws -> UpdateInstance {
    func flag(_ key: String) throws -> Bool { try o.bool(key, default: false) }
    func reading<T: RawRepresentable & CaseIterable>(_ key: String, _ fallback: T) throws -> T
    where T.RawValue == String {
      guard o.parameters[key] != nil else { return fallback }
      let v = try o.string(key)
      guard let r = T(rawValue: v) else {
        throw o.error(
          "\(key) must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(v)')",
          line: o.parameters[key]?.line)
      }
      return r
    }
    let d = UpdateReadings.paper
    let readings = UpdateReadings(
      step2: try reading("step2", d.step2), step3: try reading("step3", d.step3),
      step4: try reading("step4", d.step4), step5: try reading("step5", d.step5),
      propagation: try reading("propagation", d.propagation))
    do {
      return try UpdateInstance.threshold(
        n: try o.int("n"), f: try o.int("f"), q: try o.int("q"),
        faultyUpdates: try o.int("faulty-updates", default: 2), correctWriter: try flag("writer"),
        retries: try o.int("retries", default: 0), forged: try flag("forged"),
        reader: try flag("reader"), readings: readings)
    } catch let e as InputError {
      throw o.error(e.message, line: o.parameters["n"]?.line)
    }
  }

  /// Runs an update-protocol explore obligation.
  public static func run(_ o: Obligation, options: EngineOptions) throws -> Outcome {
    try o.requireOnly([
      "protocol", "n", "f", "q", "faulty-updates", "writer", "retries", "forged", "reader",
      "step2", "step3", "step4", "step5", "propagation", "property", "symmetry", "reduction",
    ])
    let instance = try Self.instance(o)
    let readings = instance.readings
    let only = o.parameters["property"] == nil ? nil : [try o.string("property")]
    let symmetry = try o.string("symmetry", default: "on") != "off"
    let model = try UpdateModel(instance, only: only)
    guard !(model.properties.isEmpty && model.quiescentProperties.isEmpty) else {
      throw o.error(
        "property '\(only?.first ?? "")' names no property of this instance",
        line: o.parameters["property"]?.line)
    }
    let remaining = options.remainingMilliseconds.map { Double($0) / 1000 }
    let limits = SearchLimits(timeout: remaining, symmetry: symmetry)
    let reduction = try o.string("reduction", default: "on") != "off"
    let decomposition = reduction ? try UpdateDecomposition(model) : nil
    let result = try decomposition?.explore(limits: limits).result ?? model.explore(limits: limits)
    let stats = result.statistics
    let counts =
      "\(stats.states) states, \(stats.transitions) transitions, depth \(stats.depth), symmetry \(symmetry ? "on" : "off")\(decomposition == nil ? "" : ", timestamp decomposition (t1 and t2 components, summed)"); readings: \(readings)"
    switch result.verdict {
    case .safe:
      return Outcome(
        .holds,
        "state space exhausted (eventual properties on every quiescent state, reliable delivery): \(counts)"
      )
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
