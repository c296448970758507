import Foundation
import QuorumKit
import QuorumSMT

/// A short description of a fail-prone system, e.g. "all 2-subsets of 9 servers".
func describe(_ b: FailProneSystem) -> String {
  let count = FamilyEngine.formatCount(b.setCount)
  switch b.kind {
  case .threshold(let f):
    return "B = all \(f)-subsets of \(b.n) servers"
  case .explicit(let sets):
    return "B = \(sets.count) explicit sets over \(b.n) servers"
  case .partition(let blocks):
    return "B = a partition of \(b.n) servers into \(blocks.count) blocks"
  case .nested:
    return "B = a nested threshold structure over \(b.n) servers (\(count) sets)"
  }
}

/// Seconds with three decimals.
func formatSeconds(_ s: Double) -> String { String(format: "%.3f s", s) }

/// The human-readable form: a one-line verdict, then each engine's evidence.
enum ExistenceText {
  static func render(
    _ cls: QuorumClass, failProne: FailProneSystem, outcome: ExistenceDecider.Outcome,
    seconds: Double, listWitness: Bool
  ) -> String {
    let what = "\(cls == .opaque ? "an opaque masking" : "a \(cls.rawValue)") quorum system"
    let lead = outcome.reports.first { $0.verdict == outcome.verdict && $0.verdict != .unknown }
    var out: String
    switch outcome.verdict {
    case .exists:
      out = "exists: \(what) exists for \(describe(failProne))"
    case .none:
      out =
        "none: no \(cls == .opaque ? "opaque masking" : cls.rawValue) quorum system exists for \(describe(failProne))"
    case .unknown:
      out = "unknown: could not decide whether \(what) exists for \(describe(failProne))"
    }
    if let lead { out += " — \(lead.reason)" }
    out += "\n"
    if let d = outcome.disagreement { out += "  \(d)\n" }
    for r in outcome.reports {
      out += "  \(r.engine): \(r.verdict.rawValue) — \(r.reason)\n"
      for line in r.details { out += "    \(line)\n" }
      if let family = r.witnessFamily {
        if listWitness || family.count <= 12 {
          out +=
            "    quorums: " + family.map(failProne.universe.describe).joined(separator: ", ") + "\n"
        } else {
          out += "    quorums: \(family.count) (--witness lists them)\n"
        }
      }
      for q in r.queries {
        out +=
          "    query: \(q.title): \(q.answer)\(q.expected.map { " (needs \($0))" } ?? ""), \(q.variables) variables, \(q.assertions) assertion\(q.assertions == 1 ? "" : "s"), \(formatSeconds(q.seconds))\n"
      }
    }
    out += "  time: \(formatSeconds(seconds))\n"
    return out
  }
}

/// The `--json` form: one object with stable keys; times only in fields named `seconds`.
enum ExistenceJSON {
  struct Query: Encodable {
    var title: String
    var expected: String?
    var answer: String
    var variables: Int
    var assertions: Int
    var seconds: Double
  }
  struct Engine: Encodable {
    var engine: String
    var verdict: String
    var reason: String
    var details: [String]
    var witnessFamily: [[Int]]?
    var witnessQuorumSize: Int?
    var involvedSets: [[Int]]?
    var queries: [Query]
  }
  struct FailProne: Encodable {
    var kind: String
    var n: Int
    var f: Int?
    var sets: Double
  }
  struct Result: Encodable {
    var `class`: String
    var failProne: FailProne
    var verdict: String
    var reason: String?
    var disagreement: String?
    var engines: [Engine]
    var seconds: Double
  }

  static func render(
    _ cls: QuorumClass, failProne: FailProneSystem, outcome: ExistenceDecider.Outcome,
    seconds: Double
  ) -> String {
    let kind: String
    var f: Int? = nil
    switch failProne.kind {
    case .threshold(let t):
      kind = "threshold"
      f = t
    case .explicit: kind = "explicit"
    case .partition: kind = "partition"
    case .nested: kind = "nested"
    }
    let lead = outcome.reports.first { $0.verdict == outcome.verdict && $0.verdict != .unknown }
    let result = Result(
      class: cls.rawValue,
      failProne: FailProne(kind: kind, n: failProne.n, f: f, sets: failProne.setCount),
      verdict: outcome.verdict.rawValue, reason: lead?.reason ?? outcome.reports.first?.reason,
      disagreement: outcome.disagreement,
      engines: outcome.reports.map { r in
        Engine(
          engine: r.engine, verdict: r.verdict.rawValue, reason: r.reason, details: r.details,
          witnessFamily: r.witnessFamily?.map(\.members), witnessQuorumSize: r.witnessQuorumSize,
          involvedSets: r.involvedSets?.map(\.members),
          queries: r.queries.map {
            Query(
              title: $0.title, expected: $0.expected, answer: $0.answer, variables: $0.variables,
              assertions: $0.assertions, seconds: $0.seconds)
          })
      },
      seconds: seconds)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(result)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
  }
}
