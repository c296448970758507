import QuorumKit

/// A state of the read/write protocol (``ReadWriteModel``).
///
/// Everything indexed by a server lives in that server's *profile* word, so a permutation of
/// the servers permutes the profiles and leaves the other fields alone; sorting the profiles
/// (within each class of interchangeable servers) is then a canonical form
/// (``ReadWriteModel/representative(of:)``).
///
/// Profile fields, from the lowest bit, each as narrow as the instance allows (the model fixes
/// the widths, so a profile of W writes and R reads takes `1 + ⌈log2(W + 1)⌉ + W + R ·
/// ⌈log2(W + 3)⌉` bits): bit 0 faulty; the write whose pair a correct server holds (0 is the
/// initial pair ⟨v0, t0⟩); one bit per write `w`, set while `w`'s update has been delivered to
/// the server and the write has not ended; per read `r`, 0 while the server has not answered,
/// else the *pair code* it answered (`1 + w` for write `w`'s pair, ``ReadWriteModel/fakeCode``
/// for the fabricated pair). The order of the fields, not their widths, decides how profiles
/// sort.
///
/// Equality and hashing consider the profiles and the client fields only: a decoded state
/// also caches how many servers each operation has reached (for the checker's hot path).
public struct ReadWriteState: Hashable, Sendable {
  /// One word per server (see above).
  public internal(set) var profiles: [UInt64]
  /// Per write `w` (1...7), five bits from `5w`: its phase (0 not begun, 1 updating, 2 ended)
  /// and its timestamp's rank among the chosen timestamps (t0 has rank 0).
  var writeWord: UInt64 = 0
  /// Per write `w`, eight bits from `8w`: the writes (bit `v`) that had ended when it began.
  var writeBeforeWord: UInt64 = 0
  /// Per read `r` (0...7), six bits from `6r`: its phase (0 not begun, 1 gathering answers,
  /// 2 ended) and, once ended, the pair code `Result()` chose.
  var readWord: UInt64 = 0
  /// Per read, eight bits: the writes that had ended when it began (the preceding writes).
  var readBeforeWord: UInt64 = 0
  /// Per ended read, eight bits: the writes concurrent with it.
  var readConcurrentWord: UInt64 = 0
  /// A cache, valid only while ``countsKnown``: per write `w`, eight bits from `8w`, the servers
  /// its update has been delivered to; per read `r`, eight bits from `8r`, the servers that
  /// answered it. ``ReadWriteModel/decode(_:into:)`` fills it; any step clears `countsKnown`.
  var deliveredCounts: UInt64 = 0
  var answerCounts: UInt64 = 0
  var countsKnown = false

  public static func == (a: ReadWriteState, b: ReadWriteState) -> Bool {
    a.writeWord == b.writeWord && a.writeBeforeWord == b.writeBeforeWord
      && a.readWord == b.readWord && a.readBeforeWord == b.readBeforeWord
      && a.readConcurrentWord == b.readConcurrentWord && a.profiles == b.profiles
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(profiles)
    hasher.combine(writeWord)
    hasher.combine(writeBeforeWord)
    hasher.combine(readWord)
    hasher.combine(readBeforeWord)
    hasher.combine(readConcurrentWord)
  }

  /// The state with these server profiles and every client not begun.
  public init(profiles: [UInt64]) { self.profiles = profiles }

  /// The state of `serverCount` servers with zero profiles and every client not begun.
  public init(serverCount: Int) { self.profiles = [UInt64](repeating: 0, count: serverCount) }

  /// The number of servers (profiles).
  public var serverCount: Int { profiles.count }

  /// Makes this state equal to `s`, copying the profiles into this state's own storage when it
  /// has the same size (no allocation once the storage is unique).
  @inline(__always) mutating func assign(_ s: ReadWriteState) {
    writeWord = s.writeWord
    writeBeforeWord = s.writeBeforeWord
    readWord = s.readWord
    readBeforeWord = s.readBeforeWord
    readConcurrentWord = s.readConcurrentWord
    if profiles.count == s.profiles.count {
      s.profiles.withUnsafeBufferPointer { from in
        profiles.withUnsafeMutableBufferPointer { to in
          // A plain loop: a few dozen words, cheaper inline than a call to memmove.
          for i in 0..<from.count { to[i] = from[i] }
        }
      }
    } else {
      profiles = s.profiles
    }
  }

  /// Server `i`'s profile.
  @inline(__always) public func profile(_ i: Int) -> UInt64 { profiles[i] }

  /// Sets server `i`'s profile.
  @inline(__always) mutating func setProfile(_ i: Int, _ v: UInt64) { profiles[i] = v }

  /// Write `w`'s phase: 0 not begun, 1 updating, 2 ended (write 0, the initial one, has ended).
  @inline(__always) public func writePhase(_ w: Int) -> Int {
    w == 0 ? 2 : Int((writeWord >> UInt64(5 * w)) & 3)
  }
  /// The rank of write `w`'s timestamp among the chosen ones (0 for t0).
  @inline(__always) public func rank(_ w: Int) -> Int { Int((writeWord >> UInt64(5 * w + 2)) & 7) }
  /// The writes (bit `v`) that had ended when write `w` began.
  @inline(__always) public func writeBefore(_ w: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: writeBeforeWord >> UInt64(8 * w))
  }
  /// Read `r`'s phase: 0 not begun, 1 gathering answers, 2 ended.
  @inline(__always) public func readPhase(_ r: Int) -> Int { Int((readWord >> UInt64(6 * r)) & 3) }
  /// The pair code read `r` returned (once ended).
  @inline(__always) public func readResult(_ r: Int) -> Int {
    Int((readWord >> UInt64(6 * r + 2)) & 15)
  }
  /// The writes that had ended when read `r` began.
  @inline(__always) public func readBefore(_ r: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: readBeforeWord >> UInt64(8 * r))
  }
  /// The writes concurrent with read `r` (once ended).
  @inline(__always) public func readConcurrent(_ r: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: readConcurrentWord >> UInt64(8 * r))
  }

  @inline(__always) static func set(_ word: inout UInt64, _ at: Int, _ width: Int, _ v: Int) {
    let m = ((UInt64(1) << UInt64(width)) - 1) << UInt64(at)
    word = (word & ~m) | ((UInt64(v) << UInt64(at)) & m)
  }
  mutating func setWritePhase(_ w: Int, _ v: Int) { Self.set(&writeWord, 5 * w, 2, v) }
  mutating func setRank(_ w: Int, _ v: Int) { Self.set(&writeWord, 5 * w + 2, 3, v) }
  mutating func setWriteBefore(_ w: Int, _ v: UInt8) {
    Self.set(&writeBeforeWord, 8 * w, 8, Int(v))
  }
  mutating func setReadPhase(_ r: Int, _ v: Int) { Self.set(&readWord, 6 * r, 2, v) }
  mutating func setReadResult(_ r: Int, _ v: Int) { Self.set(&readWord, 6 * r + 2, 4, v) }
  mutating func setReadBefore(_ r: Int, _ v: UInt8) { Self.set(&readBeforeWord, 8 * r, 8, Int(v)) }
  mutating func setReadConcurrent(_ r: Int, _ v: UInt8) {
    Self.set(&readConcurrentWord, 8 * r, 8, Int(v))
  }
}

/// A step of the read/write protocol; one message is delivered per step.
public enum ReadWriteAction: Hashable, Sendable {
  /// A writer begins write `write`: it queries a quorum and chooses the timestamp whose rank
  /// among the chosen timestamps becomes `rank`.
  case beginWrite(write: Int, rank: Int)
  /// Write `write`'s update reaches `server`.
  case deliver(write: Int, server: Int)
  /// Write `write` ends: the servers it updated form a quorum (taken only when that quorum
  /// could still grow into a larger quorum; otherwise the last delivery ends the write).
  case endWrite(write: Int)
  /// A reader begins read `read`.
  case beginRead(read: Int)
  /// `server` answers read `read` with the pair `code`.
  case respond(read: Int, server: Int, code: Int)
  /// Read `read` ends (as for ``endWrite(write:)``).
  case endRead(read: Int)
}

/// The read/write protocol of Section 3.2 with the `Result()` rules of Sections 4 (masking),
/// 5.1 (dissemination) and 5.2 (opaque masking), as a ``TransitionSystem``.
///
/// **Clients.** Writer `i` performs writes one after another; write `w` writes the value `v_w`
/// (distinct values; `v0` is the initial value every server holds with timestamp `t0`). Readers
/// perform reads one after another. All clients are correct and run concurrently.
///
/// **Write.** When a write begins, its writer queries a quorum Q and chooses a timestamp
/// greater than every timestamp in the answers and than its own earlier ones (Section 3.2).
/// Timestamps are kept abstract: only their order matters, so the model records the new
/// timestamp's *rank* among those chosen so far. Any rank above
/// `min over Q of max over correct s in Q of ts(s)` (and above the writer's earlier ones) is
/// allowed: faulty servers in Q may answer with any larger timestamp, and T_c may be taken
/// dense (rationals tagged with the client), so every such rank is realizable and none other.
/// The query is answered when the write begins; answers that arrive later can only be larger,
/// so this allows every choice the asynchronous query allows. The update is then delivered to
/// one server per step, in any order, to servers that together stay inside some quorum; the
/// write ends when they form a quorum. A correct server keeps the update only if its timestamp
/// is larger than the one it holds; a faulty server's state is irrelevant (it answers anything).
///
/// **Read.** A read gathers one answer per step from servers that stay inside some quorum and
/// applies `Result()` when they form a quorum. A correct server answers its current pair. A
/// faulty server (a member of B, chosen nondeterministically in the initial state) answers any
/// pair of the finite domain: ⟨v0, t0⟩, the pair of every write begun so far, and, for the
/// opaque rule only, one fabricated pair ⟨x, t*⟩ with a value never written and a timestamp
/// above all others. The domain is sound (complete for the properties): correct servers only
/// ever answer genuine pairs, so a fabricated pair can be chosen by `Result()` only through
/// faulty answers. Masking: a pair is vouched for only by a set not inside any member of B, and
/// every faulty answer set is inside one, so fabricated pairs never survive. Dissemination:
/// pairs are self-verifying, so only genuine pairs can be answered (we let faulty servers replay
/// any begun write's pair, a superset of those they could have seen). Opaque: if some set of
/// faulty answers makes `Result()` return a wrong value, replacing each fabricated answer by
/// ⟨x, t*⟩ (or by the winning genuine pair, when that pair is wrong) keeps a wrong winner, as
/// counts only grow and t* wins every tie.
///
/// **Properties.** For every ended read concurrent with no write: Lemma 4.2 (masking), 5.2
/// (dissemination), 5.11 (opaque): the result is the value of a write that is last in some
/// serialization of the preceding writes, i.e. a preceding write that precedes no other
/// preceding write (`v0` if none precedes). For dissemination also Lemma 5.3: a read concurrent
/// with writes returns such a value or a concurrent write's value.
public struct ReadWriteModel: TransitionSystem {
  public typealias State = ReadWriteState
  public typealias Action = ReadWriteAction

  /// The instance being explored.
  public let instance: ReadWriteInstance
  /// The members of B (each a possible set of faulty servers).
  public let faultySets: [ServerSet]
  /// False when B's members were not listed (`listingFaultySets: false`): the masking rule
  /// then asks B itself.
  let listsFaultySets: Bool
  let n: Int
  let writes: Int
  let reads: Int
  let profileBits: Int
  /// The profile's stored-write field: `(p >> 1) & storedMask`.
  let storedMask: UInt64
  /// Write `w`'s delivered bit is bit `appliedShift + w` of a profile.
  let appliedShift: Int
  /// Read `r`'s answer field starts at bit `responseShift + responseBits * r` of a profile.
  let responseShift: Int
  let responseBits: Int
  let responseMask: UInt64
  let globalBits: Int
  public let wordsPerState: Int
  /// The classes of interchangeable servers (``InterchangeableServers``): permuting servers
  /// within their classes maps B to B and the quorums to the quorums, hence reachable states to
  /// reachable states, and the properties do not mention servers.
  public let symmetryClasses: [[Int]]
  /// Every server is in one class (threshold B and quorums): canonical form = sorted profiles.
  let oneClass: Bool
  /// The servers of the classes with at least two members, class after class, each sorted.
  let classServers: [Int]
  /// `classServers[classStarts[k] ..< classStarts[k + 1]]` is the k-th such class.
  let classStarts: [Int]
  /// `binomials[a * 65 + b]` = C(a, b) as a Double, for orbit sizes.
  let binomials: [Double]
  /// Bits 0..<n set (every server).
  let allServers: UInt64
  /// Bits 1...writes set.
  let writesMask: UInt8
  /// The group canonicalised under (``group``; ReadWriteModel+Group.swift).
  let symmetryGroup: ServerSymmetryGroup
  /// Its coset representatives, as canonicalisation uses them; empty when the group is H.
  let cosets: CosetTable
  /// True when ``initialStates`` holds one state per orbit of the classes' permutations
  /// rather than one per member of a threshold B: only sound under symmetry reduction.
  public let initialStatesPerOrbit: Bool

  /// The pair code of the fabricated pair ⟨x, t*⟩ (opaque only).
  public var fakeCode: Int { writes + 2 }
  /// The result code of ⊥ (masking, when no pair is vouched for).
  public static let bottomCode = 15

  /// The model of `instance`.
  ///
  /// With `listingFaultySets: false` the members of B are not listed (``faultySets`` and
  /// ``initialStates`` are empty): for bounded model checking, which builds the initial state
  /// from the faulty set Z3 chose and checks that set against B itself.
  ///
  /// States are canonicalised under ``group``: the automorphism group of B and the quorums
  /// (computed), or the group `symmetryGenerators` generate with the classes' permutations.
  /// With `initialStatesPerOrbit` and a threshold B, the initial states are one per orbit of
  /// the classes' permutations and B is not listed; ``explore(limits:progress:)`` then refuses
  /// to search without symmetry reduction.
  ///
  /// - Throws: ``InputError`` when B has more than `maxFaultySets` members, or a generator of
  ///   `symmetryGenerators` does not map B onto B and the quorums onto the quorums.
  public init(
    _ instance: ReadWriteInstance, maxFaultySets: Int = 100_000, listingFaultySets: Bool = true,
    symmetryGenerators: [[Int]]? = nil, initialStatesPerOrbit: Bool = false,
    maxCosets: Int = ServerSymmetryGroup.defaultCosetLimit
  ) throws {
    self.instance = instance
    let classes =
      instance.isFullySymmetric
      ? [Array(0..<instance.universe.count)]
      : InterchangeableServers.classes(
        failProne: instance.failProne, quorums: instance.quorums,
        quorumThreshold: instance.quorumThreshold, memberLimit: maxFaultySets)
    self.faultySets =
      listingFaultySets
      ? try Self.startingFaultySets(
        instance, classes: classes, limit: maxFaultySets, perOrbit: initialStatesPerOrbit) : []
    self.initialStatesPerOrbit =
      listingFaultySets && initialStatesPerOrbit && Self.hasThresholdB(instance)
    self.listsFaultySets = listingFaultySets
    self.n = instance.universe.count
    self.writes = instance.writeCount
    self.reads = instance.readCount
    // Widths: the stored write is 0...W, an answer's pair code 0...W + 2.
    let storedBits = UInt64(writes).bitWidthNeeded
    let responseBits = UInt64(writes + 2).bitWidthNeeded
    self.storedMask = (1 << UInt64(storedBits)) - 1
    self.appliedShift = storedBits
    self.responseShift = 1 + storedBits + writes
    self.responseBits = responseBits
    self.responseMask = (1 << UInt64(responseBits)) - 1
    self.profileBits = 1 + storedBits + writes + responseBits * reads
    self.globalBits = writes * (2 + 3 + writes) + reads * (2 + 2 * writes + 4)
    self.wordsPerState = max(1, (globalBits + profileBits * n + 63) / 64)
    self.symmetryClasses = classes
    self.oneClass = symmetryClasses.count == 1 && n > 1
    var servers: [Int] = []
    var starts: [Int] = [0]
    for cls in symmetryClasses where cls.count > 1 {
      servers += cls
      starts.append(servers.count)
    }
    self.classServers = servers
    self.classStarts = starts
    var table = [Double](repeating: 0, count: 65 * 65)
    for a in 0...64 {
      table[a * 65] = 1
      if a > 0 {
        for b in 1...a { table[a * 65 + b] = table[(a - 1) * 65 + b - 1] + table[(a - 1) * 65 + b] }
      }
    }
    self.binomials = table
    self.allServers = n >= 64 ? ~0 : (1 << UInt64(n)) - 1
    self.writesMask = UInt8(truncatingIfNeeded: ((1 << (writes + 1)) - 2))
    self.symmetryGroup =
      listingFaultySets
      ? try ServerSymmetryGroup.make(
        instance: instance, classes: classes, stated: symmetryGenerators,
        memberLimit: maxFaultySets, cosetLimit: maxCosets)
      : try ServerSymmetryGroup.make(instance: instance, classes: classes, cosetLimit: 0)
    self.cosets = CosetTable(symmetryGroup, n: n)
  }

  /// True when symmetry reduction stores fewer states than there are (some class has two or
  /// more servers, or the group has more than one coset of them).
  public var hasSymmetry: Bool { !classServers.isEmpty || !cosets.isEmpty }

  /// Explores every run of the instance: ``BFSChecker/check(_:limits:progress:)`` specialized
  /// for this model (call this rather than the generic entry point from other modules).
  public func explore(
    limits: SearchLimits = SearchLimits(), progress: ((SearchStatistics) -> Void)? = nil
  ) throws -> SearchResult<ReadWriteModel> {
    if initialStatesPerOrbit && !limits.symmetry {
      throw InputError("without symmetry reduction every member of B must be listed")
    }
    return try BFSChecker.check(self, limits: limits, progress: progress)
  }

  // MARK: - Profiles

  @inline(__always) func isFaulty(_ p: UInt64) -> Bool { p & 1 != 0 }
  @inline(__always) func stored(_ p: UInt64) -> Int { Int((p >> 1) & storedMask) }
  @inline(__always) func applied(_ p: UInt64, _ w: Int) -> Bool {
    (p >> UInt64(appliedShift + w)) & 1 != 0
  }
  /// The shift of read `r`'s answer field in a profile.
  @inline(__always) func responseOffset(_ r: Int) -> UInt64 {
    UInt64(responseShift + responseBits * r)
  }
  @inline(__always) func response(_ p: UInt64, _ r: Int) -> Int {
    Int((p >> responseOffset(r)) & responseMask)
  }

  func appliedSet(_ s: ReadWriteState, _ w: Int) -> ServerSet {
    let shift = UInt64(appliedShift + w)
    return s.profiles.withUnsafeBufferPointer { p in
      // Branch-free, so the loop vectorises (it runs once per transition).
      var bits: UInt64 = 0
      for i in 0..<p.count { bits |= ((p[i] &>> shift) & 1) &<< UInt64(i) }
      return ServerSet(bits: bits)
    }
  }

  func responders(_ s: ReadWriteState, _ r: Int) -> ServerSet {
    let shift = responseOffset(r)
    let mask = responseMask
    return s.profiles.withUnsafeBufferPointer { p in
      var bits: UInt64 = 0
      for i in 0..<p.count {
        // 1 iff the field is not 0: adding the mask carries into the bit above it.
        let answered = ((p[i] &>> shift) & mask) &+ mask
        bits |= ((answered &>> UInt64(responseBits)) & 1) &<< UInt64(i)
      }
      return ServerSet(bits: bits)
    }
  }

  /// The number of servers write `w`'s update has been delivered to (`appliedSet(s, w).count`;
  /// one shift for every profile, so the loop vectorises).
  @inline(__always) func appliedCount(_ s: ReadWriteState, _ w: Int) -> Int {
    if s.countsKnown { return Int((s.deliveredCounts >> UInt64(8 * w)) & 255) }
    return countDelivered(s, w)
  }

  @inline(__always) func countDelivered(_ s: ReadWriteState, _ w: Int) -> Int {
    let shift = UInt64(appliedShift + w)
    return s.profiles.withUnsafeBufferPointer { p in
      var c: UInt64 = 0
      for i in 0..<p.count { c &+= (p[i] &>> shift) & 1 }
      return Int(c)
    }
  }

  /// The number of servers that answered read `r` (`responders(s, r).count`, vectorised).
  @inline(__always) func responseCount(_ s: ReadWriteState, _ r: Int) -> Int {
    if s.countsKnown { return Int((s.answerCounts >> UInt64(8 * r)) & 255) }
    return countAnswers(s, r)
  }

  @inline(__always) func countAnswers(_ s: ReadWriteState, _ r: Int) -> Int {
    let shift = responseOffset(r)
    let mask = responseMask
    let carry = UInt64(responseBits)
    return s.profiles.withUnsafeBufferPointer { p in
      var c: UInt64 = 0
      for i in 0..<p.count { c &+= ((((p[i] &>> shift) & mask) &+ mask) &>> carry) & 1 }
      return Int(c)
    }
  }

  /// The faulty servers of a state.
  public func faulty(_ s: ReadWriteState) -> ServerSet {
    var set = ServerSet()
    for i in 0..<n where isFaulty(s.profile(i)) { set.insert(i) }
    return set
  }

  // MARK: - Quorums

  func isQuorum(_ set: ServerSet) -> Bool {
    if let q = instance.quorumThreshold { return set.count == q }
    return instance.quorums.contains(set)
  }

  /// The servers `i` outside `set` such that some quorum contains `set` plus `i`: the union of
  /// the quorums containing `set`, less `set` (explicit quorums; one pass over the quorums).
  func extensions(of set: ServerSet) -> ServerSet {
    var union: UInt64 = 0
    for quorum in instance.quorums where set.isSubset(of: quorum) { union |= quorum.bits }
    return ServerSet(bits: union & ~set.bits)
  }

  /// Some quorum strictly contains `set`.
  func canGrow(_ set: ServerSet) -> Bool {
    if let q = instance.quorumThreshold { return set.count < q }
    return instance.quorums.contains { set.isSubset(of: $0) && set != $0 }
  }

  /// The quorum a beginning write best queries: the one whose correct members hold the
  /// smallest largest timestamp, with that rank.
  func queryQuorum(_ s: ReadWriteState) -> (quorum: ServerSet, maxRank: Int) {
    if let q = instance.quorumThreshold {
      let faultySet = faulty(s)
      var chosen = faultySet
      if chosen.count > q {
        chosen = ServerSet(faultySet.members.prefix(q))
        return (chosen, 0)
      }
      let correct = (0..<n).filter { !faultySet.contains($0) }
        .sorted { (s.rank(stored(s.profile($0))), $0) < (s.rank(stored(s.profile($1))), $1) }
      var top = 0
      for i in correct.prefix(q - chosen.count) {
        chosen.insert(i)
        top = max(top, s.rank(stored(s.profile(i))))
      }
      return (chosen, top)
    }
    var best: (ServerSet, Int)? = nil
    for quorum in instance.quorums {
      var top = 0
      for i in quorum where !isFaulty(s.profile(i)) {
        top = max(top, s.rank(stored(s.profile(i))))
      }
      if best == nil || top < best!.1 { best = (quorum, top) }
    }
    return best!
  }

  /// The largest correct timestamp rank in the quorum a beginning write best queries (the
  /// `maxRank` of ``queryQuorum(_:)``), without building the quorum.
  @inline(__always) func queryMaxRank(_ s: ReadWriteState) -> Int {
    guard let q = instance.quorumThreshold else { return queryQuorum(s).maxRank }
    // The q - |faulty| correct servers of smallest rank: the k-th smallest correct rank.
    var histogram: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
    var faultyCount = 0
    withUnsafeMutableBytes(of: &histogram) { raw in
      let h = raw.baseAddress!.assumingMemoryBound(to: Int.self)
      for i in 0..<n {
        let p = s.profile(i)
        if isFaulty(p) { faultyCount += 1 } else { h[s.rank(stored(p))] += 1 }
      }
    }
    let k = q - faultyCount
    if k <= 0 { return 0 }
    return withUnsafeBytes(of: histogram) { raw in
      var seen = 0
      var top = 0
      for x in 0..<8 {
        let c = raw.load(fromByteOffset: x * 8, as: Int.self)
        if c > 0 { top = x }
        seen += c
        if seen >= k { return x }
      }
      return top
    }
  }

  // MARK: - Clients

  /// The writer (0-based) performing write `w` (1-based), and the write's index for it.
  public func writer(of w: Int) -> Int { (w - 1) / instance.writesPerWriter }
  /// The reader (0-based) performing read `r` (0-based).
  public func reader(of r: Int) -> Int { r / instance.readsPerReader }

  func doneMask(_ s: ReadWriteState) -> UInt8 {
    var m: UInt8 = 0
    for w in 1...max(1, writes) where w <= writes && s.writePhase(w) == 2 { m |= 1 << UInt8(w) }
    return m
  }

  func begunMask(_ s: ReadWriteState) -> UInt8 {
    var m: UInt8 = 0
    for w in 1...max(1, writes) where w <= writes && s.writePhase(w) != 0 { m |= 1 << UInt8(w) }
    return m
  }

  // MARK: - TransitionSystem

  public var initialStates: [ReadWriteState] {
    faultySets.map { f in
      var s = ReadWriteState(serverCount: n)
      for i in f { s.setProfile(i, 1) }
      return s
    }
  }

  public func actions(of s: ReadWriteState, into actions: inout [ReadWriteAction]) {
    appendActions(of: s, into: &actions, skipping: ServerSet())
  }

  /// The actions of `s` except those on a server that has an equal profile as the previous
  /// member of its class of interchangeable servers: exchanging the two servers fixes `s` and
  /// maps the one's action to the other's, so both lead to the same representative. The
  /// checker calls this under symmetry reduction (fewer successors, the same states).
  public func reducedActions(of s: ReadWriteState, into actions: inout [ReadWriteAction]) {
    var twins = ServerSet()
    if oneClass {
      twins = s.profiles.withUnsafeBufferPointer { p in
        var bits: UInt64 = 0
        for i in 1..<p.count { bits |= UInt64(p[i] == p[i &- 1] ? 1 : 0) &<< UInt64(i) }
        return ServerSet(bits: bits)
      }
    } else {
      for k in 0..<(classStarts.count - 1) {
        for a in (classStarts[k] + 1)..<classStarts[k + 1]
        where s.profile(classServers[a]) == s.profile(classServers[a - 1]) {
          twins.insert(classServers[a])
        }
      }
    }
    appendActions(of: s, into: &actions, skipping: twins)
  }

  /// Appends the actions of `s`, leaving out deliveries to and answers from `skipping`.
  @inline(__always) func appendActions(
    of s: ReadWriteState, into actions: inout [ReadWriteAction], skipping: ServerSet
  ) {
    if writes > 0 {
      for w in 1...writes {
        switch s.writePhase(w) {
        case 0:
          let first = (w - 1) % instance.writesPerWriter == 0
          guard first || s.writePhase(w - 1) == 2 else { continue }
          var lower = queryMaxRank(s)
          if !first { lower = max(lower, s.rank(w - 1)) }
          var k = 0
          for x in 1...writes where s.writePhase(x) != 0 { k += 1 }
          if lower + 1 <= k + 1 {
            for r in (lower + 1)...(k + 1) { actions.append(.beginWrite(write: w, rank: r)) }
          }
        case 1:
          if let q = instance.quorumThreshold {
            // Every set of q servers is a quorum: a write updating fewer may deliver to any
            // server it has not reached, and ends with its q-th delivery (never by endWrite).
            guard appliedCount(s, w) < q else { continue }
            var candidates = allServers & ~skipping.bits
            while candidates != 0 {
              let i = candidates.trailingZeroBitCount
              candidates &= candidates &- 1
              if !applied(s.profile(i), w) { actions.append(.deliver(write: w, server: i)) }
            }
            continue
          }
          let set = appliedSet(s, w)
          let targets = extensions(of: set)
          for i in 0..<n where targets.contains(i) && !skipping.contains(i) {
            actions.append(.deliver(write: w, server: i))
          }
          if isQuorum(set) && canGrow(set) { actions.append(.endWrite(write: w)) }
        default: break
        }
      }
    }
    for r in 0..<reads {
      switch s.readPhase(r) {
      case 0:
        let first = r % instance.readsPerReader == 0
        if first || s.readPhase(r - 1) == 2 { actions.append(.beginRead(read: r)) }
      case 1:
        let threshold = instance.quorumThreshold
        let set = threshold == nil ? responders(s, r) : ServerSet()
        let targets = threshold == nil ? extensions(of: set) : ServerSet()
        if let q = threshold, responseCount(s, r) >= q { continue }
        var candidates = allServers & ~skipping.bits
        while candidates != 0 {
          let i = candidates.trailingZeroBitCount
          candidates &= candidates &- 1
          let p = s.profile(i)
          if threshold != nil {
            // As for writes: any server that has not answered, until q have.
            guard response(p, r) == 0 else { continue }
          } else {
            guard targets.contains(i) else { continue }
          }
          if isFaulty(p) {
            actions.append(.respond(read: r, server: i, code: 1))
            if writes > 0 {
              for w in 1...writes where s.writePhase(w) != 0 {
                actions.append(.respond(read: r, server: i, code: 1 + w))
              }
            }
            if instance.readRule == .opaque {
              actions.append(.respond(read: r, server: i, code: fakeCode))
            }
          } else {
            actions.append(.respond(read: r, server: i, code: 1 + stored(p)))
          }
        }
        if threshold == nil && isQuorum(set) && canGrow(set) { actions.append(.endRead(read: r)) }
      default: break
      }
    }
  }

  public func successor(of s: ReadWriteState, taking action: ReadWriteAction) -> ReadWriteState? {
    var t = s
    apply(action, from: s, to: &t)
    return t
  }

  /// ``successor(of:taking:)`` written into `t`, reusing its profile storage (the checker's
  /// hot path: no allocation per transition).
  @inline(__always)
  public func successor(
    of s: ReadWriteState, taking action: ReadWriteAction, into t: inout ReadWriteState
  ) -> Bool {
    t.assign(s)
    apply(action, from: s, to: &t)
    return true
  }

  /// ``successor(of:taking:into:)`` then ``canonicalize(_:)``, for a representative `s`. When
  /// every server is in one class and the action changes a single server's profile (a
  /// delivery or an answer that does not end its operation), the sorted profiles stay sorted
  /// once that profile is moved to its place, so only it moves.
  public func canonicalSuccessor(
    of s: ReadWriteState, taking action: ReadWriteAction, into t: inout ReadWriteState
  ) -> Bool {
    _ = successor(of: s, taking: action, into: &t)
    guard oneClass else {
      canonicalize(&t)
      return true
    }
    let server: Int
    switch action {
    case .deliver(let w, let i) where t.writePhase(w) == 1: server = i
    case .respond(let r, let i, _) where t.readPhase(r) == 1: server = i
    default:
      canonicalize(&t)
      return true
    }
    t.profiles.withUnsafeMutableBufferPointer { p in
      Self.moveToSortedPlace(server, p[server], in: UnsafeBufferPointer(p)) { p[$0] = $1 }
    }
    return true
  }

  /// Under full symmetry with threshold quorums, a delivery or an answer that does not end its
  /// operation changes one server's profile and no client field, so the successor's encoding
  /// is `encoded` with that profile's field moved to its sorted place: the fields between its
  /// old and new place are rewritten, the rest is copied (the same moves as
  /// ``canonicalSuccessor(of:taking:into:)``, on the encoding).
  public func encodeCanonicalSuccessor(
    of s: ReadWriteState, encoded: UnsafePointer<UInt64>, taking action: ReadWriteAction,
    into words: UnsafeMutablePointer<UInt64>
  ) -> Bool {
    guard oneClass, cosets.isEmpty, let q = instance.quorumThreshold else { return false }
    let server: Int
    let v: UInt64
    switch action {
    case .deliver(let w, let i):
      let p = s.profile(i)
      guard s.writePhase(w) == 1, !applied(p, w), appliedCount(s, w) + 1 < q else { return false }
      server = i
      v = delivered(w, to: p, in: s)
    case .respond(let r, let i, let code):
      let p = s.profile(i)
      guard s.readPhase(r) == 1, response(p, r) == 0, responseCount(s, r) + 1 < q else {
        return false
      }
      server = i
      v = answered(r, code, by: p)
    default:
      return false
    }
    for k in 0..<wordsPerState { words[k] = encoded[k] }
    let base = globalBits
    let bits = profileBits
    let mask: UInt64 = (1 << UInt64(bits)) - 1
    // Writes `value` as profile field `k` of the encoding.
    @inline(__always) func put(_ k: Int, _ value: UInt64) {
      let at = base &+ k &* bits
      let word = at &>> 6
      let shift = UInt64(at & 63)
      words[word] = (words[word] & ~(mask &<< shift)) | (value &<< shift)
      if shift &+ UInt64(bits) > 64 {
        let high = 64 &- shift
        words[word &+ 1] = (words[word &+ 1] & ~(mask &>> high)) | (value &>> high)
      }
    }
    s.profiles.withUnsafeBufferPointer { Self.moveToSortedPlace(server, v, in: $0, put) }
    return true
  }

  /// Moves the profile at `server`, replaced by `v`, to its place in `p`, sorted but for it:
  /// `put(k, value)` sets position `k`, for the positions from `server` to that place, in
  /// that order (each reads `p` ahead of the positions already set, so `put` may write `p`).
  @inline(__always)
  static func moveToSortedPlace(
    _ server: Int, _ v: UInt64, in p: UnsafeBufferPointer<UInt64>, _ put: (Int, UInt64) -> Void
  ) {
    var j = server
    while j &+ 1 < p.count && p[j &+ 1] < v {
      put(j, p[j &+ 1])
      j &+= 1
    }
    while j > 0 && p[j &- 1] > v {
      put(j, p[j &- 1])
      j &-= 1
    }
    put(j, v)
  }

  public func decode(_ words: UnsafePointer<UInt64>, into s: inout ReadWriteState) {
    if s.profiles.count != n { s = ReadWriteState(serverCount: n) }
    var input = BitReader(words: words)
    s.writeWord = 0
    s.writeBeforeWord = 0
    s.readWord = 0
    s.readBeforeWord = 0
    s.readConcurrentWord = 0
    if writes > 0 {
      for w in 1...writes {
        s.writeWord |= input.get(5) << UInt64(5 * w)
        s.writeBeforeWord |= (input.get(writes) << 1) << UInt64(8 * w)
      }
    }
    for r in 0..<reads {
      s.readWord |= input.get(6) << UInt64(6 * r)
      s.readBeforeWord |= (input.get(writes) << 1) << UInt64(8 * r)
      s.readConcurrentWord |= (input.get(writes) << 1) << UInt64(8 * r)
    }
    let bits = profileBits
    s.profiles.withUnsafeMutableBufferPointer { p in
      for i in 0..<p.count { p[i] = input.get(bits) }
    }
    // The counts of the operations under way, for the steps taken from this state.
    s.deliveredCounts = 0
    s.answerCounts = 0
    if writes > 0 {
      for w in 1...writes where s.writePhase(w) == 1 {
        s.deliveredCounts |= UInt64(countDelivered(s, w)) << UInt64(8 * w)
      }
    }
    for r in 0..<reads where s.readPhase(r) == 1 {
      s.answerCounts |= UInt64(countAnswers(s, r)) << UInt64(8 * r)
    }
    s.countsKnown = true
  }

  /// Applies `action` (enabled in `s`) to `t`, a copy of `s`.
  @inline(__always) func apply(
    _ action: ReadWriteAction, from s: ReadWriteState, to t: inout ReadWriteState
  ) {
    t.countsKnown = false
    switch action {
    case .beginWrite(let w, let r):
      for x in 1...writes where t.writePhase(x) != 0 && t.rank(x) >= r {
        t.setRank(x, t.rank(x) + 1)
      }
      t.setRank(w, r)
      t.setWritePhase(w, 1)
      t.setWriteBefore(w, doneMask(s))
    case .deliver(let w, let i):
      t.setProfile(i, delivered(w, to: t.profile(i), in: t))
      if let q = instance.quorumThreshold {
        // Counted on `s`, which is not being written: a vector load of `t`'s profiles right
        // after the scalar store above would wait for that store to retire.
        let newly = applied(s.profile(i), w) ? 0 : 1
        if appliedCount(s, w) + newly == q { endWrite(&t, w) }
      } else {
        let set = appliedSet(t, w)
        if isQuorum(set) && !canGrow(set) { endWrite(&t, w) }
      }
    case .endWrite(let w):
      endWrite(&t, w)
    case .beginRead(let r):
      t.setReadPhase(r, 1)
      t.setReadBefore(r, doneMask(s))
    case .respond(let r, let i, let code):
      t.setProfile(i, answered(r, code, by: t.profile(i)))
      if let q = instance.quorumThreshold {
        let newly = response(s.profile(i), r) == 0 ? 1 : 0
        if responseCount(s, r) + newly == q { endRead(&t, r) }
      } else {
        let set = responders(t, r)
        if isQuorum(set) && !canGrow(set) { endRead(&t, r) }
      }
    case .endRead(let r):
      endRead(&t, r)
    }
  }

  /// Profile `p` once write `w`'s update reaches it: marked delivered, and a correct server
  /// keeps the update if its timestamp is larger than the one it holds.
  @inline(__always) func delivered(_ w: Int, to p: UInt64, in s: ReadWriteState) -> UInt64 {
    var p = p | 1 << UInt64(appliedShift + w)
    if !isFaulty(p) && s.rank(w) > s.rank(stored(p)) {
      p = (p & ~(storedMask << 1)) | (UInt64(w) << 1)
    }
    return p
  }

  /// Profile `p` once its server answers read `r` with pair `code`.
  @inline(__always) func answered(_ r: Int, _ code: Int, by p: UInt64) -> UInt64 {
    p | UInt64(code) << responseOffset(r)
  }

  func endWrite(_ t: inout ReadWriteState, _ w: Int) {
    t.setWritePhase(w, 2)
    let clear = ~(UInt64(1) << UInt64(appliedShift + w))
    for i in 0..<n { t.setProfile(i, t.profile(i) & clear) }
  }

  func endRead(_ t: inout ReadWriteState, _ r: Int) {
    t.setReadResult(r, result(t, r))
    t.setReadConcurrent(r, begunMask(t) & ~t.readBefore(r))
    t.setReadPhase(r, 2)
    let keep = ~(responseMask << responseOffset(r))
    for i in 0..<n { t.setProfile(i, t.profile(i) & keep) }
  }

  /// The timestamp order of a pair code (t* above every genuine timestamp).
  func order(_ s: ReadWriteState, _ code: Int) -> Int {
    code == fakeCode ? 1000 : s.rank(code - 1)
  }

  /// `Result()` of read `r` on the answers gathered in `s` (Sections 4, 5.1, 5.2).
  ///
  /// Distinct pair codes have distinct timestamp orders, so the best pair does not depend on
  /// the order in which the codes are considered.
  public func result(_ s: ReadWriteState, _ r: Int) -> Int {
    withUnsafeTemporaryAllocation(of: ServerSet.self, capacity: 16) { voters in
      voters.initialize(repeating: ServerSet())
      var present: UInt32 = 0
      for i in 0..<n {
        let c = response(s.profile(i), r)
        if c != 0 {
          present |= 1 << UInt32(c)
          voters[c].insert(i)
        }
      }
      var best: Int? = nil
      var codes = present
      while codes != 0 {
        let code = codes.trailingZeroBitCount
        codes &= codes - 1
        switch instance.readRule {
        case .masking:
          if vouched(voters[code]), best == nil || order(s, code) > order(s, best!) {
            best = code
          }
        case .dissemination:
          if code != fakeCode, best == nil || order(s, code) > order(s, best!) { best = code }
        case .opaque:
          guard let b = best else {
            best = code
            continue
          }
          let (c1, c2) = (voters[code].count, voters[b].count)
          if c1 > c2 || (c1 == c2 && order(s, code) > order(s, b)) { best = code }
        }
      }
      return best ?? Self.bottomCode
    }
  }

  /// The masking rule's test (Section 4): `voters` is contained in no member of B.
  @inline(__always) func vouched(_ voters: ServerSet) -> Bool {
    if case .threshold(let f) = instance.failProne.kind { return voters.count > f }
    if listsFaultySets { return !faultySets.contains { voters.isSubset(of: $0) } }
    return !instance.failProne.hasMember(containing: voters)
  }

  /// The writes (bit `w`; bit 0 for `v0`) of ``lastPreceding(_:preceding:)``, without
  /// allocating.
  @inline(__always) func lastPrecedingMask(_ s: ReadWriteState, preceding: UInt8) -> UInt8 {
    let ws = preceding & writesMask
    if ws == 0 { return 1 }
    var later: UInt8 = 0
    var rest = ws
    while rest != 0 {
      let x = rest.trailingZeroBitCount
      rest &= rest - 1
      later |= s.writeBefore(x)
    }
    return ws & ~later
  }

  /// True iff the value of result `code` is among the writes of `mask` (bit `w`).
  @inline(__always) func codeAllowed(_ code: Int, _ mask: UInt8) -> Bool {
    let v = value(ofCode: code)
    return v >= 0 && mask & (1 << UInt8(v)) != 0
  }

  /// The writes whose values a read concurrent with no write may return: the preceding writes
  /// (`preceding`, bit `w`) that precede no other preceding write; write 0 (`v0`) if none.
  public func lastPreceding(_ s: ReadWriteState, preceding: UInt8) -> [Int] {
    guard writes > 0 else { return [0] }
    let ws = (1...writes).filter { preceding & (1 << UInt8($0)) != 0 }
    if ws.isEmpty { return [0] }
    return ws.filter { w in !ws.contains { s.writeBefore($0) & (1 << UInt8(w)) != 0 } }
  }

  /// The values (write numbers) read `r` may return, or nil if no property constrains it.
  public func allowedResults(_ s: ReadWriteState, _ r: Int) -> [Int]? {
    let concurrent = s.readConcurrent(r)
    let last = lastPreceding(s, preceding: s.readBefore(r))
    if concurrent == 0 { return last }
    guard instance.readRule == .dissemination else { return nil }
    return last + (1...writes).filter { concurrent & (1 << UInt8($0)) != 0 }
  }

  /// The value (write number) of a result code: `w` for write `w`'s pair, -1 for the fabricated
  /// value `x`, -2 for ⊥.
  public func value(ofCode code: Int) -> Int {
    code == Self.bottomCode ? -2 : code == fakeCode ? -1 : code - 1
  }

  public var properties: [SafetyProperty<ReadWriteState>] {
    let lemma: String
    switch instance.readRule {
    case .masking: lemma = "Lemma 4.2"
    case .dissemination: lemma = "Lemma 5.2"
    case .opaque: lemma = "Lemma 5.11"
    }
    var list = [
      SafetyProperty<ReadWriteState>(
        "\(lemma): a read concurrent with no write returns the last preceding write's value"
      ) { s in
        guard s.readWord != 0 else { return true }
        for r in 0..<reads where s.readPhase(r) == 2 && s.readConcurrent(r) == 0 {
          let allowed = lastPrecedingMask(s, preceding: s.readBefore(r))
          if !codeAllowed(s.readResult(r), allowed) { return false }
        }
        return true
      }
    ]
    if instance.readRule == .dissemination {
      list.append(
        SafetyProperty(
          "Lemma 5.3: a read concurrent with writes returns the last preceding or a concurrent write's value"
        ) { s in
          guard s.readWord != 0 else { return true }
          for r in 0..<reads where s.readPhase(r) == 2 && s.readConcurrent(r) != 0 {
            let allowed = lastPrecedingMask(s, preceding: s.readBefore(r)) | s.readConcurrent(r)
            if !codeAllowed(s.readResult(r), allowed) { return false }
          }
          return true
        })
    }
    return list
  }

  // MARK: - Encoding

  public func encode(_ s: ReadWriteState, into words: UnsafeMutablePointer<UInt64>) {
    // The checker's hot path: the packer's word lives in locals (registers), every word up to
    // `wordsPerState` is stored exactly once (the unused tail as zero).
    var out = words
    let end = words + wordsPerState
    var acc: UInt64 = 0
    var offset: UInt64 = 0
    // Appends the low `width` (1...64) bits of `value`.
    @inline(__always) func append(_ value: UInt64, _ width: UInt64) {
      acc |= value &<< offset
      let next = offset &+ width
      if next >= 64 {
        out.pointee = acc
        out += 1
        acc = offset == 0 ? 0 : value &>> (64 &- offset)
        offset = next &- 64
      } else {
        offset = next
      }
    }
    @inline(__always) func put(_ value: UInt64, _ width: Int) {
      if width > 0 { append(value, UInt64(width)) }
    }
    if writes > 0 {
      for w in 1...writes {
        put((s.writeWord >> UInt64(5 * w)) & 31, 5)
        put(UInt64(s.writeBefore(w) >> 1), writes)
      }
    }
    for r in 0..<reads {
      put((s.readWord >> UInt64(6 * r)) & 63, 6)
      put(UInt64(s.readBefore(r) >> 1), writes)
      put(UInt64(s.readConcurrent(r) >> 1), writes)
    }
    let bits = UInt64(profileBits)
    s.profiles.withUnsafeBufferPointer { p in
      var i = 0
      if bits <= 16 {
        // Four profiles at a time: the packer's offset is a chain from one append to the
        // next, so appending a group of four (shifted together independently) shortens it.
        let quad = 4 &* bits
        while i &+ 4 <= p.count {
          let group =
            p[i] | (p[i &+ 1] &<< bits) | (p[i &+ 2] &<< (2 &* bits)) | (p[i &+ 3] &<< (3 &* bits))
          append(group, quad)
          i &+= 4
        }
      }
      while i < p.count {
        append(p[i], bits)
        i &+= 1
      }
    }
    if offset > 0 {
      out.pointee = acc
      out += 1
    }
    while out < end {
      out.pointee = 0
      out += 1
    }
  }

  public func decode(_ words: UnsafePointer<UInt64>) -> ReadWriteState {
    var input = BitReader(words: words)
    var s = ReadWriteState(serverCount: n)
    if writes > 0 {
      for w in 1...writes {
        s.writeWord |= input.get(5) << UInt64(5 * w)
        s.writeBeforeWord |= (input.get(writes) << 1) << UInt64(8 * w)
      }
    }
    for r in 0..<reads {
      s.readWord |= input.get(6) << UInt64(6 * r)
      s.readBeforeWord |= (input.get(writes) << 1) << UInt64(8 * r)
      s.readConcurrentWord |= (input.get(writes) << 1) << UInt64(8 * r)
    }
    for i in 0..<n { s.setProfile(i, input.get(profileBits)) }
    return s
  }

  /// The state with the profiles sorted within each class of interchangeable servers
  /// (``symmetryClasses``): states that a permutation within the classes relates have the same
  /// representative.
  public func representative(of s: ReadWriteState) -> ReadWriteState {
    var t = s
    canonicalize(&t)
    return t
  }

  public func canonicalize(_ s: inout ReadWriteState) {
    if !cosets.isEmpty { return canonicalizeUnderGroup(&s) }
    if classServers.isEmpty { return }
    let oneClass = self.oneClass
    let n = self.n
    s.profiles.withUnsafeMutableBufferPointer { p in
      if oneClass {
        // Insertion sort: a successor differs from a sorted state in one or a few profiles.
        for i in 1..<n {
          let v = p[i]
          var j = i
          while j > 0 && p[j - 1] > v {
            p[j] = p[j - 1]
            j -= 1
          }
          p[j] = v
        }
        return
      }
      sortWithinClasses(p.baseAddress!)
    }
  }

  /// The number of states a representative stands for: permutations within the classes give
  /// `prod over classes of |class|! / prod over distinct profiles m!` distinct states (a
  /// multinomial coefficient per class; exact while below 2^53).
  public func orbitSize(of s: ReadWriteState) -> Double {
    if oneClass {
      // One class, the profiles sorted: n! / prod m! over the runs of equal profiles.
      return s.profiles.withUnsafeBufferPointer { p in
        binomials.withUnsafeBufferPointer { choose in
          // Bit i set where a run of equal profiles starts (computed without branches), then
          // one binomial per run: C(remaining, run length).
          var starts: UInt64 = 1
          for i in 1..<p.count { starts |= UInt64(p[i] != p[i &- 1] ? 1 : 0) &<< UInt64(i) }
          var size = 1.0
          var remaining = p.count
          while starts != 0 {
            let a = starts.trailingZeroBitCount
            starts &= starts &- 1
            let b = starts == 0 ? p.count : starts.trailingZeroBitCount
            size *= choose[remaining &* 65 &+ (b &- a)]
            remaining &-= b &- a
          }
          return size
        }
      }
    }
    var size = 1.0
    for k in 0..<(classStarts.count - 1) {
      let end = classStarts[k + 1]
      var remaining = end - classStarts[k]
      var a = classStarts[k]
      while a < end {
        let v = s.profile(classServers[a])
        var b = a + 1
        while b < end && s.profile(classServers[b]) == v { b += 1 }
        let m = b - a
        size *= binomials[remaining * 65 + m]
        remaining -= m
        a = b
      }
    }
    return cosets.isEmpty ? size : size * cosetImageCount(s)
  }

  // MARK: - Describing steps

  /// A server's printed name.
  public func server(_ i: Int) -> String { "server " + instance.universe.name(of: i) }
  /// A writer's printed name.
  public func writerName(_ i: Int) -> String { "writer \(i + 1)" }
  /// A reader's printed name.
  public func readerName(_ i: Int) -> String { "reader \(i + 1)" }

  /// `⟨v_w, t_w⟩`, `⟨x, t*⟩`, or `⊥`.
  public func pair(_ code: Int) -> String {
    if code == Self.bottomCode { return "⊥" }
    if code == fakeCode { return "⟨x, t*⟩" }
    return "⟨v\(code - 1), t\(code - 1)⟩"
  }

  func valueName(_ v: Int) -> String { v == -2 ? "⊥" : v == -1 ? "x" : "v\(v)" }

  /// The chosen timestamps in increasing order, as `t0 < t2 < t1`.
  public func timestampOrder(_ s: ReadWriteState) -> String {
    var begun = [0]
    if writes > 0 { begun += (1...writes).filter { s.writePhase($0) != 0 } }
    return begun.sorted { s.rank($0) < s.rank($1) }.map { "t\($0)" }.joined(separator: " < ")
  }

  func describeSet(_ set: ServerSet) -> String { instance.universe.describe(set) }

  public func describe(
    _ action: ReadWriteAction, from s: ReadWriteState, to t: ReadWriteState
  ) -> String {
    switch action {
    case .beginWrite(let w, _):
      let (quorum, top) = queryQuorum(s)
      return
        "\(writerName(writer(of: w))) begins write w\(w) of v\(w): queries quorum \(describeSet(quorum)) "
        + "(largest correct timestamp rank \(top)) and picks t\(w); timestamps now \(timestampOrder(t))"
    case .deliver(let w, let i):
      let p = s.profile(i)
      var line = "update \(pair(1 + w)) from \(writerName(writer(of: w))) reaches \(server(i))"
      if isFaulty(p) {
        line += " (faulty)"
      } else if stored(t.profile(i)) == w {
        line += ", which now holds it"
      } else {
        line += ", which keeps \(pair(1 + stored(p))) (larger timestamp)"
      }
      if t.writePhase(w) == 2 {
        line +=
          "; write w\(w) ends: quorum \(describeSet(appliedSet(s, w).union(ServerSet([i])))) updated"
      }
      return line
    case .endWrite(let w):
      return "write w\(w) ends: quorum \(describeSet(appliedSet(s, w))) updated"
    case .beginRead(let r):
      return "\(readerName(reader(of: r))) begins read r\(r + 1)"
    case .respond(let r, let i, let code):
      var line =
        "\(server(i))\(isFaulty(s.profile(i)) ? " (faulty)" : "") answers read r\(r + 1) with \(pair(code))"
      if t.readPhase(r) == 2 {
        var answered = responders(s, r)
        answered.insert(i)
        line += "; " + readEnd(t, r, quorum: answered)
      }
      return line
    case .endRead(let r):
      return readEnd(t, r, quorum: responders(s, r))
    }
  }

  func readEnd(_ t: ReadWriteState, _ r: Int, quorum: ServerSet) -> String {
    let v = value(ofCode: t.readResult(r))
    var line =
      "read r\(r + 1) ends with quorum \(describeSet(quorum)): Result() = \(pair(t.readResult(r))), returns \(valueName(v))"
    if let allowed = allowedResults(t, r) {
      let names = allowed.map { valueName($0) }.joined(separator: " or ")
      line += allowed.contains(v) ? " (correct)" : " — WRONG: expected \(names)"
    }
    return line
  }

  /// The sender, receiver and label of the message a step carries, for message sequence charts.
  public func message(_ action: ReadWriteAction, from s: ReadWriteState) -> (
    from: String, to: String, label: String
  ) {
    switch action {
    case .beginWrite(let w, _):
      return (writerName(writer(of: w)), writerName(writer(of: w)), "begin w\(w): pick t\(w)")
    case .deliver(let w, let i):
      return (writerName(writer(of: w)), server(i), "update \(pair(1 + w))")
    case .endWrite(let w):
      return (writerName(writer(of: w)), writerName(writer(of: w)), "end w\(w)")
    case .beginRead(let r):
      return (readerName(reader(of: r)), readerName(reader(of: r)), "begin r\(r + 1)")
    case .respond(let r, let i, let code):
      return (server(i), readerName(reader(of: r)), "\(pair(code))")
    case .endRead(let r):
      return (readerName(reader(of: r)), readerName(reader(of: r)), "end r\(r + 1)")
    }
  }

  /// Every participant, in chart order: writers, readers, servers.
  public var participants: [String] {
    (0..<instance.writers).map(writerName) + (0..<instance.readers).map(readerName)
      + (0..<n).map(server)
  }
}

/// Packs fields of at most 64 bits into consecutive words (an accumulator register, one store
/// per word).
struct BitWriter {
  let words: UnsafeMutablePointer<UInt64>
  let count: Int
  var index = 0
  var offset: UInt64 = 0
  var acc: UInt64 = 0

  /// Starts writing at bit 0 of `words[0 ..< count]`, which are zeroed first: an encoding
  /// never keeps bits of an earlier state, so two distinct states are never merged by a
  /// stale word.
  @inline(__always) init(words: UnsafeMutablePointer<UInt64>, count: Int) {
    self.words = words
    self.count = count
    words.update(repeating: 0, count: count)
  }

  /// Appends the low `width` bits of `value` (the other bits must be zero). The current word
  /// is written through, so the encoding is complete after every call.
  @inline(__always) mutating func put(_ value: UInt64, _ width: Int) {
    guard width > 0 else { return }
    acc |= value &<< offset
    let end = offset &+ UInt64(width)
    if end >= 64 {
      words[index] = acc
      index &+= 1
      acc = offset == 0 ? 0 : value &>> (64 &- offset)
      offset = end &- 64
      if offset == 0 { acc = 0 }
    } else {
      offset = end
    }
    if offset > 0 { words[index] = acc }
  }
}
struct BitReader {
  let words: UnsafePointer<UInt64>
  var bit = 0

  @inline(__always) mutating func get(_ width: Int) -> UInt64 {
    guard width > 0 else { return 0 }
    let word = bit >> 6
    let offset = bit & 63
    var v = words[word] >> UInt64(offset)
    if offset + width > 64 { v |= words[word + 1] << UInt64(64 - offset) }
    bit += width
    return width == 64 ? v : v & ((1 << UInt64(width)) - 1)
  }
}

extension UInt64 {
  /// The bits needed to write every value from 0 to this one (0 for 0).
  fileprivate var bitWidthNeeded: Int { UInt64.bitWidth - leadingZeroBitCount }
}
