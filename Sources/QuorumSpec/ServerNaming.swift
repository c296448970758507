import QuorumKit

/// How a spec refers to its servers: by number when it gives `universe: n`, by name when it
/// gives `servers: [...]`.
struct ServerNaming {
  /// The servers.
  let universe: Universe
  /// Server numbers by name, when the servers are named.
  private let index: [String: Int]?

  init(universe: Universe) {
    self.universe = universe
    if let names = universe.names {
      var index: [String: Int] = [:]
      for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
      self.index = index
    } else {
      self.index = nil
    }
  }

  /// `0...8` for nine numbered servers.
  var range: String { "0...\(universe.count - 1)" }

  /// The server with number `number`, or the message saying why there is none.
  func server(number: Int) -> Result<Int, SpecMessage> {
    if index != nil {
      return .failure(
        SpecMessage(
          "expected a server name, got the number \(number) (this spec names its servers under 'servers:', so it refers to them by name)"
        ))
    }
    guard number < universe.count else {
      return .failure(
        SpecMessage(
          "server \(number) is outside the universe of \(universe.count) server\(universe.count == 1 ? "" : "s") (\(range))"
        ))
    }
    return .success(number)
  }

  /// The server named `name`, or the message saying why there is none.
  func server(name: String) -> Result<Int, SpecMessage> {
    if let index {
      guard let s = index[name] else {
        return .failure(SpecMessage("unknown server '\(name)'"))
      }
      return .success(s)
    }
    if !name.isEmpty && name.unicodeScalars.allSatisfy({ $0 >= "0" && $0 <= "9" }) {
      return .failure(
        SpecMessage(
          "expected a server number, got the string '\(name)' (write numbers without quotes)"))
    }
    return .failure(
      SpecMessage(
        "unknown server '\(name)' (this spec numbers its servers \(range); to use names, list them under 'servers:' instead of giving 'universe:')"
      ))
  }
}

/// An error message not yet given a place.
struct SpecMessage: Error {
  var text: String
  init(_ text: String) { self.text = text }
}
