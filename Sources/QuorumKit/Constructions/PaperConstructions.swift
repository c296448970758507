/// The paper's quorum constructions (Malkhi & Reiter, "Byzantine Quorum Systems"): threshold
/// (Examples 4.7, 5.7, 5.12), grid (4.8, 5.8), partition with super-elements (4.9, 5.9, 5.14),
/// the grid on super-elements (4.9, 5.9) and Hadamard (5.16).
///
/// Each builder validates its parameters (throwing an ``InputError`` that says what was
/// expected) and returns a ``QuorumSystem`` whose ``QuorumSystem/construction`` is set and
/// whose quorums are listed when there are at most ``constructionListLimit`` of them. The
/// builders do not check the paper's side conditions (such as `3f + 1 <= √n`): whether the
/// result is a masking, dissemination or opaque system is for ``PropertyChecker`` to decide.
extension QuorumSystem {
  /// Constructions list their quorums when there are at most this many.
  public static let constructionListLimit = 200_000

  /// The threshold construction with the paper's quorum size for class `cls` and an
  /// `f`-threshold fail-prone system: Example 4.7 (masking, `⌈(n + 2f + 1) / 2⌉`), 5.7
  /// (dissemination, `⌈(n + f + 1) / 2⌉`) or 5.12 (opaque, `⌈(2n + 2f) / 3⌉`).
  ///
  /// - Throws: ``InputError`` unless `n >= 1`, `0 <= f < n` and the size is at most `n`.
  public static func paperThreshold(_ cls: QuorumClass, n: Int, f: Int) throws -> QuorumSystem {
    guard n >= 1 else { throw InputError("the threshold construction needs n >= 1 (got \(n))") }
    guard f >= 0 && f < n else {
      throw InputError("the threshold construction needs 0 <= f < n (got n = \(n), f = \(f))")
    }
    let q = paperThresholdQuorumSize(cls, n: n, f: f)
    guard q <= n else {
      throw InputError(
        "the \(cls.rawValue) threshold construction for n = \(n), f = \(f) has quorum size \(q) > n"
      )
    }
    return threshold(n: n, quorumSize: q, listLimit: constructionListLimit)
  }

  /// The grid of Examples 4.8 and 5.8 on `k × k` servers numbered row-major: every union of one
  /// column `C_j` and `rows` rows `R_i` (`k · C(k, rows)` quorums of `(rows + 1)·k - rows`
  /// servers each).
  ///
  /// Grids of more than 64 servers (k >= 9) are returned as the construction alone, without
  /// listed quorums.
  ///
  /// - Throws: ``InputError`` unless `1 <= k <= 1000` and `1 <= rows <= k`.
  public static func grid(k: Int, rows: Int) throws -> QuorumSystem {
    guard k >= 1 && k <= 1000 else {
      throw InputError("the grid needs 1 <= k <= 1000 (got k = \(k))")
    }
    guard rows >= 1 && rows <= k else {
      throw InputError("the grid needs 1 <= rows <= k = \(k) (got rows = \(rows))")
    }
    if k * k > ServerSet.capacity {
      // Too many servers for listed sets: the construction alone (its load is certified from
      // its symmetry; properties that need the quorums listed answer unknown).
      return QuorumSystem(
        universe: Universe(count: k * k), quorums: nil, construction: .grid(k: k, rows: rows))
    }
    let cells = (0..<(k * k)).map { ServerSet([$0]) }
    let quorums = gridQuorums(cells: cells, k: k, rows: rows)
    return QuorumSystem(
      universe: Universe(count: k * k), quorums: quorums, construction: .grid(k: k, rows: rows))
  }

  /// The grid of the paper for class `cls` and `f` faults: Example 4.8 (masking, `2f + 1`
  /// rows) or Example 5.8 (dissemination, `f + 1` rows). The paper has no opaque grid.
  public static func paperGrid(_ cls: QuorumClass, k: Int, f: Int) throws -> QuorumSystem {
    try grid(k: k, rows: paperGridRows(cls, f: f))
  }

  /// The number of rows of the paper's grid: `2f + 1` (Example 4.8) or `f + 1` (Example 5.8).
  ///
  /// - Throws: ``InputError`` for `f < 0` or the opaque class (the paper has no opaque grid;
  ///   Theorem 5.15 bounds every opaque system's load below by 1/2).
  public static func paperGridRows(_ cls: QuorumClass, f: Int) throws -> Int {
    guard f >= 0 else { throw InputError("f cannot be negative (got \(f))") }
    switch cls {
    case .masking: return 2 * f + 1
    case .dissemination: return f + 1
    case .opaque:
      throw InputError(
        "the paper gives no grid construction for opaque systems (Examples 4.8 and 5.8 are masking and dissemination)"
      )
    }
  }

  /// The threshold construction on super-elements (Examples 4.9, 5.9, 5.14): every union of
  /// `quorumSize` of the `elements`, which must be non-empty and pairwise disjoint (in the
  /// paper, `B̂_i ⊆ B_i` for a partition `B_1, ..., B_m`).
  ///
  /// - Throws: ``InputError`` for a universe over 64 servers, no elements, an empty element, two
  ///   overlapping elements, an element outside the universe, or a size outside `1...m`.
  public static func superElements(
    universe: Universe, elements: [ServerSet], quorumSize q: Int
  ) throws -> QuorumSystem {
    try validateSuperElements(universe: universe, elements: elements)
    let m = elements.count
    guard q >= 1 && q <= m else {
      throw InputError(
        "the partition construction needs 1 <= size <= m = \(m) super-elements (got size = \(q))")
    }
    var list: [ServerSet]? = nil
    if binomial(m, q) <= Double(constructionListLimit) {
      list = KSubsets(n: m, k: q).map { chosen in
        chosen.reduce(ServerSet()) { $0.union(elements[$1]) }
      }.sorted()
    }
    return QuorumSystem(
      universe: universe, quorums: list,
      construction: .superElements(elements: elements, quorumSize: q))
  }

  /// The paper's size for the threshold construction on `m` super-elements with `f = 1`:
  /// Example 4.9 `⌈(m + 3) / 2⌉`, 5.9 `⌈(m + 2) / 2⌉`, 5.14 `⌈(2m + 2) / 3⌉` (`2k + 1` for
  /// `m = 3k`).
  public static func paperSuperElementSize(_ cls: QuorumClass, m: Int) -> Int {
    paperThresholdQuorumSize(cls, n: m, f: 1)
  }

  /// The grid on `m = k²` super-elements (Examples 4.9 and 5.9): element `i·k + j` is in row
  /// `i` and column `j`; each quorum is the union of the elements of one column and of `rows`
  /// rows.
  ///
  /// - Throws: ``InputError`` as ``superElements(universe:elements:quorumSize:)`` does, if the
  ///   number of elements is not a square, or unless `1 <= rows <= k`.
  public static func superElementGrid(
    universe: Universe, elements: [ServerSet], rows: Int
  ) throws -> QuorumSystem {
    try validateSuperElements(universe: universe, elements: elements)
    let m = elements.count
    var k = 0
    while (k + 1) * (k + 1) <= m { k += 1 }
    guard k * k == m else {
      throw InputError(
        "the grid on super-elements needs m = k² super-elements (got m = \(m), not a square)")
    }
    guard rows >= 1 && rows <= k else {
      throw InputError("the grid needs 1 <= rows <= k = \(k) (got rows = \(rows))")
    }
    return QuorumSystem(
      universe: universe, quorums: gridQuorums(cells: elements, k: k, rows: rows),
      construction: .superElementGrid(elements: elements, rows: rows))
  }

  /// Example 5.16: the rows 2, ..., n of the `n × n` Hadamard matrix `H(l)` (``hadamardMatrix(_:)``,
  /// `n = 2^l`) as quorums, `Q_i = {u_j : H(l)[i, j] = 1}`. Server `j - 1` stands for `u_j`.
  ///
  /// The paper asks for `l > 2`; `l = 1` and `l = 2` are accepted too (they give one quorum
  /// `{1}`, and the three 2-subsets `{1, 3}, {2, 3}, {1, 2}` of `{1, 2, 3}`).
  ///
  /// - Throws: ``InputError`` unless `1 <= l <= 6` (`n <= 64`).
  public static func hadamard(l: Int) throws -> QuorumSystem {
    guard l >= 1 && l <= 6 else {
      throw InputError(
        "the Hadamard construction needs 1 <= l <= 6 (n = 2^l servers, at most \(ServerSet.capacity)); got l = \(l)"
      )
    }
    let h = hadamardMatrix(l)
    let quorums = h.dropFirst().map { row in
      ServerSet(row.indices.filter { row[$0] == 1 })
    }.sorted()
    return QuorumSystem(
      universe: Universe(count: 1 << l), quorums: quorums, construction: .hadamard(l: l))
  }

  /// The Hadamard matrix `H(l)` of Example 5.16, built by the paper's recursion:
  /// `H(1) = [[-1, -1], [-1, 1]]`, `H(k) = [[H(k-1), H(k-1)], [H(k-1), -H(k-1)]]`.
  public static func hadamardMatrix(_ l: Int) -> [[Int]] {
    precondition(l >= 1)
    var h = [[-1, -1], [-1, 1]]
    if l == 1 { return h }
    for _ in 2...l {
      h = h.map { $0 + $0 } + h.map { $0 + $0.map { -$0 } }
    }
    return h
  }

  /// The same system over `universe`, which must have as many servers (to give a
  /// construction's numbered servers the names of a spec's universe).
  public static func renamed(_ system: QuorumSystem, universe: Universe) -> QuorumSystem {
    precondition(universe.count == system.universe.count, "renaming needs the same server count")
    return QuorumSystem(
      universe: universe, quorums: system.quorums, construction: system.construction)
  }

  /// Every union of one column and `rows` rows of a `k × k` arrangement of `cells` (row-major).
  private static func gridQuorums(cells: [ServerSet], k: Int, rows: Int) -> [ServerSet] {
    let rowSets = (0..<k).map { i in (0..<k).reduce(ServerSet()) { $0.union(cells[i * k + $1]) } }
    let columnSets = (0..<k).map { j in
      (0..<k).reduce(ServerSet()) { $0.union(cells[$1 * k + j]) }
    }
    var result: [ServerSet] = []
    for chosen in KSubsets(n: k, k: rows) {
      let union = chosen.reduce(ServerSet()) { $0.union(rowSets[$1]) }
      for column in columnSets { result.append(union.union(column)) }
    }
    return Array(Set(result)).sorted()
  }

  private static func validateSuperElements(universe: Universe, elements: [ServerSet]) throws {
    try universe.requireEnumerable("a construction on super-elements")
    guard !elements.isEmpty else {
      throw InputError("a construction on super-elements needs at least one super-element")
    }
    var seen = ServerSet()
    for (i, e) in elements.enumerated() {
      guard !e.isEmpty else { throw InputError("super-element \(i + 1) is empty") }
      guard e.isSubset(of: universe.all) else {
        throw InputError(
          "super-element \(i + 1) names server \(e.subtracting(universe.all).first!) outside the universe of \(universe.count) servers"
        )
      }
      if let shared = e.intersection(seen).first {
        throw InputError(
          "super-elements overlap in server \(universe.name(of: shared)) (super-element \(i + 1))")
      }
      seen = seen.union(e)
    }
  }
}

extension Construction {
  /// One line naming the construction and the paper's example, e.g.
  /// `grid 4 × 4, one column + 3 rows (Examples 4.8, 5.8)`.
  public var summary: String {
    switch self {
    case .threshold(let n, let q):
      return "threshold: every \(q)-subset of \(n) servers (Examples 4.7, 5.7, 5.12)"
    case .grid(let k, let rows):
      return
        "grid \(k) × \(k), one column + \(rows) row\(rows == 1 ? "" : "s") (Examples 4.8, 5.8)"
    case .superElements(let elements, let q):
      return
        "partition: unions of \(q) of \(elements.count) super-elements (Examples 4.9, 5.9, 5.14)"
    case .superElementGrid(let elements, let rows):
      var k = 0
      while (k + 1) * (k + 1) <= elements.count { k += 1 }
      return
        "grid \(k) × \(k) on super-elements, one column + \(rows) row\(rows == 1 ? "" : "s") (Examples 4.9, 5.9)"
    case .hadamard(let l):
      return "Hadamard H(\(l)): rows 2...\(1 << l) as quorums (Example 5.16)"
    }
  }

  /// The number of quorums the construction has (a `Double`: exact below 2^53).
  public var quorumCount: Double {
    switch self {
    case .threshold(let n, let q): return binomial(n, q)
    case .grid(let k, let rows): return Double(k) * binomial(k, rows)
    case .superElements(let elements, let q): return binomial(elements.count, q)
    case .superElementGrid(let elements, let rows):
      var k = 0
      while (k + 1) * (k + 1) <= elements.count { k += 1 }
      return Double(k) * binomial(k, rows)
    case .hadamard(let l): return Double((1 << l) - 1)
    }
  }
}
