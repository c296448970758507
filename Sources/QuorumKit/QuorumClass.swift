/// The three classes of Byzantine quorum systems the paper defines.
public enum QuorumClass: String, CaseIterable, Sendable, Codable {
  /// Definition 4.1 (M1, M2): reads mask faulty servers knowing the fail-prone system.
  case masking
  /// Definition 5.1 (D1, D2): for self-verifying data.
  case dissemination
  /// Definition 5.10 (O1, O2, O3): reads by majority vote, without knowing the fail-prone system.
  case opaque

  /// The properties that together define the class.
  public var properties: [QuorumProperty] {
    switch self {
    case .masking: return [.m1, .m2]
    case .dissemination: return [.d1, .d2]
    case .opaque: return [.o1, .o2, .o3]
    }
  }
}

/// One of the seven properties of Definitions 4.1, 5.1 and 5.10.
public enum QuorumProperty: String, CaseIterable, Sendable, Codable {
  /// Definition 4.1, M1: for all Q1, Q2 in Q and B1, B2 in B, (Q1 ∩ Q2) \ B1 ⊄ B2.
  case m1 = "M1"
  /// Definition 4.1, M2: for every B in B some quorum is disjoint from B.
  case m2 = "M2"
  /// Definition 5.1, D1: for all Q1, Q2 in Q and B in B, Q1 ∩ Q2 ⊄ B.
  case d1 = "D1"
  /// Definition 5.1, D2: for every B in B some quorum is disjoint from B.
  case d2 = "D2"
  /// Definition 5.10, O1: |(Q1 ∩ Q2) \ B| >= |(Q2 ∩ B) ∪ (Q2 \ Q1)|.
  case o1 = "O1"
  /// Definition 5.10, O2: |(Q1 ∩ Q2) \ B| > |Q2 ∩ B|.
  case o2 = "O2"
  /// Definition 5.10, O3: for every B in B some quorum is disjoint from B.
  case o3 = "O3"

  /// True for the availability properties (M2, D2, O3), which quantify one fail-prone set.
  public var isAvailability: Bool { self == .m2 || self == .d2 || self == .o3 }
}
