import Yams

/// What a YAML scalar means to a spec, decided from its text as the YAML 1.2 core schema does
/// (so `yes`, `no`, `on`, `off` are strings, and `010` is not an octal number).
enum ScalarValue: Equatable {
  /// An empty plain value, as in `key:` with nothing after it.
  case empty
  /// `null`, `Null`, `NULL` or `~`.
  case null
  /// `true` or `false` in any of their three spellings.
  case bool(Bool)
  /// A non-negative decimal integer without leading zeros that fits in an `Int`.
  case integer(Int)
  /// Something numeric that is not such an integer: negative, fractional, with leading zeros or
  /// underscores, hexadecimal, too large. The text as written.
  case number(String)
  /// Anything else, including every quoted or block scalar.
  case string(String)

  init(_ scalar: Node.Scalar) {
    let text = scalar.string
    switch scalar.style {
    case .singleQuoted, .doubleQuoted, .literal, .folded:
      self = .string(text)
      return
    case .plain, .any:
      break
    }
    // An explicit tag other than the core schema's scalar tags makes a plain scalar a string.
    let coreTags: Set<String> = [
      "", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
      "tag:yaml.org,2002:null",
    ]
    guard coreTags.contains(scalar.tag.rawValue) else {
      self = .string(text)
      return
    }
    switch text {
    case "": self = .empty
    case "~", "null", "Null", "NULL": self = .null
    case "true", "True", "TRUE": self = .bool(true)
    case "false", "False", "FALSE": self = .bool(false)
    default:
      let scalars = Array(text.unicodeScalars)
      func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
      if scalars.allSatisfy(isDigit) {
        if scalars.count > 1 && scalars[0] == "0" {
          self = .number(text)
        } else if let value = Int(text) {
          self = .integer(value)
        } else {
          self = .number(text)
        }
        return
      }
      self = looksNumeric(scalars) ? .number(text) : .string(text)
    }
  }

  /// How an error message names this value: `the number 1.5`, `the string 'abc'`, ...
  var described: String {
    switch self {
    case .empty: return "nothing"
    case .null: return "null"
    case .bool(let b): return "the boolean \(b)"
    case .integer(let i): return "the number \(i)"
    case .number(let text): return "the number \(text)"
    case .string(let text): return ScalarValue.quoted(text, prefix: "the string ")
    }
  }

  /// `'text'` with a prefix, or `a string` / `a multi-line string` when it is too long to quote.
  static func quoted(_ text: String, prefix: String) -> String {
    if text.contains("\n") { return "a multi-line string" }
    if text.unicodeScalars.count > 40 { return "a string" }
    return prefix + "'" + text + "'"
  }
}

/// Whether a plain scalar is written as a number in YAML: a signed decimal with optional
/// underscores, fraction and exponent, or a `0x`, `0o` or `0b` integer.
private func looksNumeric(_ text: [Unicode.Scalar]) -> Bool {
  var rest = text[...]
  if let sign = rest.first, sign == "-" || sign == "+" { rest = rest.dropFirst() }
  func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
  if rest.count > 2, rest.first == "0", let base = rest.dropFirst().first,
    "xob".unicodeScalars.contains(base)
  {
    return rest.dropFirst(2).allSatisfy { $0 == "_" || $0.properties.isASCIIHexDigit }
  }
  var sawDigit = false
  var sawDot = false
  while let s = rest.first, isDigit(s) || s == "_" || (s == "." && !sawDot) {
    if s == "." { sawDot = true }
    if isDigit(s) { sawDigit = true }
    rest = rest.dropFirst()
  }
  guard sawDigit else { return false }
  if let e = rest.first, e == "e" || e == "E" {
    rest = rest.dropFirst()
    if let sign = rest.first, sign == "-" || sign == "+" { rest = rest.dropFirst() }
    guard !rest.isEmpty && rest.allSatisfy(isDigit) else { return false }
    return true
  }
  return rest.isEmpty
}

/// How an error message names a YAML node: `a mapping`, `a list`, or as ``ScalarValue/described``.
func describe(_ node: Node) -> String {
  switch node {
  case .mapping: return "a mapping"
  case .sequence: return "a list"
  case .alias: return "an alias"
  case .scalar(let s): return ScalarValue(s).described
  }
}

/// Whether `text` is a valid server name: a letter or `_`, then letters, digits, `_`, `-`, `.`;
/// not one of the words of the expression language.
func isValidServerName(_ text: String) -> Bool {
  guard let first = text.unicodeScalars.first else { return false }
  guard first == "_" || first.properties.isAlphabetic else { return false }
  guard text.unicodeScalars.allSatisfy(isNameCharacter) else { return false }
  return !reservedWords.contains(text)
}

/// Letters, digits, `_`, `-` and `.`: the characters of names and numbers.
func isNameCharacter(_ s: Unicode.Scalar) -> Bool {
  s == "_" || s == "-" || s == "." || (s >= "0" && s <= "9") || s.properties.isAlphabetic
}

/// Words of the expression language, which cannot be server names.
let reservedWords: Set<String> = ["select", "out-of"]
