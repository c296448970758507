import ArgumentParser
import Foundation
import QuorumKit
import QuorumLoad
import QuorumSpec

/// `bqs-verify load SPEC`: the exact load L(Q) of Definition 3.1, an optimal strategy, and the
/// LP dual certificate, both re-checked in exact arithmetic before anything is printed.
struct LoadCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "load",
    abstract:
      "Exact load L(Q) (Definition 3.1) of a spec's quorum system, with an optimal strategy and a dual certificate.",
    discussion: """
      The load is a rational number, proved optimal by LP duality: an access strategy whose \
      busiest server carries L, and server weights (summing to 1) under which every quorum \
      weighs at least L. Both are re-checked in exact arithmetic. Theorem 4.5's lower bound \
      max(1/c(Q), c(Q)/n) is printed beside it.
      """)

  @Argument(help: ArgumentHelp("The spec file (its 'quorums:' key is used).", valueName: "spec"))
  var spec: String

  @Option(
    help: ArgumentHelp(
      "auto (symmetry: of constructions, of listed threshold systems, and the LP on the orbits of any listed system), lp (floating-point simplex, basis re-solved exactly) or exact (exact rational simplex).",
      valueName: "method"))
  var method: String = "auto"

  @Option(help: ArgumentHelp("Strategy entries to print in text output.", valueName: "count"))
  var top: Int = 10

  @OptionGroup var common: CommonOptions

  func validate() throws {
    if LoadSolver.Method(rawValue: method) == nil {
      throw ValidationError("--method must be auto, lp or exact (got '\(method)')")
    }
    if top < 0 { throw ValidationError("--top must be at least 0 (got \(top))") }
  }

  func run() throws {
    let readStart = Date()
    let s = try Spec.load(path: spec)
    guard let system = try s.quorumSystem() else {
      throw InputError("the spec has no 'quorums' whose load to compute", file: spec)
    }
    let readSeconds = Date().timeIntervalSince(readStart)
    let start = Date()
    let result: LoadResult
    let watchdog = Watchdog(
      seconds: common.timeout,
      message:
        "unknown: --timeout \(common.timeout ?? 0) s reached before the load was certified; no load is reported"
    )
    defer { watchdog?.finish() }
    do {
      result = try LoadSolver.load(of: system, method: LoadSolver.Method(rawValue: method)!)
      watchdog?.finish()
    } catch var e as InputError {
      if e.file == nil { e.file = spec }
      throw e
    } catch let e as LoadSolverError {
      // No certificate survived the exact check: report nothing as proved.
      printError("error: no verified load: \(e.message)")
      throw ExitCode(ExitStatus.unknown)
    }
    let seconds = Date().timeIntervalSince(start)
    guard result.verified else {
      // Never reached: the solver throws rather than return an unchecked load.
      printError("error: the load certificate was not verified")
      throw ExitCode(ExitStatus.unknown)
    }
    let u = s.universe
    let claim = PaperLoads.claim(for: system)
    if common.json {
      print(
        LoadOutput.json(
          result, universe: u, spec: spec, seconds: seconds, readSeconds: readSeconds,
          claim: claim))
    } else {
      print(
        LoadOutput.text(
          result, universe: u, top: top, seconds: seconds, readSeconds: readSeconds,
          claim: claim), terminator: "")
    }
  }
}

/// Renderings of a ``LoadResult``.
enum LoadOutput {
  static func countText(_ c: Double) -> String {
    c < 1e15 ? String(Int(c)) : String(format: "%.3g", c)
  }

  static func text(
    _ r: LoadResult, universe u: Universe, top: Int, seconds: Double, readSeconds: Double,
    claim: PaperLoadClaim? = nil
  ) -> String {
    var out =
      "load \(r.value) (\(r.value.decimal())), capacity \(r.capacity.map { "\($0)" } ?? "unbounded")\n"
    let b = r.bound
    let parts =
      (b.oneOverSize.map { ["1/c(Q) = \($0)"] } ?? [
        "1/c(Q) does not apply: no smallest quorum meets every quorum"
      ])
      + ["c(Q)/n = \(b.sizeOverN)"]
    out +=
      "  Theorem 4.5 lower bound: \(b.value) (\(parts.joined(separator: ", ")); c(Q) = \(b.smallestQuorum), n = \(r.n))"
      + (b.value == r.value ? ", attained\n" : ", below the load\n")
    out +=
      "  \(countText(r.quorumCount)) quorums over \(r.n) servers; method \(r.method.rawValue)"
      + (r.iterations > 0 ? " (\(r.iterations) pivots)" : "")
      + "; solved in \(formatSeconds(seconds)) (spec read in \(formatSeconds(readSeconds)))\n"
    if let note = r.note { out += "  note: \(note)\n" }
    if let c = claim { out += "  " + paperLine(c, r.value) + "\n" }
    if let w = r.windows {
      out +=
        "optimal strategy: the \(w.n) cyclic windows {i, i+1, ..., i+\(w.size - 1) mod \(w.n)}, each with probability 1/\(w.n)\n"
    }
    if let g = r.gridShifts {
      out +=
        "optimal strategy: the \(g.k * g.k) quorums of column j and the cyclic rows s, ..., s+\(g.rows - 1) mod \(g.k), each with probability 1/\(g.k * g.k)\n"
    }
    let shown = r.strategy.prefix(top)
    if r.windows == nil && r.gridShifts == nil {
      out +=
        "optimal strategy: \(r.strategy.count) quorum\(r.strategy.count == 1 ? "" : "s") with positive probability"
        + (shown.count < r.strategy.count ? " (top \(shown.count); --json lists all)" : "") + "\n"
    }
    for e in shown { out += "  \(e.weight)  \(u.describe(e.quorum))\n" }
    out += "dual certificate: every quorum has dual weight >= \(r.value) under the server weights\n"
    for (w, servers) in groupedDual(r.dual) {
      let names = servers.prefix(24).map(u.name(of:)).joined(separator: ", ")
      out +=
        "  \(w)  " + names
        + (servers.count > 24 ? ", ... (\(servers.count) servers; --json lists all)" : "") + "\n"
    }
    out +=
      "certificate re-checked in exact arithmetic: the strategy loads no server beyond \(r.value), "
      + "the weights sum to 1 and no quorum weighs less than \(r.value), so no strategy does better (LP duality)\n"
    return out
  }

  /// The paper's stated load beside the computed one.
  static func paperLine(_ c: PaperLoadClaim, _ load: Rational) -> String {
    let stated = c.value.map { "= \($0)" } ?? String(format: "≈ %.6f", c.approximate)
    if c.matches(load) {
      return "paper: \(c.source) states \(c.formula) \(stated): matches"
    }
    return
      "paper: \(c.source) states \(c.formula) \(stated); DIFFERS from the computed load \(load), "
      + "which the certificate below proves"
  }

  /// Servers grouped by equal dual weight, heaviest first; zero weights last.
  static func groupedDual(_ y: [Rational]) -> [(Rational, [Int])] {
    var groups: [Rational: [Int]] = [:]
    for (s, w) in y.enumerated() { groups[w, default: []].append(s) }
    return groups.sorted { $0.key > $1.key }.map { ($0.key, $0.value) }
  }

  static func json(
    _ r: LoadResult, universe u: Universe, spec: String, seconds: Double, readSeconds: Double,
    claim: PaperLoadClaim? = nil
  ) -> String {
    func frac(_ x: Rational) -> JSONValue {
      .object(["fraction": .string(x.description), "decimal": .double(x.doubleValue)])
    }
    func server(_ s: Int) -> JSONValue { u.names == nil ? .int(s) : .string(u.name(of: s)) }
    let bound: [String: JSONValue] = [
      "value": frac(r.bound.value), "c": .int(r.bound.smallestQuorum),
      "c_over_n": frac(r.bound.sizeOverN),
      "one_over_c": r.bound.oneOverSize.map(frac) ?? .null,
    ]
    var object: [String: JSONValue] = [
      "command": .string("load"),
      "spec": .string(spec),
      "n": .int(r.n),
      "quorums": r.quorumCount < 1e15 ? .int(Int(r.quorumCount)) : .double(r.quorumCount),
      "load": frac(r.value),
      "theorem_4_5_bound": .object(bound),
      "method": .string(r.method.rawValue),
      "iterations": .int(r.iterations),
      "verified": .bool(r.verified),
      "seconds": .double(seconds),
      "read_seconds": .double(readSeconds),
      "strategy": .array(
        r.strategy.map {
          .object([
            "quorum": .array($0.quorum.map(server)), "weight": .string($0.weight.description),
          ])
        }),
      "dual": .array(
        r.dual.enumerated().map { s, w in
          .object(["server": server(s), "weight": .string(w.description)])
        }),
    ]
    object["capacity"] = r.capacity.map(frac) ?? .null
    if let w = r.windows {
      object["strategy_rule"] = .string(
        "the \(w.n) cyclic windows {i, ..., i+\(w.size - 1) mod \(w.n)}, each with probability 1/\(w.n)"
      )
    }
    object["note"] = r.note.map { .string($0) } ?? .null
    if let c = claim {
      object["paper"] = .object([
        "source": .string(c.source), "formula": .string(c.formula),
        "value": c.value.map { .string($0.description) } ?? .null,
        "approximate": .double(c.approximate),
        "matches": .bool(c.matches(r.value)),
      ])
    }
    return JSONValue.object(object).text
  }
}
