/// Outcome of a check.
///
/// `sat` and `unsat` are definite answers; `unknown` carries Z3's reason (for example `timeout`,
/// `canceled` or a memory-limit message) so callers can report why no answer was found.
public enum Z3Result: Equatable, Sendable, CustomStringConvertible {
  /// The assertions (and assumptions) are satisfiable.
  case sat
  /// The assertions (and assumptions) are unsatisfiable.
  case unsat
  /// Z3 gave up; `reason` is Z3's explanation.
  case unknown(reason: String)

  /// The SMT-LIB spelling of the result.
  ///
  /// `"sat"`, `"unsat"` or `"unknown"` — the same word a solver binary prints for `(check-sat)`,
  /// without the reason.
  public var description: String {
    switch self {
    case .sat: return "sat"
    case .unsat: return "unsat"
    case .unknown: return "unknown"
    }
  }
}
