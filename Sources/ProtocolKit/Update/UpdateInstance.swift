import QuorumKit

/// A concrete instance of the Section 6 protocol (Figure 3 under the write protocol of 6.1):
/// servers, a fail-prone system B, a quorum system, the clients, and the readings of Figure 3.
public struct UpdateInstance: Sendable, Equatable {
  /// The servers (at most 64).
  public let universe: Universe
  /// The fail-prone system: the Byzantine servers are some member of it, chosen at the start.
  public let failProne: FailProneSystem
  /// The quorums, each a set of servers (sorted, no duplicates).
  public let quorums: [ServerSet]
  /// If the quorums are exactly the `q`-subsets of the universe, `q`.
  public let quorumThreshold: Int?
  /// How many updates the faulty client may send (0...3): ⟨a, t1⟩, ⟨b, t1⟩ (the same
  /// timestamp, another value) and ⟨c, t2⟩ with t2 > t1, each naming a quorum of its choice.
  public let faultyUpdates: Int
  /// Whether a correct client writes ⟨w, tw⟩ with the write protocol of Section 6.1.
  public let correctWriter: Bool
  /// How many times the correct writer may retry Init with another quorum (0 or 1).
  public let retries: Int
  /// Whether the Byzantine servers also forge echo and ready messages for ⟨x, tw⟩: the
  /// correct writer's timestamp with a value it never wrote (Integrity).
  public let forged: Bool
  /// Whether a correct client reads once (Lemma 6.1).
  public let reader: Bool
  /// The readings of Figure 3.
  public let readings: UpdateReadings

  /// Validates and builds an instance.
  ///
  /// - Throws: ``InputError`` when the universe exceeds 64 servers, a quorum is empty or names
  ///   a server outside it, a count is out of range, or a reading needs a threshold fail-prone
  ///   system that the instance does not have.
  public init(
    universe: Universe, failProne: FailProneSystem, quorums: [ServerSet],
    quorumThreshold: Int? = nil, faultyUpdates: Int = 2, correctWriter: Bool = false,
    retries: Int = 0, forged: Bool = false, reader: Bool = false,
    readings: UpdateReadings = .paper
  ) throws {
    try universe.requireEnumerable("exploring a protocol")
    guard universe.count <= 32 else {
      throw InputError("the update model supports at most 32 servers (got \(universe.count))")
    }
    guard failProne.n == universe.count else {
      throw InputError("the fail-prone system and the quorums have different universes")
    }
    guard !quorums.isEmpty else { throw InputError("the quorum system has no quorums") }
    for q in quorums {
      if q.isEmpty { throw InputError("a quorum is empty") }
      if !q.isSubset(of: universe.all) {
        throw InputError("quorum \(q) names a server outside the \(universe.count) servers")
      }
    }
    guard (0...3).contains(faultyUpdates) else {
      throw InputError("faulty-updates must be between 0 and 3 (got \(faultyUpdates))")
    }
    guard (0...1).contains(retries) else {
      throw InputError("retries must be 0 or 1 (got \(retries))")
    }
    if readings.step5 == .exactly, case .threshold = failProne.kind {
    } else if readings.step5 == .exactly {
      throw InputError(
        "the step5 reading 'exactly' is modelled for threshold fail-prone systems only")
    }
    let sorted = Array(Set(quorums)).sorted()
    guard sorted.count <= 255 else {
      throw InputError("the update model supports at most 255 quorums (got \(sorted.count))")
    }
    self.universe = universe
    self.failProne = failProne
    self.quorums = sorted
    self.quorumThreshold = quorumThreshold
    self.faultyUpdates = faultyUpdates
    self.correctWriter = correctWriter
    self.retries = correctWriter ? retries : 0
    self.forged = correctWriter && forged
    self.reader = reader
    self.readings = readings
  }

  /// The threshold instance: `n` servers, B = all `f`-subsets, quorums = all `q`-subsets.
  public static func threshold(
    n: Int, f: Int, q: Int, faultyUpdates: Int = 2, correctWriter: Bool = false,
    retries: Int = 0, forged: Bool = false, reader: Bool = false,
    readings: UpdateReadings = .paper
  ) throws -> UpdateInstance {
    guard n >= 1, n <= 32 else { throw InputError("n must be between 1 and 32 (got \(n))") }
    guard q >= 1, q <= n else { throw InputError("q must be between 1 and n = \(n) (got \(q))") }
    guard binomial(n, q) <= 255 else {
      throw InputError(
        "there are \(Int(binomial(n, q))) quorums of \(q) servers: at most 255 are supported")
    }
    let universe = Universe(count: n)
    return try UpdateInstance(
      universe: universe, failProne: try FailProneSystem.threshold(universe: universe, f: f),
      quorums: Array(KSubsets(n: n, k: q)), quorumThreshold: q, faultyUpdates: faultyUpdates,
      correctWriter: correctWriter, retries: retries, forged: forged, reader: reader,
      readings: readings)
  }

  /// True when every permutation of the servers maps B to B and the quorums to the quorums
  /// (threshold B and threshold quorums), so that symmetry reduction may sort servers.
  public var isFullySymmetric: Bool {
    if case .threshold = failProne.kind, quorumThreshold != nil { return true }
    return false
  }
}
