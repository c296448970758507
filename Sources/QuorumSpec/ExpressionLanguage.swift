import QuorumKit

// The expression language for nested threshold structures:
//
//     expression := "select" K "out-of" "[" expression ("," expression)* ","? "]"
//                 | server
//     server     := NUMBER | NAME
//
// K and NUMBER are decimal integers without leading zeros; NAME is a letter or `_` followed by
// letters, digits, `_`, `-` and `.`. Whitespace, including line breaks, separates tokens.

/// A problem in an expression string, at an offset (in Unicode scalars) into the string.
struct ExpressionError: Error {
  var message: String
  var offset: Int

  /// The error as an ``InputError`` with the 1-based line and column of `offset` in `text`.
  func inputError(in text: String) -> InputError {
    var line = 1
    var column = 1
    for (i, s) in text.unicodeScalars.enumerated() {
      if i == offset { break }
      if s == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    return InputError(message, line: line, column: column)
  }
}

/// A token of the expression language.
struct ExpressionToken {
  enum Kind: Equatable {
    case word(String)
    case open
    case close
    case comma
    case end
    case invalid(Unicode.Scalar)
  }
  var kind: Kind
  /// Where the token starts, in Unicode scalars from the start of the string.
  var offset: Int

  /// How an error message names the token.
  var described: String {
    switch kind {
    case .word(let w): return "'\(w)'"
    case .open: return "'['"
    case .close: return "']'"
    case .comma: return "','"
    case .end: return "the end of the expression"
    case .invalid(let s): return "the character '\(s)'"
    }
  }
}

/// A recursive-descent parser for one expression string.
struct ExpressionParser {
  /// Where the parse starts.
  enum Start {
    /// A whole expression that must be a `select` (the value of `fail-prone:`).
    case select
    /// A whole expression: a `select` or a single server (a child in an `out-of` list).
    case expression
    /// The rest of a select after the word `select`: `2 out-of [...]` (the value of `select:`).
    case afterSelect
  }

  private let scalars: [Unicode.Scalar]
  private var position = 0
  private let naming: ServerNaming
  private let maxDepth: Int

  /// Parses `text` completely.
  ///
  /// - Parameters:
  ///   - depth: the nesting depth of the first `select` in `text` (1 at the top).
  ///   - maxDepth: the deepest nesting accepted.
  static func parse(
    _ text: String, start: Start, naming: ServerNaming, depth: Int = 1, maxDepth: Int
  ) throws -> ThresholdExpression {
    var parser = ExpressionParser(
      scalars: Array(text.unicodeScalars), naming: naming, maxDepth: maxDepth)
    let result: ThresholdExpression
    switch start {
    case .afterSelect:
      result = try parser.selectRest(selectOffset: 0, depth: depth)
    case .select:
      let first = parser.peek()
      guard first.kind == .word("select") else {
        throw ExpressionError(
          message:
            "expected a select expression such as 'select 1 out-of [a, b, c]', got \(first.described)",
          offset: first.offset)
      }
      result = try parser.expression(depth: depth)
    case .expression:
      result = try parser.expression(depth: depth)
    }
    let rest = parser.next()
    guard rest.kind == .end else {
      throw ExpressionError(
        message: "unexpected \(rest.described) after the end of the expression", offset: rest.offset
      )
    }
    return result
  }

  private init(scalars: [Unicode.Scalar], naming: ServerNaming, maxDepth: Int) {
    self.scalars = scalars
    self.naming = naming
    self.maxDepth = maxDepth
  }

  // MARK: Tokens

  private static func isSpace(_ s: Unicode.Scalar) -> Bool {
    s == " " || s == "\t" || s == "\n" || s == "\r"
  }

  private mutating func next() -> ExpressionToken {
    while position < scalars.count && ExpressionParser.isSpace(scalars[position]) { position += 1 }
    let start = position
    guard position < scalars.count else { return ExpressionToken(kind: .end, offset: start) }
    let s = scalars[position]
    position += 1
    switch s {
    case "[": return ExpressionToken(kind: .open, offset: start)
    case "]": return ExpressionToken(kind: .close, offset: start)
    case ",": return ExpressionToken(kind: .comma, offset: start)
    default:
      guard isNameCharacter(s) else { return ExpressionToken(kind: .invalid(s), offset: start) }
      while position < scalars.count && isNameCharacter(scalars[position]) { position += 1 }
      var word = ""
      word.unicodeScalars.append(contentsOf: scalars[start..<position])
      return ExpressionToken(kind: .word(word), offset: start)
    }
  }

  private mutating func peek() -> ExpressionToken {
    let saved = position
    defer { position = saved }
    return next()
  }

  // MARK: Grammar

  private mutating func expression(depth: Int) throws -> ThresholdExpression {
    let token = next()
    guard case .word(let word) = token.kind else {
      throw ExpressionError(
        message: "expected a server or 'select', got \(token.described)", offset: token.offset)
    }
    if word == "select" { return try selectRest(selectOffset: token.offset, depth: depth) }
    return .server(try server(word, at: token.offset))
  }

  private func server(_ word: String, at offset: Int) throws -> Int {
    let result: Result<Int, SpecMessage>
    if word.unicodeScalars.allSatisfy({ $0 >= "0" && $0 <= "9" }) {
      result = naming.server(number: try number(word, at: offset, what: "a server"))
    } else if isValidServerName(word) {
      result = naming.server(name: word)
    } else {
      throw ExpressionError(message: "expected a server or 'select', got '\(word)'", offset: offset)
    }
    switch result {
    case .success(let s): return s
    case .failure(let m): throw ExpressionError(message: m.text, offset: offset)
    }
  }

  /// A decimal number without leading zeros.
  private func number(_ word: String, at offset: Int, what: String) throws -> Int {
    guard word.unicodeScalars.allSatisfy({ $0 >= "0" && $0 <= "9" }) else {
      throw ExpressionError(message: "expected \(what), got '\(word)'", offset: offset)
    }
    guard word.count == 1 || !word.hasPrefix("0") else {
      throw ExpressionError(
        message: "write \(word) without leading zeros (numbers are decimal)", offset: offset)
    }
    guard let value = Int(word) else {
      throw ExpressionError(message: "the number \(word) is too large", offset: offset)
    }
    return value
  }

  /// `K out-of [children]`, after the word `select` (at `selectOffset`).
  private mutating func selectRest(selectOffset: Int, depth: Int) throws -> ThresholdExpression {
    guard depth <= maxDepth else {
      throw ExpressionError(
        message: "select expressions can be nested at most \(maxDepth) deep", offset: selectOffset)
    }
    let kToken = next()
    guard case .word(let kWord) = kToken.kind else {
      throw ExpressionError(
        message:
          "expected the number of children to select after 'select', got \(kToken.described)",
        offset: kToken.offset)
    }
    let k = try number(
      kWord, at: kToken.offset, what: "the number of children to select after 'select'")
    let outOf = next()
    guard outOf.kind == .word("out-of") else {
      throw ExpressionError(
        message: "expected 'out-of' after 'select \(k)', got \(outOf.described)",
        offset: outOf.offset
      )
    }
    let open = next()
    guard open.kind == .open else {
      throw ExpressionError(
        message: "expected '[' after 'select \(k) out-of', got \(open.described)",
        offset: open.offset)
    }
    if peek().kind == .close {
      throw ExpressionError(message: "select \(k) out-of [] has no children", offset: open.offset)
    }
    var children: [ThresholdExpression] = []
    while true {
      children.append(try expression(depth: depth + 1))
      let separator = next()
      if separator.kind == .close { break }
      guard separator.kind == .comma else {
        throw ExpressionError(
          message:
            "expected ',' or ']' after child \(children.count) of 'select \(k) out-of [', got \(separator.described)",
          offset: separator.offset)
      }
      if peek().kind == .close {
        _ = next()
        break
      }
    }
    guard k <= children.count else {
      throw ExpressionError(
        message: selectBoundMessage(k: k, children: children.count), offset: kToken.offset)
    }
    return .select(k: k, of: children)
  }
}

/// The message for `select k out-of` a list shorter than `k`.
func selectBoundMessage(k: Int, children: Int) -> String {
  "select \(k) out-of a list of \(children) child\(children == 1 ? "" : "ren"): k must be between 0 and \(children)"
}

extension ThresholdExpression {
  /// Parses an expression in the spec language, such as
  /// `select 2 out-of [a, b, select 2 out-of [c, d, e]]` or a single server.
  ///
  /// Servers are referred to by name when the universe names them, by number otherwise.
  ///
  /// - Throws: ``InputError`` with the 1-based line and column of the problem within `text`
  ///   (and no file), for a syntax error, an unknown server or a server outside the universe,
  ///   `select k` with more than its number of children, or nesting deeper than 100.
  public init(parsing text: String, in universe: Universe) throws {
    do {
      self = try ExpressionParser.parse(
        text, start: .expression, naming: ServerNaming(universe: universe),
        maxDepth: SpecReader.maxDepth)
    } catch let error as ExpressionError {
      throw error.inputError(in: text)
    }
  }

  /// The expression in the spec language, with servers by name when the universe names them:
  /// `select 2 out-of [a, b, select 2 out-of [c, d, e]]`.
  ///
  /// ``init(parsing:in:)`` reads it back to the same expression.
  public func specText(in universe: Universe) -> String {
    switch self {
    case .server(let s): return universe.name(of: s)
    case .select(let k, let children):
      return "select \(k) out-of ["
        + children.map { $0.specText(in: universe) }.joined(separator: ", ") + "]"
    }
  }
}
