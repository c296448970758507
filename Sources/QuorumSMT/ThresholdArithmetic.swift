import QuorumKit
import Z3Kit

/// Existence for threshold fail-prone systems (all f-subsets of n servers), for any n, by linear
/// integer arithmetic over Venn-region sizes with n and f as constants. No set is ever listed,
/// so n = 10^6 is as fast as n = 9.
///
/// Two queries decide it:
/// - *Sufficiency*: the paper's threshold construction (Examples 4.7, 5.7, 5.12) is an
///   X-system iff no region sizes of two of its quorums and one or two fail-prone sets violate
///   the class's properties. UNSAT means it is one, so a system exists.
/// - *Necessity*: the finitely many sets the paper's impossibility argument picks
///   (Corollaries 4.4 and 5.5: fail-prone sets covering U; Theorem 5.13: B0, Q1, B1 inside Q1,
///   Q2, B2 inside Q1 ∩ Q2), with the class axioms instantiated at them. A SAT check first shows
///   the adversary's sets exist for this n and f (so the refutation is not vacuous); UNSAT of the
///   axioms then proves that no system exists.
/// If neither query decides, the verdict is `unknown`.
public enum ThresholdArithmetic {
  /// The paper's bound for the class, as a human-readable comparison, and whether it holds.
  public static func paperBound(_ cls: QuorumClass, n: Int, f: Int) -> (holds: Bool, text: String) {
    switch cls {
    case .masking:
      let holds = n > 4 * f
      return (holds, "n = \(n) \(holds ? ">" : "<=") 4f = \(4 * f) (Corollary 4.4)")
    case .dissemination:
      let holds = n > 3 * f
      return (holds, "n = \(n) \(holds ? ">" : "<=") 3f = \(3 * f) (Corollary 5.5)")
    case .opaque:
      let holds = n >= 5 * f
      return (holds, "n = \(n) \(holds ? ">=" : "<") 5f = \(5 * f) (Theorem 5.13)")
    }
  }

  /// Decides whether a quorum system of class `cls` exists for all f-subsets of n servers.
  public static func decide(_ cls: QuorumClass, n: Int, f: Int, options: EngineOptions)
    -> ExistenceReport
  {
    let engine = "threshold arithmetic"
    let q = QuorumSystem.paperThresholdQuorumSize(cls, n: n, f: f)
    let bound = paperBound(cls, n: n, f: f)
    var queries: [SolverQuery] = []

    // 1. Sufficiency of the paper's construction.
    let (suff, suffQuery, violated) = sufficiency(cls, n: n, f: f, q: q, options: options)
    queries.append(suffQuery)
    if case .unsat = suff {
      // Independent re-check in pure Swift, on region sizes, without the solver.
      if let problem = ThresholdRegionCheck.violation(cls, n: n, f: f, quorumSize: q) {
        return ExistenceReport(
          quorumClass: cls, engine: engine, verdict: .unknown,
          reason: "the solver and the region re-check disagree about the construction: \(problem)",
          queries: queries)
      }
      // Small enough to list: re-check by enumeration as well.
      var enumerated: String? = nil
      if n <= ServerSet.capacity && binomial(n, q) <= 2_000,
        let b = try? FailProneSystem.threshold(n: n, f: f)
      {
        let quorums = Array(KSubsets(n: n, k: q))
        guard let results = try? PropertyChecker.check(cls, quorums: quorums, failProne: b),
          results.allSatisfy({ $0.1 == nil })
        else {
          return ExistenceReport(
            quorumClass: cls, engine: engine, verdict: .unknown,
            reason: "the solver and the enumerator disagree about the construction of size \(q)",
            queries: queries)
        }
        enumerated =
          "re-checked by enumeration: all \(quorums.count) quorums against all \(FamilyEngine.formatCount(b.setCount)) fail-prone sets"
      }
      var details = [
        "witness: \(constructionName(cls)), every \(q)-subset of the \(n) servers (quorum size \(sizeFormula(cls)) = \(q))",
        "re-checked on region sizes: no two \(q)-sets and \(cls == .masking ? "two \(f)-sets" : "one \(f)-set") violate \(cls.properties.map(\.rawValue).joined(separator: ", ")) (solver UNSAT, and a pure-Swift sweep over every intersection size)",
        "smallest quorum c(Q) = \(q); load \(Fraction(q, n)) (uniform strategy; optimal by Theorem 4.5, L >= c(Q)/n)",
      ]
      if let enumerated { details.insert(enumerated, at: 2) }
      if !bound.holds {
        details.append(
          "note: the paper's bound says no system exists (\(bound.text)); the construction is re-checked, so the bound is what to investigate"
        )
      }
      return ExistenceReport(
        quorumClass: cls, engine: engine, verdict: .exists,
        reason: bound.holds ? bound.text : "the construction of size \(q) works",
        details: details, witnessQuorumSize: q, queries: queries)
    }
    if case .unknown(let why) = suff {
      return ExistenceReport(
        quorumClass: cls, engine: engine, verdict: .unknown,
        reason: "solver answered unknown on the sufficiency query: \(why)", queries: queries)
    }

    // 2. Necessity: the paper's impossibility argument over regions.
    let (setup, setupQuery, contra, contraQuery) = necessity(cls, n: n, f: f, options: options)
    queries.append(setupQuery)
    if let contraQuery { queries.append(contraQuery) }
    guard case .sat = setup else {
      return ExistenceReport(
        quorumClass: cls, engine: engine, verdict: .unknown,
        reason:
          "the construction of size \(q) fails (\(violated ?? "?")) and the impossibility argument does not apply: its fail-prone sets do not exist for n = \(n), f = \(f)",
        queries: queries)
    }
    switch contra {
    case .unsat?:
      var details = [
        "the construction of size \(q) fails: \(violated ?? "a property is violated")",
        "\(argumentName(cls)): UNSAT over the Venn regions of \(argumentSets(cls)) with n = \(n), f = \(f) (the adversary's sets exist: SAT)",
      ]
      if bound.holds {
        details.append("note: the paper's bound says a system exists (\(bound.text)); investigate")
      }
      return ExistenceReport(
        quorumClass: cls, engine: engine, verdict: .none,
        reason: bound.holds ? "the impossibility argument refutes it" : bound.text,
        details: details, queries: queries)
    case .unknown(let why)?:
      return ExistenceReport(
        quorumClass: cls, engine: engine, verdict: .unknown,
        reason: "solver answered unknown on the necessity query: \(why)", queries: queries)
    default:
      return ExistenceReport(
        quorumClass: cls, engine: engine, verdict: .unknown,
        reason:
          "neither decides: the construction of size \(q) fails (\(violated ?? "?")) and the impossibility argument is satisfiable",
        queries: queries)
    }
  }

  static func constructionName(_ cls: QuorumClass) -> String {
    switch cls {
    case .masking: return "the threshold construction of Example 4.7"
    case .dissemination: return "the threshold construction of Example 5.7"
    case .opaque: return "the threshold construction of Example 5.12"
    }
  }

  /// The paper's threshold quorum size for the class, as a formula in n and f.
  public static func sizeFormula(_ cls: QuorumClass) -> String {
    switch cls {
    case .masking: return "ceil((n+2f+1)/2)"
    case .dissemination: return "ceil((n+f+1)/2)"
    case .opaque: return "ceil((2n+2f)/3)"
    }
  }

  static func argumentName(_ cls: QuorumClass) -> String {
    switch cls {
    case .masking: return "Corollary 4.4's argument (4 fail-prone sets cover U)"
    case .dissemination: return "Corollary 5.5's argument (3 fail-prone sets cover U)"
    case .opaque: return "Theorem 5.13's argument"
    }
  }

  static func argumentSets(_ cls: QuorumClass) -> String {
    switch cls {
    case .masking: return "B1..B4, Q1, Q2"
    case .dissemination: return "B1..B3, Q1, Q2"
    case .opaque: return "B0, Q1, B1, Q2, B2"
    }
  }

  // MARK: - Sufficiency

  /// The violation of one pair property for two q-sets and one or two f-sets, as a region group.
  static func sufficiency(
    _ cls: QuorumClass, n: Int, f: Int, q: Int, options: EngineOptions
  ) -> (Z3Result, SolverQuery, String?) {
    let z = Z3Context()
    let groups = constructionViolations(
      cls, n: z.numeral(n), f: z.numeral(f), q: z.numeral(q), context: z)
    let variables = groups.reduce(0) { $0 + $1.2.variableCount }
    let s = Z3Solver(z)
    s.assert(z.or(groups.map(\.1)))
    let (result, query) = s.run(
      "sufficiency of \(constructionName(cls)) (q = \(q)) over Venn regions",
      expected: "unsat", options: options, variables: variables)
    var violated: String? = nil
    if case .sat = result, let m = s.model() {
      for (p, formula, r) in groups where m.bool(formula) == true {
        violated = "\(p.rawValue) violated with region sizes \(r.describe(m))"
        break
      }
    }
    return (result, query, violated)
  }

  /// The ways two q-subsets and one or two f-subsets can violate one of the class's
  /// properties, each over its own Venn regions: a disjunction of these is "the threshold
  /// construction with quorums of q fails". `n`, `f` and `q` may be numerals (one instance)
  /// or symbolic (a parametric proof).
  public static func constructionViolations(
    _ cls: QuorumClass, n: Term, f: Term, q: Term, context z: Z3Context
  ) -> [(QuorumProperty, Term, VennRegions)] {
    var groups: [(QuorumProperty, Term, VennRegions)] = []
    let zero = z.numeral(0)
    for p in cls.properties {
      if p.isAvailability {
        // Some f-set leaves fewer than q servers outside it: no quorum avoids it.
        let r = VennRegions(z, prefix: p.rawValue, sets: ["B"])
        groups.append(
          (
            p,
            z.and([r.wellFormed(total: n), z.eq(r.size(of: "B"), f), z.lt(r.size { !$0("B") }, q)]),
            r
          ))
        continue
      }
      let names = p == .m1 ? ["Q1", "Q2", "B1", "B2"] : ["Q1", "Q2", "B"]
      let r = VennRegions(z, prefix: p.rawValue, sets: names)
      var parts = [r.wellFormed(total: n), z.eq(r.size(of: "Q1"), q), z.eq(r.size(of: "Q2"), q)]
      for b in names where b.hasPrefix("B") { parts.append(z.eq(r.size(of: b), f)) }
      switch p {
      case .m1:  // (Q1 ∩ Q2) \ B1 ⊆ B2
        parts.append(z.eq(r.size { $0("Q1") && $0("Q2") && !$0("B1") && !$0("B2") }, zero))
      case .d1:  // Q1 ∩ Q2 ⊆ B
        parts.append(z.eq(r.size { $0("Q1") && $0("Q2") && !$0("B") }, zero))
      case .o1:  // |(Q1 ∩ Q2) \ B| < |(Q2 ∩ B) ∪ (Q2 \ Q1)|
        parts.append(
          z.lt(
            r.size { $0("Q1") && $0("Q2") && !$0("B") },
            r.size { $0("Q2") && ($0("B") || !$0("Q1")) }))
      case .o2:  // |(Q1 ∩ Q2) \ B| <= |Q2 ∩ B|
        parts.append(
          z.le(r.size { $0("Q1") && $0("Q2") && !$0("B") }, r.size { $0("Q2") && $0("B") }))
      default: break
      }
      groups.append((p, z.and(parts), r))
    }
    return groups
  }

  // MARK: - Necessity

  static func necessity(_ cls: QuorumClass, n: Int, f: Int, options: EngineOptions) -> (
    Z3Result, SolverQuery, Z3Result?, SolverQuery?
  ) {
    let z = Z3Context()
    let nT = z.numeral(n)
    let fT = z.numeral(f)
    let zero = z.numeral(0)
    let r: VennRegions
    var setup: [Term] = []
    var axioms: [Term] = []
    switch cls {
    case .masking, .dissemination:
      let k = cls == .masking ? 4 : 3
      let bs = (1...k).map { "B\($0)" }
      r = VennRegions(z, prefix: "R", sets: bs + ["Q1", "Q2"])
      setup.append(r.wellFormed(total: nT))
      for b in bs { setup.append(z.eq(r.size(of: b), fT)) }
      // The fail-prone sets cover U.
      setup.append(z.eq(r.size { inSet in !bs.contains(where: inSet) }, zero))
      // M2/D2: Q1 avoids B1, Q2 avoids B2.
      axioms.append(z.eq(r.size { $0("Q1") && $0("B1") }, zero))
      axioms.append(z.eq(r.size { $0("Q2") && $0("B2") }, zero))
      if cls == .masking {
        // M1 at (Q1, Q2, B3, B4).
        axioms.append(z.ge(r.size { $0("Q1") && $0("Q2") && !$0("B3") && !$0("B4") }, z.numeral(1)))
      } else {
        // D1 at (Q1, Q2, B3).
        axioms.append(z.ge(r.size { $0("Q1") && $0("Q2") && !$0("B3") }, z.numeral(1)))
      }
    case .opaque:
      r = VennRegions(z, prefix: "R", sets: ["B0", "Q1", "B1", "Q2", "B2"])
      setup.append(r.wellFormed(total: nT))
      for b in ["B0", "B1", "B2"] { setup.append(z.eq(r.size(of: b), fT)) }
      // B1 as deep inside Q1 as it fits; B2 as deep inside Q1 ∩ Q2 as it fits.
      setup.append(z.eq(r.size { $0("B1") && $0("Q1") }, z.min(fT, r.size(of: "Q1"))))
      setup.append(
        z.eq(
          r.size { $0("B2") && $0("Q1") && $0("Q2") }, z.min(fT, r.size { $0("Q1") && $0("Q2") })))
      // O3: Q1 avoids B0, Q2 avoids B1.
      axioms.append(z.eq(r.size { $0("Q1") && $0("B0") }, zero))
      axioms.append(z.eq(r.size { $0("Q2") && $0("B1") }, zero))
      // O1 and O2 at every (Qa, Qb, Bc).
      for a in ["Q1", "Q2"] {
        for b in ["Q1", "Q2"] {
          for c in ["B0", "B1", "B2"] {
            let inter = r.size { $0(a) && $0(b) && !$0(c) }
            axioms.append(z.ge(inter, r.size { $0(b) && ($0(c) || !$0(a)) }))
            axioms.append(z.gt(inter, r.size { $0(b) && $0(c) }))
          }
        }
      }
    }
    let adversary = Z3Solver(z)
    for t in setup { adversary.assert(t) }
    let (setupResult, setupQuery) = adversary.run(
      "the sets of \(argumentName(cls)) exist for n = \(n), f = \(f)", expected: "sat",
      options: options, variables: r.variableCount)
    guard case .sat = setupResult else { return (setupResult, setupQuery, nil, nil) }
    let full = Z3Solver(z)
    for t in setup + axioms { full.assert(t) }
    let (contra, contraQuery) = full.run(
      "\(argumentName(cls)) with the class axioms instantiated", expected: "unsat",
      options: options, variables: r.variableCount)
    return (setupResult, setupQuery, contra, contraQuery)
  }
}
