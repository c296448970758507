/// A non-negative rational number p/q in lowest terms, for loads such as 8/10 = 4/5.
public struct Fraction: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// Numerator (in lowest terms).
  public let numerator: Int
  /// Denominator (positive, in lowest terms).
  public let denominator: Int

  /// The fraction `numerator / denominator`, reduced; `denominator` must be positive.
  public init(_ numerator: Int, _ denominator: Int) {
    precondition(denominator > 0, "denominator must be positive")
    let g = Fraction.gcd(abs(numerator), denominator)
    self.numerator = numerator / max(g, 1)
    self.denominator = denominator / max(g, 1)
  }

  static func gcd(_ a: Int, _ b: Int) -> Int {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return a
  }

  /// The value as a floating-point number (for display only).
  public var doubleValue: Double { Double(numerator) / Double(denominator) }

  public static func < (a: Fraction, b: Fraction) -> Bool {
    a.numerator.multipliedFullWidth(by: b.denominator)
      < b.numerator.multipliedFullWidth(by: a.denominator)
  }

  /// `p/q`, or `p` when the denominator is 1.
  public var description: String {
    denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)"
  }
}
