import Foundation
import QuorumKit
import QuorumSMT
import QuorumSpec

/// The `check` method: a construction in a spec file is (or is not) a quorum system of a class.
///
/// Listed quorum systems are checked by enumeration (``PropertyChecker``: every ordered pair of
/// quorums against every fail-prone set); constructions too large to list that reduce exactly to
/// a threshold question (``SizesInstance``), on region sizes (``ThresholdRegionCheck``). Anything
/// else is
/// reported unknown rather than guessed. Parameters: `spec` (a path relative to the obligation
/// file) and `class` (default: the spec's `class:`).
public enum CheckObligation {
  /// Runs a check obligation.
  public static func run(_ o: Obligation, options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["spec", "class"])
    let rel = try o.string("spec")
    let dir = (o.path as NSString).deletingLastPathComponent
    let path = rel.hasPrefix("/") ? rel : (dir as NSString).appendingPathComponent(rel)
    let spec = try Spec.load(path: path)
    let cls: QuorumClass
    if o.parameters["class"] != nil {
      cls = try o.quorumClass()
    } else if let c = spec.quorumClass {
      cls = c
    } else {
      throw o.error("give parameters.class: the spec \(rel) names no class", line: nil)
    }
    guard let b = spec.failProne else {
      throw o.error("the spec \(rel) has no fail-prone system", line: o.parameters["spec"]?.line)
    }
    guard let system = try spec.quorumSystem() else {
      throw o.error("the spec \(rel) has no quorum system", line: o.parameters["spec"]?.line)
    }
    let name = "\(cls.rawValue) (\(rel))"
    if let quorums = system.quorums {
      let results = try PropertyChecker.check(cls, quorums: quorums, failProne: b)
      let broken = results.compactMap { $0.1 }
      let details = results.map { p, v in
        "\(p.rawValue): " + (v.map { "violated: \($0.describe(in: b.universe))" } ?? "holds")
      }
      return broken.isEmpty
        ? Outcome(
          .holds,
          "\(quorums.count) quorums are a \(name) system: every property holds by enumeration",
          details: details)
        : Outcome(
          .violated,
          "\(broken.map(\.property.rawValue).joined(separator: ", ")) fails for \(name)",
          details: details)
    }
    if let sizes = SizesInstance.of(system, failProne: b) {
      if cls == .opaque, let why = sizes.opaqueUnsupported {
        return Outcome(.unknown, "too many quorums to list, and on sizes: \(why)")
      }
      let what = "every \(sizes.q)-subset of \(sizes.n) \(sizes.unit), f = \(sizes.f)"
      if let problem = ThresholdRegionCheck.violation(
        cls, n: sizes.n, f: sizes.f, quorumSize: sizes.q)
      {
        return Outcome(.violated, "\(what): \(problem)", details: [sizes.note])
      }
      return Outcome(
        .holds, "\(what) is a \(name) system: checked on region sizes (too many quorums to list)",
        details: [sizes.note])
    }
    if case .grid(let k, let rows)? = system.construction, case .threshold(let f) = b.kind {
      var details: [String] = []
      var broken: [String] = []
      for p in cls.properties {
        switch GridSMTCheck.check(p, k: k, rows: rows, f: f, options: options) {
        case .holds: details.append("\(p.rawValue): holds (Z3: UNSAT)")
        case .violated(let text):
          details.append("\(p.rawValue): violated: \(text)")
          broken.append(p.rawValue)
        case .unknown(let why):
          return Outcome(.unknown, "\(p.rawValue): \(why)", details: details)
        }
      }
      return broken.isEmpty
        ? Outcome(
          .holds, "the \(k) × \(k) grid with \(rows) rows is a \(name) system (Z3 over its cells)",
          details: details)
        : Outcome(
          .violated, "\(broken.joined(separator: ", ")) fails for \(name)", details: details)
    }
    return Outcome(
      .unknown, "the quorum system of \(rel) is too large to list and has no size-only check")
  }
}
