import QuorumKit
import Yams

/// A 1-based line and column, counted in Unicode scalars as libyaml counts them.
struct SourcePosition: Hashable, Sendable {
  var line: Int
  var column: Int
}

/// The text of a spec split into lines, for turning offsets into places.
///
/// libyaml reports where nodes start; this type finds where things *inside* a node are (a token
/// in an expression string, the second copy of a duplicated key), and where a byte or character
/// offset falls.
struct SourceText {
  /// The lines without their line breaks, as Unicode scalars.
  let lines: [[Unicode.Scalar]]

  init(_ text: String) {
    var lines: [[Unicode.Scalar]] = []
    var current: [Unicode.Scalar] = []
    var previousWasCR = false
    for s in text.unicodeScalars {
      if s == "\n" {
        if !previousWasCR { lines.append(current) }
        current = []
        previousWasCR = false
      } else if s == "\r" {
        lines.append(current)
        current = []
        previousWasCR = true
      } else {
        current.append(s)
        previousWasCR = false
      }
    }
    lines.append(current)
    self.lines = lines
  }

  /// The scalar at a 0-based line and column; a line break reads as `"\n"`, past the end as nil.
  private func scalar(line: Int, column: Int) -> Unicode.Scalar? {
    guard line < lines.count else { return nil }
    if column < lines[line].count { return lines[line][column] }
    return line + 1 < lines.count ? "\n" : nil
  }

  /// Where the character at `offset` (in Unicode scalars) of a scalar node's value is in the
  /// source, or nil when the value cannot be matched to the source text (escapes, `''`).
  ///
  /// The value is walked along the source from where its content starts; whitespace in the
  /// source that the value does not have (indentation, folded line breaks) is skipped, and any
  /// whitespace matches any whitespace. Every non-space character must match exactly, so a
  /// position is only returned when the alignment is certain up to it.
  func position(in scalar: Node.Scalar, offset: Int) -> SourcePosition? {
    guard let mark = scalar.mark else { return nil }
    var line = mark.line - 1
    var column = mark.column - 1
    switch scalar.style {
    case .singleQuoted, .doubleQuoted:
      column += 1
    case .literal, .folded:
      // The content starts on the line after the `|` or `>` header.
      line += 1
      column = 0
    case .plain, .any:
      break
    }
    let content = Array(scalar.string.unicodeScalars)
    guard offset >= 0 && offset <= content.count else { return nil }
    if content.isEmpty { return SourcePosition(line: mark.line, column: mark.column) }
    // An offset at the very end points just past the last character.
    let target = offset == content.count ? offset - 1 : offset
    let pastEnd = offset == content.count
    func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\n" || s == "\r" }
    var i = 0
    while i <= target {
      guard let s = self.scalar(line: line, column: column) else { return nil }
      let c = content[i]
      if s == c || (isSpace(c) && isSpace(s)) {
        if i == target {
          return SourcePosition(line: line + 1, column: column + 1 + (pastEnd ? 1 : 0))
        }
        i += 1
      } else if !isSpace(s) {
        return nil
      }
      // Advance one source character (a line break moves to the next line).
      if column < lines[line].count {
        column += 1
      } else {
        line += 1
        column = 0
      }
    }
    return nil
  }

  /// The place of a character offset into the text (as Yams reports reader errors).
  static func position(ofCharacterOffset offset: Int, in text: String) -> SourcePosition {
    var line = 1
    var column = 1
    var seen = 0
    for ch in text {
      if seen == offset { break }
      seen += 1
      if ch == "\n" || ch == "\r\n" || ch == "\r" {
        line += 1
        column = 1
      } else {
        column += ch.unicodeScalars.count
      }
    }
    return SourcePosition(line: line, column: column)
  }

  /// The place of the first byte that is not valid UTF-8, or nil when all of `bytes` is valid.
  static func firstInvalidUTF8(in bytes: [UInt8]) -> SourcePosition? {
    // ASCII text (the usual case, and every large generated spec) is valid: one quick pass.
    let ascii = bytes.withUnsafeBufferPointer { b -> Bool in
      var high: UInt8 = 0
      for c in b { high |= c }
      return high < 0x80
    }
    if ascii { return nil }
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var line = 1
    var column = 1
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let s):
        if s == "\n" {
          line += 1
          column = 1
        } else {
          column += 1
        }
      case .emptyInput:
        return nil
      case .error:
        return SourcePosition(line: line, column: column)
      }
    }
  }
}
