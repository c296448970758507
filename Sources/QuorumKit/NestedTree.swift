/// A ``ThresholdExpression`` compiled into arrays, for the algorithms that decide questions on
/// the tree instead of on its (possibly billions of) member sets.
///
/// Node 0 is the root. A leaf has `server >= 0` and no children; an inner node `select k`
/// has `server == -1`. `mask` holds the servers below a node that are below 64 (a
/// ``ServerSet`` cannot name larger ones).
struct NestedTree {
  struct Node {
    var server: Int
    var k: Int
    var children: [Int]
    var mask: UInt64
    /// Number of leaves below (1 for a leaf).
    var leafCount: Int
  }

  var nodes: [Node] = []
  /// True iff no server occurs at two leaves.
  let disjoint: Bool
  /// Every server occurring at some leaf, below 64.
  var servers: UInt64 { nodes[0].mask }
  /// The number of distinct servers occurring in the expression (any size).
  let distinctServerCount: Int

  init(_ expression: ThresholdExpression) {
    var seen = Set<Int>()
    var repeated = false
    func build(_ e: ThresholdExpression, into nodes: inout [Node]) -> Int {
      let index = nodes.count
      switch e {
      case .server(let s):
        if !seen.insert(s).inserted { repeated = true }
        let m: UInt64 = (s >= 0 && s < 64) ? UInt64(1) << UInt64(s) : 0
        nodes.append(Node(server: s, k: 0, children: [], mask: m, leafCount: 1))
      case .select(let k, let children):
        nodes.append(Node(server: -1, k: k, children: [], mask: 0, leafCount: 0))
        var kids: [Int] = []
        var mask: UInt64 = 0
        var leaves = 0
        for c in children {
          let ci = build(c, into: &nodes)
          kids.append(ci)
          mask |= nodes[ci].mask
          leaves += nodes[ci].leafCount
        }
        nodes[index].children = kids
        nodes[index].mask = mask
        nodes[index].leafCount = leaves
      }
      return index
    }
    var nodes: [Node] = []
    _ = build(expression, into: &nodes)
    self.nodes = nodes
    self.disjoint = !repeated
    self.distinctServerCount = seen.count
  }

  func isLeaf(_ i: Int) -> Bool { nodes[i].server >= 0 }

  // MARK: - Normal form (maximal sets only)

  /// For each node, whether its family is `{∅}` after normalization, and the number of
  /// children a member takes from the non-empty ones.
  ///
  /// The maximal unions of `select k out-of [c_1 ... c_m]` only depend on the maximal sets of
  /// the children. A child whose family is `{∅}` adds nothing, and a union of `j < k`
  /// non-empty children's sets is contained in one of `j + 1` (add any other non-empty
  /// child), so the maximal sets are those of `select min(k, |N|) out-of N`, where `N` are the
  /// non-empty children. This holds with repeated servers too.
  struct Normal {
    /// True iff the node's family is `{∅}`.
    var empty: [Bool]
    /// The effective `k` (`min(k, non-empty children)`) of each inner node.
    var take: [Int]
    /// The non-empty children of each inner node, in order.
    var live: [[Int]]
  }

  func normal() -> Normal {
    var empty = [Bool](repeating: false, count: nodes.count)
    var take = [Int](repeating: 0, count: nodes.count)
    var live = [[Int]](repeating: [], count: nodes.count)
    // Children have larger indices than their parent: a reverse sweep is a post-order.
    for i in stride(from: nodes.count - 1, through: 0, by: -1) {
      if isLeaf(i) { continue }
      let l = nodes[i].children.filter { !empty[$0] }
      live[i] = l
      take[i] = min(nodes[i].k, l.count)
      empty[i] = take[i] == 0
    }
    return Normal(empty: empty, take: take, live: live)
  }

  /// The exact number of member sets when the leaves are disjoint (distinct choices of the
  /// normal form give distinct sets); for repeated servers the number of choices of the normal
  /// form, an upper bound.
  func normalCount(_ nf: Normal) -> Double {
    var count = [Double](repeating: 1, count: nodes.count)
    for i in stride(from: nodes.count - 1, through: 0, by: -1) where !isLeaf(i) {
      if nf.empty[i] {
        count[i] = 1
        continue
      }
      count[i] = elementarySymmetric(nf.live[i].map { count[$0] }, nf.take[i])
    }
    return count[0]
  }

  /// The largest member size when the leaves are disjoint; an upper bound otherwise.
  func normalLargest(_ nf: Normal) -> Int {
    var size = [Int](repeating: 1, count: nodes.count)
    for i in stride(from: nodes.count - 1, through: 0, by: -1) where !isLeaf(i) {
      if nf.empty[i] {
        size[i] = 0
        continue
      }
      let sizes = nf.live[i].map { size[$0] }.sorted(by: >)
      size[i] = sizes.prefix(nf.take[i]).reduce(0, +)
    }
    return size[0]
  }
}

/// `e_k(x_1, ..., x_m)`, the sum over all `k`-subsets of the products: the number of ways to
/// choose `k` children and one set of each.
func elementarySymmetric(_ xs: [Double], _ k: Int) -> Double {
  guard k >= 0, k <= xs.count else { return 0 }
  var e = [Double](repeating: 0, count: k + 1)
  e[0] = 1
  for x in xs {
    var j = k
    while j >= 1 {
      e[j] += e[j - 1] * x
      j -= 1
    }
  }
  return e[k]
}
