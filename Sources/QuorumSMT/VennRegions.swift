import Z3Kit

/// Integer variables for the sizes of the Venn regions of a few named sets.
///
/// Region `m` (a bitmask over the sets, bit `i` for set `i`) holds the servers that are in
/// exactly the sets whose bits are set. Every choice of sets over `n` servers gives non-negative
/// region sizes summing to `n`, and every such assignment of sizes is realised by some sets, so a
/// statement about the sizes of Boolean combinations of the sets holds for all sets iff its
/// negation is UNSAT over the regions. This is how the quantifiers over quorums and fail-prone
/// sets collapse into linear integer arithmetic (DESIGN.md, "Parametric proofs").
struct VennRegions {
  let context: Z3Context
  let names: [String]
  let regions: [Term]
  /// The regions' readable names, e.g. `Q1&B` or `none`.
  let labels: [String]

  /// Declares `2^names.count` region variables named `PREFIX[...]`, each non-negative, summing
  /// to `total`; the constraints are returned so the caller can assert them.
  init(_ context: Z3Context, prefix: String, sets names: [String]) {
    self.context = context
    self.names = names
    let labels = (0..<(1 << names.count)).map { m in
      let inside = names.indices.filter { m & (1 << $0) != 0 }.map { names[$0] }
      return inside.isEmpty ? "none" : inside.joined(separator: "&")
    }
    self.labels = labels
    self.regions = labels.map { context.int("\(prefix)[\($0)]") }
  }

  /// Non-negativity of every region, and the regions summing to `total`.
  func wellFormed(total: Term) -> Term {
    context.and(
      regions.map { context.ge($0, context.numeral(0)) } + [context.eq(context.sum(regions), total)]
    )
  }

  /// The index of a named set.
  func index(_ name: String) -> Int {
    guard let i = names.firstIndex(of: name) else { preconditionFailure("unknown set \(name)") }
    return i
  }

  /// The size of the set of servers whose membership pattern satisfies `predicate`; the
  /// predicate gets a function telling whether a server of the region is in a named set.
  func size(where predicate: (_ inSet: (String) -> Bool) -> Bool) -> Term {
    var parts: [Term] = []
    for (m, r) in regions.enumerated() {
      let inSet: (String) -> Bool = { name in m & (1 << self.index(name)) != 0 }
      if predicate(inSet) { parts.append(r) }
    }
    return context.sum(parts)
  }

  /// `|S|` for a named set.
  func size(of name: String) -> Term { size { $0(name) } }

  /// Number of region variables.
  var variableCount: Int { regions.count }
}
