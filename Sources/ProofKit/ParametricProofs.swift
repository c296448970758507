import QuorumKit
import QuorumSMT
import Z3Kit

/// Parametric proofs: claims for every n and f at once, by Z3 over linear integer arithmetic
/// on Venn-region sizes with n and f symbolic (DESIGN.md, "Parametric proofs").
///
/// A claim is *proved* only from UNSAT of its negation. A *refuted* verdict always carries a
/// concrete counterexample that is re-checked without the solver (the pure-Swift region check
/// or the enumerator), so an encoding that cannot fail is caught by its mutant, and a mutant
/// refuted by a spurious model is reported unknown, not refuted.
///
/// Encodings (the obligation's `encoding:` key):
/// - `threshold-construction` — the paper's threshold construction (Examples 4.7, 5.7, 5.12) is
///   an X-system for all f-subsets whenever the paper's bound holds. Parameters: `class`,
///   `quorum-offset` (mutant: quorums that much larger), `bound-offset` (mutant: the bound
///   moved), `f-min` (default 1 for opaque as in Example 5.12, else 0).
/// - `threshold-existence-bound` — both directions of Corollaries 4.4, 5.5 and Theorem 5.13:
///   an X-system for all f-subsets exists iff the bound holds. Parameters: `class`,
///   `bound-offset`.
/// - `lemma-6.4` — in every masking system for all f-subsets (`fail-prone: threshold`, the
///   default) or for any fail-prone system (`fail-prone: any`), no quorum is covered by
///   `covering-sets` (default 3) fail-prone sets.
/// - `theorem-5.15-step` — in every opaque system (any fail-prone system),
///   `2|Q1 ∩ Q2| >= |Q1|`; with `strict: true` (the mutant) `2|Q1 ∩ Q2| > |Q1|`.
public enum ParametricProofs {
  /// The encodings this module knows.
  public static let encodings = [
    "threshold-construction", "threshold-existence-bound", "lemma-6.4", "theorem-5.15-step",
    "grid-construction",
  ]

  /// Runs a parametric obligation.
  public static func run(_ o: Obligation, options: EngineOptions) throws -> Outcome {
    switch o.kind ?? "" {
    case "threshold-construction": return try thresholdConstruction(o, options)
    case "threshold-existence-bound": return try existenceBound(o, options)
    case "lemma-6.4": return try lemma64(o, options)
    case "theorem-5.15-step": return try theorem515Step(o, options)
    case "grid-construction": return try grid(o, options)
    default:
      throw o.error(
        "unknown parametric encoding '\(o.kind ?? "")' (expected one of: \(encodings.joined(separator: ", ")))"
      )
    }
  }

  // MARK: - Shared pieces

  /// The paper's bound for the class, moved by `offset`, as a formula and as text.
  static func bound(_ cls: QuorumClass, n: Term, f: Term, offset: Int, z: Z3Context) -> (
    Term, String
  ) {
    switch cls {
    case .masking:
      return (z.ge(n, z.sum([z.times(4, f), z.numeral(1 + offset)])), "n >= 4f\(plus(1 + offset))")
    case .dissemination:
      return (z.ge(n, z.sum([z.times(3, f), z.numeral(1 + offset)])), "n >= 3f\(plus(1 + offset))")
    case .opaque:
      return (z.ge(n, z.sum([z.times(5, f), z.numeral(offset)])), "n >= 5f\(plus(offset))")
    }
  }

  /// " + c", " - c" or "" for a constant term.
  static func plus(_ c: Int) -> String { c == 0 ? "" : c > 0 ? " + \(c)" : " - \(-c)" }

  /// The ceiling that defines the paper's quorum size, as two linear inequalities on `q`.
  static func paperQuorumSize(_ cls: QuorumClass, q: Term, n: Term, f: Term, z: Z3Context)
    -> Term
  {
    switch cls {
    case .masking:  // q = ceil((n + 2f + 1) / 2)
      let rhs = z.sum([n, z.times(2, f), z.numeral(1)])
      return z.and([z.ge(z.times(2, q), rhs), z.le(z.times(2, q), z.sum([rhs, z.numeral(1)]))])
    case .dissemination:  // q = ceil((n + f + 1) / 2)
      let rhs = z.sum([n, f, z.numeral(1)])
      return z.and([z.ge(z.times(2, q), rhs), z.le(z.times(2, q), z.sum([rhs, z.numeral(1)]))])
    case .opaque:  // q = ceil((2n + 2f) / 3)
      let rhs = z.sum([z.times(2, n), z.times(2, f)])
      return z.and([z.ge(z.times(3, q), rhs), z.le(z.times(3, q), z.sum([rhs, z.numeral(2)]))])
    }
  }

  /// "a masking", "a dissemination", "an opaque".
  static func article(_ cls: QuorumClass) -> String {
    cls == .opaque ? "an opaque" : "a \(cls.rawValue)"
  }

  static func formula(_ cls: QuorumClass) -> String { ThresholdArithmetic.sizeFormula(cls) }

  static func example(_ cls: QuorumClass) -> String {
    switch cls {
    case .masking: return "Example 4.7"
    case .dissemination: return "Example 5.7"
    case .opaque: return "Example 5.12"
    }
  }

  /// The ways the threshold construction can fail (shared with the existence engine).
  static func violations(_ cls: QuorumClass, n: Term, f: Term, q: Term, z: Z3Context)
    -> [(QuorumProperty, Term, Regions)]
  {
    ThresholdArithmetic.constructionViolations(cls, n: n, f: f, q: q, context: z)
  }

  /// The threshold range: `n >= 1`, `f-min <= f < n` (FailProneSystem.threshold's domain).
  static func range(n: Term, f: Term, fMin: Int, z: Z3Context) -> Term {
    z.and([z.ge(n, z.numeral(1)), z.ge(f, z.numeral(fMin)), z.lt(f, n)])
  }

  // MARK: - threshold-construction

  static func thresholdConstruction(_ o: Obligation, _ options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["class", "quorum-offset", "bound-offset", "f-min"])
    let cls = try o.quorumClass()
    let qOff = try o.int("quorum-offset", default: 0)
    let bOff = try o.int("bound-offset", default: 0)
    let fMin = try o.int("f-min", default: cls == .opaque ? 1 : 0)
    let log = QueryLog(options: options)
    let z = Z3Context()
    let n = z.int("n")
    let f = z.int("f")
    let q0 = z.int("q_paper")
    let q = z.int("q")
    let (p, pText) = bound(cls, n: n, f: f, offset: bOff, z: z)
    let hypothesis = z.and([
      range(n: n, f: f, fMin: fMin, z: z), p, paperQuorumSize(cls, q: q0, n: n, f: f, z: z),
      z.eq(q, z.sum([q0, z.numeral(qOff)])),
    ])
    let qText = qOff == 0 ? formula(cls) : "\(formula(cls)) \(qOff > 0 ? "+" : "-") \(abs(qOff))"
    let scope = "for all n, f with \(fMin) <= f < n and \(pText), quorums of \(qText)"

    // Non-vacuity: the hypothesis has models.
    let v = Z3Solver(z)
    v.assert(hypothesis)
    switch log.check(v, "the hypothesis (\(pText), \(fMin) <= f < n) is satisfiable", needed: "sat")
    {
    case .unsat:
      return Outcome(.vacuous, "the hypothesis is unsatisfiable", queries: log.queries)
    case .unknown(let why): return Outcome(.unknown, "solver unknown: \(why)", queries: log.queries)
    case .sat: break
    }

    let groups = violations(cls, n: n, f: f, q: q, z: z)
    let s = Z3Solver(z)
    s.assert(hypothesis)
    s.assert(z.or(groups.map(\.1)))
    let title =
      "negation: some q-sets and f-sets violate \(cls.properties.map(\.rawValue).joined(separator: "/")) \(scope)"
    switch log.check(s, title, needed: "unsat") {
    case .unsat:
      // Independent pure-Swift re-check on small instances of the range.
      for nn in 1...60 {
        for ff in max(0, fMin)..<nn where satisfies(cls, n: nn, f: ff, offset: bOff) {
          let qq = QuorumSystem.paperThresholdQuorumSize(cls, n: nn, f: ff) + qOff
          if let problem = ThresholdRegionCheck.violation(cls, n: nn, f: ff, quorumSize: qq) {
            return Outcome(
              .unknown,
              "the solver says proved but the region re-check fails at n = \(nn), f = \(ff): \(problem)",
              queries: log.queries)
          }
        }
      }
      return Outcome(
        .proved,
        "\(example(cls)): \(scope) form \(article(cls)) system (negation UNSAT)",
        details: [
          "re-checked without the solver for every n <= 60 in range (ThresholdRegionCheck)"
        ], queries: log.queries)
    case .unknown(let why):
      return Outcome(.unknown, "solver unknown: \(why)", queries: log.queries)
    case .sat:
      guard let m = s.model(), let nv = m.int(n), let fv = m.int(f), let qv = m.int(q) else {
        return Outcome(.unknown, "SAT without a readable model", queries: log.queries)
      }
      var details: [String] = []
      for (prop, term, r) in groups where m.bool(term) == true {
        details.append("\(prop.rawValue) violated with region sizes \(r.describe(m))")
        break
      }
      guard let problem = ThresholdRegionCheck.violation(cls, n: nv, f: fv, quorumSize: qv) else {
        return Outcome(
          .unknown,
          "the solver's counterexample n = \(nv), f = \(fv), q = \(qv) does not re-check",
          details: details, queries: log.queries)
      }
      details.append("re-checked without the solver: \(problem)")
      return Outcome(
        .refuted,
        "refuted at n = \(nv), f = \(fv): quorums of size \(qv) are not \(article(cls)) system",
        details: details, queries: log.queries)
    }
  }

  /// The bound, moved by `offset`, on concrete numbers.
  static func satisfies(_ cls: QuorumClass, n: Int, f: Int, offset: Int) -> Bool {
    switch cls {
    case .masking: return n >= 4 * f + 1 + offset
    case .dissemination: return n >= 3 * f + 1 + offset
    case .opaque: return n >= 5 * f + offset
    }
  }

  // MARK: - threshold-existence-bound

  /// The sets the paper's impossibility argument picks, the adversary's constraints on them
  /// (`setup`), and the class axioms instantiated at them.
  struct Argument {
    var regions: Regions
    var setup: [Term]
    var axioms: [Term]
    var coverSets: [String]
  }

  static func argument(_ cls: QuorumClass, n: Term, f: Term, z: Z3Context, prefix: String)
    -> Argument
  {
    let zero = z.numeral(0)
    switch cls {
    case .masking, .dissemination:
      // Corollaries 4.4 / 5.5: k fail-prone sets cover U; Q1 avoids B1, Q2 avoids B2 (M2/D2);
      // then Q1 ∩ Q2 lies in the remaining sets, against M1 at (Q1, Q2, B3, B4) / D1 at B3.
      let k = cls == .masking ? 4 : 3
      let bs = (1...k).map { "B\($0)" }
      let r = Regions(z, prefix: prefix, sets: bs + ["Q1", "Q2"])
      var setup = [r.wellFormed(total: n)]
      for b in bs { setup.append(z.eq(r.size(of: b), f)) }
      setup.append(z.eq(r.size { inSet in !bs.contains(where: inSet) }, zero))
      var axioms = [
        z.eq(r.size { $0("Q1") && $0("B1") }, zero), z.eq(r.size { $0("Q2") && $0("B2") }, zero),
      ]
      if cls == .masking {
        axioms.append(
          z.ge(r.size { $0("Q1") && $0("Q2") && !$0("B3") && !$0("B4") }, z.numeral(1)))
      } else {
        axioms.append(z.ge(r.size { $0("Q1") && $0("Q2") && !$0("B3") }, z.numeral(1)))
      }
      return Argument(regions: r, setup: setup, axioms: axioms, coverSets: bs)
    case .opaque:
      // Theorem 5.13: Q1 avoids B0 (O3); B1 as deep in Q1 as fits; Q2 avoids B1 (O3); B2 as
      // deep in Q1 ∩ Q2 as fits; O1 and O2 at every (Qa, Qb, Bc).
      let r = Regions(z, prefix: prefix, sets: ["B0", "Q1", "B1", "Q2", "B2"])
      var setup = [r.wellFormed(total: n)]
      for b in ["B0", "B1", "B2"] { setup.append(z.eq(r.size(of: b), f)) }
      setup.append(z.eq(r.size { $0("B1") && $0("Q1") }, z.min(f, r.size(of: "Q1"))))
      setup.append(
        z.eq(
          r.size { $0("B2") && $0("Q1") && $0("Q2") }, z.min(f, r.size { $0("Q1") && $0("Q2") })))
      var axioms = [
        z.eq(r.size { $0("Q1") && $0("B0") }, zero), z.eq(r.size { $0("Q2") && $0("B1") }, zero),
      ]
      for a in ["Q1", "Q2"] {
        for b in ["Q1", "Q2"] {
          for c in ["B0", "B1", "B2"] {
            let inter = r.size { $0(a) && $0(b) && !$0(c) }
            axioms.append(z.ge(inter, r.size { $0(b) && ($0(c) || !$0(a)) }))
            axioms.append(z.gt(inter, r.size { $0(b) && $0(c) }))
          }
        }
      }
      return Argument(regions: r, setup: setup, axioms: axioms, coverSets: [])
    }
  }

  /// Explicit sizes (functions of n and f) for the regions of k f-sets covering n servers,
  /// for any f <= n <= k f: B1 takes f servers of its own; B2..Bk greedily take t_i =
  /// min(f, what is left) new servers and pad with p_i = f - t_i servers of B1 (nested prefixes,
  /// p_2 <= ... <= p_k). The region of B1 with exactly B_m..B_k holds p_m - p_(m-1).
  static func coverWitness(k: Int, n: Term, f: Term, z: Z3Context) -> [String: Term] {
    var t: [Term] = [f]
    var left = z.sub(n, f)
    for _ in 2...k {
      let ti = z.min(f, left)
      t.append(ti)
      left = z.sub(left, ti)
    }
    var p: [Term] = [z.numeral(0)]
    for i in 1..<k { p.append(z.sub(f, t[i])) }
    var out: [String: Term] = [:]
    for i in 1..<k { out["B\(i + 1)"] = t[i] }
    out["B1"] = z.sub(f, p[k - 1])
    for m in 1..<k {
      let label = (["B1"] + (m..<k).map { "B\($0 + 1)" }).joined(separator: "&")
      out[label] = z.sub(p[m], p[m - 1])
    }
    return out
  }

  /// `amount` servers placed greedily over regions of the given sizes: first up to
  /// min(amount, |target|) into the target regions, in order, then the rest into the others.
  static func greedy(_ sizes: [Term], target: [Bool], amount: Term, z: Z3Context) -> [Term] {
    let inTarget = z.min(amount, z.sum(zip(sizes, target).filter { $0.1 }.map(\.0)))
    var out = [Term](repeating: z.numeral(0), count: sizes.count)
    for pass in [true, false] {
      var left = pass ? inTarget : z.sub(amount, inTarget)
      for (i, size) in sizes.enumerated() where target[i] == pass {
        out[i] = z.min(size, left)
        left = z.sub(left, out[i])
      }
    }
    return out
  }

  /// Region sizes of Theorem 5.13's sets (B0, Q1, B1, Q2, B2, bits 0...4) for arbitrary free
  /// regions of B0, Q1, Q2 (|B0| = f), with B1 and B2 placed greedily.
  static func opaqueWitness(n: Term, f: Term, z: Z3Context) -> (
    constraints: [Term], regions: [Term]
  ) {
    let base = Regions(z, prefix: "V", sets: ["B0", "Q1", "Q2"])
    let constraints = [base.wellFormed(total: n), z.eq(base.size(of: "B0"), f)]
    // Map the 3-set masks to 5-set masks: B0 -> bit 0, Q1 -> bit 1, Q2 -> bit 3.
    func lift(_ m: Int) -> Int { (m & 1) | ((m & 2) != 0 ? 2 : 0) | ((m & 4) != 0 ? 8 : 0) }
    var four: [Int: Term] = [:]  // masks over bits 0...3 (B1 = bit 2)
    let b1 = greedy(
      base.regions, target: (0..<8).map { $0 & 2 != 0 }, amount: f, z: z)
    for m in 0..<8 {
      four[lift(m) | 4] = b1[m]
      four[lift(m)] = z.sub(base.regions[m], b1[m])
    }
    let masks = (0..<16).sorted()
    let sizes = masks.map { four[$0]! }
    let b2 = greedy(sizes, target: masks.map { $0 & 2 != 0 && $0 & 8 != 0 }, amount: f, z: z)
    var regions = [Term](repeating: z.numeral(0), count: 32)
    for (i, m) in masks.enumerated() {
      regions[m | 16] = b2[i]
      regions[m] = z.sub(sizes[i], b2[i])
    }
    return (constraints, regions)
  }

  static func existenceBound(_ o: Obligation, _ options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["class", "bound-offset", "f-min"])
    let cls = try o.quorumClass()
    let bOff = try o.int("bound-offset", default: 0)
    let fMin = try o.int("f-min", default: 0)
    let log = QueryLog(options: options)
    let z = Z3Context()
    let n = z.int("n")
    let f = z.int("f")
    let (p, pText) = bound(cls, n: n, f: f, offset: bOff, z: z)
    let inRange = range(n: n, f: f, fMin: fMin, z: z)
    var details: [String] = []
    func unknown(_ why: String) -> Outcome {
      Outcome(.unknown, why, details: details, queries: log.queries)
    }

    // Both sides of the claimed bound are inhabited.
    for (side, text) in [(p, pText), (z.not(p), "not (\(pText))")] {
      let s = Z3Solver(z)
      s.assert(inRange)
      s.assert(side)
      switch log.check(s, "\(text) has instances with \(fMin) <= f < n", needed: "sat") {
      case .sat: break
      case .unsat: return Outcome(.vacuous, "\(text) has no instance", queries: log.queries)
      case .unknown(let why): return unknown("solver unknown: \(why)")
      }
    }

    // (<=) Where the bound holds, the paper's construction is an X-system.
    let q = z.int("q")
    let suff = Z3Solver(z)
    suff.assert(inRange)
    suff.assert(p)
    suff.assert(paperQuorumSize(cls, q: q, n: n, f: f, z: z))
    suff.assert(z.or(violations(cls, n: n, f: f, q: q, z: z).map(\.1)))
    switch log.check(
      suff, "sufficiency: where \(pText), quorums of \(formula(cls)) violate the class",
      needed: "unsat")
    {
    case .unsat:
      details.append("if: where \(pText), the construction of \(example(cls)) works (UNSAT)")
    case .unknown(let why): return unknown("solver unknown on sufficiency: \(why)")
    case .sat:
      guard let m = suff.model(), let nv = m.int(n), let fv = m.int(f) else {
        return unknown("SAT without a readable model")
      }
      // Refute only with an instance-level proof that no system exists there.
      let report = ThresholdArithmetic.decide(cls, n: nv, f: fv, options: options)
      details.append("the construction fails at n = \(nv), f = \(fv)")
      if report.verdict == .none {
        details.append("instance proof at n = \(nv), f = \(fv): none (\(report.reason))")
        return Outcome(
          .refuted,
          "refuted at n = \(nv), f = \(fv): the claim says \(article(cls)) system exists (\(pText)), but none does",
          details: details, queries: log.queries)
      }
      return unknown(
        "the construction fails at n = \(nv), f = \(fv) and the instance is \(report.verdict.rawValue)"
      )
    }

    // (=>) Where the bound fails, no X-system exists.
    let notP = z.not(p)
    let arg = argument(cls, n: n, f: f, z: z, prefix: "R")
    func refuteByConstruction(_ m: Z3Model, _ what: String) -> Outcome {
      guard let nv = m.int(n), let fv = m.int(f) else {
        return unknown("SAT without a readable model")
      }
      let qq = QuorumSystem.paperThresholdQuorumSize(cls, n: nv, f: fv)
      if ThresholdRegionCheck.violation(cls, n: nv, f: fv, quorumSize: qq) == nil {
        details.append("\(what) at n = \(nv), f = \(fv)")
        details.append(
          "re-checked without the solver: every \(qq)-subset of \(nv) servers is \(article(cls)) system for all \(fv)-subsets"
        )
        return Outcome(
          .refuted,
          "refuted at n = \(nv), f = \(fv): the claim says no \(cls.rawValue) system exists, but quorums of \(qq) form one",
          details: details, queries: log.queries)
      }
      return unknown("\(what) at n = \(nv), f = \(fv), and the construction fails there too")
    }
    if cls != .opaque {
      // The adversary's covering sets exist for every (n, f) outside the bound: explicit sizes.
      let k = arg.coverSets.count
      let w = Regions(z, prefix: "W", sets: arg.coverSets)
      let sizes = coverWitness(k: k, n: n, f: f, z: z)
      let ws = Z3Solver(z)
      ws.assert(inRange)
      ws.assert(notP)
      for (label, t) in zip(w.labels, w.regions) {
        ws.assert(z.eq(t, sizes[label] ?? z.numeral(0)))
      }
      var cover = [w.wellFormed(total: n)]
      for b in arg.coverSets { cover.append(z.eq(w.size(of: b), f)) }
      cover.append(z.eq(w.size { inSet in !arg.coverSets.contains(where: inSet) }, z.numeral(0)))
      ws.assert(z.not(z.and(cover)))
      switch log.check(
        ws, "the \(k) covering f-sets exist for every (n, f) with not (\(pText)) (explicit sizes)",
        needed: "unsat")
      {
      case .unsat:
        details.append(
          "the argument's \(k) covering fail-prone sets exist wherever the bound fails")
      case .unknown(let why): return unknown("solver unknown: \(why)")
      case .sat:
        return refuteByConstruction(ws.model()!, "the argument's covering sets do not exist")
      }
    } else {
      // The adversary's sets exist for every shape of Q1, Q2: B0 is any f-set; B1 and B2 are
      // placed greedily (as deep in Q1, resp. Q1 ∩ Q2, as they fit, then anywhere else).
      let w = argument(cls, n: n, f: f, z: z, prefix: "W")
      let sizes = opaqueWitness(n: n, f: f, z: z)
      let ws = Z3Solver(z)
      ws.assert(inRange)
      ws.assert(notP)
      for t in sizes.constraints { ws.assert(t) }
      for (m, t) in w.regions.regions.enumerated() { ws.assert(z.eq(t, sizes.regions[m])) }
      ws.assert(z.not(z.and(w.setup)))
      switch log.check(
        ws,
        "the argument's B1, B2 exist for every B0, Q1, Q2 with not (\(pText)) (greedy placement)",
        needed: "unsat")
      {
      case .unsat:
        details.append(
          "the argument's fail-prone sets exist for every shape of Q1 and Q2 wherever the bound fails (greedy placement, UNSAT)"
        )
      case .unknown(let why): return unknown("solver unknown: \(why)")
      case .sat:
        return refuteByConstruction(ws.model()!, "the argument's sets do not exist")
      }
    }
    let nec = Z3Solver(z)
    nec.assert(inRange)
    nec.assert(notP)
    for t in arg.setup + arg.axioms { nec.assert(t) }
    switch log.check(
      nec, "necessity: where not (\(pText)), the class axioms at the argument's sets",
      needed: "unsat")
    {
    case .unsat:
      details.append("only if: where not (\(pText)), the axioms at the argument's sets are UNSAT")
    case .unknown(let why): return unknown("solver unknown on necessity: \(why)")
    case .sat:
      return refuteByConstruction(nec.model()!, "the impossibility argument does not apply")
    }
    return Outcome(
      .proved,
      "\(article(cls)) system for all f-subsets of n servers exists iff \(pText) (both directions UNSAT)",
      details: details, queries: log.queries)
  }

  // MARK: - Lemma 6.4

  static func lemma64(_ o: Obligation, _ options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["covering-sets", "fail-prone"])
    let k = try o.int("covering-sets", default: 3)
    let failProneKind = try o.string("fail-prone", default: "threshold")
    guard ["threshold", "any"].contains(failProneKind) else {
      throw o.error(
        "'fail-prone' must be threshold (all f-subsets) or any (any fail-prone system)",
        line: o.parameters["fail-prone"]?.line)
    }
    let anyB = failProneKind == "any"
    guard (1...6).contains(k) else {
      throw o.error(
        "'covering-sets' must be between 1 and 6", line: o.parameters["covering-sets"]?.line)
    }
    let log = QueryLog(options: options)
    let z = Z3Context()
    let n = z.int("n")
    let f = z.int("f")
    let bs = (1...k).map { "B\($0)" }
    let r = Regions(z, prefix: "R", sets: ["Q", "Qp"] + bs)
    let zero = z.numeral(0)
    var setup = [range(n: n, f: f, fMin: 0, z: z), r.wellFormed(total: n)]
    // Threshold: every B has f servers; any: the B's are arbitrary sets.
    if !anyB { for b in bs { setup.append(z.eq(r.size(of: b), f)) } }
    // Q is covered by B1 ∪ ... ∪ Bk.
    setup.append(z.eq(r.size { inSet in inSet("Q") && !bs.contains(where: inSet) }, zero))
    let v = Z3Solver(z)
    for t in setup { v.assert(t) }
    switch log.check(v, "a q-set covered by \(k) f-sets exists", needed: "sat") {
    case .sat: break
    case .unsat: return Outcome(.vacuous, "the covering sets cannot exist", queries: log.queries)
    case .unknown(let why): return Outcome(.unknown, "solver unknown: \(why)", queries: log.queries)
    }
    // M2 at B1 gives Qp; M1 at every pair of {Q, Qp} and of the B's.
    var axioms = [z.eq(r.size { $0("Qp") && $0("B1") }, zero)]
    for a in ["Q", "Qp"] {
      for b in ["Q", "Qp"] {
        for x in bs {
          for y in bs {
            axioms.append(
              z.ge(r.size { $0(a) && $0(b) && !$0(x) && !$0(y) }, z.numeral(1)))
          }
        }
      }
    }
    let s = Z3Solver(z)
    for t in setup + axioms { s.assert(t) }
    switch log.check(
      s, "a masking system's quorum covered by \(k) fail-prone sets (M2 at B1, M1 instantiated)",
      needed: "unsat")
    {
    case .unsat:
      let scope = anyB ? "for any fail-prone system" : "for all f-subsets (all n, f)"
      return Outcome(
        .proved,
        "in every masking system \(scope), no quorum is covered by \(k) fail-prone sets (UNSAT)",
        queries: log.queries)
    case .unknown(let why):
      return Outcome(.unknown, "solver unknown: \(why)", queries: log.queries)
    case .sat:
      // A concrete counterexample: a masking threshold system (re-checked) with q <= k f.
      for nn in 2...64 {
        for ff in 1..<nn {
          let qq = QuorumSystem.paperThresholdQuorumSize(.masking, n: nn, f: ff)
          guard qq <= k * ff,
            ThresholdRegionCheck.violation(.masking, n: nn, f: ff, quorumSize: qq) == nil
          else { continue }
          let quorum = ServerSet.range(0..<qq)
          let covers = (0..<k).map { i -> ServerSet in
            let start = min(i * ff, max(0, qq - ff))
            return ServerSet.range(start..<(start + ff))
          }
          let union = covers.reduce(ServerSet()) { $0.union($1) }
          guard quorum.isSubset(of: union) else { continue }
          return Outcome(
            .refuted,
            "refuted at n = \(nn), f = \(ff): the masking system of Example 4.7 (every \(qq)-subset) has a quorum covered by \(k) fail-prone sets",
            details: [
              "Q = \(quorum) ⊆ " + covers.map(\.description).joined(separator: " ∪ "),
              "the system re-checked as masking without the solver (ThresholdRegionCheck)",
            ], queries: log.queries)
        }
      }
      return Outcome(
        .unknown, "the instantiated axioms are satisfiable, but no concrete counterexample found",
        details: ["model: \(r.describe(s.model()!))"], queries: log.queries)
    }
  }

  // MARK: - Theorem 5.15's step

  static func theorem515Step(_ o: Obligation, _ options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["strict"])
    let strict = try o.bool("strict", default: false)
    let log = QueryLog(options: options)
    let z = Z3Context()
    let n = z.int("n")
    let r = Regions(z, prefix: "R", sets: ["Q1", "Q2", "B"])
    func o1(_ a: String, _ b: String) -> Term {
      z.ge(r.size { $0(a) && $0(b) && !$0("B") }, r.size { $0(b) && ($0("B") || !$0(a)) })
    }
    func o2(_ a: String, _ b: String) -> Term {
      z.gt(r.size { $0(a) && $0(b) && !$0("B") }, r.size { $0(b) && $0("B") })
    }
    let inter = r.size { $0("Q1") && $0("Q2") }
    let conclusion = z.ge(
      z.times(2, inter), z.sum([r.size(of: "Q1"), z.numeral(strict ? 1 : 0)]))
    let claim = strict ? "2|Q1 ∩ Q2| > |Q1|" : "2|Q1 ∩ Q2| >= |Q1|"
    let s = Z3Solver(z)
    s.assert(z.ge(n, z.numeral(0)))
    s.assert(r.wellFormed(total: n))
    s.assert(o1("Q2", "Q1"))
    s.assert(o1("Q1", "Q2"))
    s.assert(z.not(conclusion))
    switch log.check(
      s, "O1 at (Q2, Q1, B) and (Q1, Q2, B) without \(claim), any n, any B", needed: "unsat")
    {
    case .unsat:
      return Outcome(
        .proved, "in every opaque system, for any fail-prone system: \(claim) (UNSAT)",
        queries: log.queries)
    case .unknown(let why):
      return Outcome(.unknown, "solver unknown: \(why)", queries: log.queries)
    case .sat: break
    }
    // A closed system {Q1, Q2} for B = {B}: every axiom instantiated, so a model is a system.
    let c = Z3Solver(z)
    c.assert(z.ge(n, z.numeral(1)))
    c.assert(z.le(n, z.numeral(12)))
    c.assert(r.wellFormed(total: n))
    for a in ["Q1", "Q2"] {
      for b in ["Q1", "Q2"] {
        c.assert(o1(a, b))
        c.assert(o2(a, b))
      }
    }
    c.assert(
      z.or([
        z.eq(r.size { $0("Q1") && $0("B") }, z.numeral(0)),
        z.eq(r.size { $0("Q2") && $0("B") }, z.numeral(0)),
      ]))
    c.assert(z.not(conclusion))
    switch log.check(
      c, "a closed opaque system {Q1, Q2} for B = {B} without \(claim)", needed: "sat")
    {
    case .sat:
      let m = c.model()!
      let sizes = r.values(m)
      var sets = [ServerSet](repeating: ServerSet(), count: 3)
      var next = 0
      for (mask, size) in sizes.enumerated() {
        for _ in 0..<size {
          for i in 0..<3 where mask & (1 << i) != 0 { sets[i].insert(next) }
          next += 1
        }
      }
      let (q1, q2, b) = (sets[0], sets[1], sets[2])
      let nv = max(next, 1)
      let failProne = try FailProneSystem.explicit(universe: Universe(count: nv), sets: [b])
      let checked = try PropertyChecker.check(.opaque, quorums: [q1, q2], failProne: failProne)
      let lhs = 2 * q1.intersection(q2).count
      let holds = strict ? lhs > q1.count : lhs >= q1.count
      guard checked.allSatisfy({ $0.1 == nil }), !holds else {
        return Outcome(
          .unknown, "the closed model does not re-check as an opaque counterexample",
          queries: log.queries)
      }
      return Outcome(
        .refuted,
        "refuted at n = \(nv): Q1 = \(q1), Q2 = \(q2), fail-prone system {\(b)} is opaque (re-checked by enumeration) but 2|Q1 ∩ Q2| = \(lhs), |Q1| = \(q1.count)",
        details: ["region sizes \(r.describe(m))"], queries: log.queries)
    case .unsat:
      return Outcome(
        .unknown, "O1 alone does not imply the claim, and no closed 2-quorum counterexample exists",
        queries: log.queries)
    case .unknown(let why):
      return Outcome(.unknown, "solver unknown: \(why)", queries: log.queries)
    }
  }
}

// MARK: - Grids (Examples 4.8, 5.8)

extension ParametricProofs {
  /// A pair `[a, b]` of integers from a list parameter, meaning `a f + b`.
  static func linear(_ o: Obligation, _ name: String, default d: (Int, Int)) throws -> (Int, Int) {
    guard let l = try o.list(name) else { return d }
    guard l.count == 2, let a = Int(l[0]), let b = Int(l[1]) else {
      throw o.error(
        "parameter '\(name)' must be [a, b], meaning a*f + b", line: o.parameters[name]?.line)
    }
    return (a, b)
  }

  /// The grid of Example 4.8 / 5.8 for all k and f at once.
  ///
  /// Servers are the cells of a k x k grid; a quorum is a column plus `r = rows[0] f + rows[1]`
  /// full rows; the claim is for every k >= `k-min[0] f + k-min[1]`. Cells fall into classes by
  /// their row's membership in the two quorums' row sets I, J (4 row classes, x_c rows each)
  /// and their column (the column a of Q1, the column b of Q2, both when a = b, or another);
  /// whether a class is in Q1 ∩ Q2 is computed from the definition. A class in a special column
  /// has x_c cells; one in the other k - 2 + [a = b] columns has x_c (k - 2 + [a = b]) cells,
  /// a product, which is relaxed to a variable with valid linear bounds. Every real grid
  /// satisfies the relaxed constraints, so UNSAT proves the claim; a SAT answer is re-checked
  /// on a concrete grid (k <= 8) by the enumerator before it counts as a refutation.
  static func grid(_ o: Obligation, _ options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["class", "rows", "k-min", "f-min"])
    let cls = try o.quorumClass()
    guard cls != .opaque else {
      throw o.error("the grids are masking (Example 4.8) or dissemination (Example 5.8)")
    }
    let rows = try linear(o, "rows", default: cls == .masking ? (2, 1) : (1, 1))
    let kMin = try linear(o, "k-min", default: cls == .masking ? (3, 1) : (2, 1))
    let fMin = try o.int("f-min", default: 0)
    let log = QueryLog(options: options)
    let z = Z3Context()
    let k = z.int("k")
    let f = z.int("f")
    let r = z.int("r")
    let e = z.int("same_column")  // 1 iff a = b
    let zero = z.numeral(0)
    let one = z.numeral(1)
    let x = (0..<4).map { z.int("rows_\(["none", "I", "J", "IJ"][$0])") }  // bit 0: in I, bit 1: in J
    let m = z.sum([k, z.numeral(-2), e])  // other columns
    var hyp: [Term] = [
      z.ge(f, z.numeral(fMin)), z.ge(k, one),
      z.ge(k, z.sum([z.times(kMin.0, f), z.numeral(kMin.1)])),
      z.eq(r, z.sum([z.times(rows.0, f), z.numeral(rows.1)])),
      z.or([z.eq(e, zero), z.eq(e, one)]), z.ge(m, zero),
      z.eq(z.sum(x), k), z.eq(z.sum([x[1], x[3]]), r), z.eq(z.sum([x[2], x[3]]), r),
    ]
    for xi in x { hyp.append(z.ge(xi, zero)) }
    let rowsText = "\(rows.0)f\(plus(rows.1))"
    let kText = "k >= \(kMin.0)f\(plus(kMin.1))"

    // Cell classes: (row class, column kind). Column kinds: 0 = a and b (count e),
    // 1 = a only (1 - e), 2 = b only (1 - e), 3 = other (m).
    struct Cell {
      var row: Int
      var column: Int
      var count: Term
      var inBoth: Bool
    }
    var cells: [Cell] = []
    for rc in 0..<4 {
      for ck in 0..<4 {
        let inQ1 = rc & 1 != 0 || ck == 0 || ck == 1
        let inQ2 = rc & 2 != 0 || ck == 0 || ck == 2
        let count: Term
        switch ck {
        case 0: count = z.ite(z.eq(e, one), x[rc], zero)
        case 1, 2: count = z.ite(z.eq(e, zero), x[rc], zero)
        default:
          let p = z.int("cells_\(rc)_other")
          hyp.append(z.ge(p, zero))
          hyp.append(z.implies(z.eq(x[rc], zero), z.eq(p, zero)))
          hyp.append(z.implies(z.eq(m, zero), z.eq(p, zero)))
          hyp.append(z.implies(z.ge(m, one), z.ge(p, x[rc])))
          hyp.append(z.implies(z.ge(x[rc], one), z.ge(p, m)))
          hyp.append(
            z.implies(
              z.and([z.ge(x[rc], one), z.ge(m, one)]), z.ge(p, z.sum([x[rc], m, z.numeral(-1)]))))
          count = p
        }
        cells.append(Cell(row: rc, column: ck, count: count, inBoth: inQ1 && inQ2))
      }
    }
    // Pair property: fail-prone sets placed cell class by cell class.
    let bNames = cls == .masking ? ["B1", "B2"] : ["B"]
    var pair: [Term] = []
    var uncovered: [Term] = []
    var bSizes = [[Term]](repeating: [], count: bNames.count)
    for (i, c) in cells.enumerated() {
      let ys = (0..<(1 << bNames.count)).map { z.int("y_\(i)_\($0)") }
      for y in ys { pair.append(z.ge(y, zero)) }
      pair.append(z.eq(z.sum(ys), c.count))
      for (s, y) in ys.enumerated() {
        for b in bNames.indices where s & (1 << b) != 0 { bSizes[b].append(y) }
      }
      if c.inBoth { uncovered.append(ys[0]) }
    }
    for b in bNames.indices { pair.append(z.eq(z.sum(bSizes[b]), f)) }
    pair.append(z.eq(z.sum(uncovered), zero))
    // Availability: B hits hr rows and hc columns (at most f and at most k of each).
    let hr = z.int("rows_hit")
    let hc = z.int("columns_hit")
    let availability = z.and([
      z.ge(hr, zero), z.le(hr, f), z.le(hr, k), z.ge(hc, zero), z.le(hc, f), z.le(hc, k),
      z.or([z.ge(hc, k), z.lt(z.sub(k, hr), r), z.gt(r, k)]),
    ])
    let pairName = cls == .masking ? "M1" : "D1"
    let availName = cls == .masking ? "M2" : "D2"

    let v = Z3Solver(z)
    for t in hyp { v.assert(t) }
    switch log.check(
      v, "the grid hypothesis (\(kText), r = \(rowsText)) is satisfiable", needed: "sat")
    {
    case .sat: break
    case .unsat: return Outcome(.vacuous, "the hypothesis is unsatisfiable", queries: log.queries)
    case .unknown(let why): return Outcome(.unknown, "solver unknown: \(why)", queries: log.queries)
    }
    let s = Z3Solver(z)
    for t in hyp { s.assert(t) }
    s.assert(z.or([z.and(pair), availability]))
    let title =
      "negation: a grid (\(kText), column + \(rowsText) rows) violates \(pairName) or \(availName)"
    switch log.check(s, title, needed: "unsat") {
    case .unsat:
      return Outcome(
        .proved,
        "for every k, f with \(kText), f >= \(fMin): a column and \(rowsText) rows form \(article(cls)) system (negation UNSAT over the relaxed cell classes)",
        queries: log.queries)
    case .unknown(let why):
      return Outcome(.unknown, "solver unknown: \(why)", queries: log.queries)
    case .sat: break
    }
    // Look for a small instance (k <= 8) and re-check it on the concrete grid.
    let small = Z3Solver(z)
    for t in hyp { small.assert(t) }
    small.assert(z.or([z.and(pair), availability]))
    small.assert(z.le(k, z.numeral(8)))
    small.assert(z.lt(f, z.numeral(64)))
    guard case .sat = log.check(small, "the same with k <= 8", needed: "sat"),
      let model = small.model(), let kv = model.int(k), let fv = model.int(f),
      let rv = model.int(r),
      fv < kv * kv
    else {
      return Outcome(
        .unknown, "the relaxed negation is satisfiable but has no small instance to re-check",
        queries: log.queries)
    }
    let quorums = Sweeps.gridQuorums(k: kv, rows: rv)
    let b = try FailProneSystem.threshold(n: kv * kv, f: fv)
    let result = try PropertyChecker.check(cls, quorums: quorums, failProne: b)
    guard let (p, violation) = result.first(where: { $0.1 != nil }), let violation else {
      return Outcome(
        .unknown,
        "the relaxed negation is satisfiable at k = \(kv), f = \(fv), but the concrete grid is \(article(cls)) system",
        queries: log.queries)
    }
    var details = ["\(p.rawValue): \(violation.detail)"]
    if let q1 = violation.q1 { details.append("Q1 = \(q1)") }
    if let q2 = violation.q2 { details.append("Q2 = \(q2)") }
    if let b1 = violation.b1 { details.append("B1 = \(b1)") }
    if let b2 = violation.b2 { details.append("B2 = \(b2)") }
    details.append("(cells numbered row * k + column; re-checked by enumeration)")
    return Outcome(
      .refuted,
      "refuted at k = \(kv) (n = \(kv * kv)), f = \(fv): a column and \(rv) row\(rv == 1 ? "" : "s") are not \(article(cls)) system",
      details: details, queries: log.queries)
  }
}
