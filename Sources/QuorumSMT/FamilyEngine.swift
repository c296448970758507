import QuorumKit
import Z3Kit

/// Existence of a quorum system for any fail-prone system over at most 64 servers, by the family
/// reduction (DESIGN.md): a system of class X exists iff there is a family {Q_B : B in B} with
/// Q_B ∩ B = ∅ whose members pairwise (each ordered pair, each member with itself) satisfy X's
/// intersection properties against every fail-prone set.
///
/// The query is grown lazily, counterexample-guided:
/// - *Demands*: only some fail-prone sets S ⊆ B get a quorum variable. UNSAT for S already
///   refutes existence (any X-system contains such a family for S). A SAT family whose quorums
///   avoid every member of B is already a witness, so the loop adds a member that every current
///   quorum meets, and solves again.
/// - *Adversaries*: for a threshold B the quantifier over fail-prone sets is collapsed to the
///   adversary's worst placement (|Q1 ∩ Q2| >= 2f + 1 for M1 and O2, >= f + 1 for D1, and
///   2|Q1 ∩ Q2| - |Q2| >= 2f for O1). For any other B, constraints for a fail-prone set are added
///   when the enumerator finds it breaking the current family.
/// - *Symmetry*: for a threshold B the first demand is {0, ..., f-1} and its quorum is a prefix of
///   the remaining servers (every permutation of U preserves B, so some X-system contains such a
///   quorum).
///
/// Every witness is re-checked by ``PropertyChecker`` before it is reported; a witness that fails
/// the re-check is reported as `unknown`, never as `exists`.
public enum FamilyEngine {
  /// The default cap on the number of fail-prone sets the engine will consider.
  public static let defaultMemberLimit = 200_000

  /// Decides existence of a class-`cls` system for `failProne`.
  public static func decide(
    _ cls: QuorumClass, failProne: FailProneSystem, options: EngineOptions,
    memberLimit: Int = defaultMemberLimit, tryComplements: Bool = true
  ) throws -> ExistenceReport {
    try failProne.universe.requireEnumerable("the family reduction")
    // A threshold B is never listed by the solver loop (its adversary is collapsed), so the
    // member limit applies to the other kinds only.
    let isThreshold: Bool
    if case .threshold = failProne.kind { isThreshold = true } else { isThreshold = false }
    if !isThreshold && failProne.setCount > Double(memberLimit) {
      return ExistenceReport(
        quorumClass: cls, engine: "family reduction", verdict: .unknown,
        reason:
          "the fail-prone system has \(formatCount(failProne.setCount)) sets, more than the family engine's limit of \(memberLimit)"
      )
    }
    var encoder = FamilyEncoder(cls, failProne: failProne, options: options)
    encoder.tryComplements = tryComplements
    return encoder.solve()
  }

  /// A set count for display: exact below 10^15, else in scientific notation.
  public static func formatCount(_ x: Double) -> String {
    x < 1e15 ? String(Int(x)) : String(format: "%.3g", x)
  }
}

/// The incremental encoding behind ``FamilyEngine``.
struct FamilyEncoder {
  let cls: QuorumClass
  let failProne: FailProneSystem
  let options: EngineOptions
  let n: Int
  let z = Z3Context()
  let solver: Z3Solver
  /// For a threshold system, its f; nil for an explicit adversary.
  let thresholdF: Int?
  /// Classes of interchangeable servers (see ``interchangeableServers(_:)``).
  let interchangeable: [[Int]]

  var demands: [ServerSet] = []
  var x: [[Term?]] = []  // x[i][s]: server s in the quorum for demand i (nil: s in B_i)
  var y: [Int: [Term?]] = [:]  // y[pairKey]: the intersection of two quorums
  var adversaries: [QuorumProperty: [(ServerSet, ServerSet?)]] = [:]
  var variables = 0
  var iterations = 0
  var solverSeconds = 0.0
  /// Whether to try the family of complements before the solver (tests turn it off to
  /// exercise the solver on every instance).
  var tryComplements = true

  init(_ cls: QuorumClass, failProne: FailProneSystem, options: EngineOptions) {
    self.cls = cls
    self.failProne = failProne
    self.options = options
    self.n = failProne.n
    self.solver = Z3Solver(z)
    solver.setSeed(options.seed)
    if case .threshold(let f) = failProne.kind { thresholdF = f } else { thresholdF = nil }
    interchangeable = FamilyEncoder.interchangeableServers(failProne)
  }

  /// Classes of servers any two of which can be swapped without changing B (the transposition
  /// is an automorphism of B; ``InterchangeableServers`` with no quorums). Computed on the
  /// listed members (up to 20,000 sets); every server of a threshold system is in one class.
  static func interchangeableServers(_ b: FailProneSystem) -> [[Int]] {
    InterchangeableServers.classes(failProne: b, quorums: [], memberLimit: 20_000)
  }

  // MARK: Variables

  mutating func addDemand(_ b: ServerSet) {
    let i = demands.count
    demands.append(b)
    var row: [Term?] = []
    for s in 0..<n {
      if b.contains(s) {
        row.append(nil)
      } else {
        row.append(z.bool("q\(i)_s\(s)"))
        variables += 1
      }
    }
    x.append(row)
    if i == 0 {
      // Symmetry breaking: within each class of interchangeable servers, the first quorum
      // takes a prefix of the class's servers outside B_0. Permuting a class while fixing B_0
      // maps B to itself and B_0 to itself, so it maps any X-system to one whose quorum for
      // B_0 has this form, and the demands of any later round are still met by its image.
      for cls in interchangeable {
        let free = cls.filter { row[$0] != nil }
        for (a, b) in zip(free, free.dropFirst()) {
          solver.assert(z.implies(row[b]!, row[a]!))
        }
      }
    }
    // Constraints between the new quorum and every quorum so far (itself included).
    for j in 0...i {
      addPairConstraints(i, j)
    }
  }

  func key(_ i: Int, _ j: Int) -> Int { min(i, j) * 100_000 + max(i, j) }

  /// The Boolean terms of Q_i ∩ Q_j, per server (nil where the server is in neither).
  mutating func intersection(_ i: Int, _ j: Int) -> [Term?] {
    if i == j { return x[i] }
    if let t = y[key(i, j)] { return t }
    var row: [Term?] = []
    for s in 0..<n {
      guard let a = x[i][s], let b = x[j][s] else {
        row.append(nil)
        continue
      }
      let v = z.bool("i\(min(i, j))_\(max(i, j))_s\(s)")
      variables += 1
      solver.assert(z.iff(v, z.and([a, b])))
      row.append(v)
    }
    y[key(i, j)] = row
    return row
  }

  /// Adds the class's pair constraints between Q_i and Q_j (both orders), for the threshold
  /// adversary and for every explicit adversary set learned so far.
  mutating func addPairConstraints(_ i: Int, _ j: Int) {
    if let f = thresholdF {
      let inter = intersection(i, j).compactMap { $0 }
      switch cls {
      case .masking:
        solver.assert(z.atLeast(inter, 2 * f + 1))
      case .dissemination:
        solver.assert(z.atLeast(inter, f + 1))
      case .opaque:
        solver.assert(z.atLeast(inter, 2 * f + 1))
        for (a, b) in i == j ? [(i, j)] : [(i, j), (j, i)] {
          _ = a
          // O1 against the worst B: 2|Q_a ∩ Q_b| - |Q_b| >= 2f.
          let qb = x[b].compactMap { $0 }
          solver.assert(
            z.pbGE(
              inter + qb,
              Array(repeating: 2, count: inter.count) + Array(repeating: -1, count: qb.count), 2 * f
            ))
        }
      }
      return
    }
    for (p, list) in adversaries {
      for (b1, b2) in list { addAdversaryConstraint(p, i, j, b1, b2) }
    }
  }

  /// Constraint for one explicit adversary: property `p` must hold for (Q_i, Q_j, b1[, b2]);
  /// for the ordered properties O1 and O2 both orders are asserted.
  mutating func addAdversaryConstraint(
    _ p: QuorumProperty, _ i: Int, _ j: Int, _ b1: ServerSet, _ b2: ServerSet?
  ) {
    let inter = intersection(i, j)
    func outside(_ bad: ServerSet) -> [Term] {
      (0..<n).compactMap { s in bad.contains(s) ? nil : inter[s] }
    }
    switch p {
    case .m1:
      solver.assert(z.atLeast(outside(b1.union(b2 ?? ServerSet())), 1))
    case .d1:
      solver.assert(z.atLeast(outside(b1), 1))
    case .o1, .o2:
      for b in i == j ? [j] : [i, j] {
        let kept = outside(b1)
        if p == .o1 {
          // 2 |(Q_a ∩ Q_b) \ B| >= |Q_b|.
          let qb = x[b].compactMap { $0 }
          solver.assert(
            z.pbGE(
              kept + qb,
              Array(repeating: 2, count: kept.count) + Array(repeating: -1, count: qb.count), 0))
        } else {
          // |(Q_a ∩ Q_b) \ B| >= |Q_b ∩ B| + 1.
          let inB = (0..<n).compactMap { s in b1.contains(s) ? x[b][s] : nil }
          solver.assert(
            z.pbGE(
              kept + inB,
              Array(repeating: 1, count: kept.count) + Array(repeating: -1, count: inB.count), 1))
        }
      }
    default:
      break
    }
  }

  // MARK: Loop

  /// Families with at most this many members are tried whole before the solver runs (for a
  /// threshold B, whose symmetry makes the re-check linear in the family, a larger cap).
  static let complementsLimit = 6_000
  static let thresholdComplementsLimit = 8_000_000

  /// The complements {U \ B : B in B}: the family Theorems 4.3 and 5.4 single out, tried first
  /// (and re-checked by enumeration) because at the boundary it is often the only witness and
  /// one quorum per round would need |B| rounds to build it.
  func complementsWitness() -> ExistenceReport? {
    let limit =
      thresholdF == nil ? FamilyEncoder.complementsLimit : FamilyEncoder.thresholdComplementsLimit
    guard failProne.setCount <= Double(limit), let members = try? failProne.members(limit: limit)
    else { return nil }
    let family = Array(Set(members.map { $0.complement(in: n) })).sorted()
    let how: String
    if thresholdF != nil {
      // Every permutation of U maps all f-subsets to themselves, so it maps this family to
      // itself and preserves each property; every ordered pair of quorums is thus the image of
      // a pair whose first member is family[0]. Checking those pairs checks them all.
      guard let first = family.first else { return nil }
      for (index, q2) in family.enumerated() {
        if index % 1024 == 0 && options.expired { return nil }
        guard let r = try? PropertyChecker.check(cls, quorums: [first, q2], failProne: failProne),
          r.allSatisfy({ $0.0.isAvailability || $0.1 == nil })
        else { return nil }
      }
      guard failProne.memberHittingAll(family) == nil else { return nil }
      how =
        "by enumeration of the pairs (Q0, Q) for every Q, which the symmetry of B makes exhaustive"
    } else {
      guard let results = try? PropertyChecker.check(cls, quorums: family, failProne: failProne),
        results.allSatisfy({ $0.1 == nil })
      else { return nil }
      how = "by enumeration"
    }
    return ExistenceReport(
      quorumClass: cls, engine: "family reduction", verdict: .exists,
      reason:
        "the family of complements {U \\ B : B in B} (\(family.count) quorums), re-checked by enumeration",
      details: [
        "witness: the complements of the \(family.count) fail-prone sets, tried before the solver (Theorems 4.3, 5.4 single this family out)",
        "smallest quorum c(Q) = \(family.map(\.count).min() ?? 0); \(cls.properties.map(\.rawValue).joined(separator: ", ")) re-checked \(how)",
      ],
      witnessFamily: family)
  }

  mutating func solve() -> ExistenceReport {
    let engine = "family reduction"
    if tryComplements, let report = complementsWitness() { return report }
    var first: ServerSet
    if let f = thresholdF {
      first = ServerSet.range(0..<f)
    } else {
      guard let b = failProne.memberHittingAll([]) else {
        return ExistenceReport(
          quorumClass: cls, engine: engine, verdict: .unknown,
          reason: "the fail-prone system has no member")
      }
      first = b
    }
    addDemand(first)
    var lastQuery: SolverQuery? = nil
    var lastProgress = Clock.now
    while true {
      iterations += 1
      if let progress = options.progress, Clock.now - lastProgress > 0.5 {
        lastProgress = Clock.now
        progress(
          "family reduction: round \(iterations), \(demands.count) demanded fail-prone sets, \(variables) variables, solver \(String(format: "%.1f", solverSeconds)) s"
        )
      }
      if options.expired {
        return unknown(
          "timeout after \(iterations - 1) rounds with \(demands.count) demanded fail-prone sets")
      }
      if let ms = options.remainingMilliseconds { solver.setTimeout(milliseconds: max(ms, 1)) }
      let start = Clock.now
      let result = solver.check()
      solverSeconds += Clock.now - start
      lastQuery = SolverQuery(
        title:
          "family reduction: \(demands.count) of \(FamilyEngine.formatCount(failProne.setCount)) fail-prone sets demanded, \(iterations) rounds",
        expected: nil, answer: "\(result)", variables: variables, assertions: solver.assertionCount,
        seconds: solverSeconds, smtlib2: nil)
      switch result {
      case .unknown(let why):
        return unknown("solver answered unknown (\(why)) after \(iterations) rounds")
      case .unsat:
        lastQuery?.expected = "unsat"
        lastQuery?.answer = "unsat"
        if options.keepSMTLIB2 { lastQuery?.smtlib2 = solver.smtlib2() }
        return ExistenceReport(
          quorumClass: cls, engine: engine, verdict: .none,
          reason:
            "no family of quorums avoiding \(demands.count) of the fail-prone sets satisfies \(cls.properties.filter { !$0.isAvailability }.map(\.rawValue).joined(separator: ", ")) (UNSAT)",
          details: [
            "fail-prone sets involved: "
              + demands.map { failProne.universe.describe($0) }.joined(separator: ", ")
          ],
          involvedSets: demands, queries: lastQuery.map { [$0] } ?? [])
      case .sat:
        break
      }
      guard let model = solver.model() else { return unknown("solver gave no model") }
      let family: [ServerSet] = x.map { row in
        var q = ServerSet()
        for (s, t) in row.enumerated() where t != nil && model.bool(t!) == true { q.insert(s) }
        return q
      }
      // Explicit adversaries: learn one that breaks the current family, if any.
      if thresholdF == nil {
        do {
          if let learned = try learnAdversary(family) {
            if learned { continue }
          }
        } catch {
          return unknown("\(error)")
        }
      }
      // Availability: a fail-prone set every current quorum meets becomes a new demand.
      if let b = nextDemand(family) {
        if demands.contains(b) {
          return unknown("internal: the quorum demanded for \(b) does not avoid it")
        }
        addDemand(b)
        continue
      }
      // Witness: re-check everything by enumeration before reporting.
      let witness = Array(Set(family)).sorted()
      do {
        let results = try PropertyChecker.check(cls, quorums: witness, failProne: failProne)
        if let bad = results.first(where: { $0.1 != nil }) {
          return unknown("internal: the solver's family fails the enumerator's re-check: \(bad.1!)")
        }
      } catch {
        return unknown("the witness could not be re-checked: \(error)")
      }
      lastQuery?.expected = "sat"
      lastQuery?.answer = "sat"
      if options.keepSMTLIB2 { lastQuery?.smtlib2 = solver.smtlib2() }
      let c = witness.map(\.count).min() ?? 0
      return ExistenceReport(
        quorumClass: cls, engine: engine, verdict: .exists,
        reason:
          "a family of \(witness.count) quorum\(witness.count == 1 ? "" : "s"), re-checked by enumeration",
        details: [
          "witness: a family of \(witness.count) quorums found by the solver for \(demands.count) demanded fail-prone sets",
          "smallest quorum c(Q) = \(c); \(cls.properties.map(\.rawValue).joined(separator: ", ")) re-checked by enumeration against all \(FamilyEngine.formatCount(failProne.setCount)) fail-prone sets",
        ],
        witnessFamily: witness, queries: lastQuery.map { [$0] } ?? [])
    }
  }

  func unknown(_ why: String) -> ExistenceReport {
    ExistenceReport(quorumClass: cls, engine: "family reduction", verdict: .unknown, reason: why)
  }

  /// Finds a fail-prone set (or pair) that breaks a pair property of `family`, records it and
  /// asserts its constraints for every pair of demands. Returns true if one was learned.
  mutating func learnAdversary(_ family: [ServerSet]) throws -> Bool? {
    for p in cls.properties where !p.isAvailability {
      guard
        let v = try PropertyChecker.firstViolation(of: p, quorums: family, failProne: failProne),
        let b1 = v.b1
      else { continue }
      let pair = (b1, p == .m1 ? v.b2 : nil)
      if adversaries[p, default: []].contains(where: { $0.0 == pair.0 && $0.1 == pair.1 }) {
        throw InputError("internal: adversary \(b1) learned twice for \(p.rawValue)")
      }
      adversaries[p, default: []].append(pair)
      for i in demands.indices {
        for j in 0...i { addAdversaryConstraint(p, i, j, pair.0, pair.1) }
      }
      return true
    }
    return false
  }

  /// A fail-prone set that no quorum of `family` avoids, preferring (for threshold systems) the
  /// servers that most quorums share, the way Theorem 5.13's proof picks B1 inside Q1.
  func nextDemand(_ family: [ServerSet]) -> ServerSet? {
    if let f = thresholdF, f > 0 {
      var freq = Array(repeating: 0, count: n)
      for q in family { for s in q { freq[s] += 1 } }
      let order = (0..<n).sorted { freq[$0] != freq[$1] ? freq[$0] > freq[$1] : $0 < $1 }
      let guess = ServerSet(order.prefix(f))
      if family.allSatisfy({ !$0.isDisjoint(with: guess) }) { return guess }
    }
    return failProne.memberHittingAll(family)
  }
}
