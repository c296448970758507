import ProtocolKit
import QuorumKit
import Z3Kit

/// Bounded runs of the read/write protocol of Sections 3.2, 4 and 5 (``ReadWriteModel``, all
/// three `Result()` rules) as one SMT query: every run of at most K steps, with symbolic faulty
/// servers, symbolic quorum choices, symbolic Byzantine answers and every interleaving.
///
/// **Encoding (events with times).** Every step the explicit model can take at most once in a
/// run is an *event*: a write's begin, its update reaching server i, its explicit end (only for
/// listed quorums that lie inside a larger quorum), a read's begin, server i's answer to it and
/// its explicit end. Each event has a Boolean "occurs" and an integer time; occurring events get
/// pairwise distinct times in 1...K (`distinct` over all times, non-occurring events parked at
/// distinct times above K), so a model is a run of at most K steps, counted exactly as the BFS
/// checker counts depth (a delivery or answer that completes a maximal quorum ends the operation
/// in the same step). The state before an event is what the events with smaller times did:
/// a correct server holds the delivered write with the largest timestamp, an operation has
/// ended when its servers form a quorum (a cardinality constraint for threshold quorums, a
/// disjunction over listed quorums otherwise). A redundant "at most K events occur" cardinality
/// constraint lets the solver count steps instead of rediscovering the pigeonhole principle over
/// the distinct times.
///
/// **Symbolic choices.** Faulty servers: n Booleans with "exactly f" (threshold B; with
/// threshold quorums too the servers are interchangeable and the faulty ones are fixed to the
/// first f, a symmetry of the model, and the servers of each group are sorted by the operations
/// they take part in) or one selector per member of B. Timestamps: one integer
/// per write, pairwise distinct; its order is the model's rank order (a begin may pick any
/// timestamp above what some quorum's correct members hold, and above the writer's previous
/// one). Answers: one Boolean per (read, server, pair code); a correct server's answer is forced
/// to the pair it holds, a faulty server's ranges over ⟨v0, t0⟩, begun writes' pairs and, for the
/// opaque rule, the fabricated pair.
///
/// **Property.** Some read that has ended returns a value its lemma forbids: Lemma 4.2, 5.2 or
/// 5.11 for a read concurrent with no write (the last preceding write in some serialization),
/// and Lemma 5.3 for dissemination reads concurrent with writes. `Result()` is encoded over the
/// per-code answer counts (PB comparisons for the opaque vote).
///
/// A model is decoded into ``ReadWriteAction``s sorted by time and replayed by
/// ``BoundedModelChecker``.
public struct ReadWriteBMC: BoundedRunEncoder {
  /// The explicit model (built without listing B's members).
  public let system: ReadWriteModel
  let instance: ReadWriteInstance
  /// B's members when B is not a threshold system.
  let faultyMembers: [ServerSet]
  let thresholdF: Int?

  /// The encoder of `instance`.
  ///
  /// - Throws: ``InputError`` when B is not a threshold system and has more than
  ///   `maxFaultySets` members.
  public init(_ instance: ReadWriteInstance, maxFaultySets: Int = 100_000) throws {
    self.instance = instance
    self.system = try ReadWriteModel(instance, listingFaultySets: false)
    if case .threshold(let f) = instance.failProne.kind {
      thresholdF = f
      faultyMembers = []
    } else {
      thresholdF = nil
      faultyMembers = try instance.failProne.members(limit: maxFaultySets)
    }
  }

  /// True iff `s` is an initial state: every server's profile holds only its faulty bit, and
  /// the faulty servers form a member of B.
  public func isInitial(_ s: ReadWriteState) -> Bool {
    let f = system.faulty(s)
    let n = instance.universe.count
    guard s == ReadWriteState(profiles: (0..<n).map { f.contains($0) ? 1 : 0 }) else {
      return false
    }
    if let t = thresholdF { return f.count == t }
    return faultyMembers.contains(f)
  }

  /// Asserts the runs of at most `depth` steps that end with a read violating its lemma.
  public func encode(depth: Int, solver: Z3Solver) throws -> BoundedQuery<ReadWriteModel> {
    let e = ReadWriteEncoding(self, depth: depth, solver: solver)
    e.build()
    return BoundedQuery(booleans: e.booleans, integers: e.integers) { model in e.decode(model) }
  }
}

/// The query of one ``ReadWriteBMC/encode(depth:solver:)`` call (writes are numbered 1...W as
/// in the model, reads 0..<R; pair code k is 0 for ⟨v0, t0⟩, w for write w's pair, W + 1 for
/// the fabricated pair).
final class ReadWriteEncoding {
  struct Event {
    let occurs: Term
    let time: Term
  }

  let bmc: ReadWriteBMC
  let c: Z3Context
  let solver: Z3Solver
  let inst: ReadWriteInstance
  let depth: Int
  let n: Int
  let writes: [Int]
  let reads: [Int]
  let opaque: Bool
  let codeCount: Int
  var fake: Int { writes.count + 1 }
  var booleans = 0
  var integers = 0

  var events: [Event] = []
  var faulty: [Term] = []
  var ts: [Term] = []
  var bw: [Event] = []
  var dl: [[Event]] = []
  var ew: [Event?] = []
  var br: [Event] = []
  var rs: [[Event]] = []
  var er: [Event?] = []
  var code: [[[Term]]] = []

  /// Listed quorums (nil for threshold quorums), split into maximal ones (no quorum strictly
  /// contains them: reaching one ends the operation) and the others (ended by an explicit step).
  let maximal: [ServerSet]
  let nonMaximal: [ServerSet]

  init(_ bmc: ReadWriteBMC, depth: Int, solver: Z3Solver) {
    self.bmc = bmc
    self.c = solver.context
    self.solver = solver
    self.inst = bmc.instance
    self.depth = depth
    self.n = inst.universe.count
    self.writes = Array(1..<(inst.writeCount + 1))
    self.reads = Array(0..<inst.readCount)
    self.opaque = inst.readRule == .opaque
    self.codeCount = inst.writeCount + (inst.readRule == .opaque ? 2 : 1)
    if inst.quorumThreshold == nil {
      let qs = inst.quorums
      maximal = qs.filter { q in !qs.contains { q != $0 && q.isSubset(of: $0) } }
      nonMaximal = qs.filter { q in qs.contains { q != $0 && q.isSubset(of: $0) } }
    } else {
      maximal = []
      nonMaximal = []
    }
  }

  // MARK: - Terms

  func bool(_ name: String) -> Term {
    booleans += 1
    return c.bool(name)
  }

  func int(_ name: String) -> Term {
    integers += 1
    return c.int(name)
  }

  func assert(_ t: Term) { solver.assert(t) }

  /// A Boolean constant equivalent to `t` (shares the subterm between its uses).
  func define(_ name: String, _ t: Term) -> Term {
    let v = bool(name)
    assert(c.iff(v, t))
    return v
  }

  func event(_ name: String) -> Event {
    let o = bool("o_" + name)
    let t = int("t_" + name)
    let parked = depth + 1 + events.count
    assert(c.implies(o, c.and([c.ge(t, c.numeral(1)), c.le(t, c.numeral(depth))])))
    assert(c.implies(c.not(o), c.eq(t, c.numeral(parked))))
    let e = Event(occurs: o, time: t)
    events.append(e)
    return e
  }

  func tsOf(_ k: Int) -> Term { k == fake ? c.numeral(fake) : ts[k] }

  // MARK: - Quorums over a symbolic set (one Boolean per server)

  /// The set lies inside some quorum (every step of an operation keeps it there).
  func withinQuorum(_ m: [Term]) -> Term {
    if let q = inst.quorumThreshold { return c.atMost(m, q) }
    return c.or(
      inst.quorums.map { q in c.and((0..<n).filter { !q.contains($0) }.map { c.not(m[$0]) }) })
  }

  func equals(_ m: [Term], _ q: ServerSet) -> Term {
    c.and((0..<n).map { q.contains($0) ? m[$0] : c.not(m[$0]) })
  }

  /// The set is a quorum no quorum strictly contains: the step reaching it ends the operation.
  func completesQuorum(_ m: [Term]) -> Term {
    if let q = inst.quorumThreshold { return c.atLeast(m, q) }
    return c.or(maximal.map { equals(m, $0) })
  }

  /// The set is a quorum some quorum strictly contains: an explicit step may end the operation.
  func endableQuorum(_ m: [Term]) -> Term { c.or(nonMaximal.map { equals(m, $0) }) }

  /// Some quorum's members all satisfy `good`.
  func someQuorumAll(_ good: [Term]) -> Term {
    if let q = inst.quorumThreshold { return c.atLeast(good, q) }
    return c.or(inst.quorums.map { q in c.and(q.members.map { good[$0] }) })
  }

  // MARK: - Operation ends

  var autoEndW: [Term] = []
  var autoEndR: [Term] = []

  /// Write w ended strictly before time t (t the time of an occurring event).
  func writeEndedBefore(_ w: Int, _ t: Term) -> Term {
    let auto = c.and(
      [autoEndW[w]] + dl[w].map { c.or([c.not($0.occurs), c.lt($0.time, t)]) })
    guard let e = ew[w] else { return auto }
    return c.or([auto, c.and([e.occurs, c.lt(e.time, t)])])
  }

  func readEndedBefore(_ r: Int, _ t: Term) -> Term {
    let auto = c.and(
      [autoEndR[r]] + rs[r].map { c.or([c.not($0.occurs), c.lt($0.time, t)]) })
    guard let e = er[r] else { return auto }
    return c.or([auto, c.and([e.occurs, c.lt(e.time, t)])])
  }

  // MARK: - The query

  func build() {
    let W = writes.count
    let endable = !nonMaximal.isEmpty
    // Faulty servers: a member of B.
    faulty = (0..<n).map { bool("faulty_\($0)") }
    if let f = bmc.thresholdF {
      if inst.isFullySymmetric {
        // Every server permutation is a symmetry of the model: fix the faulty ones.
        for i in 0..<n { assert(i < f ? faulty[i] : c.not(faulty[i])) }
      } else {
        assert(c.exactly(faulty, f))
      }
    } else {
      let select = bmc.faultyMembers.indices.map { bool("B_\($0)") }
      assert(c.exactly(select, 1))
      for i in 0..<n {
        let holders = bmc.faultyMembers.indices.filter { bmc.faultyMembers[$0].contains(i) }
        assert(c.iff(faulty[i], c.or(holders.map { select[$0] })))
      }
    }
    // Timestamps: t0 = 0 below every write's, pairwise distinct.
    ts = [c.numeral(0)] + writes.map { int("ts_\($0)") }
    for w in writes {
      assert(c.and([c.ge(ts[w], c.numeral(1)), c.le(ts[w], c.numeral(max(1, W)))]))
    }
    if W >= 2 { assert(c.distinct(Array(ts[1...]))) }
    // Events.
    let dummy = Event(occurs: c.literal(false), time: c.numeral(0))
    bw = [dummy] + writes.map { event("bw\($0)") }
    dl = [[]] + writes.map { w in (0..<n).map { event("dl\(w)_\($0)") } }
    ew = [nil] + writes.map { endable ? event("ew\($0)") : nil }
    br = reads.map { event("br\($0 + 1)") }
    rs = reads.map { r in (0..<n).map { event("rs\(r + 1)_\($0)") } }
    er = reads.map { endable ? event("er\($0 + 1)") : nil }
    code = reads.map { r in
      (0..<n).map { i in (0..<codeCount).map { bool("code\(r + 1)_\(i)_\($0)") } }
    }
    assert(c.distinct(events.map(\.time)))
    // Implied by the distinct times in 1...K, but a cardinality constraint lets the solver count
    // steps directly instead of rediscovering the pigeonhole principle.
    assert(c.atMost(events.map(\.occurs), depth))
    autoEndW =
      [c.literal(false)]
      + writes.map { w in
        define("autoend_w\(w)", completesQuorum(dl[w].map(\.occurs)))
      }
    autoEndR = reads.map { r in
      define("autoend_r\(r + 1)", completesQuorum(rs[r].map(\.occurs)))
    }
    if inst.isFullySymmetric { breakServerSymmetry() }
    // Writes.
    for w in writes {
      let first = (w - 1) % inst.writesPerWriter == 0
      let begin = bw[w]
      var enabled: [Term] = []
      if !first {
        enabled.append(writeEndedBefore(w - 1, begin.time))
        enabled.append(c.gt(ts[w], ts[w - 1]))
      }
      // The writer's query: some quorum whose correct members all hold a smaller timestamp.
      let good = (0..<n).map { s in
        c.or([
          faulty[s],
          c.and(
            writes.filter { $0 != w }.map { x in
              c.or([c.not(c.lt(dl[x][s].time, begin.time)), c.lt(ts[x], ts[w])])
            }),
        ])
      }
      enabled.append(someQuorumAll(good))
      assert(c.implies(begin.occurs, c.and(enabled)))
      for i in 0..<n {
        assert(c.implies(dl[w][i].occurs, c.lt(begin.time, dl[w][i].time)))
      }
      let delivered = dl[w].map(\.occurs)
      assert(withinQuorum(delivered))
      if let end = ew[w] {
        assert(
          c.implies(
            end.occurs,
            c.and(
              [endableQuorum(delivered)]
                + dl[w].map { c.or([c.not($0.occurs), c.lt($0.time, end.time)]) })))
      }
    }
    // Reads.
    for r in reads {
      let first = r % inst.readsPerReader == 0
      if !first { assert(c.implies(br[r].occurs, readEndedBefore(r - 1, br[r].time))) }
      for i in 0..<n { assert(c.implies(rs[r][i].occurs, c.lt(br[r].time, rs[r][i].time))) }
      let answered = rs[r].map(\.occurs)
      assert(withinQuorum(answered))
      if let end = er[r] {
        assert(
          c.implies(
            end.occurs,
            c.and(
              [endableQuorum(answered)]
                + rs[r].map { c.or([c.not($0.occurs), c.lt($0.time, end.time)]) })))
      }
      for i in 0..<n {
        let answer = rs[r][i]
        let codes = code[r][i]
        assert(c.atMost(codes, 1))
        assert(c.iff(answer.occurs, c.or(codes)))
        // A correct server answers the pair it holds: the delivered write with the largest
        // timestamp, or ⟨v0, t0⟩.
        let got = [c.literal(false)] + writes.map { x in c.lt(dl[x][i].time, answer.time) }
        var holds = [c.and(writes.map { c.not(got[$0]) })]
        for w in writes {
          holds.append(
            c.and(
              [got[w]]
                + writes.filter { $0 != w }.map { x in c.or([c.not(got[x]), c.lt(ts[x], ts[w])]) }
            ))
        }
        if opaque { holds.append(c.literal(false)) }
        for k in 0..<codeCount {
          assert(c.implies(c.not(faulty[i]), c.iff(codes[k], c.and([answer.occurs, holds[k]]))))
        }
        // A faulty server answers ⟨v0, t0⟩, a begun write's pair or (opaque) the fabricated one.
        for w in writes {
          assert(c.implies(c.and([faulty[i], codes[w]]), c.lt(bw[w].time, answer.time)))
        }
      }
    }
    // The property: some ended read returns a forbidden value.
    var violations: [Term] = []
    for r in reads {
      let before =
        [c.literal(false)]
        + writes.map { w in
          define("before_r\(r + 1)_w\(w)", writeEndedBefore(w, br[r].time))
        }
      func last(_ k: Int) -> Term {
        if k == 0 { return c.and(writes.map { c.not(before[$0]) }) }
        if k == fake { return c.literal(false) }
        return c.and(
          [before[k]]
            + writes.filter { $0 != k }.map { x in
              c.not(c.and([before[x], writeEndedBefore(k, bw[x].time)]))
            })
      }
      let concurrent =
        [c.literal(false)]
        + writes.map { w -> Term in
          var begun = rs[r].map { c.and([$0.occurs, c.lt(bw[w].time, $0.time)]) }
          if let end = er[r] { begun.append(c.and([end.occurs, c.lt(bw[w].time, end.time)])) }
          return define("concurrent_r\(r + 1)_w\(w)", c.and([c.or(begun), c.not(before[w])]))
        }
      let anyConcurrent = c.or(Array(concurrent.dropFirst()))
      let winners = (0..<codeCount).map { k in define("result_r\(r + 1)_\(k)", winner(r, k)) }
      let ended = c.or([autoEndR[r]] + (er[r].map { [$0.occurs] } ?? []))
      let rightWhenAlone = c.or((0..<codeCount).map { c.and([winners[$0], last($0)]) })
      var wrong = [c.and([c.not(anyConcurrent), c.not(rightWhenAlone)])]
      if inst.readRule == .dissemination {
        let rightWithWrites = c.or(
          (0..<codeCount).map { k in
            c.and([
              winners[k], c.or([last(k), k >= 1 && k <= W ? concurrent[k] : c.literal(false)]),
            ])
          })
        wrong.append(c.and([anyConcurrent, c.not(rightWithWrites)]))
      }
      violations.append(c.and([ended, c.or(wrong)]))
    }
    assert(c.or(violations))
  }

  /// With threshold B and threshold quorums, permuting the faulty servers among themselves (and
  /// the correct ones among themselves) maps runs to runs of the same length that violate the
  /// same property: each group's servers are sorted by the operations they take part in
  /// (lexicographically decreasing vectors of "update delivered" and "answered" bits).
  func breakServerSymmetry() {
    guard let f = bmc.thresholdF else { return }
    func profile(_ i: Int) -> [Term] {
      writes.map { dl[$0][i].occurs } + reads.map { rs[$0][i].occurs }
    }
    func lexGE(_ a: [Term], _ b: [Term]) -> Term {
      guard let a0 = a.first, let b0 = b.first else { return c.literal(true) }
      return c.or([
        c.and([a0, c.not(b0)]),
        c.and([c.iff(a0, b0), lexGE(Array(a.dropFirst()), Array(b.dropFirst()))]),
      ])
    }
    for i in 0..<(n - 1) where (i < f) == (i + 1 < f) {
      assert(lexGE(profile(i), profile(i + 1)))
    }
  }

  /// The answers of read r carrying pair code k.
  func voters(_ r: Int, _ k: Int) -> [Term] { code[r].map { $0[k] } }

  /// `Result()` of read r is pair code k (Sections 4, 5.1, 5.2), on the answers of the run.
  func winner(_ r: Int, _ k: Int) -> Term {
    let others = (0..<codeCount).filter { $0 != k }
    switch inst.readRule {
    case .dissemination:
      return c.and(
        [c.or(voters(r, k))]
          + others.map { k2 in c.or([c.not(c.or(voters(r, k2))), c.lt(tsOf(k2), tsOf(k))]) })
    case .opaque:
      let ones = [Int](repeating: 1, count: n)
      let minus = [Int](repeating: -1, count: n)
      return c.and(
        [c.or(voters(r, k))]
          + others.map { k2 in
            let terms = voters(r, k2) + voters(r, k)
            let fewer = c.pbLE(terms, ones + minus, -1)
            let tie = c.pbEQ(terms, ones + minus, 0)
            return c.or([fewer, c.and([tie, c.lt(tsOf(k2), tsOf(k))])])
          })
    case .masking:
      func vouched(_ k: Int) -> Term {
        let v = voters(r, k)
        if let f = bmc.thresholdF { return c.atLeast(v, f + 1) }
        return c.and(
          bmc.faultyMembers.map { b in c.or((0..<n).filter { !b.contains($0) }.map { v[$0] }) })
      }
      return c.and(
        [vouched(k)] + others.map { k2 in c.or([c.not(vouched(k2)), c.lt(tsOf(k2), tsOf(k))]) })
    }
  }

  // MARK: - Decoding

  func decode(_ m: Z3Model) -> (initial: ReadWriteState, actions: [ReadWriteAction])? {
    var profiles = [UInt64](repeating: 0, count: n)
    for i in 0..<n where m.bool(faulty[i]) == true { profiles[i] = 1 }
    func at(_ e: Event) -> Int? { m.bool(e.occurs) == true ? m.int(e.time) : nil }
    var timed: [(Int, ReadWriteAction)] = []
    var stamp: [Int: Int] = [:]
    for w in writes {
      guard let v = m.int(ts[w]) else { return nil }
      stamp[w] = v
    }
    for w in writes {
      if let t = at(bw[w]) {
        var rank = 1
        for x in writes where x != w {
          if let tx = at(bw[x]), tx < t, stamp[x]! < stamp[w]! { rank += 1 }
        }
        timed.append((t, .beginWrite(write: w, rank: rank)))
      }
      for i in 0..<n {
        if let t = at(dl[w][i]) { timed.append((t, .deliver(write: w, server: i))) }
      }
      if let e = ew[w], let t = at(e) { timed.append((t, .endWrite(write: w))) }
    }
    for r in reads {
      if let t = at(br[r]) { timed.append((t, .beginRead(read: r))) }
      for i in 0..<n {
        guard let t = at(rs[r][i]) else { continue }
        guard let k = (0..<codeCount).first(where: { m.bool(code[r][i][$0]) == true }) else {
          return nil
        }
        timed.append((t, .respond(read: r, server: i, code: 1 + k)))
      }
      if let e = er[r], let t = at(e) { timed.append((t, .endRead(read: r))) }
    }
    timed.sort { $0.0 < $1.0 }
    return (ReadWriteState(profiles: profiles), timed.map(\.1))
  }
}
