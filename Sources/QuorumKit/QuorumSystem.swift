/// The paper's named constructions, with their parameters.
public enum Construction: Hashable, Sendable {
  /// All `q`-subsets of `n` servers (Examples 4.7, 5.7, 5.12 pick q from n and f).
  case threshold(n: Int, quorumSize: Int)
}

/// A quorum system Q (Section 3.1): a family of server sets.
public struct QuorumSystem: Hashable, Sendable {
  /// The servers.
  public let universe: Universe
  /// The quorums, sorted and without duplicates, when the system is explicit or small enough to
  /// list; nil for a construction too large to list (its properties are decided on sizes).
  public let quorums: [ServerSet]?
  /// The paper's construction this system is, if any.
  public let construction: Construction?

  /// An explicit system; the quorums are sorted and deduplicated.
  public init(universe: Universe, quorums: [ServerSet]) {
    self.universe = universe
    self.quorums = Array(Set(quorums)).sorted()
    self.construction = nil
  }

  @usableFromInline internal init(
    universe: Universe, quorums: [ServerSet]?, construction: Construction?
  ) {
    self.universe = universe
    self.quorums = quorums
    self.construction = construction
  }
}
