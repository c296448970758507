import QuorumKit

// The quorum expression language, in the spirit of Quoracle's `a*b + c*d`:
//
//     sum     := product ("+" product)*
//     product := atom ("*" atom)*
//     atom    := server | "(" sum ")" | "choose" "(" K "," "[" sum ("," sum)* ","? "]" ")"
//     server  := NUMBER | NAME
//
// An expression is a monotone Boolean formula over the servers: `*` is "both", `+` is "either",
// `choose(k, [e1, ..., em])` is "at least k of e1...em". Its quorums are the minimal sets of
// servers that satisfy it. `*` binds tighter than `+`.

/// A parsed quorum expression (see docs/spec-format.md, "Quorum expressions").
public indirect enum QuorumExpression: Hashable, Sendable {
  /// A single server.
  case server(Int)
  /// Either operand (`a + b`).
  case either([QuorumExpression])
  /// Both operands (`a * b`).
  case both([QuorumExpression])
  /// At least `k` of the children (`choose(k, [...])`), `1 <= k <= children.count`.
  case choose(k: Int, of: [QuorumExpression])

  /// The most quorums an expression may expand to (also the cap on every intermediate family).
  public static let expansionLimit = 100_000

  /// The quorums: the minimal server sets that satisfy the expression, sorted in
  /// ``ServerSet`` order.
  ///
  /// - Throws: ``InputError`` (without a place) when the expansion, or a step of it, has more
  ///   than ``expansionLimit`` sets.
  public func quorums() throws -> [ServerSet] {
    try family().sorted().map(ServerSet.init(bits:)).sorted()
  }

  private func family() throws -> [UInt64] {
    switch self {
    case .server(let s): return [UInt64(1) << UInt64(s)]
    case .either(let parts):
      var all: [UInt64] = []
      for p in parts {
        all += try p.family()
        try QuorumExpression.checkSize(all.count)
      }
      return QuorumExpression.minimal(all)
    case .both(let parts):
      var acc: [UInt64] = [0]
      for p in parts { acc = try QuorumExpression.product(acc, try p.family()) }
      return acc
    case .choose(let k, let children):
      // table[j]: the minimal sets satisfying at least j of the children seen so far.
      var table: [[UInt64]] = [[0]] + Array(repeating: [], count: k)
      for child in children {
        let f = try child.family()
        for j in stride(from: k, through: 1, by: -1) where !table[j - 1].isEmpty {
          let extended = try QuorumExpression.product(table[j - 1], f)
          try QuorumExpression.checkSize(table[j].count + extended.count)
          table[j] = QuorumExpression.minimal(table[j] + extended)
        }
      }
      return table[k]
    }
  }

  private static func checkSize(_ count: Int) throws {
    if count > expansionLimit {
      throw InputError(
        "the quorum expression expands to more than \(expansionLimit) sets; write a smaller one or use a named construction"
      )
    }
  }

  private static func product(_ a: [UInt64], _ b: [UInt64]) throws -> [UInt64] {
    try checkSize(a.count * b.count)
    var out: [UInt64] = []
    out.reserveCapacity(a.count * b.count)
    for x in a { for y in b { out.append(x | y) } }
    return minimal(out)
  }

  /// The sets that contain no other set of `sets`, without duplicates.
  static func minimal(_ sets: [UInt64]) -> [UInt64] {
    let unique = Array(Set(sets)).sorted { ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1) }
    var kept: [UInt64] = []
    var start = 0
    // Only a strictly smaller set can lie inside another one.
    while start < unique.count {
      let size = unique[start].nonzeroBitCount
      var end = start
      while end < unique.count && unique[end].nonzeroBitCount == size { end += 1 }
      let smaller = kept.count
      for s in unique[start..<end] where !kept[0..<smaller].contains(where: { $0 & ~s == 0 }) {
        kept.append(s)
      }
      start = end
    }
    return kept
  }

  /// The expression in the spec language, with servers by name when the universe names them.
  public func specText(in universe: Universe) -> String {
    switch self {
    case .server(let s): return universe.name(of: s)
    case .either(let parts): return parts.map { $0.specText(in: universe) }.joined(separator: " + ")
    case .both(let parts):
      return parts.map { p in
        if case .either = p { return "(" + p.specText(in: universe) + ")" }
        return p.specText(in: universe)
      }.joined(separator: " * ")
    case .choose(let k, let children):
      return "choose(\(k), ["
        + children.map { $0.specText(in: universe) }.joined(separator: ", ") + "])"
    }
  }

  /// Parses a quorum expression such as `a*b + c*d` or `choose(2, [a, b, c])`.
  ///
  /// - Throws: ``InputError`` with the 1-based line and column of the problem within `text`.
  public init(parsing text: String, in universe: Universe) throws {
    do {
      self = try QuorumExpressionParser.parse(text, naming: ServerNaming(universe: universe))
    } catch let error as ExpressionError {
      throw error.inputError(in: text)
    }
  }
}

/// A recursive-descent parser for quorum expressions; errors carry scalar offsets.
struct QuorumExpressionParser {
  private let scalars: [Unicode.Scalar]
  private var position = 0
  private let naming: ServerNaming
  private var depth = 0
  static let maxDepth = 100

  enum Token: Equatable {
    case word(String)
    case symbol(Unicode.Scalar)
    case end
  }

  static func parse(_ text: String, naming: ServerNaming) throws -> QuorumExpression {
    var parser = QuorumExpressionParser(scalars: Array(text.unicodeScalars), naming: naming)
    if parser.peek().token == .end {
      throw ExpressionError(
        message: "expected a quorum expression such as 'a*b + c*d' or 'choose(2, [a, b, c])'",
        offset: 0)
    }
    let result = try parser.sum()
    let (rest, offset) = parser.next()
    guard rest == .end else {
      throw ExpressionError(
        message:
          "unexpected \(describe(rest)) after the end of the expression (expected '+', '*' or the end)",
        offset: offset)
    }
    return result
  }

  private init(scalars: [Unicode.Scalar], naming: ServerNaming) {
    self.scalars = scalars
    self.naming = naming
  }

  private static func describe(_ t: Token) -> String {
    switch t {
    case .word(let w): return "'\(w)'"
    case .symbol(let s): return "'\(s)'"
    case .end: return "the end of the expression"
    }
  }

  private mutating func next() -> (token: Token, offset: Int) {
    while position < scalars.count
      && [" ", "\t", "\n", "\r"].contains(scalars[position])
    {
      position += 1
    }
    let start = position
    guard position < scalars.count else { return (.end, start) }
    let s = scalars[position]
    position += 1
    guard isNameCharacter(s) else { return (.symbol(s), start) }
    while position < scalars.count && isNameCharacter(scalars[position]) { position += 1 }
    var word = ""
    word.unicodeScalars.append(contentsOf: scalars[start..<position])
    return (.word(word), start)
  }

  private mutating func peek() -> (token: Token, offset: Int) {
    let saved = position
    defer { position = saved }
    return next()
  }

  private mutating func expect(_ symbol: Unicode.Scalar, _ context: String) throws {
    let (t, offset) = next()
    guard t == .symbol(symbol) else {
      throw ExpressionError(
        message: "expected '\(symbol)' \(context), got \(Self.describe(t))", offset: offset)
    }
  }

  private mutating func sum() throws -> QuorumExpression {
    var parts = [try product()]
    while peek().token == .symbol("+") {
      _ = next()
      parts.append(try product())
    }
    return parts.count == 1 ? parts[0] : .either(parts)
  }

  private mutating func product() throws -> QuorumExpression {
    var parts = [try atom()]
    while peek().token == .symbol("*") {
      _ = next()
      parts.append(try atom())
    }
    return parts.count == 1 ? parts[0] : .both(parts)
  }

  private mutating func atom() throws -> QuorumExpression {
    let (token, offset) = next()
    switch token {
    case .symbol("("):
      try enter(offset)
      defer { depth -= 1 }
      let inner = try sum()
      try expect(")", "to close the '(' at character \(offset + 1)")
      return inner
    case .word("choose") where peek().token == .symbol("("):
      try enter(offset)
      defer { depth -= 1 }
      _ = next()
      let (kToken, kOffset) = next()
      guard case .word(let kWord) = kToken,
        kWord.unicodeScalars.allSatisfy({ $0 >= "0" && $0 <= "9" })
      else {
        throw ExpressionError(
          message: "expected the number of children after 'choose(', got \(Self.describe(kToken))",
          offset: kOffset)
      }
      guard kWord.count == 1 || !kWord.hasPrefix("0"), let k = Int(kWord) else {
        throw ExpressionError(
          message: "write \(kWord) as a decimal number without leading zeros", offset: kOffset)
      }
      try expect(",", "after 'choose(\(k)'")
      try expect("[", "after 'choose(\(k),' (the children are a list, as in choose(2, [a, b, c]))")
      var children: [QuorumExpression] = []
      while true {
        if peek().token == .symbol("]") && !children.isEmpty {
          _ = next()
          break
        }
        children.append(try sum())
        let (sep, sepOffset) = next()
        if sep == .symbol("]") { break }
        guard sep == .symbol(",") else {
          throw ExpressionError(
            message:
              "expected ',' or ']' after child \(children.count) of 'choose(\(k), [', got \(Self.describe(sep))",
            offset: sepOffset)
        }
      }
      try expect(")", "to close 'choose(\(k), [...]'")
      guard k >= 1 && k <= children.count else {
        throw ExpressionError(
          message:
            "choose(\(k), ...) of \(children.count) child\(children.count == 1 ? "" : "ren"): k must be between 1 and \(children.count)",
          offset: kOffset)
      }
      return .choose(k: k, of: children)
    case .word(let word):
      return .server(try server(word, at: offset))
    default:
      throw ExpressionError(
        message: "expected a server, '(' or 'choose(', got \(Self.describe(token))", offset: offset)
    }
  }

  private mutating func enter(_ offset: Int) throws {
    depth += 1
    if depth > Self.maxDepth {
      throw ExpressionError(
        message: "quorum expressions can be nested at most \(Self.maxDepth) deep", offset: offset)
    }
  }

  private func server(_ word: String, at offset: Int) throws -> Int {
    let result: Result<Int, SpecMessage>
    if word.unicodeScalars.allSatisfy({ $0 >= "0" && $0 <= "9" }) {
      guard word.count == 1 || !word.hasPrefix("0") else {
        throw ExpressionError(
          message: "write \(word) without leading zeros (numbers are decimal)", offset: offset)
      }
      guard let n = Int(word) else {
        throw ExpressionError(message: "the number \(word) is too large", offset: offset)
      }
      result = naming.server(number: n)
    } else if isValidServerName(word) || word == "select" || word == "out-of" {
      result = naming.server(name: word)
    } else {
      throw ExpressionError(message: "expected a server, got '\(word)'", offset: offset)
    }
    switch result {
    case .success(let s): return s
    case .failure(let m): throw ExpressionError(message: m.text, offset: offset)
    }
  }
}
