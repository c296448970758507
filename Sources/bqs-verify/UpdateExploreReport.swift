import ArgumentParser
import Foundation
import ProtocolKit
import QuorumKit

extension UpdateModel {
  /// One line naming the instance: n, B, the quorums and what each client does.
  var instanceLine: String {
    let i = instance
    let b: String
    switch i.failProne.kind {
    case .threshold(let f): b = "all \(f)-subsets"
    default: b = "\(faultySets.count) sets"
    }
    let q = i.quorumThreshold.map { "all \($0)-subsets" } ?? "\(i.quorums.count) quorums"
    let updates = ["⟨a, t1⟩", "⟨b, t1⟩", "⟨c, t2⟩"].prefix(i.faultyUpdates).joined(separator: ", ")
    var clients = "faulty client sends \(i.faultyUpdates == 0 ? "nothing" : updates)"
    if i.correctWriter {
      clients +=
        ", correct writer writes ⟨w, tw⟩ (\(i.retries) retr\(i.retries == 1 ? "y" : "ies"))"
    }
    if i.forged { clients += ", Byzantine servers forge ⟨x, tw⟩" }
    if i.reader { clients += ", correct reader reads once" }
    return
      "instance: update protocol (Figure 3), n = \(i.universe.count), B = \(b), quorums = \(q); \(clients)"
  }
}

/// Whether an exploration used the timestamp decomposition (``UpdateDecomposition``).
enum UpdateReduction {
  /// Applied: the components' results.
  case applied(UpdateDecompositionResult)
  /// Not applied, and why.
  case none(String)
}

/// The printed forms of one exploration of the Section 6 update protocol: text, JSON, DOT.
struct UpdateExploreReport {
  let spec: String
  let model: UpdateModel
  let symmetryRequested: Bool
  let result: SearchResult<UpdateModel>
  var reduction: UpdateReduction = .none("not requested")

  var decomposition: UpdateDecompositionResult? {
    if case .applied(let d) = reduction { return d }
    return nil
  }

  var reductionLine: String {
    switch reduction {
    case .applied(let d):
      func part(_ name: String, _ r: SearchResult<UpdateModel>) -> String {
        let v: String
        switch r.verdict {
        case .safe: v = "safe"
        case .violated(let c): v = "violated \(short(c.property))"
        case .unknown: v = "unknown"
        }
        return "\(name) \(v), \(r.statistics.states) states"
      }
      return "reduction: \(UpdateDecomposition.summary); "
        + part("t1 component (⟨a, t1⟩, ⟨b, t1⟩)", d.t1) + "; "
        + part("t2 component (⟨c, t2⟩)", d.t2)
    case .none(let why): return "reduction: none (\(why)); the full model is searched"
    }
  }

  var symmetryApplied: Bool { symmetryRequested && model.instance.isFullySymmetric }

  var instanceLine: String { model.instanceLine }

  var readingsLine: String { "readings: \(model.instance.readings)" }

  var propertiesLines: [String] {
    [
      "invariants (every reachable state): "
        + model.properties.map { short($0.name) }.joined(separator: ", "),
      "eventual (every quiescent state: no step enabled, every message between correct processes delivered, faulty processes stopped; under reliable delivery every fair run ends in one): "
        + model.quiescentProperties.map { short($0.name) }.joined(separator: ", "),
    ]
  }

  func short(_ name: String) -> String { name.split(separator: ":").first.map(String.init) ?? name }

  var symmetryLine: String {
    if !symmetryRequested { return "symmetry: off" }
    if model.instance.isFullySymmetric {
      return
        "symmetry: on (threshold B and quorums: servers are interchangeable, states are stored with sorted server profiles)"
    }
    return "symmetry: not applied (only threshold B with threshold quorums is reduced)"
  }

  func statisticsLine(_ s: SearchStatistics) -> String {
    "statistics: \(s.states) states, \(s.transitions) transitions, depth \(s.depth), "
      + String(
        format: "%.3f s, %.0f states/s, %.1f bytes/state (encoding %d bytes)", s.seconds,
        s.statesPerSecond, s.bytesPerState, s.encodingBytes)
  }

  var verdictLine: String {
    let s = result.statistics
    switch result.verdict {
    case .safe:
      let inv = model.properties.map { short($0.name) }
      let ev = model.quiescentProperties.map { short($0.name) }
      let split =
        decomposition.map {
          " (timestamp decomposition: \($0.t1.statistics.states) in the t1 component, \($0.t2.statistics.states) in the t2 component)"
        } ?? ""
      return
        "safe: state space exhausted, \(s.states) states\(split); \(inv.joined(separator: ", ")) \(inv.count == 1 ? "holds" : "hold") in every reachable state; \(ev.joined(separator: ", ")) \(ev.count == 1 ? "holds" : "hold") in every quiescent state (reliable delivery)"
    case .violated(let cex):
      let quiescent = model.quiescentProperties.contains { $0.name == cex.property }
      return
        "violated: \(cex.property)\(quiescent ? " (in a quiescent state, reliable delivery)" : "") after \(cex.trace.steps.count) steps"
    case .unknown(let reason):
      return
        "unknown: \(reason) before the state space was exhausted; explored \(s.states) states (\(s.queued) still queued), no violation among them"
    }
  }

  func text() -> String {
    var lines = [verdictLine, instanceLine, readingsLine] + propertiesLines
    if case .violated(let cex) = result.verdict {
      lines.append(
        "Byzantine servers: \(model.instance.universe.describe(model.faulty(cex.trace.initial)))")
      if let d = decomposition {
        lines.append(
          d.shortest
            ? "shortest run (lifted from a timestamp component, replayed through the full model):"
            : "run (lifted from a timestamp component, replayed through the full model; not known to be shortest):"
        )
      } else {
        lines.append("shortest run (replayed through the model):")
      }
      for (k, step) in cex.trace.describe(in: model).enumerated() {
        lines.append("  \(k + 1). \(step)")
      }
      lines.append("  => \(model.explainViolation(cex.property, in: cex.trace.final))")
    }
    lines.append(statisticsLine(result.statistics))
    lines.append(symmetryLine)
    lines.append(reductionLine)
    return lines.joined(separator: "\n")
  }

  func json() -> String {
    let s = result.statistics
    let r = model.instance.readings
    var object: [String: Any] = [
      "spec": spec,
      "protocol": "update",
      "n": model.instance.universe.count,
      "symmetry": symmetryApplied,
      "readings": [
        "step2": r.step2.rawValue, "step3": r.step3.rawValue, "step4": r.step4.rawValue,
        "step5": r.step5.rawValue, "propagation": r.propagation.rawValue,
      ],
      "properties": model.properties.map(\.name),
      "quiescent_properties": model.quiescentProperties.map(\.name),
      "eventual_properties_checked_on": "quiescent states under reliable delivery",
      "statistics": [
        "states": s.states, "transitions": s.transitions, "depth": s.depth, "queued": s.queued,
        "seconds": s.seconds, "states_per_second": s.statesPerSecond,
        "bytes_per_state": s.bytesPerState, "encoding_bytes": s.encodingBytes,
      ] as [String: Any],
    ]
    func stats(_ r: SearchResult<UpdateModel>) -> [String: Any] {
      let t = r.statistics
      let v: String
      switch r.verdict {
      case .safe: v = "safe"
      case .violated: v = "violated"
      case .unknown: v = "unknown"
      }
      return [
        "verdict": v, "states": t.states, "transitions": t.transitions, "depth": t.depth,
        "seconds": t.seconds,
      ]
    }
    switch reduction {
    case .applied(let d):
      object["reduction"] =
        [
          "applied": true, "kind": "timestamp-decomposition",
          "description": UpdateDecomposition.summary,
          "components": ["t1": stats(d.t1), "t2": stats(d.t2)],
        ] as [String: Any]
      if case .violated = d.result.verdict { object["counterexample_shortest"] = d.shortest }
    case .none(let why):
      object["reduction"] = ["applied": false, "reason": why] as [String: Any]
    }
    switch result.verdict {
    case .safe:
      object["verdict"] = "safe"
    case .violated(let cex):
      object.merge(TraceRendering.violation(model, cex)) { $1 }
      object["explanation"] = model.explainViolation(cex.property, in: cex.trace.final)
    case .unknown(let reason):
      object["verdict"] = "unknown"
      object["reason"] = reason
    }
    return TraceRendering.json(object)
  }

  /// The counterexample as a message sequence chart (an empty chart when there is none).
  func dot() -> String {
    guard case .violated(let cex) = result.verdict else {
      return TraceRendering.chart(model, trace: nil, label: verdictLine)
    }
    let byzantine = model.instance.universe.describe(model.faulty(cex.trace.initial))
    return TraceRendering.chart(
      model, trace: cex.trace, label: "\(cex.property) — Byzantine: \(byzantine)",
      faulty: ["faulty client"])
  }
}

extension ExploreCommand {
  /// Explores a `protocol: update` spec (Section 6) and prints the report.
  func runUpdate(limits: SearchLimits, progress: ((SearchStatistics) -> Void)?) throws {
    let loaded = try UpdateSpecReader.load(path: spec)
    let model = try UpdateModel(loaded.instance)
    var limits = limits
    limits.symmetry = loaded.symmetry && !noSymmetry
    let result: SearchResult<UpdateModel>
    var reduction: UpdateReduction
    do {
      var off = UpdateDecomposition.inapplicability(loaded.instance)
      if off == nil && noReduction { off = "--no-reduction" }
      if off == nil && !loaded.reduction { off = "reduction: off in the spec" }
      if let off {
        reduction = .none(off)
        result = try model.explore(limits: limits, progress: progress)
      } else {
        // inapplicability is nil, so the decomposition exists.
        let r = try UpdateDecomposition(model)!.explore(limits: limits, progress: progress)
        reduction = .applied(r)
        result = r.result
      }
    } catch let error as ModelError {
      if progress != nil { fputs("\r\u{1B}[K", stderr) }
      print("unknown: internal error, the counterexample did not replay: \(error.description)")
      throw ExitCode(ExitStatus.unknown)
    }
    if progress != nil { fputs("\r\u{1B}[K", stderr) }
    if case .violated(let cex) = result.verdict, !cex.trace.replays(in: model) {
      print("unknown: internal error, the counterexample did not replay through the model")
      throw ExitCode(ExitStatus.unknown)
    }
    let report = UpdateExploreReport(
      spec: spec, model: model, symmetryRequested: limits.symmetry, result: result,
      reduction: reduction)
    if let dot {
      do {
        try report.dot().write(toFile: dot, atomically: true, encoding: .utf8)
      } catch {
        throw InputError("cannot write the DOT file: \(error.localizedDescription)", file: dot)
      }
    }
    print(json ? report.json() : report.text())
    switch result.verdict {
    case .safe: return
    case .violated: throw ExitCode(ExitStatus.violated)
    case .unknown: throw ExitCode(ExitStatus.unknown)
    }
  }
}
