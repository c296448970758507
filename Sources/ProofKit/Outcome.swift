/// What running one obligation produced.
public struct Outcome: Sendable {
  /// The verdict.
  public var verdict: Verdict
  /// One line: why (the counterexample's parameters, the reason for unknown, ...).
  public var summary: String
  /// Further lines of evidence (region sizes, concrete sets, per-direction answers).
  public var details: [String]
  /// The solver queries asked, with their SMT-LIB2 text.
  public var queries: [ProofQuery]

  /// An outcome.
  public init(
    _ verdict: Verdict, _ summary: String, details: [String] = [], queries: [ProofQuery] = []
  ) {
    self.verdict = verdict
    self.summary = summary
    self.details = details
    self.queries = queries
  }
}
