extension NestedTree {
  /// Corollaries 4.4 and 5.5 on a tree with disjoint leaves: `count` members (repetition
  /// allowed) whose union contains every targeted leaf, as `count` server lists; nil if there
  /// are none.
  ///
  /// Think of `count` copies of the tree, each choosing a member. For a node and a number `a`
  /// of copies that select it, `can[node][a]` says whether those copies can each choose
  /// exactly `k` children so that every targeted server below is covered. Copies are
  /// interchangeable, so only the number matters; a leaf is covered iff `a >= 1` (or it is not
  /// targeted). At `select k`, children receive `m_j` copies with `0 <= m_j <= a`; such an
  /// assignment in which every copy takes exactly `k` children exists iff `Σ m_j = a·k` (deal
  /// the `a·k` slots round-robin), so each node is a small knapsack over its children.
  ///
  /// - Parameter targeted: whether the server at a leaf must be covered.
  func coverCopies(count: Int, targeted: (Int) -> Bool) -> [[Int]]? {
    precondition(disjoint && count >= 0)
    var can = [[Bool]](repeating: [], count: nodes.count)
    for i in stride(from: nodes.count - 1, through: 0, by: -1) {
      let node = nodes[i]
      if node.server >= 0 {
        let t = targeted(node.server)
        can[i] = (0...count).map { $0 >= 1 || !t }
        continue
      }
      can[i] = (0...count).map { a in
        let goal = a * node.k
        return suffixSums(node.children, can: can, a: a, goal: goal)[0][goal]
      }
    }
    guard can[0][count] else { return nil }
    var sets = [[Int]](repeating: [], count: count)
    assign(0, copies: Array(0..<count), can: can, into: &sets)
    return sets.map { $0.sorted() }
  }

  /// `table[j][s]`: children `j...` can take `s` copy-slots in total (each `0...a`, allowed
  /// by `can`); sums above `goal` are not tracked.
  private func suffixSums(_ children: [Int], can: [[Bool]], a: Int, goal: Int) -> [[Bool]] {
    var table = [[Bool]](
      repeating: [Bool](repeating: false, count: goal + 1), count: children.count + 1)
    table[children.count][0] = true
    for j in stride(from: children.count - 1, through: 0, by: -1) {
      let ok = can[children[j]]
      for s in 0...goal where table[j + 1][s] {
        for m in 0...a where s + m <= goal && ok[m] { table[j][s + m] = true }
      }
    }
    return table
  }

  /// Writes the servers chosen by `copies` (which all select node `i`) into their sets.
  private func assign(_ i: Int, copies: [Int], can: [[Bool]], into sets: inout [[Int]]) {
    let node = nodes[i]
    if node.server >= 0 {
      for c in copies { sets[c].append(node.server) }
      return
    }
    let a = copies.count
    if a == 0 { return }
    let goal = a * node.k
    let table = suffixSums(node.children, can: can, a: a, goal: goal)
    var remaining = goal
    var pointer = 0
    for (j, child) in node.children.enumerated() {
      // The most copies this child can take with the rest still completing the sum.
      var m = min(a, remaining)
      while m >= 0 && !(can[child][m] && table[j + 1][remaining - m]) { m -= 1 }
      precondition(m >= 0, "cover reconstruction lost its way")
      let chosen = (0..<m).map { copies[(pointer + $0) % a] }
      pointer = (pointer + m) % a
      remaining -= m
      assign(child, copies: chosen, can: can, into: &sets)
    }
  }

  /// A member of largest total weight (leaves disjoint; weights of servers below 64, others
  /// weigh 0), with that weight: each node takes its `k` heaviest children (ties: the earlier
  /// child).
  func maxWeightMember(_ weight: (Int) -> Int) -> (weight: Int, member: UInt64) {
    precondition(disjoint)
    var value = [Int](repeating: 0, count: nodes.count)
    func heaviest(_ node: Node) -> [Int] {
      let order = node.children.enumerated().sorted {
        value[$0.element] != value[$1.element]
          ? value[$0.element] > value[$1.element] : $0.offset < $1.offset
      }
      return order.prefix(node.k).map(\.element)
    }
    for i in stride(from: nodes.count - 1, through: 0, by: -1) {
      let node = nodes[i]
      if node.server >= 0 {
        value[i] = node.server < 64 ? weight(node.server) : 0
      } else {
        value[i] = heaviest(node).reduce(0) { $0 + value[$1] }
      }
    }
    var member: UInt64 = 0
    var stack = [0]
    while let i = stack.popLast() {
      let node = nodes[i]
      if node.server >= 0 {
        member |= node.mask
      } else {
        stack.append(contentsOf: heaviest(node))
      }
    }
    return (value[0], member)
  }
}
