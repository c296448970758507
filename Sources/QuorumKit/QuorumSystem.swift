/// The paper's named constructions, with their parameters.
public enum Construction: Hashable, Sendable {
  /// All `q`-subsets of `n` servers (Examples 4.7, 5.7, 5.12 pick q from n and f).
  case threshold(n: Int, quorumSize: Int)
  /// The grid of Examples 4.8 and 5.8: `k × k` servers numbered row-major (server `i·k + j` is
  /// in row `i` and column `j`); each quorum is one full column together with `rows` full rows.
  /// Example 4.8 (masking) takes `rows = 2f + 1`, Example 5.8 (dissemination) `rows = f + 1`.
  case grid(k: Int, rows: Int)
  /// The threshold construction on super-elements of Examples 4.9, 5.9 and 5.14: the unions of
  /// `quorumSize` of the disjoint, non-empty `elements` (the sets `B̂_i ⊆ B_i`). Example 4.9
  /// takes `⌈(m + 3) / 2⌉` of `m` elements, 5.9 `⌈(m + 2) / 2⌉`, 5.14 `2k + 1` of `3k`.
  case superElements(elements: [ServerSet], quorumSize: Int)
  /// The grid on super-elements (Examples 4.9 and 5.9 for `m = k²`): element `i·k + j` sits in
  /// row `i` and column `j`; each quorum is the union of the elements of one column and
  /// `rows` rows.
  case superElementGrid(elements: [ServerSet], rows: Int)
  /// Example 5.16: `n = 2^l` servers; the quorums are the rows 2...n of the Hadamard matrix
  /// `H(l)` read as indicator vectors (`+1` = member).
  case hadamard(l: Int)
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
    self.quorums = ServerSet.sortedDistinct(quorums)
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
