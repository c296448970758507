/// Large lists of server sets cut out of a spec's text and read directly, so that a spec
/// listing hundreds of thousands of quorums or fail-prone sets is not composed node by node.
///
/// Only the commonest shape is recognised: a list of lists of plain decimal integers written
/// as a flow sequence right after a `key:` (`sets: [[0, 1], [1, 2]]`, JSON included, over any
/// number of lines) or as a block sequence of one-line flow lists on the lines after a
/// `key:` line (`- [0, 1]`). Each recognised list is replaced in the text by a marker, a
/// one-element list holding a double-quoted string that starts with U+E000 and names the list
/// (`["\u{E000}0"]` or `- "\u{E000}0"`), keeping every line break so the rest of the text keeps
/// its lines and its indentation. The reader then composes the short remaining text with
/// Yams and takes each marker's sets from here.
///
/// Soundness rests on the reader, not on this scanner: it uses the marked text only when
/// every marker is met exactly once, as a whole list of server sets, and the read raises no
/// error; anything else (a marker inside a string or a comment, in an unexpected place, any
/// error at all) makes ``Spec/parse(_:file:)`` read the original text with Yams alone, so every
/// error still comes from the Yams path with its place. What the scanner accepts is only what
/// YAML reads as a list of lists of integers: no tabs, comments, anchors, tags, signs,
/// leading zeros, trailing commas or carriage returns inside a list, and no text containing
/// U+E000 at all.
struct FastLists {
  /// One list cut out: its sets in file order, as a flat array of members and where each set
  /// ends in it.
  struct List {
    var members: [Int32] = []
    var ends: [Int] = []
  }

  /// The text with every cut-out list replaced by its marker.
  var text: String
  /// The lists, indexed by the number in their marker.
  var lists: [List]

  /// The first character of every marker string.
  static let markerScalar: Unicode.Scalar = "\u{E000}"

  /// The largest number of digits accepted in a member (larger numbers are left to Yams).
  static let maxDigits = 9

  /// Cuts every recognised list of at least `minimumBytes` bytes out of `text`; nil when none
  /// is found or the text cannot hold markers safely.
  static func extract(from text: String, minimumBytes: Int = 4096) -> FastLists? {
    var copy = text
    return copy.withUTF8 { bytes in
      var scanner = Scanner(bytes: bytes, minimumBytes: minimumBytes)
      return scanner.run()
    }
  }

  private struct Scanner {
    let b: UnsafeBufferPointer<UInt8>
    let minimumBytes: Int
    var output: [UInt8] = []
    var lists: [List] = []
    /// Where the unreplaced text starts.
    var copied = 0

    init(bytes: UnsafeBufferPointer<UInt8>, minimumBytes: Int) {
      self.b = bytes
      self.minimumBytes = minimumBytes
    }

    static let space: UInt8 = 0x20
    static let newline: UInt8 = 0x0A
    static let colon: UInt8 = 0x3A
    static let open: UInt8 = 0x5B
    static let close: UInt8 = 0x5D
    static let comma: UInt8 = 0x2C
    static let dash: UInt8 = 0x2D
    static let hash: UInt8 = 0x23
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39

    @inline(__always) func at(_ i: Int) -> UInt8 { i < b.count ? b[i] : 0 }

    mutating func run() -> FastLists? {
      // Carriage returns change what a line is; U+E000 (EE 80 80) would forge a marker.
      for i in 0..<b.count {
        let c = b[i]
        if c == 0x0D { return nil }
        if c == 0xEE && at(i + 1) == 0x80 && at(i + 2) == 0x80 { return nil }
      }
      var i = 0
      while i < b.count {
        guard b[i] == Scanner.colon else {
          i += 1
          continue
        }
        var j = i + 1
        while at(j) == Scanner.space { j += 1 }
        if at(j) == Scanner.open, let end = flowRegion(from: j) {
          i = end
        } else if at(j) == Scanner.newline || j == b.count, let end = blockRegion(from: j + 1) {
          i = end
        } else {
          i += 1
        }
      }
      guard !lists.isEmpty else { return nil }
      output.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied...]))
      return FastLists(text: String(decoding: output, as: UTF8.self), lists: lists)
    }

    /// Skips spaces, and line breaks too when `lines` is true.
    @inline(__always) func skip(_ i: inout Int, lines: Bool) {
      while i < b.count && (b[i] == Scanner.space || (lines && b[i] == Scanner.newline)) {
        i += 1
      }
    }

    /// A flow list of integers starting at `i` (its `[`); returns the index after its `]`.
    func innerList(_ start: Int, lines: Bool, into list: inout List) -> Int? {
      var i = start + 1
      skip(&i, lines: lines)
      if at(i) == Scanner.close {
        list.ends.append(list.members.count)
        return i + 1
      }
      while true {
        let first = at(i)
        guard first >= Scanner.zero && first <= Scanner.nine else { return nil }
        var value: Int32 = 0
        var digits = 0
        while i < b.count && b[i] >= Scanner.zero && b[i] <= Scanner.nine {
          digits += 1
          if digits > FastLists.maxDigits { return nil }
          value = value * 10 + Int32(b[i] - Scanner.zero)
          i += 1
        }
        if digits > 1 && first == Scanner.zero { return nil }
        list.members.append(value)
        skip(&i, lines: lines)
        if at(i) == Scanner.close {
          list.ends.append(list.members.count)
          return i + 1
        }
        guard at(i) == Scanner.comma else { return nil }
        i += 1
        skip(&i, lines: lines)
      }
    }

    /// `[[...], [...], ...]` at `start`, possibly over several lines, followed on its line by
    /// nothing, a comment, `,`, `]` or `}`; replaced by `["\u{E000}k"` and its line breaks and
    /// the closing `]` at its original column.
    mutating func flowRegion(from start: Int) -> Int? {
      var list = List()
      var i = start + 1
      skip(&i, lines: true)
      guard at(i) == Scanner.open else { return nil }
      while true {
        guard let next = innerList(i, lines: true, into: &list) else { return nil }
        i = next
        skip(&i, lines: true)
        if at(i) == Scanner.comma {
          i += 1
          skip(&i, lines: true)
          guard at(i) == Scanner.open else { return nil }
          continue
        }
        guard at(i) == Scanner.close else { return nil }
        i += 1
        break
      }
      let end = i
      guard end - start >= minimumBytes else { return nil }
      // What follows on the line must end the value.
      var k = end
      while at(k) == Scanner.space { k += 1 }
      let c = at(k)
      if k >= b.count || c == Scanner.newline {
        // Not a key: the next thing in the text is neither `:` nor `?`.
        var m = k
        skip(&m, lines: true)
        if at(m) == Scanner.colon || at(m) == 0x3F { return nil }
      } else if !(c == Scanner.comma || c == Scanner.close || c == 0x7D
        || (c == Scanner.hash && k > end))
      {
        return nil
      }
      let bytes = b
      replace(start..<end) { out, index in
        out.append(Scanner.open)
        FastLists.appendMarker(index, to: &out)
        var column = 0
        for p in start..<(end - 1) {
          if bytes[p] == Scanner.newline {
            out.append(Scanner.newline)
            column = 0
          } else {
            column += 1
          }
        }
        // Pad the last line so the `]` keeps its column when the list spans lines.
        if column < end - 1 - start {
          out.append(contentsOf: repeatElement(Scanner.space, count: column))
        }
        out.append(Scanner.close)
      }
      lists.append(list)
      return end
    }

    /// Lines `INDENT- [integers]` from `start` (a line start), all at the same indentation,
    /// followed by the end of the text or a line less indented (or as indented, but not an
    /// entry or a comment); replaced by `INDENT- "\u{E000}k"` and the line breaks.
    mutating func blockRegion(from start: Int) -> Int? {
      guard start < b.count else { return nil }
      var indent = 0
      while at(start + indent) == Scanner.space { indent += 1 }
      var list = List()
      var line = start
      var lineCount = 0
      var end = start
      while true {
        var i = line
        var spaces = 0
        while at(i) == Scanner.space {
          i += 1
          spaces += 1
        }
        let isEntry =
          spaces == indent && at(i) == Scanner.dash && at(i + 1) == Scanner.space
        if !isEntry { break }
        i += 1
        skip(&i, lines: false)
        guard at(i) == Scanner.open, let next = innerList(i, lines: false, into: &list) else {
          return nil
        }
        i = next
        skip(&i, lines: false)
        guard i == b.count || at(i) == Scanner.newline else { return nil }
        lineCount += 1
        end = i
        if i == b.count { break }
        line = i + 1
        if line == b.count { break }
      }
      guard lineCount > 0, end - start >= minimumBytes else { return nil }
      if end < b.count && line < b.count {
        // The line after the entries must close the list.
        var i = line
        var spaces = 0
        while at(i) == Scanner.space {
          i += 1
          spaces += 1
        }
        let c = at(i)
        if c == Scanner.newline || i == b.count || c == Scanner.hash || spaces > indent
          || (spaces == indent && c == Scanner.dash)
        {
          return nil
        }
      }
      replace(start..<end) { out, index in
        out.append(contentsOf: repeatElement(Scanner.space, count: indent))
        out.append(Scanner.dash)
        out.append(Scanner.space)
        FastLists.appendMarker(index, to: &out)
        out.append(contentsOf: repeatElement(Scanner.newline, count: lineCount - 1))
      }
      lists.append(list)
      return end
    }

    /// Copies the text up to `range` and the replacement of `range`.
    mutating func replace(_ range: Range<Int>, _ body: (inout [UInt8], Int) -> Void) {
      if output.isEmpty { output.reserveCapacity(4096) }
      output.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<range.lowerBound]))
      body(&output, lists.count)
      copied = range.upperBound
    }
  }

  /// `"\u{E000}k"` with its quotes.
  static func appendMarker(_ index: Int, to out: inout [UInt8]) {
    out.append(0x22)
    out.append(contentsOf: [0xEE, 0x80, 0x80])
    out.append(contentsOf: Array(String(index).utf8))
    out.append(0x22)
  }

  /// The list number of a marker string, if `text` is one.
  static func markerIndex(_ text: String) -> Int? {
    guard text.unicodeScalars.first == markerScalar else { return nil }
    let digits = String(String.UnicodeScalarView(text.unicodeScalars.dropFirst()))
    guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return Int(digits)
  }
}
