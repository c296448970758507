import QuorumKit

/// A state of the Section 6 protocol (``UpdateModel``).
///
/// Everything indexed by a server lives in that server's *profile* word, so a permutation of
/// the servers permutes the profiles and leaves ``global`` alone; sorting the profiles is then
/// a canonical form under the full symmetric group (``UpdateModel/canonicalize(_:)``).
///
/// Profile bits: bit 0 Byzantine; bits 1-3 the pair a correct server stores (a pair code, see
/// ``UpdatePair``); bits 4-6 the answer the server gave the read in progress (0 none, else
/// 1 + pair code); then seven bits per update slot `k` (``UpdateSlot``) from `7 + 7k`:
/// member of the slot's quorum Q, update received, echo sent, ready sent, Deliver executed,
/// the Byzantine members of Q have sent it ready, the Byzantine non-members have sent it ready
/// (recorded under the `exactly` reading of step 5 only).
public struct UpdateState: Hashable, Sendable {
  /// One word per server (see above).
  public var profiles: [UInt64]
  /// Bits 0-1 the correct writer's phase (0 idle, 1 Init sent, 2 retried with a second
  /// quorum, 3 done: acknowledged by a set not inside any member of B); bits 2-3 where tw lies
  /// among the faulty client's timestamps (0: t0 < tw < t1, 1: t1 < tw < t2, 2: tw > t2);
  /// bit 4 the Byzantine processes have stopped sending; bits 5-6 the read's phase (0 not
  /// begun, 1 gathering answers, 2 ended); bits 7-9 its result (a pair code, 7 for ⊥);
  /// bits 10-15 the pairs whose write had ended when the read began; bits 16-21 the pairs
  /// whose write was concurrent with the read.
  public var global: UInt64 = 0

  public init(profiles: [UInt64]) { self.profiles = profiles }

  @inline(__always) func field(_ at: Int, _ width: Int) -> Int {
    Int((global >> UInt64(at)) & ((1 << UInt64(width)) - 1))
  }
  @inline(__always) mutating func set(_ at: Int, _ width: Int, _ v: Int) {
    let m = ((UInt64(1) << UInt64(width)) - 1) << UInt64(at)
    global = (global & ~m) | ((UInt64(v) << UInt64(at)) & m)
  }
  /// The correct writer's phase: 0 idle, 1 Init sent, 2 retried, 3 done.
  public var writerPhase: Int { field(0, 2) }
  /// Where tw lies among the faulty client's timestamps.
  public var gap: Int { field(2, 2) }
  /// The Byzantine servers and the faulty client have stopped sending.
  public var stopped: Bool { field(4, 1) == 1 }
  /// The read's phase: 0 not begun, 1 gathering, 2 ended.
  public var readPhase: Int { field(5, 2) }
  /// The pair code the read returned (7 for ⊥), once ended.
  public var readResult: Int { field(7, 3) }
  /// The pairs (bit = pair code) whose write had ended when the read began.
  public var readBefore: Int { field(10, 6) }
  /// The pairs whose write was concurrent with the read (once ended).
  public var readConcurrent: Int { field(16, 6) }
}

/// The value/timestamp pairs of the model, by code.
public enum UpdatePair {
  /// ⟨v0, t0⟩, the initial pair of every server.
  public static let initial = 0
  /// ⟨a, t1⟩, ⟨b, t1⟩, ⟨c, t2⟩: the faulty client's pairs (t1 < t2).
  public static let a = 1
  public static let b = 2
  public static let c = 3
  /// ⟨w, tw⟩: the correct writer's pair.
  public static let w = 4
  /// ⟨x, tw⟩: a pair in the correct writer's name it never wrote (forged by Byzantine servers).
  public static let x = 5
  /// The read result ⊥ (no pair vouched for).
  public static let bottom = 7
  /// The printed values.
  public static let names = ["v0", "a", "b", "c", "w", "x", "?", "⊥"]
}

/// The update messages of the model, by slot: each slot is one ⟨update, Q, v, t⟩ with its
/// own quorum Q.
public enum UpdateSlot {
  /// The faulty client's ⟨update, Q_A, a, t1⟩, ⟨update, Q_B, b, t1⟩, ⟨update, Q_C, c, t2⟩.
  public static let faultyA = 0
  public static let faultyB = 1
  public static let faultyC = 2
  /// The correct writer's Init(Q_1, w, tw) and its retry Init(Q_2, w, tw).
  public static let write1 = 3
  public static let write2 = 4
  /// The forged ⟨echo/ready, Q_1, x, tw⟩ (no update exists: only Byzantine servers send it).
  public static let forged = 5
  /// The pair code each slot carries.
  public static let pair = [1, 2, 3, 4, 4, 5]
  /// Printed names.
  public static let names = ["A", "B", "C", "W1", "W2", "X"]
}

/// A step of the Section 6 protocol.
public enum UpdateAction: Hashable, Sendable {
  /// The faulty client picks the quorum its update `slot` names (all before anything else).
  case chooseQuorum(slot: Int, quorum: Int)
  /// The faulty client's update `slot` reaches correct `server` (figure 3, step 2 runs).
  case faultyUpdate(slot: Int, server: Int)
  /// The correct writer queries quorum `quorum`, picks tw in timestamp gap `gap` and
  /// performs Init(Q, w, tw) (Section 6.1; figure 3, step 1).
  case initWrite(quorum: Int, gap: Int)
  /// The correct writer, not yet acknowledged, performs Init with another quorum.
  case retry(quorum: Int)
  /// The correct writer's update `slot` reaches `server` (step 2).
  case writerUpdate(slot: Int, server: Int)
  /// Correct `server` sends ready for `slot` (step 3 or 4). `help`: 1 the Byzantine members
  /// of Q echo to it just in time (step 3); 3 every Byzantine server, members of Q or not,
  /// sends it ready (step 4). Unhelped readies are taken eagerly with the step before.
  case ready(slot: Int, server: Int, help: Int)
  /// Correct `server` executes Deliver for `slot` (step 5; a step of its own only while a
  /// client may still observe deliveries, see ``UpdateModel``).
  case deliver(slot: Int, server: Int)
  /// The Byzantine members of the slot's quorum send ready to correct `server` (it counts at
  /// steps 4 and 5).
  case byzantineReady(slot: Int, server: Int)
  /// A Byzantine server outside Q sends ready to correct `server` before it delivered
  /// (the `exactly` reading of step 5: the received set can no longer equal Q \ B).
  case readyFromOutside(slot: Int, server: Int)
  /// The correct writer has acknowledgements from a set not inside any member of B;
  /// `help`: the Byzantine servers acknowledge too.
  case writeDone(help: Bool)
  /// The faulty client and the Byzantine servers send nothing more.
  case stop
  /// The correct reader begins its read.
  case beginRead
  /// `server` answers the read with pair `code`.
  case respond(server: Int, code: Int)
  /// The read ends (the answering servers form a quorum that could still grow).
  case endRead
}

/// The update protocol of Figure 3 (Section 6.2) under the write protocol of Section 6.1,
/// with Byzantine servers and a faulty client, as a ``TransitionSystem``.
///
/// **Processes.** The Byzantine servers are a member of B chosen in the initial state. The
/// faulty client sends up to three updates ⟨update, Q, v, t⟩ (``UpdateSlot``): two values for
/// one timestamp and a larger timestamp, each naming a quorum of its choice, each to any
/// subset of the servers (members of Q or not), in any order, and may stop at any point. A
/// correct writer (optional) writes ⟨w, tw⟩: it queries a quorum Q, picks tw above the correct
/// answers (Byzantine members may answer anything larger, so every larger position of tw among
/// the faulty client's timestamps is allowed), performs Init(Q, w, tw), and while it lacks
/// acknowledgements from a set not inside any member of B may retry once with another quorum
/// (same pair). A correct reader (optional) reads once with the masking `Result()` of
/// Section 4. Byzantine servers also forge echo and ready for ⟨x, tw⟩ (optional).
///
/// **Messages.** Correct servers run Figure 3 exactly; steps 2-5 under the chosen
/// ``UpdateReadings`` (defaults: the first update received for a timestamp wins; step 3 needs
/// echoes from every member of Q, the server itself and Byzantine members included; step 4's
/// B+ may contain any servers; step 5 needs readies from *at least* Q \ B; Propagation asks for
/// *a* quorum). A server receiving ⟨update, Q, …⟩ echoes to the members of Q; echo and ready
/// from correct servers go to the members of Q, over reliable channels.
///
/// **Abstraction (exact for every reading).** Steps 3, 4 and 5 are monotone in the set of
/// messages received, so instead of each receipt the model has one step per reaction, enabled
/// as soon as the messages the condition needs have been *sent* (the scheduler may deliver them
/// at once or delay them; delaying the receipt is delaying the reaction). Only step 2 depends
/// on the order of receipts, and it has its own step per receipt. Byzantine messages to a
/// correct server matter only when they trigger a reaction, so a reaction may be *helped*:
/// the Byzantine members of Q (or all Byzantine servers) send what it needs just in time;
/// readies they send are recorded, as they count again at step 5. Sending every Byzantine
/// message at once is no loss: conditions are monotone, so any subset that triggers a
/// reaction can be replaced by all of them sent at the moment it triggers. Under the `exactly`
/// reading a ready from a Byzantine server outside Q makes the received set differ from every
/// Q \ B for good: that receipt is its own step. Forged messages name Q_1 only: with threshold quorums every
/// quorum is alike, and on a masking system forged messages for any quorum are inert (no
/// correct server echoes them, and by Lemma 6.4 no Q \ B is covered by the Byzantine
/// servers, so no correct server sends the first ready or delivers); for explicit quorum
/// systems that are not masking, a forgery on another quorum is not explored.
///
/// **Properties.** Safety, in every state: Lemma 6.2 (Integrity: no correct server delivers
/// ⟨x, tw⟩, nor ⟨w, tw⟩ before Init), Lemma 6.3 (Agreement: no two correct servers deliver
/// different values with one timestamp), Lemma 6.1 (a read concurrent with no write returns
/// the value of the preceding write with the highest timestamp; a faulty client's write begins
/// at the first correct Deliver and ends, as every write does, when all correct servers of
/// some quorum have delivered it). Eventual, in every *quiescent* state (no step enabled: every
/// message between correct processes delivered, the faulty processes stopped), which under
/// reliable delivery is where every fair run ends: Lemma 6.5 (Propagation) and Lemma 6.6
/// (Validity).
public struct UpdateModel: TransitionSystem {
  public typealias State = UpdateState
  public typealias Action = UpdateAction

  /// The instance being explored.
  public let instance: UpdateInstance
  /// The members of B (each a possible set of Byzantine servers).
  public let faultySets: [ServerSet]
  /// The update slots in use (``UpdateSlot``).
  public let slots: [Int]
  /// The faulty client's slots in use.
  public let faultySlots: [Int]
  let n: Int
  let f: Int?
  let profileBits: Int
  public let wordsPerState: Int
  let readings: UpdateReadings
  /// The pair codes that occur in the instance.
  public let pairs: [Int]
  /// The property-name prefixes checked, or nil for all.
  public let only: [String]?

  func selected(_ list: [SafetyProperty<UpdateState>]) -> [SafetyProperty<UpdateState>] {
    guard let only else { return list }
    return list.filter { p in only.contains { p.name.hasPrefix($0) } }
  }

  /// The model of `instance`.
  ///
  /// - Throws: ``InputError`` when B has more than `maxFaultySets` members.
  /// - Parameter only: if given, only the properties whose names start with one of these
  ///   prefixes are checked (e.g. `["Lemma 6.1"]`), so that a mutant can be aimed at one lemma.
  public init(_ instance: UpdateInstance, maxFaultySets: Int = 100_000, only: [String]? = nil)
    throws
  {
    self.instance = instance
    self.only = only
    self.faultySets = try instance.failProne.members(limit: maxFaultySets)
    self.n = instance.universe.count
    if case .threshold(let f) = instance.failProne.kind { self.f = f } else { self.f = nil }
    var s = Array(0..<instance.faultyUpdates)
    if instance.correctWriter { s.append(UpdateSlot.write1) }
    if instance.retries > 0 { s.append(UpdateSlot.write2) }
    if instance.forged { s.append(UpdateSlot.forged) }
    self.slots = s
    self.faultySlots = Array(0..<instance.faultyUpdates)
    self.profileBits = 7 + 7 * ((s.last ?? -1) + 1)
    self.wordsPerState = 1 + (profileBits * n + 63) / 64
    self.readings = instance.readings
    self.pairs =
      [0]
      + s.map { UpdateSlot.pair[$0] }.reduce(into: [Int]()) { acc, p in
        if !acc.contains(p) { acc.append(p) }
      }
  }

  /// Explores every run of the instance: ``BFSChecker/check(_:limits:progress:)`` specialized
  /// for this model (the full search; ``UpdateDecomposition`` explores an instance with three
  /// faulty updates and no correct writer or reader as two smaller models, exactly).
  public func explore(
    limits: SearchLimits = SearchLimits(), progress: ((SearchStatistics) -> Void)? = nil
  ) throws -> SearchResult<UpdateModel> {
    try BFSChecker.check(self, limits: limits, progress: progress)
  }

  // MARK: - Profiles

  @inline(__always) static func bit(_ slot: Int, _ field: Int) -> UInt64 {
    1 << UInt64(7 + 7 * slot + field)
  }
  static let inQ = 0, upd = 1, echo = 2, rdy = 3, dlv = 4, fr = 5, fo = 6

  @inline(__always) func has(_ p: UInt64, _ slot: Int, _ field: Int) -> Bool {
    p & Self.bit(slot, field) != 0
  }
  @inline(__always) func isFaulty(_ p: UInt64) -> Bool { p & 1 != 0 }
  @inline(__always) func stored(_ p: UInt64) -> Int { Int((p >> 1) & 7) }
  @inline(__always) func answer(_ p: UInt64) -> Int { Int((p >> 4) & 7) }

  /// The Byzantine servers of a state.
  public func faulty(_ s: UpdateState) -> ServerSet {
    var set = ServerSet()
    for i in 0..<n where isFaulty(s.profiles[i]) { set.insert(i) }
    return set
  }

  /// The servers whose profile has `field` of `slot` set.
  public func servers(_ s: UpdateState, _ slot: Int, _ field: Int) -> ServerSet {
    var bits: UInt64 = 0
    let b = Self.bit(slot, field)
    for i in 0..<n where s.profiles[i] & b != 0 { bits |= 1 << UInt64(i) }
    return ServerSet(bits: bits)
  }

  /// The quorum update `slot` names (empty while not chosen).
  public func quorum(_ s: UpdateState, _ slot: Int) -> ServerSet { servers(s, slot, Self.inQ) }

  /// The correct servers that executed Deliver for `pair` (through any slot).
  public func delivered(_ s: UpdateState, pair: Int) -> ServerSet {
    var set = ServerSet()
    for k in slots where UpdateSlot.pair[k] == pair { set = set.union(servers(s, k, Self.dlv)) }
    return set
  }

  /// The timestamp order of a pair: t0 = 0, t1 = 2, t2 = 4, tw = 2 gap + 1.
  @inline(__always) public func timestamp(_ s: UpdateState, _ pair: Int) -> Int {
    switch pair {
    case 0: return 0
    case 1, 2: return 2
    case 3: return 4
    case 4, 5: return 2 * s.gap + 1
    default: return -1
    }
  }

  /// True iff `set` is contained in a member of B.
  @inline(__always) func covered(_ set: ServerSet) -> Bool {
    if let f { return set.count <= f }
    return faultySets.contains { set.isSubset(of: $0) }
  }

  /// Some quorum lies inside `set`.
  func containsQuorum(_ set: ServerSet) -> Bool {
    if let q = instance.quorumThreshold { return set.count >= q }
    return instance.quorums.contains { $0.isSubset(of: set) }
  }

  func isQuorum(_ set: ServerSet) -> Bool {
    if let q = instance.quorumThreshold { return set.count == q }
    return instance.quorums.contains(set)
  }

  func canExtend(_ set: ServerSet, with server: Int) -> Bool {
    if let q = instance.quorumThreshold { return set.count < q }
    var bigger = set
    bigger.insert(server)
    return instance.quorums.contains { bigger.isSubset(of: $0) }
  }

  func canGrow(_ set: ServerSet) -> Bool {
    if let q = instance.quorumThreshold { return set.count < q }
    return instance.quorums.contains { set.isSubset(of: $0) && set != $0 }
  }

  // MARK: - Figure 3 conditions

  /// Whether update `k` conflicts with an update `earlier` of the same client that the
  /// server received before (step 2).
  func conflicts(_ s: UpdateState, earlier: Int, _ k: Int) -> Bool {
    let (p1, p2) = (UpdateSlot.pair[earlier], UpdateSlot.pair[k])
    let (t1, t2) = (timestamp(s, p1), timestamp(s, p2))
    guard (t1 == t2 && p1 != p2) || t1 > t2 else { return false }
    if readings.step2 == .perQuorum { return quorum(s, earlier) == quorum(s, k) }
    return true
  }

  /// Whether correct server `j` echoes update `k` on receiving it now (step 2).
  func echoes(_ s: UpdateState, _ j: Int, _ k: Int) -> Bool {
    let p = s.profiles[j]
    let same = k < 3 ? faultySlots : slots.filter { $0 == 3 || $0 == 4 }
    for e in same where e != k && has(p, e, Self.upd) && conflicts(s, earlier: e, k) {
      return false
    }
    return true
  }

  /// Step 3 at correct server `j` for slot `k`; `help`: the Byzantine members of Q echo to it.
  func step3(_ s: UpdateState, _ j: Int, _ k: Int, q: ServerSet, F: ServerSet, help: Bool) -> Bool {
    var echoes = q.contains(j) ? servers(s, k, Self.echo).intersection(q) : ServerSet()
    if help { echoes = echoes.union(F.intersection(q)) }
    switch readings.step3 {
    case .everyMember: return q.isSubset(of: echoes)
    case .everyOtherMember: return q.subtracting(ServerSet([j])).isSubset(of: echoes)
    case .quorumMinusB: return covered(q.subtracting(echoes))
    }
  }

  /// The ready senders correct server `j` may have received from for slot `k`.
  func readySenders(
    _ s: UpdateState, _ j: Int, _ k: Int, q: ServerSet, F: ServerSet, inside: Bool, outside: Bool
  ) -> ServerSet {
    var set = q.contains(j) ? servers(s, k, Self.rdy).subtracting(F) : ServerSet()
    if inside { set = set.union(F.intersection(q)) }
    if outside { set = set.union(F.subtracting(q)) }
    return set
  }

  func step4(_ senders: ServerSet, q: ServerSet) -> Bool {
    !covered(readings.step4 == .withinQuorum ? senders.intersection(q) : senders)
  }

  func step5(_ senders: ServerSet, q: ServerSet) -> Bool { covered(q.subtracting(senders)) }

  // MARK: - Writes and reads (Lemma 6.1)

  /// The pairs (bit = code) whose write has begun: ⟨w, tw⟩ at Init, the others at the first
  /// correct Deliver.
  func begunMask(_ s: UpdateState) -> Int {
    var m = 0
    for p in pairs where p != 0 {
      if p == UpdatePair.w ? s.writerPhase >= 1 : !delivered(s, pair: p).isEmpty { m |= 1 << p }
    }
    return m
  }

  /// The pairs whose write has ended: all correct servers of some quorum delivered it.
  func endedMask(_ s: UpdateState) -> Int {
    let F = faulty(s)
    var m = 0
    for p in pairs where p != 0 {
      let d = delivered(s, pair: p)
      if !d.isEmpty && containsQuorum(d.union(F)) { m |= 1 << p }
    }
    return m
  }

  /// The pair codes a read concurrent with no write may return, given the writes that had
  /// ended when it began: those with the highest timestamp (⟨v0, t0⟩ if none).
  public func expectedResults(_ s: UpdateState, before: Int) -> [Int] {
    let ws = pairs.filter { $0 != 0 && before & (1 << $0) != 0 }
    guard let top = ws.map({ timestamp(s, $0) }).max() else { return [0] }
    return ws.filter { timestamp(s, $0) == top }
  }

  /// The masking `Result()` (Section 4) on the answers gathered in `s`.
  func result(_ s: UpdateState) -> Int {
    var voters = [ServerSet](repeating: ServerSet(), count: 8)
    for i in 0..<n {
      let a = answer(s.profiles[i])
      if a != 0 { voters[a - 1].insert(i) }
    }
    var best: Int? = nil
    for code in 0..<6 where !voters[code].isEmpty && !covered(voters[code]) {
      if best == nil || timestamp(s, code) > timestamp(s, best!) { best = code }
    }
    return best ?? UpdatePair.bottom
  }

  func responders(_ s: UpdateState) -> ServerSet {
    var set = ServerSet()
    for i in 0..<n where answer(s.profiles[i]) != 0 { set.insert(i) }
    return set
  }

  // MARK: - TransitionSystem

  public var initialStates: [UpdateState] {
    faultySets.map { b in UpdateState(profiles: (0..<n).map { b.contains($0) ? 1 : 0 }) }
  }

  /// The faulty client's first slot whose quorum is not chosen yet.
  func unchosenSlot(_ s: UpdateState) -> Int? {
    faultySlots.first { k in !s.profiles.contains { has($0, k, Self.inQ) } }
  }

  public func actions(of s: UpdateState, into actions: inout [UpdateAction]) {
    if let k = unchosenSlot(s) {
      for qi in instance.quorums.indices { actions.append(.chooseQuorum(slot: k, quorum: qi)) }
      return
    }
    let F = faulty(s)
    let active = !s.stopped
    let eager = eagerDeliver(s)
    if active { actions.append(.stop) }
    // The correct writer.
    if instance.correctWriter {
      switch s.writerPhase {
      case 0:
        let maxGap = instance.faultyUpdates >= 3 ? 2 : instance.faultyUpdates >= 1 ? 1 : 0
        for (qi, q) in instance.quorums.enumerated() {
          var top = 0
          for i in q where !F.contains(i) { top = max(top, timestamp(s, stored(s.profiles[i]))) }
          for g in 0...maxGap where 2 * g + 1 > top {
            actions.append(.initWrite(quorum: qi, gap: g))
          }
        }
      case 1, 2:
        if s.writerPhase == 1 && instance.retries > 0 {
          let q1 = quorum(s, UpdateSlot.write1)
          for (qi, q) in instance.quorums.enumerated() where q != q1 {
            actions.append(.retry(quorum: qi))
          }
        }
        let ackers = delivered(s, pair: UpdatePair.w)
        if !covered(ackers) {
          actions.append(.writeDone(help: false))
        } else if active && !F.isEmpty && !covered(ackers.union(F)) {
          actions.append(.writeDone(help: true))
        }
      default: break
      }
    }
    // Servers.
    for k in slots {
      let q = quorum(s, k)
      if q.isEmpty { continue }
      let fin = F.intersection(q)
      let fout = F.subtracting(q)
      for j in 0..<n where !F.contains(j) {
        let p = s.profiles[j]
        // Step 2.
        if !has(p, k, Self.upd) {
          if k < 3 {
            if active { actions.append(.faultyUpdate(slot: k, server: j)) }
          } else if k != UpdateSlot.forged && q.contains(j) {
            actions.append(.writerUpdate(slot: k, server: j))
          }
        }
        // Steps 3 and 4 (unhelped readies are taken eagerly, see `react`).
        let exactly = readings.step5 == .exactly
        if !has(p, k, Self.rdy) && active {
          let fr = has(p, k, Self.fr)
          let fo = has(p, k, Self.fo)
          let mine = readySenders(s, j, k, q: q, F: F, inside: fr, outside: fo)
          if !fin.isEmpty && step3(s, j, k, q: q, F: F, help: true) {
            actions.append(.ready(slot: k, server: j, help: 1))
          } else if readings.step4 == .anyServers && !fout.isEmpty
            && step4(mine.union(fin).union(fout), q: q)
          {
            actions.append(.ready(slot: k, server: j, help: 3))
          }
        }
        // Byzantine members of Q send ready to j (it counts at steps 4 and 5), at the moment
        // it completes a condition (sending earlier changes nothing before, see the type's doc).
        if active && !fin.isEmpty && !has(p, k, Self.fr) {
          let fo = has(p, k, Self.fo)
          let mine = readySenders(s, j, k, q: q, F: F, inside: false, outside: fo)
          let helped = mine.union(fin)
          let useful4 = !has(p, k, Self.rdy) && step4(helped, q: q)
          let useful5 =
            !has(p, k, Self.dlv) && !(exactly && fo) && !step5(mine, q: q) && step5(helped, q: q)
          if useful4 || useful5 { actions.append(.byzantineReady(slot: k, server: j)) }
        }
        // Step 5 (taken eagerly when no client observes deliveries, see `react`).
        if !has(p, k, Self.dlv) && !(exactly && has(p, k, Self.fo)) {
          if !eager {
            let mine = readySenders(s, j, k, q: q, F: F, inside: has(p, k, Self.fr), outside: false)
            if step5(mine, q: q) { actions.append(.deliver(slot: k, server: j)) }
          }
          if exactly && active && !fout.isEmpty {
            actions.append(.readyFromOutside(slot: k, server: j))
          }
        }
      }
    }
    // The reader.
    if instance.reader {
      switch s.readPhase {
      case 0: actions.append(.beginRead)
      case 1:
        let set = responders(s)
        for i in 0..<n where !set.contains(i) && canExtend(set, with: i) {
          let p = s.profiles[i]
          if isFaulty(p) {
            for code in pairs { actions.append(.respond(server: i, code: code)) }
          } else {
            actions.append(.respond(server: i, code: stored(p)))
          }
        }
        if isQuorum(set) && canGrow(set) { actions.append(.endRead) }
      default: break
      }
    }
  }

  public func successor(of s: UpdateState, taking action: UpdateAction) -> UpdateState? {
    var t = s
    switch action {
    case .chooseQuorum(let k, let qi):
      for i in instance.quorums[qi] { t.profiles[i] |= Self.bit(k, Self.inQ) }
    case .faultyUpdate(let k, let j), .writerUpdate(let k, let j):
      t.profiles[j] |= Self.bit(k, Self.upd)
      if echoes(s, j, k) { t.profiles[j] |= Self.bit(k, Self.echo) }
    case .initWrite(let qi, let g):
      t.set(0, 2, 1)
      t.set(2, 2, g)
      for i in instance.quorums[qi] {
        t.profiles[i] |= Self.bit(UpdateSlot.write1, Self.inQ)
        if instance.forged { t.profiles[i] |= Self.bit(UpdateSlot.forged, Self.inQ) }
      }
    case .retry(let qi):
      t.set(0, 2, 2)
      for i in instance.quorums[qi] { t.profiles[i] |= Self.bit(UpdateSlot.write2, Self.inQ) }
    case .ready(let k, let j, let help):
      t.profiles[j] |= Self.bit(k, Self.rdy)
      if help == 3 {
        if !faulty(s).intersection(quorum(s, k)).isEmpty { t.profiles[j] |= Self.bit(k, Self.fr) }
        if readings.step5 == .exactly { t.profiles[j] |= Self.bit(k, Self.fo) }
      }
    case .byzantineReady(let k, let j):
      t.profiles[j] |= Self.bit(k, Self.fr)
    case .deliver(let k, let j):
      deliver(&t, k, j)
    case .readyFromOutside(let k, let j):
      t.profiles[j] |= Self.bit(k, Self.fo)
    case .writeDone:
      t.set(0, 2, 3)
    case .stop:
      t.set(4, 1, 1)
    case .beginRead:
      t.set(5, 2, 1)
      t.set(10, 6, endedMask(s))
    case .respond(let i, let code):
      t.profiles[i] |= UInt64(code + 1) << 4
      let set = responders(t)
      if isQuorum(set) && !canGrow(set) { endRead(&t) }
    case .endRead:
      endRead(&t)
    }
    react(&t)
    return t
  }

  /// Whether deliveries are taken eagerly in `s`: when no client can observe them any more
  /// (the writer, if any, has chosen tw; the reader, if any, has ended its read) and step 5
  /// is monotone (not the `exactly` reading).
  func eagerDeliver(_ s: UpdateState) -> Bool {
    readings.step5 == .atLeast && (!instance.correctWriter || s.writerPhase >= 1)
      && (!instance.reader || s.readPhase == 2)
  }

  func deliver(_ t: inout UpdateState, _ k: Int, _ j: Int) {
    var p = t.profiles[j] | Self.bit(k, Self.dlv)
    let pair = UpdateSlot.pair[k]
    if timestamp(t, pair) > timestamp(t, stored(p)) {
      p = (p & ~UInt64(0b1110)) | UInt64(pair) << 1
    }
    t.profiles[j] = p
  }

  /// The correct servers' reactions, taken eagerly to a fixpoint: every ready whose step 3 or
  /// 4 holds on the messages sent (with the Byzantine readies recorded), and, when
  /// ``eagerDeliver``, every Deliver whose step 5 holds. Sound and complete: these conditions
  /// are monotone, the reactions commute, and readies (and, without clients, deliveries) are
  /// observed by no other step's choice, so every run of the lazy model is matched by one of
  /// the eager model that reaches the same states up to readies and deliveries taken earlier,
  /// and the two have the same quiescent states. Then the Byzantine readies a server has
  /// received are forgotten once it has sent ready and delivered (they count for nothing more).
  func react(_ t: inout UpdateState) {
    if unchosenSlot(t) != nil { return }
    let F = faulty(t)
    let eager = eagerDeliver(t)
    var changed = true
    while changed {
      changed = false
      for k in slots {
        let q = quorum(t, k)
        if q.isEmpty { continue }
        for j in 0..<n where !F.contains(j) {
          let p = t.profiles[j]
          if !has(p, k, Self.rdy) {
            let mine = readySenders(
              t, j, k, q: q, F: F, inside: has(p, k, Self.fr), outside: has(p, k, Self.fo))
            if step3(t, j, k, q: q, F: F, help: false) || step4(mine, q: q) {
              t.profiles[j] |= Self.bit(k, Self.rdy)
              changed = true
            }
          }
          if eager && !has(t.profiles[j], k, Self.dlv) {
            let mine = readySenders(
              t, j, k, q: q, F: F, inside: has(p, k, Self.fr), outside: false)
            if step5(mine, q: q) {
              deliver(&t, k, j)
              changed = true
            }
          }
        }
      }
    }
    for j in 0..<n where !F.contains(j) {
      for k in slots where has(t.profiles[j], k, Self.rdy) && has(t.profiles[j], k, Self.dlv) {
        t.profiles[j] &= ~(Self.bit(k, Self.fr) | Self.bit(k, Self.fo))
      }
    }
  }

  func endRead(_ t: inout UpdateState) {
    t.set(7, 3, result(t))
    t.set(16, 6, begunMask(t) & ~t.readBefore)
    t.set(5, 2, 2)
    for i in 0..<n { t.profiles[i] &= ~(UInt64(7) << 4) }
  }

  // MARK: - Properties

  /// Integrity (Lemma 6.2).
  public static let integrity =
    "Lemma 6.2 (Integrity): a correct server delivers a correct client's timestamp only with the value that client initiated"
  /// Agreement (Lemma 6.3).
  public static let agreement =
    "Lemma 6.3 (Agreement): no two correct servers deliver different values with one timestamp"
  /// Lemma 6.1.
  public static let lemma61 =
    "Lemma 6.1: a correct read concurrent with no write returns the preceding write with the highest timestamp"
  /// Propagation (Lemma 6.5), checked on quiescent states.
  public static let propagation =
    "Lemma 6.5 (Propagation): once a correct server delivers, every correct server of a quorum delivers"
  /// Propagation under the `the-quorum` reading.
  public static let propagationTheQuorum =
    "Lemma 6.5 (Propagation, the-quorum): once a correct server delivers ⟨update, Q, v, t⟩, every correct member of that Q delivers"
  /// Validity (Lemma 6.6), checked on quiescent states.
  public static let validity =
    "Lemma 6.6 (Validity): Init by a correct client on a quorum of correct servers is delivered by a correct server"

  func integrityHolds(_ s: UpdateState) -> Bool {
    if !delivered(s, pair: UpdatePair.x).isEmpty { return false }
    if s.writerPhase == 0 && !delivered(s, pair: UpdatePair.w).isEmpty { return false }
    return true
  }

  func agreementHolds(_ s: UpdateState) -> Bool {
    for (p1, p2) in [(UpdatePair.a, UpdatePair.b), (UpdatePair.w, UpdatePair.x)]
    where pairs.contains(p1) && pairs.contains(p2) {
      if !delivered(s, pair: p1).isEmpty && !delivered(s, pair: p2).isEmpty { return false }
    }
    return true
  }

  func lemma61Holds(_ s: UpdateState) -> Bool {
    guard s.readPhase == 2, s.readConcurrent == 0 else { return true }
    return expectedResults(s, before: s.readBefore).contains(s.readResult)
  }

  /// The pairs (or slots, under `the-quorum`) that violate Propagation in `s`.
  func propagationFailures(_ s: UpdateState) -> [Int] {
    let F = faulty(s)
    if readings.propagation == .theQuorum {
      return slots.filter { k in
        !servers(s, k, Self.dlv).isEmpty
          && !quorum(s, k).subtracting(F).isSubset(of: delivered(s, pair: UpdateSlot.pair[k]))
      }
    }
    return pairs.filter { p in
      let d = delivered(s, pair: p)
      return p != 0 && !d.isEmpty && !containsQuorum(d.union(F))
    }
  }

  /// The writer's slots whose quorum is all correct but whose pair no correct server delivered.
  func validityFailures(_ s: UpdateState) -> [Int] {
    let F = faulty(s)
    return slots.filter { k in
      (k == UpdateSlot.write1 || k == UpdateSlot.write2) && !quorum(s, k).isEmpty
        && quorum(s, k).isDisjoint(with: F) && delivered(s, pair: UpdatePair.w).isEmpty
    }
  }

  public var properties: [SafetyProperty<UpdateState>] {
    var list = [
      SafetyProperty<UpdateState>(Self.integrity) { integrityHolds($0) },
      SafetyProperty<UpdateState>(Self.agreement) { agreementHolds($0) },
    ]
    if instance.reader {
      list.append(SafetyProperty<UpdateState>(Self.lemma61) { lemma61Holds($0) })
    }
    return selected(list)
  }

  public var quiescentProperties: [SafetyProperty<UpdateState>] {
    let name = readings.propagation == .theQuorum ? Self.propagationTheQuorum : Self.propagation
    var list = [SafetyProperty<UpdateState>(name) { propagationFailures($0).isEmpty }]
    if instance.correctWriter {
      list.append(SafetyProperty<UpdateState>(Self.validity) { validityFailures($0).isEmpty })
    }
    return selected(list)
  }

  // MARK: - Encoding

  public func encode(_ s: UpdateState, into words: UnsafeMutablePointer<UInt64>) {
    var out = BitWriter(words: words, count: wordsPerState)
    out.put(s.global, 64)
    for p in s.profiles { out.put(p, profileBits) }
  }

  public func decode(_ words: UnsafePointer<UInt64>) -> UpdateState {
    var input = BitReader(words: words)
    let g = input.get(64)
    var s = UpdateState(
      profiles: [UInt64](unsafeUninitializedCapacity: n) { buffer, initialized in
        for i in 0..<n { buffer[i] = input.get(profileBits) }
        initialized = n
      })
    s.global = g
    return s
  }

  /// Sorts the server profiles when every permutation of the servers is a symmetry of the
  /// instance (``UpdateInstance/isFullySymmetric``): Byzantine servers sort among themselves
  /// and correct servers among themselves, as the faulty bit is part of the profile.
  public func representative(of s: UpdateState) -> UpdateState {
    var t = s
    canonicalize(&t)
    return t
  }

  public func canonicalize(_ s: inout UpdateState) {
    if instance.isFullySymmetric { s.profiles.sort() }
  }
}
