import QuorumKit
import Z3Kit

/// The grid construction of Examples 4.8 and 5.8 (a k × k grid; a quorum is one column and
/// `rows` full rows) checked against all f-subsets by Z3, without listing a quorum: for grids
/// of more than 64 servers, where the enumerator cannot list sets.
///
/// Each property's violation is one query over Boolean cells: the two quorums' row sets
/// (exactly `rows` each) and columns (exactly one each), the fail-prone sets (exactly f cells
/// each), and the definition of the property instantiated cell by cell (cardinalities as
/// pseudo-Boolean constraints). UNSAT means the property holds for every pair of quorums and
/// every fail-prone set; SAT gives concrete sets, which are re-checked against the definition
/// in Swift before they are reported. Availability (M2, D2, O3): some f cells meet every
/// quorum iff they leave no column free or fewer than `rows` rows free.
public enum GridSMTCheck {
  /// One property's answer.
  public enum Answer: Sendable {
    /// UNSAT: the property holds.
    case holds
    /// A re-checked violation, described in words (the sets name servers as row-major numbers).
    case violated(String)
    /// The solver did not decide, or its model failed the re-check.
    case unknown(String)
  }

  /// Checks property `p` of the `k × k` grid with `rows` rows against all f-subsets.
  public static func check(
    _ p: QuorumProperty, k: Int, rows: Int, f: Int, options: EngineOptions
  ) -> Answer {
    let z = Z3Context()
    let s = Z3Solver(z)
    let cells = 0..<(k * k)
    func cellVars(_ name: String) -> [Term] { cells.map { z.bool("\(name)_\($0)") } }
    let b1 = cellVars("B1")
    let b2 = cellVars("B2")
    s.assert(z.exactly(b1, f))
    if p == .m1 { s.assert(z.exactly(b2, f)) }
    if p.isAvailability {
      let rowFree = (0..<k).map { i in z.not(z.or((0..<k).map { b1[i * k + $0] })) }
      let colFree = (0..<k).map { j in z.not(z.or((0..<k).map { b1[$0 * k + j] })) }
      s.assert(z.or([z.not(z.or(colFree)), z.atMost(rowFree, rows - 1)]))
    } else {
      let r1 = (0..<k).map { z.bool("R1_\($0)") }
      let r2 = (0..<k).map { z.bool("R2_\($0)") }
      let c1 = (0..<k).map { z.bool("C1_\($0)") }
      let c2 = (0..<k).map { z.bool("C2_\($0)") }
      s.assert(z.exactly(r1, rows))
      s.assert(z.exactly(r2, rows))
      s.assert(z.exactly(c1, 1))
      s.assert(z.exactly(c2, 1))
      // Symmetry: permuting rows and permuting columns maps quorums to quorums and f-subsets
      // to f-subsets, so Q1 may be column 0 with rows 0..rows-1, and then Q2 (under the
      // permutations that fix Q1) column 0 or 1 with a prefix of Q1's rows and a prefix of the
      // others.
      for i in 0..<k { s.assert(i < rows ? r1[i] : z.not(r1[i])) }
      for j in 0..<k { s.assert(j == 0 ? c1[j] : z.not(c1[j])) }
      for j in 2..<max(k, 2) { s.assert(z.not(c2[j])) }
      for i in 0..<(k - 1) where (i + 1 < rows) || (i >= rows) {
        s.assert(z.implies(r2[i + 1], r2[i]))
      }
      let in1 = cells.map { z.or([r1[$0 / k], c1[$0 % k]]) }
      let in2 = cells.map { z.or([r2[$0 / k], c2[$0 % k]]) }
      switch p {
      case .m1:  // (Q1 ∩ Q2) \ B1 ⊆ B2
        for c in cells { s.assert(z.implies(z.and([in1[c], in2[c], z.not(b1[c])]), b2[c])) }
      case .d1:  // Q1 ∩ Q2 ⊆ B
        for c in cells { s.assert(z.implies(z.and([in1[c], in2[c]]), b1[c])) }
      case .o1, .o2:
        let kept = cells.map { z.and([in1[$0], in2[$0], z.not(b1[$0])]) }
        let against =
          p == .o1
          ? cells.map { z.and([in2[$0], z.or([b1[$0], z.not(in1[$0])])]) }
          : cells.map { z.and([in2[$0], b1[$0]]) }
        // O1 fails: |kept| < |against|; O2 fails: |kept| <= |against|.
        let coefficients =
          Array(repeating: 1, count: kept.count) + Array(repeating: -1, count: against.count)
        s.assert(z.pbLE(kept + against, coefficients, p == .o1 ? -1 : 0))
      default: break
      }
      let (result, _) = s.run(
        "\(p.rawValue) fails for the \(k) × \(k) grid with \(rows) rows", expected: "unsat",
        options: options, variables: 4 * k + 2 * k * k)
      switch result {
      case .unsat: return .holds
      case .unknown(let why): return .unknown("solver: \(why)")
      case .sat:
        guard let m = s.model() else { return .unknown("no model") }
        let pick = { (v: [Term]) in v.indices.filter { m.bool(v[$0]) == true } }
        let q1 = Set(cells.filter { pick(r1).contains($0 / k) || pick(c1).contains($0 % k) })
        let q2 = Set(cells.filter { pick(r2).contains($0 / k) || pick(c2).contains($0 % k) })
        let bs1 = Set(pick(b1))
        let bs2 = Set(pick(b2))
        // Re-check the definition on the concrete sets.
        let inter = q1.intersection(q2)
        let kept = inter.subtracting(bs1)
        let ok: Bool
        switch p {
        case .m1: ok = kept.isSubset(of: bs2) && bs2.count == f
        case .d1: ok = inter.isSubset(of: bs1)
        case .o1: ok = kept.count < q2.intersection(bs1).union(q2.subtracting(q1)).count
        default: ok = kept.count <= q2.intersection(bs1).count
        }
        guard ok, bs1.count == f, pick(r1).count == rows, pick(c1).count == 1 else {
          return .unknown("the solver's counterexample failed the re-check")
        }
        func text(_ x: Set<Int>) -> String {
          "{" + x.sorted().map(String.init).joined(separator: ", ") + "}"
        }
        var parts = [
          "Q1 = column \(pick(c1)[0]) + rows \(pick(r1)), Q2 = column \(pick(c2)[0]) + rows \(pick(r2))",
          "B\(p == .m1 ? "1" : "") = \(text(bs1))",
        ]
        if p == .m1 { parts.append("B2 = \(text(bs2))") }
        parts.append(
          "|Q1 ∩ Q2| = \(inter.count), |(Q1 ∩ Q2) \\ B\(p == .m1 ? "1" : "")| = \(kept.count)")
        return .violated(parts.joined(separator: "; "))
      }
    }
    let (result, _) = s.run(
      "\(p.rawValue) fails for the \(k) × \(k) grid with \(rows) rows", expected: "unsat",
      options: options, variables: k * k)
    switch result {
    case .unsat: return .holds
    case .unknown(let why): return .unknown("solver: \(why)")
    case .sat:
      guard let m = s.model() else { return .unknown("no model") }
      let b = Set(cells.filter { m.bool(b1[$0]) == true })
      let freeRows = (0..<k).filter { i in (0..<k).allSatisfy { !b.contains(i * k + $0) } }
      let freeCols = (0..<k).filter { j in (0..<k).allSatisfy { !b.contains($0 * k + j) } }
      guard b.count == f, freeCols.isEmpty || freeRows.count < rows else {
        return .unknown("the solver's counterexample failed the re-check")
      }
      return .violated(
        "B = {" + b.sorted().map(String.init).joined(separator: ", ")
          + "} leaves \(freeCols.count) columns and \(freeRows.count) rows free: every quorum meets it"
      )
    }
  }
}
