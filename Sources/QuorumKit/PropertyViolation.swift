/// A concrete counterexample to one property of Definitions 4.1, 5.1 or 5.10: the quorums and
/// fail-prone sets it quantifies over, and the relation between them that breaks.
public struct PropertyViolation: Hashable, Sendable, CustomStringConvertible {
  /// The property that fails.
  public let property: QuorumProperty
  /// The first quorum (the one written, in the paper's reading); nil for M2, D2, O3.
  public let q1: ServerSet?
  /// The second quorum (the one read); nil for M2, D2, O3.
  public let q2: ServerSet?
  /// The fail-prone set: `B1` of M1, `B` of D1, O1, O2, and for M2, D2, O3 the member of B
  /// that every quorum intersects.
  public let b1: ServerSet?
  /// M1 only: the member `B2` that contains `(Q1 ∩ Q2) \ B1`.
  public let b2: ServerSet?
  /// The inequality or inclusion that breaks, with the sets or sizes, such as
  /// `|(Q1 ∩ Q2) \ B| = 2 < |(Q2 ∩ B) ∪ (Q2 \ Q1)| = 3` or `(Q1 ∩ Q2) \ B1 = {3, 4} ⊆ B2`.
  public let detail: String

  /// A violation with the given parts.
  public init(
    property: QuorumProperty, q1: ServerSet?, q2: ServerSet?, b1: ServerSet?, b2: ServerSet?,
    detail: String
  ) {
    self.property = property
    self.q1 = q1
    self.q2 = q2
    self.b1 = b1
    self.b2 = b2
    self.detail = detail
  }

  /// One line: the property, the sets (as server numbers), and the detail.
  public var description: String {
    var parts: [String] = []
    if let q1 { parts.append("Q1 = \(q1)") }
    if let q2 { parts.append("Q2 = \(q2)") }
    if let b1 { parts.append((property == .m1 ? "B1 = " : "B = ") + "\(b1)") }
    if let b2 { parts.append("B2 = \(b2)") }
    return "\(property.rawValue) fails: " + parts.joined(separator: ", ") + ": " + detail
  }

  /// The same line with the universe's server names.
  public func describe(in universe: Universe) -> String {
    var parts: [String] = []
    if let q1 { parts.append("Q1 = \(universe.describe(q1))") }
    if let q2 { parts.append("Q2 = \(universe.describe(q2))") }
    if let b1 { parts.append((property == .m1 ? "B1 = " : "B = ") + universe.describe(b1)) }
    if let b2 { parts.append("B2 = \(universe.describe(b2))") }
    return "\(property.rawValue) fails: " + parts.joined(separator: ", ") + ": " + detail
  }
}
