import ArgumentParser
import Foundation
import ProtocolKit
import ProtocolSMT
import QuorumKit
import Z3Kit

extension BMCCommand {
  /// `bmc` on a `protocol: update` spec: Lemmas 6.2 and 6.3, and 6.1 with a reader, within the
  /// bound (``UpdateBMC``).
  func runUpdate() throws {
    let loaded = try UpdateSpecReader.load(path: spec)
    Z3Context.setGlobalMemoryLimit(megabytes: common.memoryLimit)
    let encoder: UpdateBMC
    do {
      encoder = try UpdateBMC(loaded.instance)
    } catch let e as InputError {
      throw InputError(e.message, file: spec, line: 1, column: 1)
    }
    try check(encoder) { UpdateBMCReport(spec: spec, model: encoder.system, result: $0) }
  }
}

/// The printed forms of one bounded check of the update protocol: text and JSON, with the
/// numbered-step trace explore prints.
struct UpdateBMCReport: BMCPrintable {
  let spec: String
  let model: UpdateModel
  let result: BMCResult<UpdateModel>

  func short(_ name: String) -> String { name.split(separator: ":").first.map(String.init) ?? name }

  var lemmas: String { model.properties.map { short($0.name) }.joined(separator: " or ") }

  var verdictLine: String {
    let k = result.statistics.depth
    switch result.verdict {
    case .noViolation:
      return
        "no violation within \(k) steps: the query is unsatisfiable, so no run of at most \(k) steps violates \(lemmas) (longer runs are not covered)"
    case .violated(let cex):
      return
        "violated: \(cex.property) within \(k) steps: a run of \(cex.trace.steps.count) steps, found by Z3 and replayed through the model"
    case .unknown(let reason):
      return "unknown: \(reason) at depth \(k); nothing is claimed about runs of at most \(k) steps"
    }
  }

  var instanceLine: String { model.instanceLine }

  var scopeLine: String {
    "checked: the invariants \(lemmas) in every state of the run; not checked by bmc: the eventual properties Lemma 6.5 (Propagation) and Lemma 6.6 (Validity) (explore checks them on quiescent states)"
  }

  var queryLine: String {
    let s = result.statistics
    return "query: depth \(s.depth), \(s.booleans) Boolean variables, "
      + "\(s.assertions) assertions; "
      + String(
        format: "built in %.3f s, solved in %.3f s, replayed in %.3f s", s.encodeSeconds,
        s.solveSeconds, s.replaySeconds)
  }

  func text() -> String {
    var lines = [
      verdictLine, instanceLine, "readings: \(model.instance.readings)", scopeLine,
    ]
    if case .violated(let cex) = result.verdict {
      lines.append(
        "Byzantine servers: \(model.instance.universe.describe(model.faulty(cex.trace.initial)))")
      lines.append("run (found by Z3, replayed through the model):")
      for (k, step) in cex.trace.describe(in: model).enumerated() {
        lines.append("  \(k + 1). \(step)")
      }
      lines.append("  => \(model.explainViolation(cex.property, in: cex.trace.final))")
    }
    lines.append(queryLine)
    return lines.joined(separator: "\n")
  }

  func json() -> String {
    let s = result.statistics
    let r = model.instance.readings
    var object: [String: Any] = [
      "spec": spec,
      "protocol": "update",
      "depth": s.depth,
      "n": model.instance.universe.count,
      "readings": [
        "step2": r.step2.rawValue, "step3": r.step3.rawValue, "step4": r.step4.rawValue,
        "step5": r.step5.rawValue, "propagation": r.propagation.rawValue,
      ],
      "properties": model.properties.map(\.name),
      "not_checked": [UpdateModel.propagation, UpdateModel.validity],
    ]
    object.merge(TraceRendering.bmcFields(model, result)) { $1 }
    return TraceRendering.json(object)
  }
}
