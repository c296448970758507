import QuorumKit
import Z3Kit

/// Corollaries 4.4 and 5.5 on a nested threshold structure, without expanding it: are there
/// `count` members of B (4 for masking, 3 for dissemination) whose union is U?
///
/// Each copy c gets a Boolean per node of the expression tree, "node selected in copy c". The
/// root is selected; a selected `select k out-of` node selects exactly k children and an
/// unselected one selects none, so the leaves selected in a copy form exactly one member of B.
/// Every server of the universe must be a selected leaf in some copy. The query has
/// count × (nodes) variables, whatever the number of members (10^9 or more).
public enum TreeCoverEncoder {
  /// The result: the covering members (decoded from the model and re-checked), or nil when UNSAT.
  public struct Outcome {
    /// SAT: the members whose union is U; UNSAT: nil; unknown: see `unknownReason`.
    public var cover: [ServerSet]?
    /// Set when the solver did not decide.
    public var unknownReason: String?
    /// The query asked.
    public var query: SolverQuery
  }

  /// Searches for `count` members of the nested system whose union is the universe.
  public static func cover(
    _ expression: ThresholdExpression, universe: Universe, count: Int, options: EngineOptions
  ) -> Outcome {
    let z = Z3Context()
    let solver = Z3Solver(z)
    var variables = 0
    var leavesOf: [Int: [Term]] = [:]
    var selections: [[(Term, ThresholdExpression)]] = []

    for c in 0..<count {
      var nodes: [(Term, ThresholdExpression)] = []
      var counter = 0
      func encode(_ e: ThresholdExpression, selected: Term) {
        nodes.append((selected, e))
        switch e {
        case .server(let s):
          leavesOf[s, default: []].append(selected)
        case .select(let k, let children):
          var kids: [Term] = []
          for child in children {
            counter += 1
            let v = z.bool("c\(c)_n\(counter)")
            variables += 1
            kids.append(v)
            encode(child, selected: v)
          }
          solver.assert(z.implies(selected, z.exactly(kids, k)))
          solver.assert(z.implies(z.not(selected), z.atMost(kids, 0)))
        }
      }
      let root = z.bool("c\(c)_root")
      variables += 1
      solver.assert(root)
      encode(expression, selected: root)
      selections.append(nodes)
    }
    for s in 0..<universe.count {
      solver.assert(z.or(leavesOf[s] ?? []))
    }
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
        return Outcome(cover: nil, unknownReason: "no model", query: query)
      }
      let sets: [ServerSet] = selections.map { nodes in
        var b = ServerSet()
        for (t, e) in nodes {
          if case .server(let s) = e, m.bool(t) == true { b.insert(s) }
        }
        return b
      }
      return Outcome(cover: sets, unknownReason: nil, query: query)
    }
  }
}
