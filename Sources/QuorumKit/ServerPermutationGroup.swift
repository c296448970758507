/// A partition of the servers and of the quorums of a listed system that colour refinement
/// cannot split further: every server of a server cell `S` lies in the same number of
/// quorums of each quorum cell `O`, and every quorum of `O` has the same number `c(O, S)` of
/// servers in `S` (an *equitable* partition of the server–quorum incidence).
///
/// Every group of server permutations preserving the quorum family has its orbits inside
/// these cells, and the cells are what the load LP of Definition 3.1 can be reduced to:
/// averaging an optimal strategy over each quorum cell keeps it optimal, since a server's
/// load becomes the average load of its cell (`l(u) = Σ_O w(O) c(O, S)/|S|` for `u ∈ S`),
/// and averaging an optimal dual over each server cell likewise keeps every quorum's weight.
public struct EquitablePartition: Sendable, Equatable {
  /// The colour of each server; colours are `0..<serverCellCount`, canonical (they depend only
  /// on the system up to renaming the servers, and on the starting colours).
  public let serverColour: [Int]
  /// The colour of each quorum (by index in the list), `0..<quorumCellCount`.
  public let quorumColour: [Int]
  /// The number of server cells.
  public let serverCellCount: Int
  /// The number of quorum cells.
  public let quorumCellCount: Int

  /// The server cells, each sorted, in colour order.
  public var serverCells: [[Int]] { cells(serverColour, serverCellCount) }
  /// The quorum cells (indices into the list), each sorted, in colour order.
  public var quorumCells: [[Int]] { cells(quorumColour, quorumCellCount) }

  private func cells(_ colour: [Int], _ count: Int) -> [[Int]] {
    var out = [[Int]](repeating: [], count: count)
    for (i, c) in colour.enumerated() { out[c].append(i) }
    return out
  }

  /// The coarsest equitable partition finer than the starting server colours `initial`
  /// (all servers alike when nil), by colour refinement: a quorum's new colour is its colour
  /// and how many of its servers have each colour; a server's new colour is its colour and
  /// the sorted colours of the quorums it is in; until no cell splits. Colours are numbered
  /// by sorting these signatures, so they are canonical.
  ///
  /// - Parameters:
  ///   - quorums: the quorums as bitsets over `0..<n`.
  ///   - initial: canonical starting colours `0..<k` of the servers.
  ///   - initialQuorumColours: starting colours `0..<k` of the quorums (all alike when nil),
  ///     e.g. to tell apart the sets of two families refined together.
  ///   - stopAtDistinctQuorums: stop as soon as every quorum has a colour of its own (cells
  ///     only split, so the quorum cells are then final; the server cells may not be).
  public static func refine(
    quorums: [UInt64], n: Int, initial: [Int]? = nil, initialQuorumColours: [Int]? = nil,
    stopAtDistinctQuorums: Bool = false
  ) -> EquitablePartition {
    var sc = initial ?? [Int](repeating: 0, count: n)
    var k = (sc.max() ?? -1) + 1
    let m = quorums.count
    var qc = initialQuorumColours ?? [Int](repeating: 0, count: m)
    var kq = m == 0 ? 0 : (qc.max() ?? 0) + 1
    var members = [[Int]](repeating: [], count: n)
    for (q, bits) in quorums.enumerated() {
      var b = bits
      while b != 0 {
        members[b.trailingZeroBitCount].append(q)
        b &= b - 1
      }
    }
    while true {
      // Quorums: (colour, number of members of each server colour).
      let stride = k + 1
      var signature = [Int32](repeating: 0, count: m * stride)
      for q in 0..<m {
        signature[q * stride] = Int32(qc[q])
        var b = quorums[q]
        while b != 0 {
          signature[q * stride + 1 + sc[b.trailingZeroBitCount]] += 1
          b &= b - 1
        }
      }
      let newQC = ranks(count: m) { a, b in
        for t in 0..<stride where signature[a * stride + t] != signature[b * stride + t] {
          return signature[a * stride + t] < signature[b * stride + t] ? -1 : 1
        }
        return 0
      }
      if stopAtDistinctQuorums && newQC.count == m {
        qc = newQC.colour
        kq = newQC.count
        break
      }
      // Servers: (colour, sorted colours of their quorums).
      let lists = (0..<n).map { u in [sc[u]] + members[u].map { newQC.colour[$0] }.sorted() }
      let newSC = ranks(count: n) { a, b in
        let x = lists[a]
        let y = lists[b]
        for t in 0..<min(x.count, y.count) where x[t] != y[t] { return x[t] < y[t] ? -1 : 1 }
        return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
      }
      let stable = newSC.count == k && newQC.count == kq
      sc = newSC.colour
      qc = newQC.colour
      k = newSC.count
      kq = newQC.count
      if stable { break }
    }
    return EquitablePartition(
      serverColour: sc, quorumColour: qc, serverCellCount: k, quorumCellCount: kq)
  }

  /// Dense ranks of `0..<count` under a three-way comparison.
  private static func ranks(count: Int, _ compare: (Int, Int) -> Int) -> (
    colour: [Int], count: Int
  ) {
    let order = (0..<count).sorted { compare($0, $1) < 0 }
    var colour = [Int](repeating: 0, count: count)
    var next = 0
    for (i, x) in order.enumerated() {
      if i > 0 && compare(order[i - 1], x) != 0 { next += 1 }
      colour[x] = next
    }
    return (colour, count == 0 ? 0 : next + 1)
  }
}

/// A group of permutations of the servers `0..<n` that map the quorum family onto itself
/// (automorphisms of the system), found by individualisation and refinement with
/// backtracking, as nauty does, within a budget.
///
/// The search follows one path of individualised servers down to a discrete partition; at
/// each level, from the deepest up, it tries to map the path's server to every other server
/// of its cell not yet in its orbit, looking for a leaf whose labelling differs from the first
/// one by an automorphism (each candidate is checked against the listed quorums). The
/// automorphisms found generate the group; its order is the product of the orbit sizes met on
/// the path (orbit–stabiliser).
public struct ServerPermutationGroup: Sendable {
  /// The number of servers.
  public let n: Int
  /// Generators: each a permutation, `generator[u]` the image of server `u`; checked
  /// automorphisms of the system.
  public let generators: [[Int]]
  /// The orbits of the servers under the group, each sorted, ordered by their first server.
  public let orbits: [[Int]]
  /// The order of the group (exact up to 2^53).
  public let order: Double

  /// The automorphism group of the system `quorums` over `0..<n` (at most 64 servers), or nil
  /// when the search needs more than `nodeLimit` refinements.
  public static func automorphisms(of quorums: [ServerSet], n: Int, nodeLimit: Int = 20_000)
    -> ServerPermutationGroup?
  {
    precondition(n >= 1 && n <= ServerSet.capacity)
    let bits = ServerSet.sortedDistinct(quorums).map(\.bits)
    var search = AutomorphismSearch(families: [bits], n: n, budget: nodeLimit)
    return search.run()
  }

  /// The group of the permutations of `0..<n` (at most 64 servers) that map each of `families`
  /// onto itself (e.g. a fail-prone system's members and the quorums: the automorphisms of
  /// both at once), or nil when the search needs more than `nodeLimit` refinements. The sets
  /// of the families are refined together, each family with a colour of its own, and every
  /// generator is checked against every family.
  public static func automorphisms(
    preserving families: [[ServerSet]], n: Int, nodeLimit: Int = 20_000
  ) -> ServerPermutationGroup? {
    precondition(n >= 1 && n <= ServerSet.capacity)
    let lists = families.map { ServerSet.sortedDistinct($0).map(\.bits) }
    var search = AutomorphismSearch(families: lists, n: n, budget: nodeLimit)
    return search.run()
  }

  /// True iff `permutation` (`permutation[u]` the image of server `u`) is a permutation of
  /// `0..<n` that maps the family `sets` onto itself.
  public static func preserves(_ permutation: [Int], _ sets: [ServerSet]) -> Bool {
    let n = permutation.count
    guard Set(permutation).count == n, permutation.allSatisfy({ $0 >= 0 && $0 < n }) else {
      return false
    }
    let family = Set(sets)
    for set in family {
      var image = ServerSet()
      for u in set {
        guard u < n else { return false }
        image.insert(permutation[u])
      }
      if !family.contains(image) { return false }
    }
    return true
  }
}

private struct AutomorphismSearch {
  /// The sets of every family, one after the other.
  let quorums: [UInt64]
  /// The family of each set of `quorums`, as its starting colour.
  let quorumColours: [Int]
  let n: Int
  var budget: Int
  let families: [[UInt64]]
  let lookups: [Set<UInt64>]

  init(families: [[UInt64]], n: Int, budget: Int) {
    self.quorums = families.flatMap { $0 }
    self.quorumColours = families.enumerated().flatMap { k, f in
      [Int](repeating: k, count: f.count)
    }.denseRanks()
    self.n = n
    self.budget = budget
    self.families = families
    self.lookups = families.map { Set($0) }
  }

  struct Level {
    /// The colouring before individualising.
    var colours: [Int]
    /// The cell individualised from, and the server chosen on the first path.
    var cell: [Int]
    var chosen: Int
    /// The number of cells, to prune paths whose partitions differ.
    var cellCount: Int
  }

  /// Refines `colours`, charging the budget; nil when it is spent.
  mutating func refine(_ colours: [Int]) -> [Int]? {
    budget -= 1
    if budget < 0 { return nil }
    return EquitablePartition.refine(
      quorums: quorums, n: n, initial: colours,
      initialQuorumColours: quorumColours
    ).serverColour
  }

  /// The first smallest non-singleton cell of a colouring, or nil when it is discrete.
  func targetCell(_ colours: [Int]) -> [Int]? {
    var cells = [[Int]](repeating: [], count: n)
    for (u, c) in colours.enumerated() { cells[c].append(u) }
    var best: [Int]? = nil
    for cell in cells where cell.count > 1 {
      if best == nil || cell.count < best!.count { best = cell }
    }
    return best
  }

  /// `colours` with `v` given a colour of its own (just below the rest of its cell), every
  /// colour renumbered densely.
  func individualise(_ colours: [Int], _ v: Int) -> [Int] {
    colours.enumerated().map { u, c in
      2 * c + (u == v || colours[u] != colours[v] ? 0 : 1)
    }.denseRanks()
  }

  mutating func run() -> ServerPermutationGroup? {
    guard var colours = refine([Int](repeating: 0, count: n)) else { return nil }
    var path: [Level] = []
    while let cell = targetCell(colours) {
      let chosen = cell[0]
      path.append(
        Level(colours: colours, cell: cell, chosen: chosen, cellCount: (colours.max() ?? 0) + 1))
      guard let next = refine(individualise(colours, chosen)) else { return nil }
      colours = next
    }
    let leaf = colours
    var generators: [[Int]] = []
    var order = 1.0
    for index in path.indices.reversed() {
      let level = path[index]
      var orbit = UnionFind(n)
      for g in generators { for u in 0..<n { orbit.union(u, g[u]) } }
      for v in level.cell where v != level.chosen && orbit.find(v) != orbit.find(level.chosen) {
        guard
          let found = matchingLeaf(
            level.colours, individualised: v, path: path, from: index, leaf: leaf)
        else {
          if budget < 0 { return nil }
          continue
        }
        generators.append(found)
        for u in 0..<n { orbit.union(u, found[u]) }
      }
      let root = orbit.find(level.chosen)
      order *= Double(level.cell.filter { orbit.find($0) == root }.count)
    }
    var orbit = UnionFind(n)
    for g in generators { for u in 0..<n { orbit.union(u, g[u]) } }
    var byRoot: [Int: [Int]] = [:]
    for u in 0..<n { byRoot[orbit.find(u), default: []].append(u) }
    let orbits = byRoot.values.sorted { $0[0] < $1[0] }
    return ServerPermutationGroup(n: n, generators: generators, orbits: orbits, order: order)
  }

  /// Searches the subtree below `colours` with `v` individualised for a discrete leaf that is
  /// the image of the first path's `leaf` under an automorphism; returns that automorphism.
  mutating func matchingLeaf(
    _ colours: [Int], individualised v: Int, path: [Level], from level: Int, leaf: [Int]
  ) -> [Int]? {
    guard let refined = refine(individualise(colours, v)) else { return nil }
    let next = level + 1
    guard let cell = targetCell(refined) else {
      // A leaf: server of colour c on the first path maps to the server of colour c here.
      guard next == path.count else { return nil }
      var byColour = [Int](repeating: 0, count: n)
      for (u, c) in refined.enumerated() { byColour[c] = u }
      let sigma = (0..<n).map { byColour[leaf[$0]] }
      return isAutomorphism(sigma) ? sigma : nil
    }
    guard next < path.count, path[next].cellCount == (refined.max() ?? 0) + 1,
      path[next].cell.count == cell.count
    else { return nil }
    for w in cell {
      if let found = matchingLeaf(
        refined, individualised: w, path: path, from: next, leaf: leaf)
      {
        return found
      }
      if budget < 0 { return nil }
    }
    return nil
  }

  func isAutomorphism(_ sigma: [Int]) -> Bool {
    for (family, lookup) in zip(families, lookups) {
      for q in family {
        var image: UInt64 = 0
        var b = q
        while b != 0 {
          image |= 1 << UInt64(sigma[b.trailingZeroBitCount])
          b &= b - 1
        }
        if !lookup.contains(image) { return false }
      }
    }
    return true
  }
}

private struct UnionFind {
  var parent: [Int]
  init(_ n: Int) { parent = Array(0..<n) }
  mutating func find(_ x: Int) -> Int {
    var r = x
    while parent[r] != r { r = parent[r] }
    var y = x
    while parent[y] != r {
      let next = parent[y]
      parent[y] = r
      y = next
    }
    return r
  }
  mutating func union(_ a: Int, _ b: Int) {
    let ra = find(a)
    let rb = find(b)
    if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
  }
}

extension Array where Element == Int {
  /// The values renumbered `0, 1, ...` in increasing order.
  fileprivate func denseRanks() -> [Int] {
    let distinct = Array(Set(self)).sorted()
    var rank: [Int: Int] = [:]
    for (i, v) in distinct.enumerated() { rank[v] = i }
    return map { rank[$0]! }
  }
}
