import CZ3

/// A satisfying assignment found by `Z3Solver.check`.
///
/// The model holds its own Z3 reference (`Z3_model_inc_ref`/`Z3_model_dec_ref`) and a strong
/// reference to the context, so it stays valid after the solver changes or is released.
public final class Z3Model: CustomStringConvertible {
  /// The context the model belongs to.
  ///
  /// Only terms of this context can be evaluated.
  public let context: Z3Context
  let raw: Z3_model

  init(context: Z3Context, raw: Z3_model) {
    self.context = context
    self.raw = raw
    Z3_model_inc_ref(context.raw, raw)
  }

  deinit {
    Z3_model_dec_ref(context.raw, raw)
  }

  /// Evaluates `t` with model completion and returns the resulting AST (with a reference held).
  private func evaluate(_ t: Term) -> Term? {
    let c = context.raw
    let input = context.own(t)
    var out: Z3_ast? = nil
    let ok = withExtendedLifetime(t) { Z3_model_eval(c, raw, input, true, &out) }
    guard ok, let out else { return nil }
    return Term(context: context, ast: out)
  }

  /// The value of a Boolean term in this model.
  ///
  /// Evaluated with `Z3_model_eval` and model completion, so constants the solver left free get a
  /// default value. Returns `nil` if the result is not `true` or `false` (for example, an integer
  /// term).
  public func bool(_ t: Term) -> Bool? {
    guard let v = evaluate(t) else { return nil }
    switch Z3_get_bool_value(context.raw, v.ast) {
    case Z3_L_TRUE: return true
    case Z3_L_FALSE: return false
    default: return nil
    }
  }

  /// The value of an integer term in this model.
  ///
  /// Evaluated with `Z3_model_eval` and model completion. Returns `nil` if the result is not an
  /// integer numeral or does not fit in `Int`.
  public func int(_ t: Term) -> Int? {
    guard let v = evaluate(t) else { return nil }
    let c = context.raw
    guard Z3_get_ast_kind(c, v.ast) == Z3_NUMERAL_AST,
      Z3_get_sort_kind(c, Z3_get_sort(c, v.ast)) == Z3_INT_SORT
    else { return nil }
    var value: Int64 = 0
    guard Z3_get_numeral_int64(c, v.ast, &value) else { return nil }
    return Int(value)
  }

  /// The model in Z3's own syntax.
  ///
  /// Produced by `Z3_model_to_string`; meant for debugging.
  public var description: String {
    String(cString: Z3_model_to_string(context.raw, raw))
  }
}
