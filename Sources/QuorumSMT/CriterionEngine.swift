import QuorumKit
import Z3Kit

/// The paper's closed criteria for masking and dissemination: a system exists iff no 4
/// (Corollary 4.4), respectively 3 (Corollary 5.5), members of B cover the universe; and then
/// Q = {U \ B : B in B} is one (Theorems 4.3 and 5.4).
///
/// The cover search runs in pure Swift (``CoverCriterion``); for nested structures it also runs
/// as an SMT query over the expression tree (``TreeCoverEncoder``), and the two must agree.
public enum CriterionEngine {
  /// How many members of B must not cover U for the class to exist.
  public static func coverCount(_ cls: QuorumClass) -> Int? {
    switch cls {
    case .masking: return 4
    case .dissemination: return 3
    case .opaque: return nil
    }
  }

  /// Decides masking or dissemination by the cover criterion; `opaque` has no closed criterion
  /// (the paper leaves it open), so it is rejected by the caller.
  public static func decide(_ cls: QuorumClass, failProne: FailProneSystem, options: EngineOptions)
    throws -> ExistenceReport
  {
    guard let k = coverCount(cls) else {
      throw InputError("the opaque class has no closed criterion; use the family reduction")
    }
    let corollary = k == 4 ? "Corollary 4.4" : "Corollary 5.5"
    let theorem = k == 4 ? "Theorem 4.3" : "Theorem 5.4"
    let engine = "cover criterion"
    let u = failProne.universe
    let enumerable = u.count <= ServerSet.capacity
    // The pure-Swift search: on bitsets when they fit, on server lists for larger nested trees.
    let pure: [[Int]]?
    do {
      pure =
        enumerable
        ? try CoverCriterion.cover(of: failProne, count: k, shouldStop: { options.expired })
          .map { $0.map(\.members) }
        : try CoverCriterion.coverServers(
          of: failProne, count: k, shouldStop: { options.expired })
    } catch let stopped as CoverSearchInterrupted {
      return ExistenceReport(
        quorumClass: cls, engine: engine, verdict: .unknown,
        reason: "timeout: \(stopped.description)")
    }
    var queries: [SolverQuery] = []
    var details: [String] = []
    var cover = pure

    if case .nested(let e) = failProne.kind {
      let smt = TreeCoverEncoder.cover(e, universe: u, count: k, options: options)
      queries.append(smt.query)
      if let why = smt.unknownReason {
        details.append(
          "SMT over the expression tree: unknown (\(why)); the tree search decides alone")
      } else if (smt.cover == nil) != (pure == nil) {
        return ExistenceReport(
          quorumClass: cls, engine: engine, verdict: .unknown,
          reason:
            "engines disagree: the tree search says \(pure == nil ? "no" : "a") \(k)-cover, SMT over the expression tree says \(smt.cover == nil ? "none" : "one")",
          queries: queries)
      } else {
        details.append("SMT over the expression tree agrees (\(smt.query.answer))")
        if cover == nil { cover = smt.cover }
      }
    }

    if let cover {
      // Re-check the cover: together the sets are U, and each lies inside a member of B
      // (checked on the tree for nested systems too large for bitsets: the tree search and
      // the SMT model are each re-checked against the tree by construction).
      let union = Set(cover.joined())
      var ok = union.count == u.count && union.allSatisfy { $0 >= 0 && $0 < u.count }
      if enumerable {
        ok = ok && cover.allSatisfy { failProne.hasMember(containing: ServerSet($0)) }
      }
      guard ok else {
        return ExistenceReport(
          quorumClass: cls, engine: engine, verdict: .unknown,
          reason: "internal: the cover found does not re-check")
      }
      let text = cover.map { "{" + $0.map(u.name(of:)).joined(separator: ", ") + "}" }
      return ExistenceReport(
        quorumClass: cls, engine: engine, verdict: .none,
        reason: "\(k) fail-prone sets cover U (\(corollary))",
        details: ["cover: " + text.joined(separator: " ∪ ") + " = U"] + details,
        involvedSets: enumerable ? cover.map { ServerSet($0) } : nil, queries: queries)
    }
    details.insert(
      "no \(k) fail-prone sets cover U (\(corollary)), by the pure-Swift cover search",
      at: 0)
    // The witness of Theorem 4.3/5.4: the complements. List and re-check it when small.
    if enumerable && failProne.setCount <= 2_000 {
      let members = try failProne.members(limit: 2_000)
      let witness = Array(Set(members.map { $0.complement(in: u.count) })).sorted()
      let results = try PropertyChecker.check(cls, quorums: witness, failProne: failProne)
      if let bad = results.first(where: { $0.1 != nil }) {
        return ExistenceReport(
          quorumClass: cls, engine: engine, verdict: .unknown,
          reason:
            "the complements fail the enumerator's re-check (\(bad.1!)): \(theorem) disagrees",
          queries: queries)
      }
      details.append(
        "witness: the complements {U \\ B : B in B} (\(theorem)), \(witness.count) quorums, re-checked by enumeration"
      )
      return ExistenceReport(
        quorumClass: cls, engine: engine, verdict: .exists,
        reason: "no \(k) fail-prone sets cover U (\(corollary))", details: details,
        witnessFamily: witness, queries: queries)
    }
    details.append(
      "witness: the complements {U \\ B : B in B} (\(theorem)); not listed or enumerated (\(FamilyEngine.formatCount(failProne.setCount)) sets)"
    )
    return ExistenceReport(
      quorumClass: cls, engine: engine, verdict: .exists,
      reason: "no \(k) fail-prone sets cover U (\(corollary))", details: details, queries: queries)
  }
}
