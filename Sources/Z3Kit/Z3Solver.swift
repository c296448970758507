import CZ3

/// Which Z3 solver object a `Z3Solver` wraps.
///
/// The general solver is the right default. Each of its checks (before the first `push()`) runs
/// Z3's preprocessing tactics, which costs a few milliseconds even on tiny problems; many small,
/// independent queries are much cheaper with the simple solver.
public enum Z3SolverKind: Equatable, Sendable {
  /// `Z3_mk_solver`: picks a strategy (preprocessing tactics and a core solver) from the
  /// assertions at each check; switches to the incremental SMT core once `push()` has been used.
  case general
  /// `Z3_mk_simple_solver`: Z3's incremental SMT core without preprocessing tactics.
  case simple
  /// `Z3_mk_solver_for_logic`: a solver specialised for an SMT-LIB logic such as `QF_LIA`.
  case logic(String)
}

/// A Z3 solver (by default `Z3_mk_solver`) with assertion bookkeeping.
///
/// Besides driving Z3, the solver keeps in Swift the list of asserted terms and their labels,
/// scoped by `push()`/`pop()`, so that `smtlib2()` can reproduce exactly what was asserted as a
/// portable script. It holds its own Z3 reference (`Z3_solver_inc_ref`/`Z3_solver_dec_ref`) and a
/// strong reference to the context.
public final class Z3Solver {
  /// One assertion as made by the user.
  struct Assertion {
    let term: Term
    let label: String?
    /// The Boolean constant passed to `Z3_solver_assert_and_track`, for labelled assertions.
    let tracker: Term?
  }

  /// The context of the solver; asserted terms must come from it.
  ///
  /// Held strongly, so the context outlives the solver.
  public let context: Z3Context
  let raw: Z3_solver

  private(set) var assertions: [Assertion] = []
  private var scopeStarts: [Int] = []
  private var uintParameters: [(name: String, value: UInt32)] = []

  /// The result of the most recent `check`, or `nil` if the solver changed since.
  ///
  /// Reset by `assert`, `push` and `pop`; `model()` and `unsatCore()` refer to this result.
  public private(set) var lastResult: Z3Result?

  /// Creates a general-purpose solver in `context`.
  ///
  /// Wraps `Z3_mk_solver`, which picks a strategy from the asserted formulas; the same as
  /// `init(context, kind: .general)`.
  public convenience init(_ context: Z3Context) {
    self.init(context, kind: .general)
  }

  /// Creates a solver of the given kind in `context`.
  ///
  /// See `Z3SolverKind` for the trade-offs; everything else (assertions, labels, scripts) works the
  /// same for every kind.
  public init(_ context: Z3Context, kind: Z3SolverKind) {
    self.context = context
    let c = context.raw
    let made: Z3_solver?
    switch kind {
    case .general: made = Z3_mk_solver(c)
    case .simple: made = Z3_mk_simple_solver(c)
    case .logic(let name): made = Z3_mk_solver_for_logic(c, Z3_mk_string_symbol(c, name))
    }
    guard let solver = made else {
      fatalError("Z3Kit: Z3_mk_solver failed: \(context.lastError ?? "no solver")")
    }
    raw = solver
    Z3_solver_inc_ref(context.raw, solver)
  }

  deinit {
    Z3_solver_dec_ref(context.raw, raw)
  }

  // MARK: - Parameters

  /// Limits each subsequent check to `milliseconds` of wall-clock time.
  ///
  /// Sets the solver parameter `timeout`. Zero or a negative value removes the limit. A check that
  /// runs out of time returns `.unknown` (reason typically `timeout` or `canceled`).
  public func setTimeout(milliseconds: Int) {
    let value = milliseconds <= 0 ? UInt32.max : UInt32(Swift.min(milliseconds, Int(UInt32.max)))
    setUIntParameter("timeout", value)
  }

  /// Fixes the random seed of the solver so that runs are reproducible.
  ///
  /// Sets the solver parameter `random_seed` (used by both the SMT core and the SAT core), plus
  /// `smt.random_seed` and `sat.random_seed` when the solver accepts those names (Z3 4.8.12 does
  /// not, as solver parameters).
  public func setSeed(_ seed: Int) {
    let value = UInt32(truncatingIfNeeded: seed)
    for name in ["random_seed", "smt.random_seed", "sat.random_seed"] {
      setUIntParameter(name, value)
    }
  }

  /// Sets an unsigned solver parameter if the solver knows its name.
  ///
  /// Returns whether the name was accepted. All accepted parameters are re-applied together, so
  /// later calls do not undo earlier ones.
  @discardableResult
  public func setUIntParameter(_ name: String, _ value: UInt32) -> Bool {
    let c = context.raw
    guard let descrs = Z3_solver_get_param_descrs(c, raw) else { return false }
    Z3_param_descrs_inc_ref(c, descrs)
    let kind = Z3_param_descrs_get_kind(c, descrs, Z3_mk_string_symbol(c, name))
    Z3_param_descrs_dec_ref(c, descrs)
    guard kind == Z3_PK_UINT else { return false }
    if let i = uintParameters.firstIndex(where: { $0.name == name }) {
      uintParameters[i].value = value
    } else {
      uintParameters.append((name, value))
    }
    guard let params = Z3_mk_params(c) else { return false }
    Z3_params_inc_ref(c, params)
    for p in uintParameters {
      Z3_params_set_uint(c, params, Z3_mk_string_symbol(c, p.name), p.value)
    }
    Z3_solver_set_params(c, raw, params)
    Z3_params_dec_ref(c, params)
    return true
  }

  // MARK: - Assertions

  /// Adds the Boolean term `t` to the assertions of the current scope.
  ///
  /// The term is kept (and stays alive) until the enclosing scope is popped.
  public func assert(_ t: Term) {
    Z3_solver_assert(context.raw, raw, context.own(t))
    assertions.append(Assertion(term: t, label: nil, tracker: nil))
    lastResult = nil
  }

  /// Adds the Boolean term `t` as a tracked assertion whose label can appear in `unsatCore()`.
  ///
  /// Uses `Z3_solver_assert_and_track` with a Boolean constant named `z3kit!track!LABEL`, a name
  /// that does not alias user constants. (A fresh constant per call would be simpler, but Z3 never
  /// frees symbols, so long runs would grow.) Labels should be distinct within a solver; in the
  /// `smtlib2()` script they become `:named` annotations.
  public func assert(_ t: Term, named label: String) {
    let c = context.raw
    let name = Self.trackerPrefix + label
    let tracker = context.wrap(
      Z3_mk_const(c, Z3_mk_string_symbol(c, name), Z3_mk_bool_sort(c)),
      "tracking constant for \(label)")
    Z3_solver_assert_and_track(c, raw, context.own(t), tracker.ast)
    assertions.append(Assertion(term: t, label: label, tracker: tracker))
    lastResult = nil
  }

  /// The name prefix of the constants that track labelled assertions.
  static let trackerPrefix = "z3kit!track!"

  /// The number of assertions currently on the solver (over all open scopes).
  ///
  /// Counts calls of both `assert` forms not undone by `pop()`.
  public var assertionCount: Int { assertions.count }

  /// Opens a scope: assertions made after it are removed by the matching `pop()`.
  ///
  /// Wraps `Z3_solver_push`.
  public func push() {
    Z3_solver_push(context.raw, raw)
    scopeStarts.append(assertions.count)
    lastResult = nil
  }

  /// Closes the innermost scope, removing the assertions made since the matching `push()`.
  ///
  /// Wraps `Z3_solver_pop(1)`. Calling it without an open scope is a programming error and stops
  /// with a precondition failure.
  public func pop() {
    guard let start = scopeStarts.popLast() else {
      preconditionFailure("Z3Kit: pop() without a matching push()")
    }
    Z3_solver_pop(context.raw, raw, 1)
    assertions.removeSubrange(start...)
    lastResult = nil
  }

  /// The number of open scopes.
  ///
  /// Incremented by `push()`, decremented by `pop()`.
  public var scopeDepth: Int { scopeStarts.count }

  // MARK: - Checking

  /// Checks whether the assertions, together with the Boolean `assuming` terms, are satisfiable.
  ///
  /// Uses `Z3_solver_check` or, with assumptions, `Z3_solver_check_assumptions` (assumptions are
  /// typically Boolean constants or their negations; they do not stay asserted). When Z3 gives up,
  /// the result is `.unknown` with `Z3_solver_get_reason_unknown`, or with the Z3 error message if
  /// the check raised an error (for example the memory limit).
  public func check(assuming: [Term] = []) -> Z3Result {
    let c = context.raw
    let errorsBefore = context.errorCount
    let answer: Z3_lbool
    if assuming.isEmpty {
      answer = Z3_solver_check(c, raw)
    } else {
      answer = context.withASTs(assuming) { Z3_solver_check_assumptions(c, raw, $1, $0) }
    }
    let result: Z3Result
    switch answer {
    case Z3_L_TRUE: result = .sat
    case Z3_L_FALSE: result = .unsat
    default:
      if context.errorCount != errorsBefore, let error = context.lastError {
        result = .unknown(reason: error)
      } else {
        let reason = Z3_solver_get_reason_unknown(c, raw).map { String(cString: $0) }
        result = .unknown(reason: reason ?? "unknown")
      }
    }
    lastResult = result
    return result
  }

  /// The model of the last check, if it was `.sat`.
  ///
  /// Returns `nil` when the last check was not `.sat` or the solver changed since.
  public func model() -> Z3Model? {
    guard lastResult == .sat, let m = Z3_solver_get_model(context.raw, raw) else { return nil }
    return Z3Model(context: context, raw: m)
  }

  /// The labels of the tracked assertions in the unsatisfiable core of the last check, sorted.
  ///
  /// Also lists assumptions of `check(assuming:)` that are in the core: a constant by its name, any
  /// other term in Z3's syntax. Empty when the last check was not `.unsat`. Z3 does not minimise
  /// cores by default, so the core may contain more labels than necessary.
  public func unsatCore() -> [String] {
    guard lastResult == .unsat else { return [] }
    let c = context.raw
    guard let core = Z3_solver_get_unsat_core(c, raw) else { return [] }
    Z3_ast_vector_inc_ref(c, core)
    defer { Z3_ast_vector_dec_ref(c, core) }
    var labelOf: [UInt32: String] = [:]
    for a in assertions {
      if let tracker = a.tracker, let label = a.label { labelOf[tracker.id] = label }
    }
    var names = Set<String>()
    for i in 0..<Z3_ast_vector_size(c, core) {
      guard let element = Z3_ast_vector_get(c, core, i) else { continue }
      let t = Term(context: context, ast: element)
      if let label = labelOf[t.id] {
        names.insert(label)
      } else if let name = SMTLib2Writer.constantName(c, t.ast) {
        names.insert(name)
      } else {
        names.insert(t.description)
      }
    }
    return names.sorted()
  }

  /// Z3's statistics for the last check, by key.
  ///
  /// Reads `Z3_solver_get_statistics`: every key with its unsigned or floating-point value
  /// (for example `conflicts`, `decisions`, `time`, `memory`). If a key occurs twice, the last
  /// value wins.
  public func statistics() -> [String: Double] {
    let c = context.raw
    guard let stats = Z3_solver_get_statistics(c, raw) else { return [:] }
    Z3_stats_inc_ref(c, stats)
    defer { Z3_stats_dec_ref(c, stats) }
    var result: [String: Double] = [:]
    for i in 0..<Z3_stats_size(c, stats) {
      let key = String(cString: Z3_stats_get_key(c, stats, i))
      if Z3_stats_is_uint(c, stats, i) {
        result[key] = Double(Z3_stats_get_uint_value(c, stats, i))
      } else {
        result[key] = Z3_stats_get_double_value(c, stats, i)
      }
    }
    return result
  }

  // MARK: - Text

  /// The current assertions as a portable SMT-LIB2 script ending in `(check-sat)`.
  ///
  /// The script sets `:produce-models` (and `:produce-unsat-cores` when there are labelled
  /// assertions), uses logic `ALL`, declares every constant, and asserts each assertion in order,
  /// labelled ones as `(assert (! TERM :named LABEL))`. Terms are printed in standard SMT-LIB2;
  /// Z3's pseudo-Boolean constraints become linear sums of `(ite b c 0)`, so `z3` and `cvc5` both
  /// accept the script. Large shared subterms are printed once, as `define-fun`. Names that are not
  /// simple symbols are quoted with `|…|`; names that clash with SMT-LIB reserved words or built-in
  /// symbols, or with each other, get a `!N` suffix.
  public func smtlib2() -> String {
    smtlib2(assuming: [])
  }

  /// The current assertions as a portable SMT-LIB2 script checked under assumptions.
  ///
  /// Like `smtlib2()`, but when `assuming` is not empty the script ends with
  /// `(check-sat-assuming (…))` instead of `(check-sat)`, mirroring `check(assuming:)`.
  public func smtlib2(assuming: [Term]) -> String {
    var writer = SMTLib2Writer(context: context)
    let roots = assertions.map { ($0.term, $0.label) }
    return withExtendedLifetime(assuming) {
      writer.script(assertions: roots, assumptions: assuming)
    }
  }

  /// The solver in Z3's own dialect, for debugging.
  ///
  /// Produced by `Z3_solver_to_string`; it may use Z3-only syntax such as `(_ at-most k)` and shows
  /// tracking constants rather than labels.
  public func nativeText() -> String {
    String(cString: Z3_solver_to_string(context.raw, raw))
  }
}
