/// The servers: `n` of them, numbered `0..<n`, optionally with names.
public struct Universe: Hashable, Sendable {
  /// How many servers there are.
  public let count: Int
  /// The servers' names, if the spec named them; otherwise servers print as numbers.
  public let names: [String]?

  /// A universe of `count` numbered servers.
  public init(count: Int) {
    self.count = count
    self.names = nil
  }

  /// A universe of named servers, numbered in the order given.
  public init(names: [String]) {
    self.count = names.count
    self.names = names
  }

  /// The printed name of server `s`.
  public func name(of s: Int) -> String { names?[s] ?? String(s) }

  /// The printed form of a set: `{a, b, c}` with names, `{0, 1, 2}` without.
  public func describe(_ set: ServerSet) -> String {
    "{" + set.members.map(name(of:)).joined(separator: ", ") + "}"
  }

  /// All servers as a set (requires `count <= ServerSet.capacity`).
  public var all: ServerSet { ServerSet.universe(count) }

  /// Throws unless sets over this universe fit in a ``ServerSet``.
  public func requireEnumerable(_ what: String) throws {
    if count > ServerSet.capacity {
      throw InputError(
        "\(what) needs explicit server sets, which support at most \(ServerSet.capacity) servers; this universe has \(count)"
      )
    }
  }
}
