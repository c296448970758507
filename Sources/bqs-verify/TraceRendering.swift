import Foundation
import ProtocolKit
import ProtocolSMT

/// The renderings that `explore` and `bmc` share for every protocol model: a trace as JSON
/// steps, a report object as stable JSON, and a counterexample as a Graphviz message sequence
/// chart.
enum TraceRendering {
  /// The steps of `trace`, numbered from 1, each with its description and its message.
  static func steps<M: MessageChartModel>(_ model: M, _ trace: Trace<M>) -> [[String: Any]] {
    var previous = trace.initial
    var steps: [[String: Any]] = []
    for (k, step) in trace.steps.enumerated() {
      let m = model.message(step.action, from: previous)
      steps.append([
        "step": k + 1, "description": model.describe(step.action, from: previous, to: step.state),
        "from": m.from, "to": m.to, "message": m.label,
      ])
      previous = step.state
    }
    return steps
  }

  /// The JSON fields of a violation: verdict, property, faulty servers and the numbered trace.
  static func violation<M: MessageChartModel>(_ model: M, _ cex: Counterexample<M>) -> [String:
    Any]
  {
    [
      "verdict": "violated", "property": cex.property,
      "faulty": model.faulty(cex.trace.initial).members, "trace": steps(model, cex.trace),
    ]
  }

  /// `object` as pretty-printed JSON with sorted keys (stable for scripts and tests).
  /// The fields every `bmc --json` report shares: the query's size and times, and the verdict
  /// (with the violation's fields, or the reason it is unknown).
  static func bmcFields<M: MessageChartModel>(_ model: M, _ result: BMCResult<M>) -> [String: Any] {
    let s = result.statistics
    var object: [String: Any] = [
      "query": [
        "booleans": s.booleans, "integers": s.integers, "assertions": s.assertions,
        "encode_seconds": s.encodeSeconds, "solve_seconds": s.solveSeconds,
        "replay_seconds": s.replaySeconds,
      ] as [String: Any]
    ]
    switch result.verdict {
    case .noViolation:
      object["verdict"] = "no-violation-within-depth"
    case .violated(let cex):
      object.merge(violation(model, cex)) { $1 }
    case .unknown(let reason):
      object["verdict"] = "unknown"
      object["reason"] = reason
    }
    return object
  }

  static func json(_ object: [String: Any]) -> String {
    let data =
      (try? JSONSerialization.data(
        withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]))
      ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  /// A message sequence chart: one column per participant, one row per step of `trace`, an
  /// arrow per message; participants named in `faulty` (and the faulty servers of the run) are
  /// drawn as faulty. Without a trace, an empty chart labelled `label`; with one, `label` is
  /// its title.
  static func chart<M: MessageChartModel>(
    _ model: M, trace: Trace<M>?, label: String, faulty extra: Set<String> = []
  ) -> String {
    var out = [
      "digraph msc {", "  rankdir=TB; splines=false; nodesep=0.6;",
      "  node [shape=none, fontname=\"Helvetica\"];",
      "  edge [fontname=\"Helvetica\", fontsize=10];",
    ]
    let quotedLabel = label.replacingOccurrences(of: "\"", with: "'")
    guard let trace else {
      out.append("  label=\"\(quotedLabel)\";")
      out.append("}")
      return out.joined(separator: "\n") + "\n"
    }
    let people = model.participants
    func id(_ p: Int, _ row: Int) -> String { "p\(p)_\(row)" }
    let rows = trace.steps.count + 1
    let faultyNames = Set(model.faulty(trace.initial).members.map(model.server)).union(extra)
    for (p, name) in people.enumerated() {
      if faultyNames.contains(name) {
        out.append(
          "  \(id(p, 0)) [label=\"\(name)\\n(faulty)\", shape=box, style=filled, fillcolor=mistyrose];"
        )
      } else {
        out.append("  \(id(p, 0)) [label=\"\(name)\", shape=box];")
      }
      for row in 1...rows { out.append("  \(id(p, row)) [label=\"\", shape=point, width=0.01];") }
      let chain = (0...rows).map { id(p, $0) }.joined(separator: " -> ")
      out.append("  \(chain) [arrowhead=none, style=dashed];")
    }
    // Invisible edges keep the columns in participant order.
    out.append(
      "  " + (0..<people.count).map { id($0, 0) }.joined(separator: " -> ") + " [style=invis];")
    for row in 0...rows {
      out.append(
        "  { rank=same; " + (0..<people.count).map { id($0, row) }.joined(separator: "; ") + "; }")
    }
    var previous = trace.initial
    for (k, step) in trace.steps.enumerated() {
      let m = model.message(step.action, from: previous)
      let a = people.firstIndex(of: m.from) ?? 0
      let b = people.firstIndex(of: m.to) ?? 0
      let text = "\(k + 1). \(m.label)".replacingOccurrences(of: "\"", with: "'")
      if a == b {
        out.append(
          "  \(id(a, k + 1)) [shape=box, width=0, height=0, label=\"\(text)\", fontsize=10];")
      } else {
        out.append("  \(id(a, k + 1)) -> \(id(b, k + 1)) [label=\"\(text)\", constraint=false];")
      }
      previous = step.state
    }
    out.append("  label=\"\(quotedLabel)\"; labelloc=t;")
    out.append("}")
    return out.joined(separator: "\n") + "\n"
  }
}
