import QuorumSMT
import Z3Kit

/// The Venn-region variables of DESIGN.md's "Parametric proofs" (shared with the existence
/// engine).
typealias Regions = VennRegions

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
