import CZ3
import Foundation

/// Errors reported by Z3's error handler, keyed by the context that raised them.
///
/// Z3 calls a plain C function on error, which cannot capture state, so the handler records the
/// message here and `Z3Context.lastError` reads it back. The lock makes recording safe from any
/// thread that happens to drive a context.
final class Z3ErrorRegistry: @unchecked Sendable {
  static let shared = Z3ErrorRegistry()

  private let lock = NSLock()
  private var messages: [UInt: String] = [:]
  private var counters: [UInt: Int] = [:]

  private static func key(_ context: Z3_context) -> UInt {
    UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(context)))
  }

  func record(_ context: Z3_context, _ message: String) {
    lock.lock()
    defer { lock.unlock() }
    let k = Self.key(context)
    messages[k] = message
    counters[k, default: 0] += 1
  }

  func message(_ context: Z3_context) -> String? {
    lock.lock()
    defer { lock.unlock() }
    return messages[Self.key(context)]
  }

  func setMessage(_ context: Z3_context, _ message: String?) {
    lock.lock()
    defer { lock.unlock() }
    messages[Self.key(context)] = message
  }

  func count(_ context: Z3_context) -> Int {
    lock.lock()
    defer { lock.unlock() }
    return counters[Self.key(context)] ?? 0
  }

  func remove(_ context: Z3_context) {
    lock.lock()
    defer { lock.unlock() }
    let k = Self.key(context)
    messages[k] = nil
    counters[k] = nil
  }
}

/// The error handler installed on every context: record, never abort.
private func z3KitErrorHandler(_ context: Z3_context?, _ code: Z3_error_code) {
  guard let context else { return }
  let message = Z3_get_error_msg(context, code).map { String(cString: $0) } ?? "Z3 error \(code)"
  Z3ErrorRegistry.shared.record(context, message)
}

/// A Z3 context: the factory for terms and the owner of everything Z3 allocates.
///
/// The context is created with `Z3_mk_context_rc` (explicit reference counting) and model
/// generation enabled. Every `Term`, `Z3Solver` and `Z3Model` keeps a strong reference to its
/// context, so `Z3_del_context` runs only after all of them are gone. A context is not
/// thread-safe: use it (and everything made from it) from one thread at a time; `interrupt()` is
/// the exception.
///
/// Z3 errors (for example applying `and` to an `Int` term) do not abort the process: the message is
/// recorded in `lastError`. A builder method whose Z3 call fails has no term to return and stops
/// with a precondition failure naming the error; that only happens on misuse (mixed sorts).
public final class Z3Context {
  /// The underlying Z3 context handle.
  ///
  /// Valid for the lifetime of this object. Exposed for code that needs a Z3 call this layer does
  /// not wrap; such code must follow the reference-counting rules of `Z3_mk_context_rc`.
  public let raw: Z3_context

  /// Creates a reference-counted Z3 context with model generation enabled.
  ///
  /// Installs an error handler that records errors in `lastError` instead of terminating the
  /// process (Z3's default behaviour).
  public init() {
    let config = Z3_mk_config()
    Z3_set_param_value(config, "model", "true")
    guard let context = Z3_mk_context_rc(config) else {
      Z3_del_config(config)
      fatalError("Z3Kit: Z3_mk_context_rc failed")
    }
    Z3_del_config(config)
    raw = context
    Z3_set_error_handler(context, z3KitErrorHandler)
  }

  deinit {
    Z3_del_context(raw)
    Z3ErrorRegistry.shared.remove(raw)
  }

  /// The message of the most recent Z3 error raised in this context, if any.
  ///
  /// Errors are recorded by the handler installed in `init()` and stay until overwritten by a later
  /// error or cleared by assigning `nil`.
  public var lastError: String? {
    get { Z3ErrorRegistry.shared.message(raw) }
    set { Z3ErrorRegistry.shared.setMessage(raw, newValue) }
  }

  /// How many Z3 errors this context has raised so far (used to detect errors during a call).
  var errorCount: Int { Z3ErrorRegistry.shared.count(raw) }

  /// Sets Z3's global memory limit.
  ///
  /// Wraps `Z3_global_param_set("memory_max_size", …)`. The limit is process-wide and applies to
  /// every context; a check that exceeds it ends with `.unknown`. Zero or a negative value removes
  /// the limit.
  public static func setGlobalMemoryLimit(megabytes: Int) {
    Z3_global_param_set("memory_max_size", String(Swift.max(0, megabytes)))
  }

  /// Asks a running check in this context to stop as soon as possible.
  ///
  /// Wraps `Z3_interrupt`, the one Z3 call that may be made from another thread while the context
  /// is busy. The interrupted check returns `.unknown` (reason `canceled`).
  public func interrupt() {
    Z3_interrupt(raw)
  }

  // MARK: - Wrapping

  /// Wraps a freshly created AST, stopping with Z3's error message if creation failed.
  func wrap(_ ast: Z3_ast?, _ operation: @autoclosure () -> String) -> Term {
    guard let ast else {
      preconditionFailure(
        "Z3Kit: \(operation()) failed: \(lastError ?? "Z3 returned no term")")
    }
    return Term(context: self, ast: ast)
  }

  /// Checks that a term belongs to this context.
  @inline(__always)
  func own(_ t: Term) -> Z3_ast? {
    precondition(t.context === self, "Z3Kit: term belongs to a different context")
    return t.ast
  }

  /// Calls `body` with the raw ASTs of `ts`, keeping the terms alive during the call.
  func withASTs<R>(_ ts: [Term], _ body: (UnsafePointer<Z3_ast?>?, UInt32) -> R) -> R {
    let asts: [Z3_ast?] = ts.map { own($0) }
    return withExtendedLifetime(ts) {
      asts.withUnsafeBufferPointer { body($0.baseAddress, UInt32(asts.count)) }
    }
  }

  // MARK: - Constants

  /// Returns the Boolean constant called `name`.
  ///
  /// Z3 identifies constants by name and sort: two calls with the same name give the same constant.
  public func bool(_ name: String) -> Term {
    let symbol = Z3_mk_string_symbol(raw, name)
    return wrap(Z3_mk_const(raw, symbol, Z3_mk_bool_sort(raw)), "bool(\(name))")
  }

  /// Returns the integer constant called `name`.
  ///
  /// Z3 identifies constants by name and sort: two calls with the same name give the same constant.
  public func int(_ name: String) -> Term {
    let symbol = Z3_mk_string_symbol(raw, name)
    return wrap(Z3_mk_const(raw, symbol, Z3_mk_int_sort(raw)), "int(\(name))")
  }

  /// Returns the Boolean literal `true` or `false`.
  ///
  /// Useful as the neutral element when building formulas incrementally.
  public func literal(_ value: Bool) -> Term {
    wrap(value ? Z3_mk_true(raw) : Z3_mk_false(raw), "literal(\(value))")
  }

  /// Returns the integer numeral `value`.
  ///
  /// Any `Int` is representable, including negative values and values beyond 32 bits (the numeral
  /// is built with `Z3_mk_int64`).
  public func numeral(_ value: Int) -> Term {
    wrap(Z3_mk_int64(raw, Int64(value), Z3_mk_int_sort(raw)), "numeral(\(value))")
  }

  // MARK: - Boolean connectives

  /// Returns the conjunction of `ts`.
  ///
  /// An empty list gives `true` and a single term is returned unchanged.
  public func and(_ ts: [Term]) -> Term {
    if ts.isEmpty { return literal(true) }
    if ts.count == 1 { return ts[0] }
    return withASTs(ts) { wrap(Z3_mk_and(raw, $1, $0), "and") }
  }

  /// Returns the disjunction of `ts`.
  ///
  /// An empty list gives `false` and a single term is returned unchanged.
  public func or(_ ts: [Term]) -> Term {
    if ts.isEmpty { return literal(false) }
    if ts.count == 1 { return ts[0] }
    return withASTs(ts) { wrap(Z3_mk_or(raw, $1, $0), "or") }
  }

  /// Returns the negation of the Boolean term `t`.
  ///
  /// No simplification is done: `not(not(t))` is a double negation in the AST.
  public func not(_ t: Term) -> Term {
    wrap(Z3_mk_not(raw, own(t)), "not")
  }

  /// Returns the implication `a => b`.
  ///
  /// Both terms must be Boolean.
  public func implies(_ a: Term, _ b: Term) -> Term {
    wrap(Z3_mk_implies(raw, own(a), own(b)), "implies")
  }

  /// Returns the equivalence `a <=> b`.
  ///
  /// Both terms must be Boolean; Z3 represents it as an equality of Booleans.
  public func iff(_ a: Term, _ b: Term) -> Term {
    wrap(Z3_mk_iff(raw, own(a), own(b)), "iff")
  }

  /// Returns `if c then a else b`.
  ///
  /// `c` must be Boolean; `a` and `b` must have the same sort, which is the sort of the result.
  public func ite(_ c: Term, _ a: Term, _ b: Term) -> Term {
    wrap(Z3_mk_ite(raw, own(c), own(a), own(b)), "ite")
  }

  /// Returns the equality `a = b`.
  ///
  /// Both terms must have the same sort (Boolean or integer).
  public func eq(_ a: Term, _ b: Term) -> Term {
    wrap(Z3_mk_eq(raw, own(a), own(b)), "eq")
  }

  // MARK: - Linear integer arithmetic

  /// Returns the sum of the integer terms `ts`.
  ///
  /// An empty list gives the numeral 0 and a single term is returned unchanged.
  public func sum(_ ts: [Term]) -> Term {
    if ts.isEmpty { return numeral(0) }
    if ts.count == 1 { return ts[0] }
    return withASTs(ts) { wrap(Z3_mk_add(raw, $1, $0), "sum") }
  }

  /// Returns the difference `a - b`.
  ///
  /// Both terms must be integers.
  public func sub(_ a: Term, _ b: Term) -> Term {
    withASTs([a, b]) { wrap(Z3_mk_sub(raw, $1, $0), "sub") }
  }

  /// Returns the product `k * t` of a constant and an integer term.
  ///
  /// Only constant factors are offered so that formulas stay linear.
  public func times(_ k: Int, _ t: Term) -> Term {
    let factor = numeral(k)
    return withASTs([factor, t]) { wrap(Z3_mk_mul(raw, $1, $0), "times") }
  }

  /// Returns the comparison `a <= b`.
  ///
  /// Both terms must be integers.
  public func le(_ a: Term, _ b: Term) -> Term {
    wrap(Z3_mk_le(raw, own(a), own(b)), "le")
  }

  /// Returns the comparison `a < b`.
  ///
  /// Both terms must be integers.
  public func lt(_ a: Term, _ b: Term) -> Term {
    wrap(Z3_mk_lt(raw, own(a), own(b)), "lt")
  }

  /// Returns the comparison `a >= b`.
  ///
  /// Both terms must be integers.
  public func ge(_ a: Term, _ b: Term) -> Term {
    wrap(Z3_mk_ge(raw, own(a), own(b)), "ge")
  }

  /// Returns the comparison `a > b`.
  ///
  /// Both terms must be integers.
  public func gt(_ a: Term, _ b: Term) -> Term {
    wrap(Z3_mk_gt(raw, own(a), own(b)), "gt")
  }

  /// Returns the smaller of two integer terms.
  ///
  /// Encoded as `ite(a <= b, a, b)`.
  public func min(_ a: Term, _ b: Term) -> Term {
    ite(le(a, b), a, b)
  }

  // MARK: - Cardinality and pseudo-Boolean constraints

  /// Returns "at most `k` of the Boolean terms `ts` are true".
  ///
  /// Uses Z3's native `at-most` constraint. A negative `k` gives `false` and an empty list gives
  /// `true` directly (Z3 rejects empty cardinality constraints).
  public func atMost(_ ts: [Term], _ k: Int) -> Term {
    if k < 0 { return literal(false) }
    if ts.isEmpty || k > Int(UInt32.max) { return literal(true) }
    return withASTs(ts) { wrap(Z3_mk_atmost(raw, $1, $0, UInt32(k)), "atMost") }
  }

  /// Returns "at least `k` of the Boolean terms `ts` are true".
  ///
  /// Uses Z3's native `at-least` constraint. A `k` of zero or less gives `true` and an empty list
  /// with a positive `k` gives `false` directly (Z3 rejects empty cardinality constraints).
  public func atLeast(_ ts: [Term], _ k: Int) -> Term {
    if k <= 0 { return literal(true) }
    if ts.isEmpty || k > Int(UInt32.max) { return literal(false) }
    return withASTs(ts) { wrap(Z3_mk_atleast(raw, $1, $0, UInt32(k)), "atLeast") }
  }

  /// Returns "exactly `k` of the Boolean terms `ts` are true".
  ///
  /// Uses Z3's native pseudo-Boolean equality with every coefficient 1.
  public func exactly(_ ts: [Term], _ k: Int) -> Term {
    pbEQ(ts, Array(repeating: 1, count: ts.count), k)
  }

  /// Returns `coeffs[0]*ts[0] + … + coeffs[n-1]*ts[n-1] <= k`, each Boolean counting as 0 or 1.
  ///
  /// Uses Z3's native `pble`. Coefficients may be negative. Z3 stores coefficients as 32-bit
  /// integers; if a coefficient or `k` does not fit, the constraint is built in linear arithmetic
  /// instead (`sum(ite(t, c, 0)) <= k`), which is equivalent.
  public func pbLE(_ ts: [Term], _ coeffs: [Int], _ k: Int) -> Term {
    pb(ts, coeffs, k, .le)
  }

  /// Returns `coeffs[0]*ts[0] + … + coeffs[n-1]*ts[n-1] >= k`, each Boolean counting as 0 or 1.
  ///
  /// Uses Z3's native `pbge`. Coefficients may be negative. Out-of-range coefficients are handled
  /// as in `pbLE`.
  public func pbGE(_ ts: [Term], _ coeffs: [Int], _ k: Int) -> Term {
    pb(ts, coeffs, k, .ge)
  }

  /// Returns `coeffs[0]*ts[0] + … + coeffs[n-1]*ts[n-1] = k`, each Boolean counting as 0 or 1.
  ///
  /// Uses Z3's native `pbeq`. Coefficients may be negative. Out-of-range coefficients are handled
  /// as in `pbLE`.
  public func pbEQ(_ ts: [Term], _ coeffs: [Int], _ k: Int) -> Term {
    pb(ts, coeffs, k, .eq)
  }

  enum PBRelation { case le, ge, eq }

  private func pb(_ ts: [Term], _ coeffs: [Int], _ k: Int, _ rel: PBRelation) -> Term {
    precondition(
      ts.count == coeffs.count, "Z3Kit: \(ts.count) terms but \(coeffs.count) coefficients")
    if ts.isEmpty {
      switch rel {
      case .le: return literal(0 <= k)
      case .ge: return literal(0 >= k)
      case .eq: return literal(k == 0)
      }
    }
    let fits = { (v: Int) in v >= Int(Int32.min) && v <= Int(Int32.max) }
    guard fits(k), coeffs.allSatisfy(fits) else { return pbFallback(ts, coeffs, k, rel) }
    let cs = coeffs.map { Int32($0) }
    return withASTs(ts) { asts, n in
      cs.withUnsafeBufferPointer { c in
        switch rel {
        case .le: return wrap(Z3_mk_pble(raw, n, asts, c.baseAddress, Int32(k)), "pbLE")
        case .ge: return wrap(Z3_mk_pbge(raw, n, asts, c.baseAddress, Int32(k)), "pbGE")
        case .eq: return wrap(Z3_mk_pbeq(raw, n, asts, c.baseAddress, Int32(k)), "pbEQ")
        }
      }
    }
  }

  /// The linear-arithmetic form of a pseudo-Boolean constraint.
  private func pbFallback(_ ts: [Term], _ coeffs: [Int], _ k: Int, _ rel: PBRelation) -> Term {
    let zero = numeral(0)
    var summands: [Term] = []
    summands.reserveCapacity(ts.count)
    for (i, t) in ts.enumerated() {
      summands.append(ite(t, numeral(coeffs[i]), zero))
    }
    let lhs = sum(summands)
    switch rel {
    case .le: return le(lhs, numeral(k))
    case .ge: return ge(lhs, numeral(k))
    case .eq: return eq(lhs, numeral(k))
    }
  }
}
