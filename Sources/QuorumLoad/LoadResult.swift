import QuorumKit

/// A quorum with its probability in an access strategy (Section 3.3: `w(Q)`).
public struct WeightedQuorum: Hashable, Sendable {
  /// The quorum.
  public let quorum: ServerSet
  /// Its probability `w(Q)`, exact and positive.
  public let weight: Rational

  public init(quorum: ServerSet, weight: Rational) {
    self.quorum = quorum
    self.weight = weight
  }
}

/// A strategy given by a rule rather than a list, for threshold systems over more than 64
/// servers (whose quorums a ``ServerSet`` cannot hold): the `n` cyclic windows
/// `{i, i + 1, ..., i + size - 1 (mod n)}`, `0 <= i < n`, each with probability `1/n`.
public struct CyclicWindows: Hashable, Sendable {
  /// The number of servers and of windows.
  public let n: Int
  /// The number of servers in each window (the quorum size `q`).
  public let size: Int
}

/// A strategy given by a rule, for grids over more than 64 servers (Examples 4.8, 5.8): on a
/// `k × k` grid numbered row-major, the `k²` quorums made of column `j` and the cyclic rows
/// `s, s + 1, ..., s + rows - 1 (mod k)`, each with probability `1/k²`.
public struct GridShifts: Hashable, Sendable {
  /// The side of the grid.
  public let k: Int
  /// The number of full rows in each quorum.
  public let rows: Int
}

/// How a load was computed.
public enum LoadMethod: String, Sendable {
  /// The threshold construction's symmetry: every server is interchangeable, so the uniform
  /// dual and a uniform strategy over `n` cyclic windows are optimal; checked without listing
  /// the quorums.
  case thresholdSymmetry = "threshold-symmetry"
  /// The symmetry of one of the paper's other constructions (grid, super-elements, grid on
  /// super-elements): a strategy spread evenly by cyclic shifts and a dual spread evenly over
  /// the servers or super-elements, checked exactly against the quorums.
  case constructionSymmetry = "construction-symmetry"
  /// A first guess for an explicit list: every quorum equally likely and every covered server
  /// equally weighted; kept only when the exact check proves it optimal (it is for systems
  /// whose servers are all alike, such as the grid or the Hadamard construction).
  case uniformGuess = "uniform-guess"
  /// The LP reduced to the cells of the system's coarsest equitable partition (which contain
  /// the orbits of its server permutations), solved in floating point, its basis re-solved in
  /// exact rationals, then spread evenly over each cell and re-checked against every quorum.
  case orbitLP = "orbit-lp"
  /// A floating-point revised simplex on the LP, its optimal basis re-solved in exact
  /// rationals.
  case floatingBasis = "floating-simplex+exact-basis"
  /// The exact rational simplex (Bland's rule), used when the floating-point basis did not
  /// survive the exact check, or when asked for.
  case exactSimplex = "exact-simplex"
  /// A system containing the empty quorum: load 0.
  case trivial = "trivial"
}

/// Theorem 4.5's lower bound `L(Q) >= max{1/c(Q), c(Q)/n}`.
///
/// The `1/c(Q)` half needs one smallest quorum to meet every quorum (the proof sums the loads
/// over a smallest quorum `Q1` and uses `Q1 ∩ Qi ≠ ∅`), which holds in every quorum system of
/// the paper (Section 3.1: any two quorums intersect). It is only claimed when checked;
/// `c(Q)/n` holds for any family of sets.
public struct TheoremBound: Hashable, Sendable {
  /// `c(Q)`, the size of a smallest quorum.
  public let smallestQuorum: Int
  /// `c(Q)/n`.
  public let sizeOverN: Rational
  /// `1/c(Q)`, or nil when no smallest quorum was found to meet every quorum.
  public let oneOverSize: Rational?
  /// The bound: the larger of the parts that apply.
  public var value: Rational {
    if let o = oneOverSize, sizeOverN < o { return o }
    return sizeOverN
  }
}

/// The exact load of a quorum system (Definition 3.1) with its certificates.
public struct LoadResult: Sendable {
  /// The number of servers `n`.
  public let n: Int
  /// How many quorums the system has (a `Double` for constructions too large to count in
  /// 64 bits).
  public let quorumCount: Double
  /// `L(Q)`, exact.
  public let value: Rational
  /// An optimal strategy `w`: its support, heaviest first, then in ``ServerSet`` order. The
  /// load it induces on the busiest server is ``value``.
  public let strategy: [WeightedQuorum]
  /// The strategy as a rule, when ``strategy`` is empty because `n > 64`.
  public var windows: CyclicWindows? = nil
  /// The strategy as a rule, when ``strategy`` is empty because the grid has over 64 servers.
  public var gridShifts: GridShifts? = nil
  /// The dual certificate (the LP dual of Definition 3.1): a probability distribution `y` on
  /// servers under which every quorum has weight at least ``value``. By weak duality no
  /// strategy induces a smaller load: `L ≥ Σ_u y_u l_w(u) = Σ_Q w(Q) y(Q) ≥ value`.
  public let dual: [Rational]
  /// Theorem 4.5's lower bound.
  public let bound: TheoremBound
  /// How the value was computed.
  public let method: LoadMethod
  /// Simplex pivots (0 for the symmetric path).
  public let iterations: Int
  /// Why the exact fallback ran, if it did.
  public let note: String?
  /// True only when ``LoadCertificate`` re-checked the strategy and the dual in exact
  /// arithmetic and found that they give the same value.
  public let verified: Bool

  /// The capacity `1/L(Q)` (Naor and Wool), or nil for load 0.
  public var capacity: Rational? { value.isZero ? nil : Rational.one / value }
}
