import CZ3

/// Prints Z3 ASTs as a portable SMT-LIB2 script by walking them through the C API.
///
/// Works in two passes over the DAG of all assertions. The first pass (iterative, so deep terms do
/// not exhaust the stack) records for every distinct AST how to print it, how often it is referenced
/// and which uninterpreted constants and functions occur. The second pass gives a `define-fun` name
/// to every subterm that is referenced more than once and would print large, so that terms with
/// heavy sharing (such as nested `min`) do not blow up exponentially. Printing is iterative as well.
struct SMTLib2Writer {
  /// How one AST is printed.
  enum Shape {
    /// Fixed text: `true`, a numeral, or Z3's own text for a construct not handled here.
    case text(String)
    /// An uninterpreted constant, printed by its exported name.
    case constant(UInt32)
    /// `(op arg1 … argN)`.
    case apply(String)
    /// An application of an uninterpreted function, `(f arg1 … argN)`.
    case function(UInt32)
    /// The single argument, printed in place of a one-argument `and`, `or`, `+` and so on.
    case bare
    /// A pseudo-Boolean constraint `(rel (+ (ite a1 c1 0) …) k)`.
    case pb(relation: String, coefficients: [String], bound: String)
  }

  struct Node {
    let ast: Z3_ast
    let shape: Shape
    let children: [Z3_ast]
    var references: Int
    var printSize = 1
    var name: String? = nil
  }

  /// Shared subterms whose printed size reaches this many AST nodes get a `define-fun`.
  static let shareThreshold = 16

  /// Words reserved by SMT-LIB 2.6 and symbols predefined in logic `ALL` by z3 or cvc5 (cvc5
  /// refuses to declare a constant that shadows one), so a constant with such a name is renamed.
  static let reservedNames: Set<String> = [
    // SMT-LIB 2.6 reserved words and command names.
    "!", "_", "as", "BINARY", "DECIMAL", "exists", "HEXADECIMAL", "forall", "let", "match",
    "NUMERAL", "par", "STRING", "assert", "check-sat", "check-sat-assuming", "declare-const",
    "declare-datatype", "declare-datatypes", "declare-fun", "declare-sort", "define-fun",
    "define-fun-rec", "define-funs-rec", "define-sort", "echo", "exit", "get-assertions",
    "get-assignment", "get-info", "get-model", "get-option", "get-proof", "get-unsat-assumptions",
    "get-unsat-core", "get-value", "pop", "push", "reset", "reset-assertions", "set-info",
    "set-logic", "set-option",
    // Core, integers, reals.
    "true", "false", "not", "and", "or", "xor", "=>", "=", "distinct", "ite", "+", "-", "*", "/",
    "div", "mod", "abs", "<=", "<", ">=", ">", "to_real", "to_int", "is_int", "divisible", "^",
    // Arrays, transcendentals and other extensions of cvc5 and z3.
    "select", "store", "exp", "sin", "cos", "tan", "csc", "sec", "cot", "arcsin", "arccos",
    "arctan", "arccsc", "arcsec", "arccot", "sqrt", "pi", "iand", "int2bv", "bv2nat", "bv2int",
    "concat", "extract", "repeat", "zero_extend", "sign_extend", "rotate_left", "rotate_right",
    "fp", "RNE", "RNA", "RTP", "RTN", "RTZ", "roundNearestTiesToEven", "roundNearestTiesToAway",
    "roundTowardPositive", "roundTowardNegative", "roundTowardZero", "tuple", "sep", "wand",
    "pto", "emp", "nil", "bag", "char", "as-array", "lambda",
    // Sort names.
    "Bool", "Int", "Real", "Array", "String", "Seq", "RegLan",
  ]

  /// Namespaces of theory symbols such as `str.len` or `set.union`.
  static let reservedNamespaces: Set<Substring> = [
    "str", "re", "seq", "set", "bag", "fp", "int", "real", "rel", "tuple", "sep", "ff", "char",
    "table", "nullable", "dt",
  ]

  /// Whether a symbol cannot be declared by a script (reserved, predefined or solver-internal).
  static func isReserved(_ name: String) -> Bool {
    if reservedNames.contains(name) { return true }
    if name.hasPrefix(".") || name.hasPrefix("@") { return true }
    // Bit-vector operators: bvadd, bvult, bvredor, bvuaddo, …
    if name.hasPrefix("bv"), name.count > 3,
      name.dropFirst(2).allSatisfy({ ("a"..."z").contains($0) })
    {
      return true
    }
    if let dot = name.firstIndex(of: "."), reservedNamespaces.contains(name[..<dot]) {
      return true
    }
    return false
  }

  let context: Z3Context
  private var c: Z3_context { context.raw }

  private var nodes: [UInt32: Node] = [:]
  /// Distinct ASTs in post-order (children before parents).
  private var order: [UInt32] = []
  /// Uninterpreted declarations in order of first appearance.
  private var declarations: [(id: UInt32, decl: Z3_func_decl)] = []
  private var declarationIDs: Set<UInt32> = []
  private var declarationNames: [UInt32: String] = [:]
  /// Raw (unquoted) symbols already used in the script.
  private var usedNames: Set<String> = []

  init(context: Z3Context) {
    self.context = context
  }

  // MARK: - Script

  /// Builds the whole script for `assertions` (term and optional label), checked under
  /// `assumptions`.
  mutating func script(assertions: [(Term, String?)], assumptions: [Term]) -> String {
    for (t, _) in assertions { precondition(t.context === context) }
    for t in assumptions { precondition(t.context === context) }
    analyse(roots: assertions.map { $0.0.ast } + assumptions.map { $0.ast })
    nameDeclarations()
    var labels: [String?] = []
    for (_, label) in assertions {
      labels.append(label.map { Self.quote(freshName($0)) })
    }
    nameSharedSubterms()

    var out = ""
    out += "(set-option :produce-models true)\n"
    if labels.contains(where: { $0 != nil }) {
      out += "(set-option :produce-unsat-cores true)\n"
    }
    out += "(set-logic ALL)\n"
    for (id, decl) in declarations {
      let name = declarationNames[id]!
      let domainSize = Z3_get_domain_size(c, decl)
      let range = sortText(Z3_get_range(c, decl))
      if domainSize == 0 {
        out += "(declare-const \(name) \(range))\n"
      } else {
        let domain = (0..<domainSize).map { sortText(Z3_get_domain(c, decl, $0)) }
        out += "(declare-fun \(name) (\(domain.joined(separator: " "))) \(range))\n"
      }
    }
    for id in order {
      guard let node = nodes[id], let name = node.name else { continue }
      out += "(define-fun \(name) () \(sortText(Z3_get_sort(c, node.ast))) "
      emit(node.ast, top: true, into: &out)
      out += ")\n"
    }
    for (i, (t, _)) in assertions.enumerated() {
      out += "(assert "
      if let label = labels[i] {
        out += "(! "
        emit(t.ast, top: false, into: &out)
        out += " :named \(label))"
      } else {
        emit(t.ast, top: false, into: &out)
      }
      out += ")\n"
    }
    if assumptions.isEmpty {
      out += "(check-sat)\n"
    } else {
      out += "(check-sat-assuming ("
      for (i, t) in assumptions.enumerated() {
        if i > 0 { out += " " }
        emit(t.ast, top: false, into: &out)
      }
      out += "))\n"
    }
    return out
  }

  // MARK: - Analysis

  private mutating func analyse(roots: [Z3_ast]) {
    var stack: [(ast: Z3_ast, finished: Bool)] = roots.reversed().map { ($0, false) }
    while let (ast, finished) = stack.popLast() {
      let id = Z3_get_ast_id(c, ast)
      if finished {
        order.append(id)
        continue
      }
      if nodes[id] != nil {
        nodes[id]!.references += 1
        continue
      }
      let (shape, children) = classify(ast)
      nodes[id] = Node(ast: ast, shape: shape, children: children, references: 1)
      stack.append((ast, true))
      for child in children.reversed() { stack.append((child, false)) }
    }
  }

  /// Decides how to print `ast` and which ASTs it prints (or must declare) below it.
  private mutating func classify(_ ast: Z3_ast) -> (Shape, [Z3_ast]) {
    switch Z3_get_ast_kind(c, ast) {
    case Z3_NUMERAL_AST:
      return (numeralShape(ast), [])
    case Z3_APP_AST:
      break
    default:
      return (.text(Self.string(Z3_ast_to_string(c, ast))), [])
    }
    let app = Z3_to_app(c, ast)!
    let decl = Z3_get_app_decl(c, app)!
    let arity = Z3_get_app_num_args(c, app)
    let args: [Z3_ast] = (0..<arity).map { Z3_get_app_arg(c, app, $0)! }
    var fallback: Shape { .text(Self.string(Z3_ast_to_string(c, ast))) }

    /// An associative operator: its neutral element for no argument, the argument alone for one.
    func associative(_ op: String, neutral: String) -> (Shape, [Z3_ast]) {
      switch args.count {
      case 0: return (.text(neutral), [])
      case 1: return (.bare, args)
      default: return (.apply(op), args)
      }
    }
    /// A chainable relation: `true` for fewer than two arguments.
    func chainable(_ op: String) -> (Shape, [Z3_ast]) {
      args.count < 2 ? (.text("true"), []) : (.apply(op), args)
    }

    switch Z3_get_decl_kind(c, decl) {
    case Z3_OP_TRUE: return (.text("true"), [])
    case Z3_OP_FALSE: return (.text("false"), [])
    case Z3_OP_AND: return associative("and", neutral: "true")
    case Z3_OP_OR: return associative("or", neutral: "false")
    case Z3_OP_XOR: return associative("xor", neutral: "false")
    case Z3_OP_NOT: return (.apply("not"), args)
    case Z3_OP_IMPLIES: return (.apply("=>"), args)
    case Z3_OP_EQ, Z3_OP_IFF: return chainable("=")
    case Z3_OP_DISTINCT: return chainable("distinct")
    case Z3_OP_ITE: return (.apply("ite"), args)
    case Z3_OP_ADD: return associative("+", neutral: "0")
    case Z3_OP_MUL: return associative("*", neutral: "1")
    case Z3_OP_SUB: return args.isEmpty ? (fallback, []) : (.apply("-"), args)
    case Z3_OP_UMINUS: return (.apply("-"), args)
    case Z3_OP_LE: return (.apply("<="), args)
    case Z3_OP_LT: return (.apply("<"), args)
    case Z3_OP_GE: return (.apply(">="), args)
    case Z3_OP_GT: return (.apply(">"), args)
    case Z3_OP_IDIV: return (.apply("div"), args)
    case Z3_OP_MOD: return (.apply("mod"), args)
    case Z3_OP_DIV: return (.apply("/"), args)
    case Z3_OP_TO_REAL: return (.apply("to_real"), args)
    case Z3_OP_TO_INT: return (.apply("to_int"), args)
    case Z3_OP_IS_INT: return (.apply("is_int"), args)
    case Z3_OP_PB_AT_MOST, Z3_OP_PB_AT_LEAST, Z3_OP_PB_LE, Z3_OP_PB_GE, Z3_OP_PB_EQ:
      guard let shape = pbShape(decl, arity: args.count) else { return (fallback, args) }
      return (shape, args)
    case Z3_OP_UNINTERPRETED:
      let declID = Z3_get_ast_id(c, Z3_func_decl_to_ast(c, decl))
      if declarationIDs.insert(declID).inserted {
        declarations.append((declID, decl))
      }
      return args.isEmpty ? (.constant(declID), []) : (.function(declID), args)
    default:
      // Not handled: Z3's own text for this subterm; the arguments are still walked so that the
      // constants they mention get declared.
      return (fallback, args)
    }
  }

  /// Reads the bound and coefficients of a pseudo-Boolean declaration.
  ///
  /// Z3 stores them as declaration parameters: `at-most`/`at-least` have one parameter, the bound
  /// k; `pble`/`pbge`/`pbeq` have k followed by one coefficient per argument. Z3 4.8.12 stores
  /// them as int parameters; rational parameters (other Z3 versions) are accepted too.
  private func pbShape(_ decl: Z3_func_decl, arity: Int) -> Shape? {
    let kind = Z3_get_decl_kind(c, decl)
    let count = Int(Z3_get_decl_num_parameters(c, decl))
    var params: [String] = []
    for i in 0..<count {
      let index = UInt32(i)
      switch Z3_get_decl_parameter_kind(c, decl, index) {
      case Z3_PARAMETER_INT:
        params.append(Self.integerText(String(Z3_get_decl_int_parameter(c, decl, index))))
      case Z3_PARAMETER_RATIONAL:
        let text = Self.string(Z3_get_decl_rational_parameter(c, decl, index))
        guard !text.contains("/") else { return nil }
        params.append(Self.integerText(text))
      default:
        return nil
      }
    }
    guard let bound = params.first else { return nil }
    switch kind {
    case Z3_OP_PB_AT_MOST, Z3_OP_PB_AT_LEAST:
      guard count == 1 else { return nil }
      let relation = kind == Z3_OP_PB_AT_MOST ? "<=" : ">="
      return .pb(
        relation: relation, coefficients: Array(repeating: "1", count: arity), bound: bound)
    default:
      guard count == arity + 1 else { return nil }
      let relation = kind == Z3_OP_PB_LE ? "<=" : kind == Z3_OP_PB_GE ? ">=" : "="
      return .pb(relation: relation, coefficients: Array(params.dropFirst()), bound: bound)
    }
  }

  private func numeralShape(_ ast: Z3_ast) -> Shape {
    let text = Self.string(Z3_get_numeral_string(c, ast))
    switch Z3_get_sort_kind(c, Z3_get_sort(c, ast)) {
    case Z3_INT_SORT:
      return .text(Self.integerText(text))
    case Z3_REAL_SORT:
      let negative = text.hasPrefix("-")
      let magnitude = negative ? String(text.dropFirst()) : text
      let parts = magnitude.split(separator: "/")
      let value =
        parts.count == 2 ? "(/ \(parts[0]).0 \(parts[1]).0)" : "\(magnitude).0"
      return .text(negative ? "(- \(value))" : value)
    default:
      return .text(Self.string(Z3_ast_to_string(c, ast)))
    }
  }

  // MARK: - Names

  private mutating func nameDeclarations() {
    for (id, decl) in declarations {
      declarationNames[id] = Self.quote(freshName(Self.symbolText(c, Z3_get_decl_name(c, decl))))
    }
  }

  /// Counts print sizes bottom-up and names the large shared subterms.
  private mutating func nameSharedSubterms() {
    var counter = 0
    for id in order {
      var node = nodes[id]!
      var size = 1
      switch node.shape {
      case .text, .constant: break
      case .apply, .function, .bare, .pb:
        for child in node.children {
          let childNode = nodes[Z3_get_ast_id(c, child)]!
          size += childNode.name == nil ? childNode.printSize : 1
          if size > 1 << 40 { break }
        }
      }
      if case .bare = node.shape { size -= 1 }
      node.printSize = size
      var nameable = false
      switch node.shape {
      case .apply, .function, .pb: nameable = true
      default: break
      }
      if nameable && node.references > 1 && size >= Self.shareThreshold {
        counter += 1
        var candidate = "t!\(counter)"
        while usedNames.contains(candidate) || Self.isReserved(candidate) {
          counter += 1
          candidate = "t!\(counter)"
        }
        usedNames.insert(candidate)
        node.name = candidate
      }
      nodes[id] = node
    }
  }

  /// Returns `base` (made quotable) or, if taken or reserved, `base!N` for the first free N.
  private mutating func freshName(_ base: String) -> String {
    var raw = String(base.map { $0 == "|" || $0 == "\\" ? "_" : $0 })
    if raw.isEmpty { raw = "_empty" }
    if raw.hasPrefix(".") || raw.hasPrefix("@") { raw = "_" + raw }
    // The patterns of `isReserved` (namespaces such as `str.`) only matter for the name itself:
    // `str.len!1` is not a theory symbol.
    var candidate = raw
    var n = 0
    while usedNames.contains(candidate) || Self.reservedNames.contains(candidate)
      || (n == 0 && Self.isReserved(candidate))
    {
      n += 1
      candidate = "\(raw)!\(n)"
    }
    usedNames.insert(candidate)
    return candidate
  }

  /// Characters allowed in an SMT-LIB simple symbol besides letters and digits.
  private static let symbolPunctuation = Set("~!@$%^&*_-+=<>.?/")

  /// Whether `name` can be written without `|…|` quotes.
  static func isSimpleSymbol(_ name: String) -> Bool {
    guard let first = name.first, !("0"..."9").contains(first) else { return false }
    return name.allSatisfy { ch in
      ch.isASCII && (ch.isLetter || ch.isNumber || symbolPunctuation.contains(ch))
    }
  }

  /// Writes a symbol (already free of `|` and `\`) quoted if necessary.
  static func quote(_ name: String) -> String {
    isSimpleSymbol(name) ? name : "|\(name)|"
  }

  /// The text of a Z3 symbol.
  static func symbolText(_ c: Z3_context, _ symbol: Z3_symbol?) -> String {
    if Z3_get_symbol_kind(c, symbol) == Z3_INT_SYMBOL {
      return "k!\(Z3_get_symbol_int(c, symbol))"
    }
    return string(Z3_get_symbol_string(c, symbol))
  }

  /// The name of `ast` if it is an uninterpreted constant.
  static func constantName(_ c: Z3_context, _ ast: Z3_ast) -> String? {
    guard Z3_get_ast_kind(c, ast) == Z3_APP_AST, let app = Z3_to_app(c, ast),
      Z3_get_app_num_args(c, app) == 0, let decl = Z3_get_app_decl(c, app),
      Z3_get_decl_kind(c, decl) == Z3_OP_UNINTERPRETED
    else { return nil }
    return symbolText(c, Z3_get_decl_name(c, decl))
  }

  // MARK: - Printing

  private enum Piece {
    case text(String)
    case node(Z3_ast)
  }

  /// Appends the text of `root` to `out`; `top` prints a named node's definition, not its name.
  private func emit(_ root: Z3_ast, top: Bool, into out: inout String) {
    var stack: [(piece: Piece, top: Bool)] = [(.node(root), top)]
    var pieces: [Piece] = []
    while let (piece, isTop) = stack.popLast() {
      let ast: Z3_ast
      switch piece {
      case .text(let s):
        out += s
        continue
      case .node(let a):
        ast = a
      }
      let node = nodes[Z3_get_ast_id(c, ast)]!
      if !isTop, let name = node.name {
        out += name
        continue
      }
      pieces.removeAll(keepingCapacity: true)
      switch node.shape {
      case .text(let s):
        out += s
        continue
      case .constant(let id):
        out += declarationNames[id]!
        continue
      case .bare:
        stack.append((.node(node.children[0]), false))
        continue
      case .apply(let op):
        pieces.append(.text("(" + op))
        for child in node.children {
          pieces.append(.text(" "))
          pieces.append(.node(child))
        }
        pieces.append(.text(")"))
      case .function(let id):
        pieces.append(.text("(" + declarationNames[id]!))
        for child in node.children {
          pieces.append(.text(" "))
          pieces.append(.node(child))
        }
        pieces.append(.text(")"))
      case .pb(let relation, let coefficients, let bound):
        pieces.append(.text("(\(relation) "))
        let many = node.children.count > 1
        if node.children.isEmpty { pieces.append(.text("0")) }
        if many { pieces.append(.text("(+")) }
        for (child, coefficient) in zip(node.children, coefficients) {
          pieces.append(.text(many ? " (ite " : "(ite "))
          pieces.append(.node(child))
          pieces.append(.text(" \(coefficient) 0)"))
        }
        if many { pieces.append(.text(")")) }
        pieces.append(.text(" \(bound))"))
      }
      for p in pieces.reversed() { stack.append((p, false)) }
    }
  }

  // MARK: - Helpers

  private func sortText(_ sort: Z3_sort?) -> String {
    switch Z3_get_sort_kind(c, sort) {
    case Z3_BOOL_SORT: return "Bool"
    case Z3_INT_SORT: return "Int"
    case Z3_REAL_SORT: return "Real"
    default: return Self.string(Z3_sort_to_string(c, sort))
    }
  }

  /// An integer in SMT-LIB syntax: negative values as `(- n)`.
  static func integerText(_ text: String) -> String {
    text.hasPrefix("-") ? "(- \(text.dropFirst()))" : text
  }

  static func string(_ p: UnsafePointer<CChar>?) -> String {
    p.map { String(cString: $0) } ?? ""
  }
}
