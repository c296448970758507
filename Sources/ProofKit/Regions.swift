import QuorumSMT
import Z3Kit

/// Integer variables for the sizes of the Venn regions of a few named sets (ProofKit's own copy
/// of the region method of DESIGN.md, "Parametric proofs").
///
/// Region `m` (bit `i` set iff the servers of the region are in set `i`) holds the servers in
/// exactly those sets. Every family of sets over `n` servers gives non-negative sizes summing to
/// `n`, and every such assignment is realised by sets, so a statement about sizes of Boolean
/// combinations holds for all sets iff its negation is UNSAT over the regions.
struct Regions {
  let z: Z3Context
  let names: [String]
  let regions: [Term]
  let labels: [String]

  init(_ z: Z3Context, prefix: String, sets names: [String]) {
    self.z = z
    self.names = names
    let labels = (0..<(1 << names.count)).map { m -> String in
      let inside = names.indices.filter { m & (1 << $0) != 0 }.map { names[$0] }
      return inside.isEmpty ? "none" : inside.joined(separator: "&")
    }
    self.labels = labels
    regions = labels.map { z.int("\(prefix)[\($0)]") }
  }

  /// Every region non-negative, all summing to `total`.
  func wellFormed(total: Term) -> Term {
    z.and(regions.map { z.ge($0, z.numeral(0)) } + [z.eq(z.sum(regions), total)])
  }

  func index(_ name: String) -> Int {
    guard let i = names.firstIndex(of: name) else { preconditionFailure("unknown set \(name)") }
    return i
  }

  /// `|{servers whose membership pattern satisfies predicate}|`.
  func size(where predicate: (_ inSet: (String) -> Bool) -> Bool) -> Term {
    var parts: [Term] = []
    for (m, r) in regions.enumerated() {
      let inSet: (String) -> Bool = { name in m & (1 << self.index(name)) != 0 }
      if predicate(inSet) { parts.append(r) }
    }
    return z.sum(parts)
  }

  func size(of name: String) -> Term { size { $0(name) } }

  /// The non-zero region sizes of a model, as `|label| = v`.
  func describe(_ model: Z3Model) -> String {
    zip(labels, regions).compactMap { label, t -> String? in
      guard let v = model.int(t), v != 0 else { return nil }
      return "|\(label)| = \(v)"
    }.joined(separator: ", ")
  }

  /// The region sizes of a model, by region index.
  func values(_ model: Z3Model) -> [Int] { regions.map { model.int($0) ?? 0 } }
}

/// One solver query of a proof, as recorded for the report and `--emit-smt2`.
public struct ProofQuery: Sendable {
  /// What it asks.
  public var title: String
  /// The answer that the proof needs ("sat"/"unsat").
  public var needed: String
  /// The solver's answer.
  public var answer: String
  /// Seconds in the solver.
  public var seconds: Double
  /// The query as portable SMT-LIB2.
  public var smtlib2: String
}

/// Runs solver checks under a deadline and records them.
final class QueryLog {
  var queries: [ProofQuery] = []
  let options: EngineOptions

  init(options: EngineOptions) { self.options = options }

  func check(_ s: Z3Solver, _ title: String, needed: String) -> Z3Result {
    s.setSeed(options.seed)
    if let ms = options.remainingMilliseconds { s.setTimeout(milliseconds: max(ms, 1)) }
    let text = s.smtlib2()
    let start = Clock.now
    let r: Z3Result = options.expired ? .unknown(reason: "budget exhausted") : s.check()
    let seconds = Clock.now - start
    let answer: String
    switch r {
    case .sat: answer = "sat"
    case .unsat: answer = "unsat"
    case .unknown(let why): answer = "unknown (\(why))"
    }
    queries.append(
      ProofQuery(title: title, needed: needed, answer: answer, seconds: seconds, smtlib2: text))
    return r
  }
}
