import ArgumentParser
import Foundation
import ProtocolKit
import QuorumKit
import Yams

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The printed forms of one exploration: text, JSON and DOT.
struct ExploreReport {
  let spec: String
  let model: ReadWriteModel
  let symmetryRequested: Bool
  let result: SearchResult<ReadWriteModel>

  var symmetryApplied: Bool { symmetryRequested && model.hasSymmetry }

  var instanceLine: String {
    let i = model.instance
    let b: String
    switch i.failProne.kind {
    case .threshold(let f): b = "all \(f)-subsets"
    default: b = "\(model.faultySets.count) sets"
    }
    let q = i.quorumThreshold.map { "all \($0)-subsets" } ?? "\(i.quorums.count) quorums"
    return
      "instance: \(i.readRule.rawValue) read rule, n = \(i.universe.count), B = \(b), quorums = \(q), "
      + "\(i.writers) writer(s) x \(i.writesPerWriter) write(s), \(i.readers) reader(s) x \(i.readsPerReader) read(s)"
  }

  /// The classes of interchangeable servers with at least two members, as `{a, b, c}`.
  var classNames: [String] {
    model.symmetryClasses.filter { $0.count > 1 }.map {
      model.instance.universe.describe(ServerSet($0))
    }
  }

  var symmetryLine: String {
    if !symmetryRequested { return "symmetry: off" }
    if model.instance.isFullySymmetric {
      return
        "symmetry: on (threshold B and quorums: servers are interchangeable, states are stored with sorted server profiles)"
    }
    if model.hasSymmetry {
      return
        "symmetry: on (interchangeable servers \(classNames.joined(separator: ", ")): states are stored with the profiles sorted within each class)"
    }
    return
      "symmetry: not applied (no two servers are interchangeable: no transposition maps B and the quorums to themselves)"
  }

  /// `N`, exactly when below 2^53, else in scientific notation.
  static func count(_ x: Double) -> String {
    x < 9.0e15 ? String(format: "%.0f", x) : String(format: "%.4g", x)
  }

  var reductionLine: String? {
    guard symmetryApplied else { return nil }
    let s = result.statistics
    let scope: String
    switch result.verdict {
    case .safe: scope = "reachable states without symmetry"
    default: scope = "states without symmetry (search stopped early)"
    }
    return
      "reduction: the \(s.states) stored states stand for \(Self.count(s.representedStates)) \(scope), "
      + "reduction factor "
      + (s.reductionFactor < 1e6
        ? String(format: "%.2f", s.reductionFactor) : String(format: "%.4g", s.reductionFactor))
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
      let names = model.properties.map {
        $0.name.split(separator: ":").first.map(String.init) ?? $0.name
      }
      return
        "safe: state space exhausted, \(s.states) states, \(names.joined(separator: " and ")) \(names.count == 1 ? "holds" : "hold") in every reachable state"
    case .violated(let cex):
      return "violated: \(cex.property) after \(cex.trace.steps.count) steps"
    case .unknown(let reason):
      return
        "unknown: \(reason) before the state space was exhausted; explored \(s.states) states (\(s.queued) still queued), no violation among them"
    }
  }

  func text() -> String {
    var lines = [verdictLine, instanceLine]
    if case .violated(let cex) = result.verdict {
      lines.append(
        "faulty servers: \(model.instance.universe.describe(model.faulty(cex.trace.initial)))")
      lines.append("shortest run (replayed through the model):")
      for (k, step) in cex.trace.describe(in: model).enumerated() {
        lines.append("  \(k + 1). \(step)")
      }
    }
    lines.append(statisticsLine(result.statistics))
    lines.append(symmetryLine)
    if let reductionLine { lines.append(reductionLine) }
    return lines.joined(separator: "\n")
  }

  func json() -> String {
    let s = result.statistics
    var object: [String: Any] = [
      "spec": spec,
      "read-rule": model.instance.readRule.rawValue,
      "n": model.instance.universe.count,
      "symmetry": symmetryApplied,
      "properties": model.properties.map(\.name),
      "statistics": [
        "states": s.states, "transitions": s.transitions, "depth": s.depth, "queued": s.queued,
        "seconds": s.seconds, "states_per_second": s.statesPerSecond,
        "cpu_seconds": s.cpuSeconds, "states_per_cpu_second": s.statesPerCPUSecond,
        "bytes_per_state": s.bytesPerState, "encoding_bytes": s.encodingBytes,
        "represented_states": s.representedStates, "reduction_factor": s.reductionFactor,
      ] as [String: Any],
      "symmetry_classes": model.symmetryClasses.filter { $0.count > 1 },
    ]
    switch result.verdict {
    case .safe:
      object["verdict"] = "safe"
    case .violated(let cex):
      object.merge(TraceRendering.violation(model, cex)) { $1 }
    case .unknown(let reason):
      object["verdict"] = "unknown"
      object["reason"] = reason
    }
    return TraceRendering.json(object)
  }

  /// The counterexample as a message sequence chart: one column per participant, one row per
  /// step, an arrow per message (an empty chart when there is no counterexample).
  func dot() -> String {
    guard case .violated(let cex) = result.verdict else {
      return TraceRendering.chart(model, trace: nil, label: verdictLine)
    }
    let faulty = model.instance.universe.describe(model.faulty(cex.trace.initial))
    return TraceRendering.chart(
      model, trace: cex.trace, label: "\(cex.property) — faulty: \(faulty)")
  }
}
