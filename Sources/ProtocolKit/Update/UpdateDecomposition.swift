import QuorumKit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The timestamp decomposition of the Section 6 model: with three faulty updates, no correct
/// writer and no reader, the updates of timestamp t1 (⟨a, t1⟩, ⟨b, t1⟩) and of timestamp t2
/// (⟨c, t2⟩) are explored as two separate models and the verdicts combined. A sum of state
/// spaces replaces (nearly) their product.
///
/// **Components.** ``t1`` is the model of the same instance with `faulty-updates: 2` (slots A
/// and B); ``t2`` the model with `faulty-updates: 1`, whose slot A stands for slot C (same
/// quorum choices, same messages; only the value's name differs).
///
/// **Why it is exact** (every reading of ``UpdateReadings``; let M3 be the full model, M2 and
/// M1 the components). Figure 3 is per ⟨v, t⟩ except for step 2, whose condition also reads
/// updates with a *larger* timestamp. In M3 every enabling condition, effect and reaction of
/// a slot's step 3-5 actions reads only that slot's bits, the Byzantine set and the `stop`
/// bit; step 2 of slot k reads the other slots' *received* bits through
/// ``UpdateModel/conflicts(_:earlier:_:)``; the stored pair of a correct server is written
/// by Deliver and read only by the correct writer and the reader, which are absent; the
/// properties are Integrity (vacuous: no ⟨w, tw⟩ or ⟨x, tw⟩ exists), Agreement (reads the
/// Deliver bits of A and B) and Propagation of each pair (reads its Deliver bits, its quorum
/// and the Byzantine set). Hence:
/// 1. *M3 safe ⇐ M2 and M1 safe.* Take any run ρ of M3. Its t2 projection (the actions of
///    slot C, renamed to slot A, and `stop`) is a run of M1 reaching the C bits of ρ: nothing
///    conflicts with ⟨c, t2⟩ at step 2 (t1 < t2). Its t1 projection is a run of M2: keep the
///    actions of slots A and B and `stop`, but drop the receipts of an update k ∈ {A, B} by a
///    server that had received ⟨c, t2⟩ when `conflicts(C, k)` held. M3 does not echo those
///    receipts, M2 does not make them, so the two have the same echo, ready, Deliver and
///    Byzantine-ready bits at every point, and M2's received bits are a subset of M3's; no kept
///    receipt echoes differently, because a dropped receipt of k' that conflicts with a kept
///    receipt of k would force `conflicts(C, k)` (first-received: C conflicts with both;
///    per-quorum: Q_C = Q_k' = Q_k), so k would have been dropped too. Each kept action is
///    enabled in the projection (its enabling reads the same bits, and "not yet received" only
///    gets easier). A quiescent state of M3 is stopped, so its projections are stopped and
///    their step 3-5 actions are disabled as in M3: they are quiescent. A violation of Agreement
///    or of Propagation of a or b in ρ is one in the t1 projection, of Propagation of c one in
///    the t2 projection.
/// 2. *M3 violated ⇐ a component violated.* A component run is lifted to M3 by choosing
///    quorum 0 for the other slots and sending them nothing (their step 2 is never taken, so
///    they conflict with nothing), and, for a quiescent violation, by completing with the
///    other slots' enabled steps until M3 is quiescent (only quorum systems with a quorum
///    inside a member of B let a slot that received nothing react). The lifted run is replayed
///    through M3 and its last state checked to violate the property before it is returned;
///    a failure is a ``ModelError``, never a verdict.
///
/// **Shortest.** Projection drops at least the other component's quorum choices (one for t1,
/// two for t2), which lifting adds back: a lifted run needing no completion step is a shortest
/// run of M3 violating its property (as a run of the full search is). The shorter of the two
/// components' runs is returned; ``UpdateDecompositionResult/shortest`` says whether that
/// claim holds (false after completion steps, or when the other component was not exhausted).
///
/// **Not applied** (``inapplicability(_:)``) with fewer than three faulty updates (A and B are
/// one timestamp, coupled by Agreement), with a correct writer (its timestamp tw is chosen
/// above the stored timestamps it reads) or a reader (it reads stored pairs): the full search
/// is then the only one.
public struct UpdateDecomposition {
  /// The full model (M3).
  public let model: UpdateModel
  /// The t1 component: ⟨a, t1⟩ and ⟨b, t1⟩ (the instance with `faulty-updates: 2`).
  public let t1: UpdateModel
  /// The t2 component: ⟨c, t2⟩ alone (the instance with `faulty-updates: 1`, slot A as C).
  public let t2: UpdateModel

  /// Why the decomposition does not apply to `instance`, or nil when it does.
  public static func inapplicability(_ instance: UpdateInstance) -> String? {
    if instance.faultyUpdates < 3 {
      return
        "fewer than three faulty updates (⟨a, t1⟩ and ⟨b, t1⟩ share a timestamp: one component)"
    }
    if instance.correctWriter {
      return "a correct writer chooses tw above the stored timestamps of every update"
    }
    if instance.reader { return "a correct reader reads the pairs stored by every update" }
    return nil
  }

  /// The decomposition of `model`, or nil when ``inapplicability(_:)`` gives a reason.
  public init?(_ model: UpdateModel) throws {
    guard Self.inapplicability(model.instance) == nil else { return nil }
    func component(_ updates: Int) throws -> UpdateModel {
      let i = model.instance
      return try UpdateModel(
        UpdateInstance(
          universe: i.universe, failProne: i.failProne, quorums: i.quorums,
          quorumThreshold: i.quorumThreshold, faultyUpdates: updates, readings: i.readings),
        only: model.only)
    }
    self.model = model
    self.t1 = try component(2)
    self.t2 = try component(1)
  }

  /// One line saying what the decomposition does, for reports.
  public static let summary =
    "timestamp decomposition: ⟨a, t1⟩ with ⟨b, t1⟩ and ⟨c, t2⟩ explored as two models (faulty-updates 2, and 1 standing for ⟨c, t2⟩), verdicts combined; exact for every reading without a correct writer or reader (UpdateDecomposition)"

  /// Explores both components (t2 first, then t1 with what remains of the limits) and
  /// combines the verdicts: safe iff both are safe; violated if either is (the shorter
  /// lifted run, replayed through ``model``); unknown otherwise.
  ///
  /// - Throws: ``ModelError`` if a lifted counterexample does not replay (a bug).
  public func explore(
    limits: SearchLimits = SearchLimits(), progress: ((SearchStatistics) -> Void)? = nil
  ) throws -> UpdateDecompositionResult {
    let start = Self.clock()
    let r2 = try t2.explore(limits: limits, progress: progress)
    var rest = limits
    rest.maxStates = max(1, limits.maxStates - r2.statistics.states)
    if let timeout = limits.timeout {
      rest.timeout = max(0.001, timeout - (Self.clock() - start))
    }
    let r1 = try t1.explore(limits: rest, progress: progress)
    var lifted: [(Counterexample<UpdateModel>, completed: Bool)] = []
    for (component, slots, r) in [(t2, [UpdateSlot.faultyC], r2), (t1, [0, 1], r1)] {
      if case .violated(let c) = r.verdict {
        lifted.append(try lift(c, from: component, slots: slots))
      }
    }
    let verdict: Verdict<UpdateModel>
    var shortest = false
    if let best = lifted.min(by: { $0.0.trace.steps.count < $1.0.trace.steps.count }) {
      verdict = .violated(best.0)
      let exhausted = [r1, r2].allSatisfy {
        if case .unknown = $0.verdict { return false }
        return true
      }
      shortest = exhausted && !best.completed
    } else if case .unknown(let why) = r2.verdict {
      verdict = .unknown(reason: "t2 component: \(why)")
    } else if case .unknown(let why) = r1.verdict {
      verdict = .unknown(reason: "t1 component: \(why)")
    } else {
      verdict = .safe
    }
    var s = SearchStatistics()
    let parts = [r1.statistics, r2.statistics]
    s.states = parts.map(\.states).reduce(0, +)
    s.transitions = parts.map(\.transitions).reduce(0, +)
    s.depth = parts.map(\.depth).max() ?? 0
    s.queued = parts.map(\.queued).reduce(0, +)
    s.seconds = parts.map(\.seconds).reduce(0, +)
    s.cpuSeconds = parts.map(\.cpuSeconds).reduce(0, +)
    s.encodingBytes = parts.map(\.encodingBytes).max() ?? 0
    s.bytesPerState =
      s.states == 0
      ? 0 : parts.map { $0.bytesPerState * Double($0.states) }.reduce(0, +) / Double(s.states)
    s.representedStates = parts.map(\.representedStates).reduce(0, +)
    return UpdateDecompositionResult(
      result: SearchResult(verdict: verdict, statistics: s), t1: r1, t2: r2,
      shortest: shortest)
  }

  /// Lifts a component's counterexample to a run of ``model`` (see the type's doc), replays
  /// it and checks that its last state violates the property (and is quiescent for an
  /// eventual property). `slots`: the full model's slots the component's slots stand for.
  func lift(_ c: Counterexample<UpdateModel>, from component: UpdateModel, slots: [Int]) throws
    -> (Counterexample<UpdateModel>, completed: Bool)
  {
    func fail(_ why: String) -> ModelError {
      ModelError(description: "lifting the \(c.property) counterexample: \(why)")
    }
    let byzantine = component.faulty(c.trace.initial)
    guard let initial = model.initialStates.first(where: { model.faulty($0) == byzantine }) else {
      throw fail("no initial state has the Byzantine servers \(byzantine)")
    }
    var current = initial
    var steps: [Trace<UpdateModel>.Step] = []
    var enabled: [UpdateAction] = []
    func take(_ action: UpdateAction) throws {
      enabled.removeAll()
      model.actions(of: current, into: &enabled)
      guard enabled.contains(action), let next = model.successor(of: current, taking: action)
      else { throw fail("step \(steps.count + 1) (\(action)) is not enabled in the full model") }
      steps.append(Trace.Step(action: action, state: next))
      current = next
    }
    func chooseOthers() throws {
      while let k = model.unchosenSlot(current), !slots.contains(k) {
        try take(.chooseQuorum(slot: k, quorum: 0))
      }
    }
    for step in c.trace.steps {
      try chooseOthers()
      try take(Self.rename(step.action, slots))
    }
    try chooseOthers()
    let quiescent = model.quiescentProperties.contains { $0.name == c.property }
    var completed = false
    if quiescent {
      // Every step sets a bit of a profile or of `global`, so this ends.
      while true {
        enabled.removeAll()
        model.actions(of: current, into: &enabled)
        guard let next = enabled.first else { break }
        try take(next)
        completed = true
      }
    }
    guard
      let p = (model.properties + model.quiescentProperties).first(where: { $0.name == c.property }
      ),
      !p.holds(current)
    else { throw fail("the lifted run's last state does not violate it") }
    let trace = Trace<UpdateModel>(initial: initial, steps: steps)
    guard trace.replays(in: model) else { throw fail("the lifted run does not replay") }
    return (Counterexample(property: c.property, trace: trace), completed)
  }

  /// A component's action with its slots renamed to the full model's.
  static func rename(_ a: UpdateAction, _ slots: [Int]) -> UpdateAction {
    switch a {
    case .chooseQuorum(let k, let q): return .chooseQuorum(slot: slots[k], quorum: q)
    case .faultyUpdate(let k, let j): return .faultyUpdate(slot: slots[k], server: j)
    case .ready(let k, let j, let h): return .ready(slot: slots[k], server: j, help: h)
    case .deliver(let k, let j): return .deliver(slot: slots[k], server: j)
    case .byzantineReady(let k, let j): return .byzantineReady(slot: slots[k], server: j)
    case .readyFromOutside(let k, let j): return .readyFromOutside(slot: slots[k], server: j)
    default: return a
    }
  }

  static func clock() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }
}

/// The answer of ``UpdateDecomposition/explore(limits:progress:)``.
public struct UpdateDecompositionResult {
  /// The combined verdict, in terms of the full model (a counterexample is a run of it), and
  /// the components' statistics summed (states, transitions, seconds; depth the larger one).
  public let result: SearchResult<UpdateModel>
  /// The t1 component's own result (``UpdateDecomposition/t1``).
  public let t1: SearchResult<UpdateModel>
  /// The t2 component's own result (``UpdateDecomposition/t2``; its slot A is ⟨c, t2⟩).
  public let t2: SearchResult<UpdateModel>
  /// Whether the counterexample, if any, is a shortest run of the full model violating its
  /// property: both components exhausted or violated, and the lifted run needed no
  /// completion step.
  public let shortest: Bool
}
