/// A nested threshold structure: `select k out-of [children]`, the way researchers write
/// generalized adversary structures and Stellar validators write quorum sets.
///
/// As a fail-prone system it denotes the sets obtained by choosing exactly `k` children and,
/// for each chosen child, one of its sets; a server leaf denotes the single set `{server}`.
/// So `select 1 out-of [a, b, c]` is `{{a}, {b}, {c}}`, and `select f out-of` all `n`
/// servers is the threshold system. Such a structure can stand for billions of sets; engines
/// decide on the structure itself and expand it only when asked for small ones.
public indirect enum ThresholdExpression: Hashable, Sendable {
  /// A single server.
  case server(Int)
  /// Exactly `k` of the children (`0 <= k <= children.count`).
  case select(k: Int, of: [ThresholdExpression])
}

/// A fail-prone system B (Section 3.1): a family of server sets, none containing another, such
/// that some member contains all faulty servers.
public struct FailProneSystem: Hashable, Sendable {
  /// How the family is described.
  public enum Kind: Hashable, Sendable {
    /// All `f`-subsets of the `n` servers: "at most f servers fail".
    case threshold(f: Int)
    /// An explicit list of sets (an antichain: validated at construction).
    case explicit([ServerSet])
    /// A partition of the universe into blocks: "at most one block fails".
    case partition([ServerSet])
    /// A nested threshold structure (see ``ThresholdExpression``).
    case nested(ThresholdExpression)
  }

  /// The servers.
  public let universe: Universe
  /// The description of the family.
  public let kind: Kind

  /// Number of servers.
  public var n: Int { universe.count }

  // Construction and validation live in FailProneSystem+Validation.swift.
  @usableFromInline internal init(uncheckedUniverse universe: Universe, kind: Kind) {
    self.universe = universe
    self.kind = kind
  }
}
