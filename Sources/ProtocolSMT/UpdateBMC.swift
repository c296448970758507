import ProtocolKit
import QuorumKit
import Z3Kit

/// Bounded runs of the Section 6 update protocol (``UpdateModel``: Figure 3 under the write
/// protocol of 6.1, a faulty client, Byzantine servers) as one SMT query: every run of at most K
/// of the model's steps, with symbolic Byzantine servers, symbolic quorum choices (the faulty
/// client's updates, the correct writer's Init and retry), the writer's symbolic timestamp gap,
/// symbolic Byzantine help and every interleaving, checked against the safety invariants
/// Lemma 6.2 (Integrity) and Lemma 6.3 (Agreement), and with a correct reader Lemma 6.1.
///
/// **Covered.** Every instance ``UpdateInstance`` describes, every reading of Figure 3
/// included (under the `exactly` reading of step 5 every Deliver is a step of its own and a
/// ready received from a Byzantine server outside Q, `readyFromOutside`, rules step 5 out at
/// that server, as in the model). The eventual properties (Lemmas 6.5 and 6.6, checked by
/// explore on quiescent states) are not bounded properties and are not encoded.
///
/// **Encoding (unrolled transition relation).** The state after each step t = 0...K is a
/// vector of Booleans: per update slot and correct server, "update received", "echo sent",
/// "ready sent", "Deliver executed", "the Byzantine members of Q sent it ready"; the writer's
/// phase (Init done, retried, acknowledged) and whether the faulty processes stopped. Steps
/// 1...m (m = the faulty client's updates) are the model's forced quorum choices; every later
/// step is exactly one of the model's actions (one Boolean per action and parameters, their
/// enabling conditions transcribed from ``UpdateModel``'s `actions(of:)`) or *idle* (the run has
/// ended: idle steps only at the end, dropped by the decoder). A step's effect is the action's
/// bits followed by the model's eager reactions: the least fixpoint of steps 3-4 (unrolled n
/// rounds: per slot, each round that changes anything adds a server, so n rounds reach it) and,
/// when deliveries are eager, step 5 on the fixpoint. The query asks that some state t ≤ K
/// violates Integrity or Agreement (or Lemma 6.1). The model's state fields that decide neither
/// an enabling condition nor a property (forgotten Byzantine readies, the answers after the
/// read, the stored pairs once the read is over) are not encoded: the replay through
/// ``UpdateModel/successor(of:taking:)`` recomputes them.
///
/// **The reader (Lemma 6.1).** As the model: beginRead (recording, per pair, whether its write
/// had ended: all correct servers of some quorum delivered it), one respond step per answer
/// (a correct server answers the pair it stores, one-hot per server, updated by each lazy
/// Deliver when the pair's timestamp is larger; a Byzantine server any pair of the instance)
/// while the answering servers lie inside some quorum, and endRead on a quorum that could still
/// grow (an answer completing a quorum that cannot grow ends the read in its step). While the
/// read is not over, deliveries are lazy (one step each), so the stored pairs follow the order
/// of deliveries exactly. The violation is asserted at the step that ends the read: no write
/// begun by then (⟨w, tw⟩ at Init, the others at their first correct Deliver) that had not
/// ended when the read began, and a masking `Result()` (the vouched-for pair of highest
/// timestamp, the lowest code among ties, ⊥ if none) that is not a pair of highest timestamp
/// among the writes that had ended (⟨v0, t0⟩ if none). The writer's timestamp tw = 2 gap + 1
/// is compared symbolically in the gap.
///
/// **Symmetry.** With threshold B and threshold quorums (``UpdateInstance/isFullySymmetric``)
/// every server permutation maps runs to runs of the same length (quorum indices permute with
/// the servers), so the Byzantine servers are fixed to the first f and the quorums are
/// canonical in the order they are chosen (`breakQuorumSymmetry`). Other instances get no
/// symmetry breaking.
public struct UpdateBMC: BoundedRunEncoder {
  /// The explicit model the runs are replayed through.
  public let system: UpdateModel
  let instance: UpdateInstance

  /// Deliberately wrong rules, for tests only (``mutation``): a cross-check that cannot tell
  /// such an encoder from the right one has no teeth on that rule.
  enum Mutation {
    /// Byzantine servers outside the slot's quorum Q never send ready to correct servers (no
    /// step 4 helped by every Byzantine server, `ready(help: 3)`).
    case noReadyFromByzantineOutsideQ
    /// Byzantine readies reach only the correct members of Q (the rule before commit 1d3ec52).
    case byzantineReadiesOnlyToMembersOfQ
  }

  /// A wrong rule to encode instead of the model's (nil: the model's rules). Tests only.
  var mutation: Mutation? = nil

  /// Only runs from the initial state whose Byzantine servers are this member of B (nil: any
  /// member). Tests only: it lets a cross-check compare the encoders on one initial state.
  var pinnedFaulty: ServerSet? = nil

  /// What bmc does not encode in `instance`, as a sentence, or nil when it covers it (every
  /// instance now: the reader and the `exactly` reading of step 5 are encoded).
  public static func unsupported(_ instance: UpdateInstance) -> String? {
    return nil
  }

  /// The encoder of `instance`; `only` restricts the properties as ``UpdateModel`` does.
  ///
  /// - Throws: ``InputError`` when B has more than `maxFaultySets` members or when no safety
  ///   property is selected.
  public init(_ instance: UpdateInstance, only: [String]? = nil, maxFaultySets: Int = 100_000)
    throws
  {
    if let why = Self.unsupported(instance) { throw InputError(why) }
    self.instance = instance
    self.system = try UpdateModel(instance, maxFaultySets: maxFaultySets, only: only)
    guard !system.properties.isEmpty else {
      throw InputError(
        "no safety property selected: bmc checks Lemma 6.2 (Integrity), Lemma 6.3 (Agreement) and, with a reader, Lemma 6.1"
      )
    }
  }

  /// True iff `s` is one of the model's initial states.
  public func isInitial(_ s: UpdateState) -> Bool { system.initialStates.contains(s) }

  /// Asserts the runs of at most `depth` steps that reach a state violating Integrity or
  /// Agreement.
  public func encode(depth: Int, solver: Z3Solver) throws -> BoundedQuery<UpdateModel> {
    let e = UpdateEncoding(self, depth: depth, solver: solver)
    e.build()
    return BoundedQuery(booleans: e.booleans, integers: 0) { model in e.decode(model) }
  }
}

/// The query of one ``UpdateBMC/encode(depth:solver:)`` call.
final class UpdateEncoding {
  /// The per-slot, per-server Booleans of one state (indexed [slot][server]).
  struct Bits {
    var upd: [[Term]]
    var echo: [[Term]]
    var rdy: [[Term]]
    var dlv: [[Term]]
    var fr: [[Term]]
    var fo: [[Term]]  // a Byzantine server outside Q sent it ready (`exactly` reading only)
  }

  /// The global Booleans of one state.
  struct Global {
    var ph1: Term  // Init done
    var ph2: Term  // retried
    var ph3: Term  // acknowledged (done)
    var stopped: Term
    var begun: Term  // the read has begun
    var ended: Term  // the read has ended
  }

  /// The reader's part of one state (only with a reader): per server, whether it answered the
  /// read and with which pair, and the pair a correct server stores; per pair, whether its
  /// write had ended when the read began (fixed at beginRead). Pairs are indexed as
  /// ``UpdateModel/pairs``.
  struct Read {
    var answered: [Term]
    var answer: [[Term]]  // [server][pair index]
    var stored: [[Term]]  // [server][pair index], one-hot
    var before: [Term]  // [pair index]
  }

  /// One possible action of a step: its Boolean and how to print it as an UpdateAction.
  struct Choice {
    let taken: Term
    let action: (Z3Model) -> UpdateAction?
  }

  let bmc: UpdateBMC
  let inst: UpdateInstance
  let model: UpdateModel
  let c: Z3Context
  let solver: Z3Solver
  let depth: Int
  let n: Int
  /// Slot index k (``UpdateSlot``) -> position in the arrays.
  let slots: [Int]
  let m: Int
  let thresholdF: Int?
  var booleans = 0

  var faulty: [Term] = []
  /// Quorum selectors per slot position (the forged slot shares write1's).
  var qsel: [[Term]] = []
  /// Membership of each slot's quorum, per server.
  var inQ: [[Term]] = []
  /// The writer's timestamp gap, one-hot over 0...2.
  var gap: [Term] = []
  var states: [Bits] = []
  var globals: [Global] = []
  var reads: [Read] = []
  var choices: [[Choice]] = []
  var idle: [Term] = []

  init(_ bmc: UpdateBMC, depth: Int, solver: Z3Solver) {
    self.bmc = bmc
    self.inst = bmc.instance
    self.model = bmc.system
    self.c = solver.context
    self.solver = solver
    self.depth = depth
    self.n = inst.universe.count
    self.slots = bmc.system.slots
    self.m = inst.faultyUpdates
    if case .threshold(let f) = inst.failProne.kind { thresholdF = f } else { thresholdF = nil }
  }

  // MARK: - Terms

  func bool(_ name: String) -> Term {
    booleans += 1
    return c.bool(name)
  }

  func assert(_ t: Term) { solver.assert(t) }

  /// A Boolean constant equivalent to `t`.
  func define(_ name: String, _ t: Term) -> Term {
    let v = bool(name)
    assert(c.iff(v, t))
    return v
  }

  var no: Term { c.literal(false) }
  var yes: Term { c.literal(true) }

  func pos(_ slot: Int) -> Int? { slots.firstIndex(of: slot) }

  /// The set (one Boolean per server) lies inside a member of B.
  func covered(_ set: [Term]) -> Term {
    if let f = thresholdF { return c.atMost(set, f) }
    return c.or(
      model.faultySets.map { b in c.and((0..<n).filter { !b.contains($0) }.map { c.not(set[$0]) }) }
    )
  }

  func union(_ a: [Term], _ b: [Term]) -> [Term] { (0..<n).map { c.or([a[$0], b[$0]]) } }
  func inter(_ a: [Term], _ b: [Term]) -> [Term] { (0..<n).map { c.and([a[$0], b[$0]]) } }
  func minus(_ a: [Term], _ b: [Term]) -> [Term] { (0..<n).map { c.and([a[$0], c.not(b[$0])]) } }
  var empty: [Term] { [Term](repeating: no, count: n) }

  // MARK: - Figure 3 conditions over a symbolic state

  /// Whether slot position `p` is active (its quorum chosen) in the state `g` (t ≥ m assumed).
  func active(_ p: Int, _ g: Global) -> Term {
    switch slots[p] {
    case UpdateSlot.write1, UpdateSlot.forged: return g.ph1
    case UpdateSlot.write2: return g.ph2
    default: return yes
    }
  }

  /// Step 3 at server j for slot position p.
  func step3(_ s: Bits, _ j: Int, _ p: Int, help: Bool) -> Term {
    let q = inQ[p]
    var echoes = (0..<n).map { i in c.and([q[j], s.echo[p][i], q[i]]) }
    if help { echoes = union(echoes, inter(faulty, q)) }
    switch inst.readings.step3 {
    case .everyMember:
      return c.and((0..<n).map { c.implies(q[$0], echoes[$0]) })
    case .everyOtherMember:
      return c.and((0..<n).filter { $0 != j }.map { c.implies(q[$0], echoes[$0]) })
    case .quorumMinusB:
      return covered(minus(q, echoes))
    }
  }

  /// The ready senders server j may have received from for slot position p (`rdy` the
  /// correct servers' readies, `inside` whether the Byzantine members of Q sent it ready,
  /// `outside` whether the Byzantine non-members did, recorded under `exactly` only).
  func readySenders(_ rdy: [Term], _ j: Int, _ p: Int, inside: Term, outside: Term?) -> [Term] {
    let q = inQ[p]
    return (0..<n).map { i in
      var from = [c.and([q[j], rdy[i], c.not(faulty[i])]), c.and([inside, faulty[i], q[i]])]
      if let outside { from.append(c.and([outside, faulty[i], c.not(q[i])])) }
      return c.or(from)
    }
  }

  /// Whether `exactly` is the reading of step 5 (only then are the `fo` bits encoded).
  var exactly: Bool { inst.readings.step5 == .exactly }

  /// The `fo` bit of a server, or nil when step 5 is read `at-least` (no such bit).
  func outside(_ s: Bits, _ p: Int, _ j: Int) -> Term? { exactly ? s.fo[p][j] : nil }

  func step4(_ senders: [Term], _ p: Int) -> Term {
    c.not(covered(inst.readings.step4 == .withinQuorum ? inter(senders, inQ[p]) : senders))
  }

  func step5(_ senders: [Term], _ p: Int) -> Term { covered(minus(inQ[p], senders)) }

  /// Whether server j echoes slot position p's update on receiving it in state s (step 2).
  func echoes(_ s: Bits, _ j: Int, _ p: Int) -> Term {
    let k = slots[p]
    guard k < 3 else { return yes }  // The writer's two slots carry one pair: no conflict.
    var conflicts: [Term] = []
    for e in model.faultySlots where e != k {
      guard let pe = pos(e) else { continue }
      // a/b with the same timestamp and another value; c (t2) before a or b (t1).
      let (pairE, pairK) = (UpdateSlot.pair[e], UpdateSlot.pair[k])
      let tsE = pairE == UpdatePair.c ? 4 : 2
      let tsK = pairK == UpdatePair.c ? 4 : 2
      guard (tsE == tsK && pairE != pairK) || tsE > tsK else { continue }
      var conflict = s.upd[pe][j]
      if inst.readings.step2 == .perQuorum {
        let same = c.or(inst.quorums.indices.map { c.and([qsel[pe][$0], qsel[p][$0]]) })
        conflict = c.and([conflict, same])
      }
      conflicts.append(conflict)
    }
    return c.not(c.or(conflicts))
  }

  // MARK: - The reader (Lemma 6.1)

  /// The pair codes of the instance (``UpdateModel/pairs``); the reader's arrays are indexed so.
  var pairs: [Int] { model.pairs }

  /// The model's timestamp order of pair `code` when the writer's gap is `g`: t0 = 0,
  /// t1 = 2, t2 = 4, tw = 2 g + 1.
  func timestamp(_ code: Int, gap g: Int) -> Int {
    switch code {
    case UpdatePair.initial: return 0
    case UpdatePair.a, UpdatePair.b: return 2
    case UpdatePair.c: return 4
    default: return 2 * g + 1
    }
  }

  /// ts(`x`) > ts(`y`), symbolic in the writer's gap when either is ⟨w, tw⟩ or ⟨x, tw⟩ (the gap
  /// is fixed at Init, and no such pair is compared before: none is stored, delivered or
  /// vouched for by a set not inside a member of B before Init).
  func later(_ x: Int, _ y: Int) -> Term {
    let gaps = gap.isEmpty ? [0] : Array(0...2)
    let holds = gaps.filter { timestamp(x, gap: $0) > timestamp(y, gap: $0) }
    if holds.count == gaps.count { return yes }
    if holds.isEmpty { return no }
    return c.or(holds.map { gap[$0] })
  }

  /// ts(`x`) = ts(`y`) (the same for every gap: only ⟨a, t1⟩/⟨b, t1⟩ and ⟨w, tw⟩/⟨x, tw⟩ tie).
  func tied(_ x: Int, _ y: Int) -> Bool { timestamp(x, gap: 0) == timestamp(y, gap: 0) }

  /// `set` is one of the quorums.
  func isQuorum(_ set: [Term]) -> Term {
    if let q = inst.quorumThreshold { return c.exactly(set, q) }
    return c.or(
      inst.quorums.map { qu in c.and((0..<n).map { qu.contains($0) ? set[$0] : c.not(set[$0]) }) })
  }

  /// `set` is a proper subset of some quorum.
  func canGrow(_ set: [Term]) -> Term {
    if let q = inst.quorumThreshold { return c.atMost(set, q - 1) }
    return c.or(
      inst.quorums.map { qu in
        c.and(
          (0..<n).filter { !qu.contains($0) }.map { c.not(set[$0]) } + [
            c.or(qu.map { c.not(set[$0]) })
          ])
      })
  }

  /// `set` ∪ {i} lies inside some quorum (i not in `set`).
  func canExtend(_ set: [Term], with i: Int) -> Term {
    if let q = inst.quorumThreshold { return c.atMost(set, q - 1) }
    return c.or(
      inst.quorums.filter { $0.contains(i) }.map { qu in
        c.and((0..<n).filter { !qu.contains($0) }.map { c.not(set[$0]) })
      })
  }

  /// Some quorum lies inside `set`.
  func containsQuorum(_ set: [Term]) -> Term {
    if let q = inst.quorumThreshold { return c.atLeast(set, q) }
    return c.or(inst.quorums.map { qu in c.and(qu.map { set[$0] }) })
  }

  /// The correct servers that delivered `pair` (through any slot) in `s`.
  func delivered(_ s: Bits, pair: Int) -> [Term] {
    let ps = slots.indices.filter { UpdateSlot.pair[slots[$0]] == pair }
    return (0..<n).map { i in c.or(ps.map { s.dlv[$0][i] }) }
  }

  /// The write of `pair` has ended in `s`: all correct servers of some quorum delivered it.
  func writeEnded(_ s: Bits, pair: Int) -> Term {
    let d = delivered(s, pair: pair)
    return c.and([c.or(d), containsQuorum(union(d, faulty))])
  }

  /// The write of `pair` has begun in `s` (global part `g`): ⟨w, tw⟩ at Init, the others at
  /// the first correct Deliver.
  func writeBegun(_ s: Bits, _ g: Global, pair: Int) -> Term {
    pair == UpdatePair.w ? g.ph1 : c.or(delivered(s, pair: pair))
  }

  /// The masking `Result()` of Section 4 on the answers `r`, one Boolean per pair index, plus
  /// ⊥ last: the vouched-for pair (answered by a set not inside any member of B) with the
  /// highest timestamp, the lowest code among ties, as ``UpdateModel`` computes it.
  func result(_ r: Read, _ t: Int) -> (pair: [Term], bottom: Term) {
    let vouched = pairs.indices.map { pi -> Term in
      let voters = (0..<n).map { r.answer[$0][pi] }
      return define(
        "st\(t)_vouched_\(UpdatePair.names[pairs[pi]])",
        c.and([c.or(voters), c.not(covered(voters))]))
    }
    let wins = pairs.indices.map { pi -> Term in
      let x = pairs[pi]
      let beaten = pairs.indices.filter { $0 != pi }.map { pj -> Term in
        let y = pairs[pj]
        // y beats x: a later timestamp, or a tie with a lower code.
        let beats = tied(x, y) ? (y < x ? yes : no) : later(y, x)
        return c.and([vouched[pj], beats])
      }
      return c.and([vouched[pi], c.not(c.or(beaten))])
    }
    return (wins, c.not(c.or(vouched)))
  }

  /// The Lemma 6.1 violation at step t: the read ends at t (by `endRead` or by the answer that
  /// completes a quorum that cannot grow), no write was concurrent with it (begun by the end,
  /// in state t - 1, as the action does not change the writes, but not ended when it began), and
  /// its result is not a pair of highest timestamp among the writes ended when it began
  /// (⟨v0, t0⟩ if none).
  func lemma61Violated(_ t: Int) -> Term {
    let r = reads[t]
    let endsNow = c.and([globals[t].ended, c.not(globals[t - 1].ended)])
    let noConcurrent = pairs.indices.filter { pairs[$0] != UpdatePair.initial }.map { pi in
      c.not(
        c.and([writeBegun(states[t - 1], globals[t - 1], pair: pairs[pi]), c.not(r.before[pi])]))
    }
    let res = result(r, t)
    let noneBefore = c.not(c.or(r.before))
    var expected: [Term] = []
    for (pi, x) in pairs.enumerated() {
      if x == UpdatePair.initial {
        expected.append(c.and([noneBefore, res.pair[pi]]))
        continue
      }
      let highest = pairs.indices.map { pj in c.implies(r.before[pj], c.not(later(pairs[pj], x))) }
      expected.append(c.and([res.pair[pi], r.before[pi]] + highest))
    }
    return c.and([endsNow] + noConcurrent + [c.not(c.or(expected))])
  }

  // MARK: - The query

  func fresh(_ name: String) -> [[Term]] {
    slots.indices.map { p in (0..<n).map { bool("\(name)_\(UpdateSlot.names[slots[p]])_\($0)") } }
  }

  func allFalse() -> Bits {
    let z = slots.map { _ in empty }
    return Bits(upd: z, echo: z, rdy: z, dlv: z, fr: z, fo: z)
  }

  func build() {
    let S = slots.count
    // Byzantine servers: a member of B.
    faulty = (0..<n).map { bool("faulty_\($0)") }
    let symmetric = inst.isFullySymmetric && bmc.pinnedFaulty == nil
    if let pin = bmc.pinnedFaulty {
      for i in 0..<n { assert(pin.contains(i) ? faulty[i] : c.not(faulty[i])) }
    }
    if let f = thresholdF, symmetric {
      // Every server permutation is a symmetry of the model: fix the Byzantine servers.
      for i in 0..<n { assert(i < f ? faulty[i] : c.not(faulty[i])) }
    } else if let f = thresholdF {
      assert(c.exactly(faulty, f))
    } else {
      let select = model.faultySets.indices.map { bool("B_\($0)") }
      assert(c.exactly(select, 1))
      for i in 0..<n {
        let holders = model.faultySets.indices.filter { model.faultySets[$0].contains(i) }
        assert(c.iff(faulty[i], c.or(holders.map { select[$0] })))
      }
    }
    // Quorums: one selector per (slot, quorum); the forged slot names write1's quorum.
    let Q = inst.quorums
    var selByPos: [[Term]] = []
    for p in 0..<S {
      if slots[p] == UpdateSlot.forged, let p1 = pos(UpdateSlot.write1) {
        selByPos.append(selByPos[p1])
        continue
      }
      let sel = Q.indices.map { bool("q_\(UpdateSlot.names[slots[p]])_\($0)") }
      assert(c.exactly(sel, 1))
      selByPos.append(sel)
    }
    qsel = selByPos
    inQ = (0..<S).map { p in
      (0..<n).map { i in c.or(Q.indices.filter { Q[$0].contains(i) }.map { qsel[p][$0] }) }
    }
    if let f = thresholdF, symmetric { breakQuorumSymmetry(f) }
    if inst.correctWriter {
      gap = (0...2).map { bool("gap_\($0)") }
      assert(c.exactly(gap, 1))
      let maxGap = inst.faultyUpdates >= 3 ? 2 : inst.faultyUpdates >= 1 ? 1 : 0
      for g in 0...2 where g > maxGap { assert(c.not(gap[g])) }
    }
    // State 0 and the forced quorum choices of steps 1...m.
    let g0 = Global(ph1: no, ph2: no, ph3: no, stopped: no, begun: no, ended: no)
    states = [allFalse()]
    globals = [g0]
    let P = pairs.count
    let r0 = Read(
      answered: empty, answer: (0..<n).map { _ in [Term](repeating: no, count: P) },
      stored: (0..<n).map { _ in pairs.map { $0 == UpdatePair.initial ? yes : no } },
      before: [Term](repeating: no, count: P))
    reads = [r0]
    choices = [[]]
    idle = [no]
    for t in 1...depth {
      if t <= m {
        let slot = t - 1
        let p = pos(slot)!
        choices.append([
          Choice(taken: yes) { [qsel] model in
            guard let qi = Q.indices.first(where: { model.bool(qsel[p][$0]) == true }) else {
              return nil
            }
            return .chooseQuorum(slot: slot, quorum: qi)
          }
        ])
        idle.append(no)
        globals.append(g0)
        reads.append(r0)
        states.append(t == m ? react(allFalse(), g0, t) : allFalse())
        continue
      }
      step(t)
    }
    // Idle steps only at the end.
    for t in 1..<idle.count - 1 { assert(c.implies(idle[t], idle[t + 1])) }
    // The property: some state violates Integrity or Agreement.
    let names = Set(model.properties.map(\.name))
    var bad: [Term] = []
    for t in 0..<states.count {
      let s = states[t]
      func deliveredPair(_ pair: Int) -> Term {
        c.or(
          slots.indices.filter { UpdateSlot.pair[slots[$0]] == pair }.flatMap { s.dlv[$0] })
      }
      if names.contains(UpdateModel.integrity) {
        bad.append(deliveredPair(UpdatePair.x))
        bad.append(c.and([c.not(globals[t].ph1), deliveredPair(UpdatePair.w)]))
      }
      if names.contains(UpdateModel.agreement) {
        for (p1, p2) in [(UpdatePair.a, UpdatePair.b), (UpdatePair.w, UpdatePair.x)]
        where model.pairs.contains(p1) && model.pairs.contains(p2) {
          bad.append(c.and([deliveredPair(p1), deliveredPair(p2)]))
        }
      }
      if names.contains(UpdateModel.lemma61) && t > m { bad.append(lemma61Violated(t)) }
    }
    assert(c.or(bad))
  }

  /// With threshold B and threshold quorums every server permutation maps runs to runs of the
  /// same length violating the same property (quorum indices permute with the servers). The
  /// Byzantine servers are fixed to the first f; then the quorums are canonical in the order
  /// they are chosen (the faulty client's, then the writer's Init and retry): servers that no
  /// earlier choice tells apart (same faulty bit, same membership in every earlier quorum) may
  /// be permuted among themselves, which keeps the earlier choices, so each quorum's members are
  /// the lowest-numbered of every such class. A slot never chosen in a run constrains nothing.
  func breakQuorumSymmetry(_ f: Int) {
    let order = slots.indices.filter { slots[$0] != UpdateSlot.forged }
    for (x, p) in order.enumerated() {
      for v in 0..<n {
        for u in 0..<v where (u < f) == (v < f) {
          let same = order.prefix(x).map { c.iff(inQ[$0][u], inQ[$0][v]) }
          assert(c.implies(c.and(same + [inQ[p][v]]), inQ[p][u]))
        }
      }
    }
  }

  /// Step t > m: one action (or idle) on state t - 1, then the eager reactions.
  func step(_ t: Int) {
    let s = states[t - 1]
    let g = globals[t - 1]
    let S = slots.count
    let Q = inst.quorums
    var list: [Choice] = []
    func choice(_ name: String, _ enabled: Term, _ action: @escaping (Z3Model) -> UpdateAction?)
      -> Term
    {
      let v = bool("s\(t)_\(name)")
      assert(c.implies(v, enabled))
      list.append(Choice(taken: v, action: action))
      return v
    }
    // Stop.
    let stop = choice("stop", c.not(g.stopped)) { _ in .stop }
    // The correct writer.
    var initW = no
    var retry = no
    var done = no
    if inst.correctWriter, let p1 = pos(UpdateSlot.write1) {
      // Init(Q, w, tw): tw above the timestamps the correct members of Q hold (faulty pairs
      // only before Init: t1 = 2, t2 = 4; tw = 2 gap + 1).
      let ok = (0..<n).map { i -> Term in
        var got: [Term] = []
        for e in model.faultySlots {
          guard let pe = pos(e) else { continue }
          let high = UpdateSlot.pair[e] == UpdatePair.c
          // Delivered pair with timestamp 2 forbids gap 0; timestamp 4 forbids gaps 0, 1.
          got.append(c.and([s.dlv[pe][i], high ? c.or([gap[0], gap[1]]) : gap[0]]))
        }
        return c.implies(c.and([inQ[p1][i], c.not(faulty[i])]), c.not(c.or(got)))
      }
      let qs = qsel
      let gs = gap
      initW = choice("init", c.and([c.not(g.ph1)] + ok)) { model in
        guard let qi = Q.indices.first(where: { model.bool(qs[p1][$0]) == true }),
          let gg = (0...2).first(where: { model.bool(gs[$0]) == true })
        else { return nil }
        return .initWrite(quorum: qi, gap: gg)
      }
      let phase12 = c.and([g.ph1, c.not(g.ph3)])
      if inst.retries > 0, let p2 = pos(UpdateSlot.write2) {
        let differ = c.not(c.or(Q.indices.map { c.and([qsel[p1][$0], qsel[p2][$0]]) }))
        retry = choice("retry", c.and([g.ph1, c.not(g.ph2), c.not(g.ph3), differ])) { model in
          guard let qi = Q.indices.first(where: { model.bool(qs[p2][$0]) == true }) else {
            return nil
          }
          return .retry(quorum: qi)
        }
      }
      let ackers = (0..<n).map { i in
        c.or(
          [UpdateSlot.write1, UpdateSlot.write2].compactMap(pos).map { s.dlv[$0][i] })
      }
      let d0 = choice("done", c.and([phase12, c.not(covered(ackers))])) { _ in
        .writeDone(help: false)
      }
      let d1 = choice(
        "done_help",
        c.and([
          phase12, covered(ackers), c.not(g.stopped), c.or(faulty),
          c.not(covered(union(ackers, faulty))),
        ])
      ) { _ in .writeDone(help: true) }
      done = c.or([d0, d1])
    }
    // Servers.
    let eagerBefore = eager(g)
    var updA = s.upd
    var echoA = s.echo
    var rdyA = s.rdy
    var dlvA = s.dlv
    var frA = s.fr
    var foA = s.fo
    var lazyDeliveries = [[(pair: Int, taken: Term)]](repeating: [], count: n)
    for p in 0..<S {
      let k = slots[p]
      let act = active(p, g)
      let q = inQ[p]
      let fin = inter(faulty, q)
      let fout = minus(faulty, q)
      let finNE = c.or(fin)
      let foutNE = c.or(fout)
      let name = UpdateSlot.names[k]
      for j in 0..<n {
        let correct = c.not(faulty[j])
        // Step 2.
        if k < 3 {
          let v = choice(
            "upd_\(name)_\(j)", c.and([correct, c.not(s.upd[p][j]), c.not(g.stopped)])
          ) { _ in .faultyUpdate(slot: k, server: j) }
          updA[p][j] = c.or([s.upd[p][j], v])
          echoA[p][j] = c.or([s.echo[p][j], c.and([v, echoes(s, j, p)])])
        } else if k != UpdateSlot.forged {
          let v = choice(
            "upd_\(name)_\(j)", c.and([act, correct, q[j], c.not(s.upd[p][j])])
          ) { _ in .writerUpdate(slot: k, server: j) }
          updA[p][j] = c.or([s.upd[p][j], v])
          echoA[p][j] = c.or([s.echo[p][j], v])
        }
        // Steps 3 and 4, helped.
        let base = c.and([act, correct, c.not(s.rdy[p][j]), c.not(g.stopped)])
        let helped3 = define("s\(t)_h3_\(name)_\(j)", c.and([finNE, step3(s, j, p, help: true)]))
        let r1 = choice("ready1_\(name)_\(j)", c.and([base, helped3])) { _ in
          .ready(slot: k, server: j, help: 1)
        }
        var r3 = no
        if inst.readings.step4 == .anyServers && bmc.mutation != .noReadyFromByzantineOutsideQ {
          let mine = readySenders(s.rdy[p], j, p, inside: s.fr[p][j], outside: outside(s, p, j))
          r3 = choice(
            "ready3_\(name)_\(j)",
            c.and([base, c.not(helped3), foutNE, step4(union(mine, faulty), p)])
          ) { _ in .ready(slot: k, server: j, help: 3) }
        }
        rdyA[p][j] = c.or([s.rdy[p][j], r1, r3])
        // Byzantine members of Q send ready to j when it completes a condition.
        let mine0 = readySenders(s.rdy[p], j, p, inside: no, outside: outside(s, p, j))
        let helped = union(mine0, fin)
        let useful4 = c.and([c.not(s.rdy[p][j]), step4(helped, p)])
        // Under `exactly`, a ready received from outside Q rules step 5 out for good.
        let open5 = exactly ? [c.not(s.fo[p][j])] : []
        let useful5 = c.and(
          [c.not(s.dlv[p][j])] + open5 + [c.not(step5(mine0, p)), step5(helped, p)])
        let br = choice(
          "byzready_\(name)_\(j)",
          c.and([
            act, correct, c.not(g.stopped), finNE, c.not(s.fr[p][j]),
            c.or([useful4, useful5]),
            bmc.mutation == .byzantineReadiesOnlyToMembersOfQ ? q[j] : yes,
          ])
        ) { _ in .byzantineReady(slot: k, server: j) }
        frA[p][j] = c.or([s.fr[p][j], br, c.and([r3, finNE])])
        // Step 5 (lazy while a client can still observe deliveries, always under `exactly`).
        let mine = readySenders(s.rdy[p], j, p, inside: s.fr[p][j], outside: nil)
        let dv = choice(
          "deliver_\(name)_\(j)",
          c.and(
            [act, correct, c.not(s.dlv[p][j])] + open5 + [c.not(eagerBefore), step5(mine, p)])
        ) { _ in .deliver(slot: k, server: j) }
        dlvA[p][j] = c.or([s.dlv[p][j], dv])
        // Under `exactly`: a Byzantine server outside Q sends ready to j before it delivered.
        if exactly {
          let fromOutside = choice(
            "outside_\(name)_\(j)",
            c.and([act, correct, c.not(g.stopped), foutNE, c.not(s.dlv[p][j])] + open5)
          ) { _ in .readyFromOutside(slot: k, server: j) }
          foA[p][j] = c.or([s.fo[p][j], fromOutside, r3])
        }
        if inst.reader { lazyDeliveries[j].append((pair: UpdateSlot.pair[k], taken: dv)) }
      }
    }
    // The reader.
    var begin = no
    var end = no
    var read = reads[t - 1]
    if inst.reader {
      (begin, end, read) = reader(t, s, g, lazyDeliveries, choice)
    }
    let idleT = bool("s\(t)_idle")
    assert(c.exactly(list.map(\.taken) + [idleT], 1))
    idle.append(idleT)
    choices.append(list)
    let next = Global(
      ph1: define("st\(t)_ph1", c.or([g.ph1, initW])),
      ph2: define("st\(t)_ph2", c.or([g.ph2, retry])),
      ph3: define("st\(t)_ph3", c.or([g.ph3, done])),
      stopped: define("st\(t)_stopped", c.or([g.stopped, stop])),
      begun: inst.reader ? define("st\(t)_begun", c.or([g.begun, begin])) : no,
      ended: inst.reader ? define("st\(t)_ended", c.or([g.ended, end])) : no)
    globals.append(next)
    reads.append(read)
    let after = Bits(upd: updA, echo: echoA, rdy: rdyA, dlv: dlvA, fr: frA, fo: foA)
    states.append(react(after, next, t))
  }

  /// The reader's actions at step t on state t - 1 (`s`, `g`, `r`): beginRead (recording the
  /// writes that have ended), respond (a correct server answers the pair it stores, a
  /// Byzantine one any pair of the instance, while the answering servers still lie inside a
  /// quorum) and endRead (the answers form a quorum that could still grow; a quorum that
  /// cannot grow ends the read with the answer that completes it). Also the pairs the correct
  /// servers store after the step's lazy Deliver (one at most: deliveries are lazy while the
  /// read is not over, and the stored pairs are read by nothing else). Returns whether the
  /// read begins, whether it ends, and the reader's next state.
  func reader(
    _ t: Int, _ s: Bits, _ g: Global, _ lazy: [[(pair: Int, taken: Term)]],
    _ choice: (String, Term, @escaping (Z3Model) -> UpdateAction?) -> Term
  ) -> (begin: Term, end: Term, next: Read) {
    let r = reads[t - 1]
    let P = pairs.count
    let begin = choice("beginRead", c.not(g.begun)) { _ in .beginRead }
    let gathering = c.and([g.begun, c.not(g.ended)])
    var answered = r.answered
    var answer = r.answer
    var responded: [Term] = []
    for i in 0..<n {
      let open = c.and([gathering, c.not(r.answered[i]), canExtend(r.answered, with: i)])
      var mine: [Term] = []
      for (pi, code) in pairs.enumerated() {
        let v = choice(
          "respond_\(i)_\(UpdatePair.names[code])",
          c.and([open, c.or([faulty[i], r.stored[i][pi]])])
        ) { _ in .respond(server: i, code: code) }
        mine.append(v)
        answer[i][pi] = define(
          "st\(t)_ans_\(i)_\(UpdatePair.names[code])", c.or([r.answer[i][pi], v]))
      }
      responded += mine
      answered[i] = define("st\(t)_answered_\(i)", c.or([r.answered[i]] + mine))
    }
    let endRead = choice(
      "endRead", c.and([gathering, isQuorum(r.answered), canGrow(r.answered)])
    ) { _ in .endRead }
    let completes = c.and([c.or(responded), isQuorum(answered), c.not(canGrow(answered))])
    let end = c.or([endRead, completes])
    let before = pairs.indices.map { pi -> Term in
      if pairs[pi] == UpdatePair.initial { return no }
      return define(
        "st\(t)_before_\(UpdatePair.names[pairs[pi]])",
        c.or([r.before[pi], c.and([begin, writeEnded(s, pair: pairs[pi])])]))
    }
    // A lazy Deliver of pair x at j replaces the stored pair when ts(x) is larger.
    let stored = (0..<n).map { j -> [Term] in
      let replace = lazy[j].map { d -> (pair: Int, taken: Term) in
        let larger = c.or(pairs.indices.map { c.and([r.stored[j][$0], later(d.pair, pairs[$0])]) })
        return (d.pair, c.and([d.taken, larger]))
      }
      let replaced = c.or(replace.map(\.taken))
      return (0..<P).map { pi in
        define(
          "st\(t)_stored_\(j)_\(UpdatePair.names[pairs[pi]])",
          c.or(
            [c.and([r.stored[j][pi], c.not(replaced)])]
              + replace.filter { $0.pair == pairs[pi] }.map(\.taken)))
      }
    }
    return (begin, end, Read(answered: answered, answer: answer, stored: stored, before: before))
  }

  /// Whether deliveries are eager in a state with global part `g` (``UpdateModel``'s
  /// `eagerDeliver`): once no client can observe them (the writer, if any, has performed
  /// Init; the reader, if any, has ended its read).
  func eager(_ g: Global) -> Term {
    guard !exactly else { return no }
    let all = (inst.correctWriter ? [g.ph1] : []) + (inst.reader ? [g.ended] : [])
    return all.isEmpty ? yes : all.count == 1 ? all[0] : c.and(all)
  }

  /// The model's eager reactions on state `s` (global part `g`) after step t: the least
  /// fixpoint of steps 3-4 (n rounds), then step 5 on it when deliveries are eager.
  func react(_ s: Bits, _ g: Global, _ t: Int) -> Bits {
    var rdy = s.rdy
    for round in 0..<n {
      var nextRdy = rdy
      for p in slots.indices {
        let act = active(p, g)
        let name = UpdateSlot.names[slots[p]]
        for j in 0..<n {
          let senders = readySenders(rdy[p], j, p, inside: s.fr[p][j], outside: outside(s, p, j))
          let fire = c.or([step3(s, j, p, help: false), step4(senders, p)])
          nextRdy[p][j] = define(
            "st\(t)_r\(round)_rdy_\(name)_\(j)",
            c.or([rdy[p][j], c.and([act, c.not(faulty[j]), fire])]))
        }
      }
      rdy = nextRdy
    }
    let eager = eager(g)
    var out = s
    out.rdy = rdy
    for p in slots.indices {
      let act = active(p, g)
      let name = UpdateSlot.names[slots[p]]
      for j in 0..<n {
        let senders = readySenders(rdy[p], j, p, inside: s.fr[p][j], outside: nil)
        out.dlv[p][j] = define(
          "st\(t)_dlv_\(name)_\(j)",
          c.or([s.dlv[p][j], c.and([eager, act, c.not(faulty[j]), step5(senders, p)])]))
        out.upd[p][j] = define("st\(t)_upd_\(name)_\(j)", s.upd[p][j])
        out.echo[p][j] = define("st\(t)_echo_\(name)_\(j)", s.echo[p][j])
        out.fr[p][j] = define("st\(t)_fr_\(name)_\(j)", s.fr[p][j])
        if inst.readings.step5 == .exactly {
          out.fo[p][j] = define("st\(t)_fo_\(name)_\(j)", s.fo[p][j])
        }
      }
    }
    return out
  }

  // MARK: - Decoding

  func decode(_ model: Z3Model) -> (initial: UpdateState, actions: [UpdateAction])? {
    var profiles = [UInt64](repeating: 0, count: n)
    for i in 0..<n where model.bool(faulty[i]) == true { profiles[i] = 1 }
    var actions: [UpdateAction] = []
    for t in 1..<choices.count {
      if model.bool(idle[t]) == true { break }
      guard let chosen = choices[t].first(where: { model.bool($0.taken) == true }),
        let action = chosen.action(model)
      else { return nil }
      actions.append(action)
    }
    return (UpdateState(profiles: profiles), actions)
  }
}
