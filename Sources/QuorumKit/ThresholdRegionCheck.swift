/// Checks a threshold construction (every q-subset of n servers) against all f-subsets on
/// region sizes, without listing a set and without a solver.
///
/// Two q-sets Q1, Q2 meet in I servers, for every I from max(0, 2q - n) to q, and Q2 \ Q1 has
/// q - I. For each I the adversary's worst placement of its f servers is taken (Definition 4.1,
/// 5.1, 5.10): for M1 two f-sets cover I iff I <= 2f; for D1 one covers it iff I <= f; for O1 and
/// O2 the adversary puts a = min(f, I) servers into Q1 ∩ Q2, each costing the left side one and
/// adding one to the right side, and (for O2) the rest into Q2 \ Q1. Availability holds iff
/// q <= n - f. The sweep is linear in n, so it re-checks constructions for n = 10^6 in
/// milliseconds; tests compare it with full enumeration on small instances.
public enum ThresholdRegionCheck {
  /// A description of the first violation, or nil if the construction is an X-system.
  public static func violation(_ cls: QuorumClass, n: Int, f: Int, quorumSize q: Int) -> String? {
    guard q >= 0 && q <= n else { return "no \(q)-subset of \(n) servers exists" }
    for p in cls.properties {
      if p.isAvailability {
        if q > n - f {
          return "\(p.rawValue): an \(f)-set leaves n - f = \(n - f) < q = \(q) servers"
        }
        continue
      }
      for i in max(0, 2 * q - n)...q {
        let d = q - i
        let a = min(f, i)
        switch p {
        case .m1 where i <= 2 * f:
          return
            "M1: two quorums meeting in \(i) <= 2f = \(2 * f) servers, covered by two fail-prone sets"
        case .d1 where i <= f:
          return "D1: two quorums meeting in \(i) <= f = \(f) servers, inside one fail-prone set"
        case .o1 where i - a < a + d:
          return
            "O1: |Q1 ∩ Q2| = \(i), |Q2 \\ Q1| = \(d): |(Q1 ∩ Q2) \\ B| = \(i - a) < |(Q2 ∩ B) ∪ (Q2 \\ Q1)| = \(a + d)"
        case .o2 where i - a <= a + min(d, f - a):
          return
            "O2: |Q1 ∩ Q2| = \(i): |(Q1 ∩ Q2) \\ B| = \(i - a) <= |Q2 ∩ B| = \(a + min(d, f - a))"
        default: continue
        }
      }
    }
    return nil
  }
}
