import Foundation
import QuorumKit
import QuorumLoad
import QuorumSMT
import QuorumSpec

/// The `load` method: the exact load (Definition 3.1) of the quorum system in a spec file,
/// certified by an optimal strategy and dual server weights re-checked in exact arithmetic.
///
/// Parameters: `spec` (relative to the obligation file). The verdict is `holds` when the
/// certified load equals the obligation's `expected-value` and the paper's lower bounds hold
/// for it: Theorem 4.5 (L >= max(1/c(Q), c(Q)/n)), Corollaries 4.6/5.6 for masking and
/// dissemination specs (L >= 1/sqrt(n), checked as L^2 n >= 1), Theorem 5.15 for opaque specs
/// (L >= 1/2). Otherwise `violated`, with the values; a load that cannot be certified is
/// `unknown`.
public enum LoadObligation {
  /// Runs a load obligation.
  public static func run(_ o: Obligation, options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["spec"])
    guard let expectedText = o.expectedValue else {
      throw o.error("a load obligation needs 'expected-value' (e.g. \"7/9\")", line: nil)
    }
    guard let expected = parseRational(expectedText) else {
      throw o.error("'expected-value' must be a fraction p/q, got '\(expectedText)'", line: nil)
    }
    let rel = try o.string("spec")
    let dir = (o.path as NSString).deletingLastPathComponent
    let path = rel.hasPrefix("/") ? rel : (dir as NSString).appendingPathComponent(rel)
    let spec = try Spec.load(path: path)
    guard let system = try spec.quorumSystem() else {
      throw o.error("the spec \(rel) has no quorum system", line: o.parameters["spec"]?.line)
    }
    let result: LoadResult
    do {
      result = try LoadSolver.load(of: system)
    } catch let e as LoadSolverError {
      return Outcome(.unknown, "no certified load: \(e.message)")
    }
    guard result.verified else { return Outcome(.unknown, "the load certificate did not verify") }
    let n = Rational(system.universe.count)
    let load = result.value
    var details = [
      "certified load \(load) (\(result.method.rawValue)); strategy and dual weights re-checked exactly",
      "Theorem 4.5: L >= \(result.bound.value) (c(Q) = \(result.bound.smallestQuorum))",
    ]
    var broken: [String] = []
    if load < result.bound.value { broken.append("Theorem 4.5's bound \(result.bound.value)") }
    switch spec.quorumClass {
    case .masking?, .dissemination?:
      details.append("Corollaries 4.6, 5.6: L^2 n = \(load * load * n) >= 1")
      if load * load * n < Rational.one { broken.append("Corollary 4.6/5.6's bound 1/sqrt(n)") }
    case .opaque?:
      details.append("Theorem 5.15: L = \(load) >= 1/2")
      if load < Rational(1, 2) { broken.append("Theorem 5.15's bound 1/2") }
    case nil:
      break
    }
    if !broken.isEmpty {
      return Outcome(
        .violated, "load \(load) is below \(broken.joined(separator: " and "))", details: details)
    }
    if load != expected {
      return Outcome(.violated, "load \(load), expected \(expected)", details: details)
    }
    return Outcome(.holds, "load \(load) as expected, certified", details: details)
  }

  static func parseRational(_ text: String) -> Rational? {
    let parts = text.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
    guard (1...2).contains(parts.count), let p = Int(parts[0]) else { return nil }
    guard parts.count == 2 else { return Rational(p) }
    guard let q = Int(parts[1]), q > 0 else { return nil }
    return Rational(p, q)
  }
}
