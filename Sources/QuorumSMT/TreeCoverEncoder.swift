import QuorumKit
import Z3Kit

/// Corollaries 4.4 and 5.5 on a nested threshold structure, without expanding it: are there
/// `count` members of B (4 for masking, 3 for dissemination) whose union is U?
///
/// Each copy c gets a Boolean per node of the expression tree, "node selected in copy c". The
/// root is selected; a selected `select k out-of` node selects exactly k children and an
/// unselected one selects none, so the leaves selected in a copy form exactly one member of B.
/// Every server of the universe must be a selected leaf in some copy. The query has
/// count × (nodes) variables, whatever the number of members (10^9 or more), and works for any
/// number of servers (members are returned as lists, not bitsets).
public enum TreeCoverEncoder {
  /// The result: the covering members (decoded from the model and re-checked), or nil when UNSAT.
  public struct Outcome: Sendable {
    /// SAT: the members (as sorted server lists) whose union is U; UNSAT or unknown: nil.
    public var cover: [[Int]]?
    /// Set when the solver did not decide, or its model failed the re-check.
    public var unknownReason: String?
    /// The query asked.
    public var query: SolverQuery
  }

  /// One node of the tree in one copy: its selection variable, its children's indices.
  struct Node {
    let selected: Term
    let expression: ThresholdExpression
    var children: [Int]
  }

  /// Searches for `count` members of the nested system whose union is the universe.
  public static func cover(
    _ expression: ThresholdExpression, universe: Universe, count: Int, options: EngineOptions
  ) -> Outcome {
    let z = Z3Context()
    let solver = Z3Solver(z)
    var leavesOf: [Int: [Term]] = [:]
    var copies: [[Node]] = []

    for c in 0..<count {
      var nodes: [Node] = []
      @discardableResult
      func encode(_ e: ThresholdExpression) -> Int {
        let index = nodes.count
        nodes.append(Node(selected: z.bool("c\(c)_n\(index)"), expression: e, children: []))
        switch e {
        case .server(let s):
          leavesOf[s, default: []].append(nodes[index].selected)
        case .select(let k, let children):
          let kids = children.map { encode($0) }
          nodes[index].children = kids
          let terms = kids.map { nodes[$0].selected }
          solver.assert(z.implies(nodes[index].selected, z.exactly(terms, k)))
          solver.assert(z.implies(z.not(nodes[index].selected), z.atMost(terms, 0)))
        }
        return index
      }
      encode(expression)
      solver.assert(nodes[0].selected)
      copies.append(nodes)
    }
    for s in 0..<universe.count {
      solver.assert(z.or(leavesOf[s] ?? []))
    }
    let variables = copies.reduce(0) { $0 + $1.count }
    let (result, query) = solver.run(
      "\(count) members of the nested fail-prone system cover U (Corollary \(count == 4 ? "4.4" : "5.5"))",
      expected: nil, options: options, variables: variables)
    switch result {
    case .unsat:
      return Outcome(cover: nil, unknownReason: nil, query: query)
    case .unknown(let why):
      return Outcome(cover: nil, unknownReason: why, query: query)
    case .sat:
      guard let m = solver.model() else {
        return Outcome(cover: nil, unknownReason: "the solver gave no model", query: query)
      }
      // Re-check the model in Swift: every copy's selection obeys the tree, and the copies'
      // leaves cover every server.
      var sets: [[Int]] = []
      var covered = Set<Int>()
      for nodes in copies {
        let value = nodes.map { m.bool($0.selected) == true }
        guard value[0] else {
          return Outcome(
            cover: nil, unknownReason: "internal: the model leaves a root unselected", query: query)
        }
        var members: [Int] = []
        for (i, node) in nodes.enumerated() {
          switch node.expression {
          case .server(let s):
            if value[i] { members.append(s) }
          case .select(let k, _):
            let chosen = node.children.filter { value[$0] }.count
            guard chosen == (value[i] ? k : 0) else {
              return Outcome(
                cover: nil,
                unknownReason: "internal: the model selects \(chosen) children of a select \(k)",
                query: query)
            }
          }
        }
        let set = Array(Set(members)).sorted()
        covered.formUnion(set)
        sets.append(set)
      }
      guard covered.count == universe.count else {
        return Outcome(
          cover: nil, unknownReason: "internal: the model's sets do not cover U", query: query)
      }
      return Outcome(cover: sets, unknownReason: nil, query: query)
    }
  }
}
