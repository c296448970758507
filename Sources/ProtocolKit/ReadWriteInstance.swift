import QuorumKit

/// The function `Result()` a reader applies to the pairs it gathered from a quorum.
public enum ReadRule: String, CaseIterable, Sendable {
  /// Section 4: the pairs vouched for by a set of servers not contained in any fail-prone set;
  /// the one with the highest timestamp, or ⊥ if there is none.
  case masking
  /// Section 5.1: self-verifying data; the verifiable pair with the highest timestamp.
  case dissemination
  /// Section 5.2: the pair returned most often, ties broken by the highest timestamp.
  case opaque
}

/// A concrete instance of the read/write protocol of Section 3.2: servers, a fail-prone
/// system B, a quorum system, a `Result()` rule and the clients' workload.
public struct ReadWriteInstance: Sendable, Equatable {
  /// The servers (at most 64).
  public let universe: Universe
  /// The fail-prone system: the faulty servers are some member of it, chosen at the start.
  public let failProne: FailProneSystem
  /// The quorums, each a set of servers.
  public let quorums: [ServerSet]
  /// If the quorums are exactly the `q`-subsets of the universe, `q`.
  public let quorumThreshold: Int?
  /// The `Result()` rule readers apply.
  public let readRule: ReadRule
  /// Writing clients; each performs `writesPerWriter` writes one after the other.
  public let writers: Int
  public let writesPerWriter: Int
  /// Reading clients; each performs `readsPerReader` reads one after the other.
  public let readers: Int
  public let readsPerReader: Int

  /// The largest number of writes (all writers together) the state encoding supports.
  public static let maxWrites = 7
  /// The largest number of reads (all readers together) the state encoding supports.
  public static let maxReads = 8

  /// Validates and builds an instance.
  ///
  /// - Throws: ``InputError`` when the universe exceeds 64 servers, a quorum names a server
  ///   outside it or is empty, there are no quorums, or the workload is out of range.
  public init(
    universe: Universe, failProne: FailProneSystem, quorums: [ServerSet],
    quorumThreshold: Int? = nil, readRule: ReadRule, writers: Int, writesPerWriter: Int = 1,
    readers: Int, readsPerReader: Int = 1
  ) throws {
    try universe.requireEnumerable("exploring a protocol")
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
    guard writers >= 0, writesPerWriter >= 1, readers >= 0, readsPerReader >= 1 else {
      throw InputError("writers and readers must be >= 0, writes/reads per client >= 1")
    }
    let w = writers * writesPerWriter
    let r = readers * readsPerReader
    guard w <= Self.maxWrites else {
      throw InputError("at most \(Self.maxWrites) writes in total are supported (got \(w))")
    }
    guard r <= Self.maxReads else {
      throw InputError("at most \(Self.maxReads) reads in total are supported (got \(r))")
    }
    self.universe = universe
    self.failProne = failProne
    self.quorums = Array(Set(quorums)).sorted()
    self.quorumThreshold = quorumThreshold
    self.readRule = readRule
    self.writers = writers
    self.writesPerWriter = writesPerWriter
    self.readers = readers
    self.readsPerReader = readsPerReader
  }

  /// The threshold instance: `n` servers, B = all `f`-subsets (Corollary 4.4's threshold
  /// assumption), quorums = all `q`-subsets (Examples 4.7, 5.7, 5.12).
  public static func threshold(
    n: Int, f: Int, q: Int, readRule: ReadRule, writers: Int, writesPerWriter: Int = 1,
    readers: Int, readsPerReader: Int = 1
  ) throws -> ReadWriteInstance {
    guard n >= 1, n <= ServerSet.capacity else {
      throw InputError("n must be between 1 and \(ServerSet.capacity) (got \(n))")
    }
    guard q >= 1, q <= n else { throw InputError("q must be between 1 and n = \(n) (got \(q))") }
    let universe = Universe(count: n)
    return try ReadWriteInstance(
      universe: universe, failProne: try FailProneSystem.threshold(universe: universe, f: f),
      quorums: Array(KSubsets(n: n, k: q)), quorumThreshold: q, readRule: readRule,
      writers: writers, writesPerWriter: writesPerWriter, readers: readers,
      readsPerReader: readsPerReader)
  }

  /// True when every permutation of the servers maps B to B and the quorums to the quorums
  /// (threshold B and threshold quorums), so that symmetry reduction may sort servers.
  public var isFullySymmetric: Bool {
    if case .threshold = failProne.kind, quorumThreshold != nil { return true }
    return false
  }

  /// Total writes and reads.
  public var writeCount: Int { writers * writesPerWriter }
  public var readCount: Int { readers * readsPerReader }
}
