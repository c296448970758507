import Foundation

/// A JSON value, written exactly as `JSONSerialization` writes it with `.sortedKeys`,
/// `.prettyPrinted` and `.withoutEscapingSlashes`, but without boxing every number in
/// `NSNumber`: a load's strategy over hundreds of quorums took 50 ms to write that way.
indirect enum JSONValue {
  case object([String: JSONValue])
  case array([JSONValue])
  case string(String)
  case int(Int)
  case double(Double)
  case bool(Bool)
  case null

  /// The pretty-printed text, keys sorted, two spaces per level.
  var text: String {
    var out = ""
    write(to: &out, indent: 0)
    return out
  }

  private func write(to out: inout String, indent: Int) {
    switch self {
    case .object(let members):
      out += "{\n"
      let keys = members.keys.sorted()
      for (i, key) in keys.enumerated() {
        out += String(repeating: " ", count: indent + 2)
        JSONValue.writeString(key, to: &out)
        out += " : "
        members[key]!.write(to: &out, indent: indent + 2)
        out += i + 1 < keys.count ? ",\n" : "\n"
      }
      if keys.isEmpty { out += "\n" }
      out += String(repeating: " ", count: indent) + "}"
    case .array(let items):
      out += "[\n"
      for (i, item) in items.enumerated() {
        out += String(repeating: " ", count: indent + 2)
        item.write(to: &out, indent: indent + 2)
        out += i + 1 < items.count ? ",\n" : "\n"
      }
      if items.isEmpty { out += "\n" }
      out += String(repeating: " ", count: indent) + "]"
    case .string(let s):
      JSONValue.writeString(s, to: &out)
    case .int(let i):
      out += String(i)
    case .double(let d):
      // Foundation's own spelling of numbers (1e-07, 1e+22, 1 for 1.0): few per output.
      let data = try? JSONSerialization.data(withJSONObject: [d], options: [])
      let text = data.map { String(decoding: $0, as: UTF8.self) } ?? "[null]"
      out += text.dropFirst().dropLast()
    case .bool(let b):
      out += b ? "true" : "false"
    case .null:
      out += "null"
    }
  }

  private static func writeString(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{8}": out += "\\b"
      case "\u{C}": out += "\\f"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}
