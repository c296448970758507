import CZ3

/// A Z3 expression (a Boolean or integer term) owned by a `Z3Context`.
///
/// A term holds one Z3 reference to its AST (`Z3_inc_ref` on creation, `Z3_dec_ref` on release)
/// and a strong reference to its context, so the context outlives it. Terms are immutable; build
/// new ones with the methods of `Z3Context`. Two terms are equal (`==`) when they are the same Z3
/// AST: Z3 shares structurally identical terms, so building the same expression twice gives equal
/// terms.
public final class Term: CustomStringConvertible, Hashable {
  /// The context that made this term and keeps it valid.
  ///
  /// Terms can only be combined with terms of the same context.
  public let context: Z3Context

  /// The underlying Z3 AST handle, valid as long as this object lives.
  ///
  /// Exposed for code that needs a Z3 call this layer does not wrap.
  public let ast: Z3_ast

  init(context: Z3Context, ast: Z3_ast) {
    self.context = context
    self.ast = ast
    Z3_inc_ref(context.raw, ast)
  }

  deinit {
    Z3_dec_ref(context.raw, ast)
  }

  /// The term in Z3's own S-expression syntax.
  ///
  /// Produced by `Z3_ast_to_string`; meant for debugging and messages, not for other solvers (use
  /// `Z3Solver.smtlib2()` for portable output).
  public var description: String {
    String(cString: Z3_ast_to_string(context.raw, ast))
  }

  /// Whether the term is Boolean.
  ///
  /// True for constants, connectives, comparisons and pseudo-Boolean constraints.
  public var isBool: Bool {
    Z3_get_sort_kind(context.raw, Z3_get_sort(context.raw, ast)) == Z3_BOOL_SORT
  }

  /// Whether the term is an integer.
  ///
  /// True for integer constants, numerals and arithmetic over them.
  public var isInt: Bool {
    Z3_get_sort_kind(context.raw, Z3_get_sort(context.raw, ast)) == Z3_INT_SORT
  }

  /// Z3's identifier of the AST, unique among live ASTs of the context.
  ///
  /// Stable while the term is alive; it may be reused after the AST is released.
  public var id: UInt32 {
    Z3_get_ast_id(context.raw, ast)
  }

  /// Whether two terms are the same Z3 AST of the same context.
  ///
  /// This is structural identity, not logical equivalence; use `Z3Context.eq` for the latter.
  public static func == (lhs: Term, rhs: Term) -> Bool {
    lhs.context === rhs.context && Z3_is_eq_ast(lhs.context.raw, lhs.ast, rhs.ast)
  }

  /// Hashes the AST identifier.
  ///
  /// Consistent with `==`: equal terms have the same AST and hence the same identifier.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(ObjectIdentifier(context))
    hasher.combine(id)
  }
}
