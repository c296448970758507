import QuorumKit

/// The load the paper states for one of its constructions, to print beside the computed one.
///
/// The statement is reproduced as written in the paper, even where it disagrees with the
/// computed (and certified) load; the tool never adjusts its answer to it.
public struct PaperLoadClaim: Sendable {
  /// Where the paper says it, e.g. "Example 4.8".
  public let source: String
  /// The formula as the paper writes it.
  public let formula: String
  /// The formula's value for this system, when rational.
  public let value: Rational?
  /// The formula's value as a floating-point number (for irrational values).
  public let approximate: Double

  /// Whether the claim equals `load` exactly (false for an irrational claim).
  public func matches(_ load: Rational) -> Bool { value == load }
}

/// The paper's stated loads for its named constructions (Examples 4.7-4.9, 5.7-5.9, 5.12,
/// 5.14, 5.16).
public enum PaperLoads {
  /// The paper's statement for `system`'s construction, or nil for an explicit system.
  public static func claim(for system: QuorumSystem) -> PaperLoadClaim? {
    switch system.construction {
    case .threshold(let n, let q)?:
      guard n >= 1 else { return nil }
      let v = Rational(q, n)
      return PaperLoadClaim(
        source: "Examples 4.7, 5.7, 5.12", formula: "q/n with q = \(q), n = \(n)", value: v,
        approximate: v.doubleValue)
    case .grid(let k, let rows)?:
      guard k >= 1 else { return nil }
      let v = Rational((rows + 1) * k - rows, k * k)
      // Example 4.8 writes ((2f + 2)√n - (2f + 1))/n with rows = 2f + 1, Example 5.8
      // ((f + 2)√n - (f + 1))/n with rows = f + 1: both are ((rows + 1)√n - rows)/n.
      return PaperLoadClaim(
        source: "Examples 4.8, 5.8",
        formula: "((rows + 1)√n - rows)/n with rows = \(rows), n = \(k * k)", value: v,
        approximate: v.doubleValue)
    case .superElements(let elements, let q)?:
      let m = elements.count
      guard m >= 1 else { return nil }
      let v = Rational(q, m)
      return PaperLoadClaim(
        source: "Examples 4.9, 5.9, 5.14", formula: "q/m with q = \(q) of m = \(m) super-elements",
        value: v, approximate: v.doubleValue)
    case .superElementGrid(let elements, let rows)?:
      let m = elements.count
      var k = 0
      while (k + 1) * (k + 1) <= m { k += 1 }
      guard k >= 1 && k * k == m else { return nil }
      if rows == 3 {
        // Example 4.9 as written: (1 + √(m - 3))/m.
        var r = 0
        while (r + 1) * (r + 1) <= m - 3 { r += 1 }
        let exact = r * r == m - 3 ? Rational(1 + r, m) : nil
        return PaperLoadClaim(
          source: "Example 4.9 (grid on super-elements)", formula: "(1 + √(m - 3))/m with m = \(m)",
          value: exact, approximate: (1 + Double(m - 3).squareRoot()) / Double(m))
      }
      if rows == 2 {
        let v = Rational(3 * k - 2, m)
        return PaperLoadClaim(
          source: "Example 5.9 (grid on super-elements)", formula: "(3√m - 2)/m with m = \(m)",
          value: v, approximate: v.doubleValue)
      }
      return nil
    case .hadamard(let l)?:
      let n = 1 << l
      guard n >= 2 else { return nil }
      let v = Rational(3, n - 1)
      return PaperLoadClaim(
        source: "Example 5.16", formula: "3/(n - 1) with n = \(n)", value: v,
        approximate: v.doubleValue)
    default:
      return nil
    }
  }
}
