import Z3Kit

/// Integer variables for the sizes of the Venn regions of a few named sets.
///
/// Region `m` (a bitmask over the sets, bit `i` for set `i`) holds the servers that are in
/// exactly the sets whose bits are set. Every choice of sets over `n` servers gives non-negative
/// region sizes summing to `n`, and every such assignment of sizes is realised by some sets, so a
/// statement about the sizes of Boolean combinations of the sets holds for all sets iff its
/// negation is UNSAT over the regions. This is how the quantifiers over quorums and fail-prone
/// sets collapse into linear integer arithmetic (DESIGN.md, "Parametric proofs").
public struct VennRegions {
  /// The context the variables live in.
  public let context: Z3Context
  /// The sets, in bit order.
  public let names: [String]
  /// One integer variable per region, indexed by membership bitmask.
  public let regions: [Term]
  /// The regions' readable names, e.g. `Q1&B` or `none`.
  public let labels: [String]

  /// Declares `2^names.count` region variables named `PREFIX[...]`, each non-negative, summing
  /// to `total`; the constraints are returned so the caller can assert them.
  public init(_ context: Z3Context, prefix: String, sets names: [String]) {
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
  public func wellFormed(total: Term) -> Term {
    context.and(
      regions.map { context.ge($0, context.numeral(0)) } + [context.eq(context.sum(regions), total)]
    )
  }

  /// The index of a named set.
  public func index(_ name: String) -> Int {
    guard let i = names.firstIndex(of: name) else { preconditionFailure("unknown set \(name)") }
    return i
  }

  /// The size of the set of servers whose membership pattern satisfies `predicate`; the
  /// predicate gets a function telling whether a server of the region is in a named set.
  public func size(where predicate: (_ inSet: (String) -> Bool) -> Bool) -> Term {
    var parts: [Term] = []
    for (m, r) in regions.enumerated() {
      let inSet: (String) -> Bool = { name in m & (1 << self.index(name)) != 0 }
      if predicate(inSet) { parts.append(r) }
    }
    return context.sum(parts)
  }

  /// `|S|` for a named set.
  public func size(of name: String) -> Term { size { $0(name) } }

  /// Number of region variables.
  public var variableCount: Int { regions.count }

  /// The non-zero region sizes of a model, as `|label| = v`.
  public func describe(_ model: Z3Model) -> String {
    zip(labels, regions).compactMap { label, t -> String? in
      guard let v = model.int(t), v != 0 else { return nil }
      return "|\(label)| = \(v)"
    }.joined(separator: ", ")
  }

  /// The region sizes of a model, by region index.
  public func values(_ model: Z3Model) -> [Int] { regions.map { model.int($0) ?? 0 } }
}
