import Foundation
import QuorumKit
import QuorumLoad
import QuorumSMT
import QuorumSpec

/// Exhaustive sweeps over every instance up to a bound (the obligation's `sweep:` key).
///
/// - `threshold-existence` — for every class in `classes` (default all three), every
///   `1 <= n <= n-max` and `0 <= f <= min(f-max, n - 1)`: `ExistenceDecider` (the `engines`
///   given, default every one that applies) must answer what the paper's bound says
///   (Cor 4.4, Cor 5.5, Thm 5.13). `holds` if it does everywhere.
/// - `general-existence` — every fail-prone system (every non-empty antichain of subsets) over
///   `1 <= n <= n-max` servers: for masking and dissemination, the family reduction run by the
///   solver alone (no complements shortcut), Theorem 4.3 / 5.4 (the complements are an X-system,
///   checked by the enumerator) and Corollary 4.4 / 5.5 (no 4 / 3 members cover U) must all
///   agree; for opaque, the solver's family reduction and an independent brute force over
///   families must agree.
/// - `load-bounds` — `systems` random quorum systems (seeded) over `3 <= n <= n-max` servers,
///   each with a random fail-prone system over the servers: the certified exact load is at
///   least Theorem 4.5's max(1/c(Q), c(Q)/n), and at least 1/2 whenever the system is opaque
///   for its fail-prone system (Theorem 5.15), which some of them are by construction (the
///   generator mixes in threshold quorum systems that Example 5.12 makes opaque).
/// - `partition-construction` — Examples 4.9, 5.9, 5.14: for every number of blocks `m` from
///   `m-min` to `m-max`, a partition into blocks of 1 to 3 servers (sizes cycling with the block
///   index) with one super-element per block (equal sizes `c` for opaque), and quorums the
///   unions of the paper's number of super-elements (ceil((m+3)/2), ceil((m+2)/2), ceil((2m+2)/3)):
///   the enumerator must find the class's properties hold. With `expect-from` the sweep also
///   checks that one super-element fewer breaks the class.
/// - `grid-construction` — the grids of Examples 4.8 / 5.8 (a column and `r` full rows of a
///   k x k grid; `rows: [a, b]` means r = a f + b, default 2f+1 masking, f+1 dissemination)
///   checked by the pure-Swift enumerator against all f-subsets, for every
///   `f-min <= f <= f-max` and every k from `k-min: [c, d]` (c f + d; default 3f+1 resp.
///   2f+1) to `k-max` (k*k <= 64).
public enum Sweeps {
  /// The sweeps this module knows.
  public static let kinds = [
    "threshold-existence", "grid-construction", "general-existence", "load-bounds",
    "partition-construction",
  ]

  /// Runs a sweep obligation.
  public static func run(_ o: Obligation, options: EngineOptions) throws -> Outcome {
    switch o.kind ?? "" {
    case "threshold-existence": return try thresholdExistence(o, options)
    case "grid-construction": return try grid(o, options)
    case "general-existence": return try generalExistence(o, options)
    case "load-bounds": return try loadBounds(o, options)
    case "partition-construction": return try partition(o, options)
    default:
      throw o.error(
        "unknown sweep '\(o.kind ?? "")' (expected one of: \(kinds.joined(separator: ", ")))")
    }
  }

  static func engines(_ o: Obligation) throws -> [ExistenceEngine]? {
    try o.list("engines")?.map { name in
      guard let e = ExistenceEngine(rawValue: name) else {
        throw o.error(
          "unknown engine '\(name)' (expected arithmetic, family or criterion)",
          line: o.parameters["engines"]?.line)
      }
      return e
    }
  }

  static func thresholdExistence(_ o: Obligation, _ options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["classes", "n-max", "f-max", "engines"])
    let classes = try (o.list("classes") ?? QuorumClass.allCases.map(\.rawValue)).map { name in
      guard let c = QuorumClass(rawValue: name) else {
        throw o.error("unknown class '\(name)'", line: o.parameters["classes"]?.line)
      }
      return c
    }
    let nMax = try o.int("n-max")
    let fMax = try o.int("f-max")
    guard (1...64).contains(nMax), fMax >= 0 else {
      throw o.error("'n-max' must be 1...64 and 'f-max' at least 0")
    }
    let chosen = try engines(o)
    var count = 0
    var counts: [String: Int] = [:]
    for cls in classes {
      for n in 1...nMax {
        for f in 0...min(fMax, n - 1) {
          if options.expired {
            return Outcome(
              .unknown,
              "budget exhausted after \(count) instances (at \(cls.rawValue) n = \(n), f = \(f))")
          }
          let b = try FailProneSystem.threshold(n: n, f: f)
          let out = try ExistenceDecider.decide(
            cls, failProne: b, engines: chosen, options: options)
          let expected: ExistenceVerdict =
            ThresholdArithmetic.paperBound(cls, n: n, f: f).holds ? .exists : .none
          if out.verdict == .unknown {
            let why =
              out.disagreement
              ?? out.reports.map { "\($0.engine): \($0.reason)" }.joined(separator: "; ")
            return Outcome(.unknown, "\(cls.rawValue) n = \(n), f = \(f): unknown (\(why))")
          }
          if out.verdict != expected {
            return Outcome(
              .violated,
              "\(cls.rawValue) n = \(n), f = \(f): the engines say \(out.verdict.rawValue), the paper's bound says \(expected.rawValue)",
              details: out.reports.map { "\($0.engine): \($0.verdict.rawValue) — \($0.reason)" })
          }
          count += 1
          counts[out.verdict.rawValue, default: 0] += 1
        }
      }
    }
    let engineText = chosen.map { $0.map(\.rawValue).joined(separator: ", ") } ?? "default engines"
    return Outcome(
      .holds,
      "\(count) instances (\(classes.map(\.rawValue).joined(separator: ", ")); n <= \(nMax), f <= \(fMax)) agree with the paper's bounds (\(engineText))",
      details: counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })
  }

  /// Every non-empty antichain of subsets of `{0, ..., n-1}` (every fail-prone system over n
  /// servers), in a fixed order.
  public static func antichains(n: Int) -> [[ServerSet]] {
    let subsets = (0..<(1 << n)).map { ServerSet(bits: UInt64($0)) }
    var out: [[ServerSet]] = []
    var chosen: [ServerSet] = []
    func extend(from start: Int) {
      if !chosen.isEmpty { out.append(chosen) }
      for i in start..<subsets.count {
        let s = subsets[i]
        if chosen.allSatisfy({ !$0.isSubset(of: s) && !s.isSubset(of: $0) }) {
          chosen.append(s)
          extend(from: i + 1)
          chosen.removeLast()
        }
      }
    }
    extend(from: 0)
    return out
  }

  static func generalExistence(_ o: Obligation, _ options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["classes", "n-max"])
    let classes = try (o.list("classes") ?? QuorumClass.allCases.map(\.rawValue)).map { name in
      guard let c = QuorumClass(rawValue: name) else {
        throw o.error("unknown class '\(name)'", line: o.parameters["classes"]?.line)
      }
      return c
    }
    let nMax = try o.int("n-max")
    guard (1...5).contains(nMax) else { throw o.error("'n-max' must be 1...5") }
    var count = 0
    var verdicts: [String: Int] = [:]
    for n in 1...nMax {
      let universe = Universe(count: n)
      for sets in antichains(n: n) {
        let b = try FailProneSystem.explicit(universe: universe, sets: sets)
        for cls in classes {
          if options.expired {
            return Outcome(.unknown, "budget exhausted after \(count) questions (at n = \(n))")
          }
          let family = try FamilyEngine.decide(
            cls, failProne: b, options: options, tryComplements: false)
          guard family.verdict != .unknown else {
            return Outcome(.unknown, "\(cls.rawValue) for \(sets): \(family.reason)")
          }
          var others: [(String, Bool)] = []
          if let k = CriterionEngine.coverCount(cls) {
            let complements = Array(Set(sets.map { $0.complement(in: n) })).sorted()
            let theorem = try PropertyChecker.check(cls, quorums: complements, failProne: b)
              .allSatisfy { $0.1 == nil }
            let cover = try CoverCriterion.cover(of: b, count: k) != nil
            others.append((k == 4 ? "Theorem 4.3" : "Theorem 5.4", theorem))
            others.append((k == 4 ? "Corollary 4.4" : "Corollary 5.5", !cover))
          } else {
            others.append(
              ("brute force", try BruteForceExistence.witness(cls, failProne: b) != nil))
          }
          let exists = family.verdict == .exists
          if let (name, _) = others.first(where: { $0.1 != exists }) {
            return Outcome(
              .violated,
              "\(cls.rawValue) for B = \(sets): the family reduction says \(family.verdict.rawValue), \(name) says otherwise"
            )
          }
          count += 1
          verdicts["\(cls.rawValue) \(family.verdict.rawValue)", default: 0] += 1
        }
      }
    }
    return Outcome(
      .holds,
      "\(count) questions (every fail-prone system over at most \(nMax) servers, \(classes.map(\.rawValue).joined(separator: ", "))): the solver's family reduction agrees with \(classes.contains(.opaque) ? "the brute force and " : "")the paper's criteria",
      details: verdicts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })
  }

  static func loadBounds(_ o: Obligation, _ options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["n-max", "systems", "seed"])
    let nMax = try o.int("n-max")
    let systems = try o.int("systems")
    guard (3...12).contains(nMax), systems >= 1 else {
      throw o.error("'n-max' must be 3...12 and 'systems' at least 1")
    }
    var rng = SplitMix64(seed: UInt64(try o.int("seed", default: 1997)))
    var opaque = 0
    for index in 0..<systems {
      if options.expired {
        return Outcome(.unknown, "budget exhausted after \(index) systems")
      }
      let n = Int.random(in: 3...nMax, using: &rng)
      let quorums: [ServerSet]
      let b: FailProneSystem
      if index % 3 == 0 {
        // Example 5.12's threshold construction with f = n / 5: opaque, so Theorem 5.15 bites.
        let f = n / 5
        b = try FailProneSystem.threshold(n: n, f: f)
        quorums = Array(
          KSubsets(n: n, k: QuorumSystem.paperThresholdQuorumSize(.opaque, n: n, f: f)))
      } else {
        var qs = Set<ServerSet>()
        for _ in 0..<Int.random(in: 1...12, using: &rng) {
          var q = ServerSet()
          for s in 0..<n where Bool.random(using: &rng) { q.insert(s) }
          if !q.isEmpty { qs.insert(q) }
        }
        quorums = qs.isEmpty ? [ServerSet.universe(n)] : Array(qs)
        b = RandomFailProne.explicit(n: n, using: &rng)
      }
      let result = try LoadSolver.load(quorums: quorums, n: n)
      guard result.verified else { return Outcome(.unknown, "system \(index): not certified") }
      if result.value < result.bound.value {
        return Outcome(
          .violated,
          "system \(index) (\(quorums)): load \(result.value) below Theorem 4.5's bound \(result.bound.value)"
        )
      }
      let isOpaque = try PropertyChecker.check(.opaque, quorums: quorums, failProne: b)
        .allSatisfy { $0.1 == nil }
      if isOpaque {
        opaque += 1
        if result.value < Rational(1, 2) {
          return Outcome(
            .violated,
            "system \(index) (\(quorums)) is opaque for \(b.kind) with load \(result.value) < 1/2")
        }
      }
    }
    return Outcome(
      .holds,
      "\(systems) random systems over at most \(nMax) servers: every certified load respects Theorem 4.5; the \(opaque) opaque ones have load >= 1/2 (Theorem 5.15)"
    )
  }

  static func partition(_ o: Obligation, _ options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["class", "m-min", "m-max", "super-element-size"])
    let cls = try o.quorumClass()
    let mMin = try o.int("m-min")
    let mMax = try o.int("m-max")
    let c = try o.int("super-element-size", default: 1)
    guard mMin >= 1, mMax >= mMin, (1...3).contains(c), mMax * 3 <= ServerSet.capacity else {
      throw o.error("need 1 <= m-min <= m-max, 3·m-max <= 64 and 1 <= super-element-size <= 3")
    }
    var checked = 0
    for m in mMin...mMax {
      if options.expired { return Outcome(.unknown, "budget exhausted at m = \(m)") }
      // Block i has max(c, 1 + i % 3) servers; its first c servers are its super-element.
      var blocks: [ServerSet] = []
      var elements: [ServerSet] = []
      var next = 0
      for i in 0..<m {
        let size = max(c, 1 + i % 3)
        blocks.append(ServerSet.range(next..<(next + size)))
        elements.append(ServerSet.range(next..<(next + c)))
        next += size
      }
      let universe = Universe(count: next)
      let b = try FailProneSystem.partition(universe: universe, blocks: blocks)
      let q = QuorumSystem.paperSuperElementSize(cls, m: m)
      guard q <= m - 1 else { continue }  // outside the example's range (m too small)
      let system = try QuorumSystem.superElements(
        universe: universe, elements: elements, quorumSize: q)
      guard let quorums = system.quorums else {
        return Outcome(.unknown, "m = \(m): the system is too large to list")
      }
      let results = try PropertyChecker.check(cls, quorums: quorums, failProne: b)
      if let (p, v) = results.first(where: { $0.1 != nil }), let v {
        return Outcome(
          .violated, "m = \(m), unions of \(q) super-elements: \(p.rawValue) fails — \(v.detail)")
      }
      checked += 1
    }
    if checked == 0 { return Outcome(.vacuous, "no m in range admits the construction") }
    return Outcome(
      .holds,
      "\(checked) partitions (m = \(mMin)...\(mMax), super-elements of \(c)): the paper's super-element construction is a \(cls.rawValue) system for each (enumerated)"
    )
  }

  /// The quorums of the grid construction: column j plus the rows in I, |I| = r.
  public static func gridQuorums(k: Int, rows r: Int) -> [ServerSet] {
    var out: [ServerSet] = []
    guard r >= 0 && r <= k else { return out }
    for j in 0..<k {
      let column = ServerSet((0..<k).map { $0 * k + j })
      for rows in KSubsets(n: k, k: r) {
        var q = column
        for i in rows { q = q.union(ServerSet.range((i * k)..<(i * k + k))) }
        out.append(q)
      }
    }
    return out
  }

  static func grid(_ o: Obligation, _ options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["class", "rows", "k-min", "k-max", "f-min", "f-max"])
    let cls = try o.quorumClass()
    guard cls != .opaque else {
      throw o.error("the grid constructions are masking (Ex 4.8) or dissemination (Ex 5.8)")
    }
    let rows = try ParametricProofs.linear(o, "rows", default: cls == .masking ? (2, 1) : (1, 1))
    let kLow = try ParametricProofs.linear(o, "k-min", default: cls == .masking ? (3, 1) : (2, 1))
    let kMax = try o.int("k-max")
    let fMin = try o.int("f-min", default: 0)
    let fMax = try o.int("f-max")
    guard (1...8).contains(kMax) else { throw o.error("'k-max' must be 1...8 (k*k <= 64)") }
    var checked = 0
    for f in fMin...max(fMin, fMax) {
      let kMin = kLow.0 * f + kLow.1
      guard kMin <= kMax else { continue }
      for k in max(1, kMin)...kMax where f < k * k {
        if options.expired {
          return Outcome(
            .unknown, "budget exhausted after \(checked) grids (at k = \(k), f = \(f))")
        }
        let r = rows.0 * f + rows.1
        let quorums = gridQuorums(k: k, rows: r)
        let b = try FailProneSystem.threshold(n: k * k, f: f)
        let result = try PropertyChecker.check(cls, quorums: quorums, failProne: b)
        if let (p, v) = result.first(where: { $0.1 != nil }), let v {
          var parts: [String] = []
          if let q1 = v.q1 { parts.append("Q1 = \(q1)") }
          if let q2 = v.q2 { parts.append("Q2 = \(q2)") }
          if let b1 = v.b1 { parts.append("B1 = \(b1)") }
          if let b2 = v.b2 { parts.append("B2 = \(b2)") }
          return Outcome(
            .violated,
            "k = \(k) (n = \(k * k)), f = \(f), column + \(r) rows: \(p.rawValue) fails — \(v.detail)",
            details: parts)
        }
        checked += 1
      }
    }
    if checked == 0 { return Outcome(.vacuous, "no grid instance in range") }
    return Outcome(
      .holds,
      "\(checked) grids (f \(fMin)...\(fMax), k up to \(kMax)) are \(cls.rawValue) systems (enumerated, every Q1, Q2, B)"
    )
  }
}

/// The `existence` method: one question to `ExistenceDecider`.
///
/// Parameters: `class`; either `n` and `f` (threshold) or `spec` (a spec file, relative to the
/// obligation's directory); optional `engines`. Verdict `exists` / `none` / `unknown`.
public enum ExistenceObligation {
  /// Runs an existence obligation.
  public static func run(_ o: Obligation, options: EngineOptions) throws -> Outcome {
    try o.requireOnly(["class", "n", "f", "spec", "engines"])
    let cls = try o.quorumClass()
    let b: FailProneSystem
    let what: String
    if o.parameters["spec"] != nil {
      let rel = try o.string("spec")
      let dir = (o.path as NSString).deletingLastPathComponent
      let path = rel.hasPrefix("/") ? rel : (dir as NSString).appendingPathComponent(rel)
      let spec = try Spec.load(path: path)
      guard let fp = spec.failProne else {
        throw o.error("the spec \(rel) has no fail-prone system", line: o.parameters["spec"]?.line)
      }
      b = fp
      what = rel
    } else {
      let n = try o.int("n")
      let f = try o.int("f")
      do { b = try FailProneSystem.threshold(n: n, f: f) } catch let e as InputError {
        throw o.error(e.message, line: o.parameters["n"]?.line)
      }
      what = "all \(f)-subsets of \(n) servers"
    }
    let out = try ExistenceDecider.decide(
      cls, failProne: b, engines: try Sweeps.engines(o), options: options)
    let details = out.reports.map { "\($0.engine): \($0.verdict.rawValue) — \($0.reason)" }
    let queries = out.reports.flatMap(\.queries).map {
      ProofQuery(
        title: $0.title, needed: $0.expected ?? "", answer: $0.answer, seconds: $0.seconds,
        smtlib2: $0.smtlib2 ?? "")
    }
    switch out.verdict {
    case .exists:
      return Outcome(
        .exists, "a \(cls.rawValue) system exists for \(what)", details: details, queries: queries)
    case .none:
      return Outcome(
        .none, "no \(cls.rawValue) system exists for \(what)", details: details, queries: queries)
    case .unknown:
      return Outcome(
        .unknown, out.disagreement ?? "undecided for \(what)", details: details, queries: queries)
    }
  }
}
