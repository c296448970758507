import BigInt

/// An exact rational number `numerator / denominator` in lowest terms, with a positive
/// denominator, on arbitrary-precision integers.
///
/// Loads (Definition 3.1), strategy weights and dual weights are rationals; every certificate
/// the module returns is checked with this type, never with floating point.
public struct Rational: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The numerator, in lowest terms (its sign is the sign of the number).
  public let numerator: BigInt
  /// The denominator, positive and in lowest terms.
  public let denominator: BigInt

  /// Zero.
  public static let zero = Rational(integer: 0)
  /// One.
  public static let one = Rational(integer: 1)

  /// The integer `value`.
  public init(_ value: Int) { self.init(integer: BigInt(value)) }

  /// The integer `value`.
  public init(integer value: BigInt) {
    numerator = value
    denominator = 1
  }

  /// `numerator / denominator`, reduced; `denominator` must not be zero.
  public init(_ numerator: BigInt, _ denominator: BigInt) {
    precondition(!denominator.isZero, "Rational: zero denominator")
    var p = numerator
    var q = denominator
    if q.signum() < 0 {
      p = -p
      q = -q
    }
    let g = p.greatestCommonDivisor(with: q)
    if g != 1 && !g.isZero {
      p /= g
      q /= g
    }
    self.numerator = p
    self.denominator = q
  }

  /// `numerator / denominator` for machine integers.
  public init(_ numerator: Int, _ denominator: Int) {
    self.init(BigInt(numerator), BigInt(denominator))
  }

  /// Already reduced parts (internal fast path).
  init(reduced numerator: BigInt, _ denominator: BigInt) {
    self.numerator = numerator
    self.denominator = denominator
  }

  public var isZero: Bool { numerator.isZero }
  /// -1, 0 or 1.
  public var sign: Int { numerator.signum() < 0 ? -1 : (numerator.isZero ? 0 : 1) }

  /// The value as a `Double` (for display and for warm starts only, never for a decision).
  public var doubleValue: Double {
    // Scale both parts to at most 62 bits so the division is accurate to a few ulps.
    var p = numerator
    var q = denominator
    let excess = max(p.magnitude.bitWidth, q.magnitude.bitWidth) - 62
    if excess > 0 {
      p >>= excess
      q >>= excess
      if q.isZero { return p.signum() < 0 ? -.infinity : .infinity }
    }
    return Double(Int(p)) / Double(Int(q))
  }

  public static func + (a: Rational, b: Rational) -> Rational {
    if a.denominator == b.denominator {
      return Rational(a.numerator + b.numerator, a.denominator)
    }
    return Rational(
      a.numerator * b.denominator + b.numerator * a.denominator,
      a.denominator * b.denominator)
  }
  public static func - (a: Rational, b: Rational) -> Rational {
    if a.denominator == b.denominator {
      return Rational(a.numerator - b.numerator, a.denominator)
    }
    return Rational(
      a.numerator * b.denominator - b.numerator * a.denominator,
      a.denominator * b.denominator)
  }
  public static prefix func - (a: Rational) -> Rational {
    Rational(reduced: -a.numerator, a.denominator)
  }
  public static func * (a: Rational, b: Rational) -> Rational {
    if a.isZero || b.isZero { return .zero }
    return Rational(a.numerator * b.numerator, a.denominator * b.denominator)
  }
  /// `a / b`; `b` must not be zero.
  public static func / (a: Rational, b: Rational) -> Rational {
    precondition(!b.isZero, "Rational: division by zero")
    return Rational(a.numerator * b.denominator, a.denominator * b.numerator)
  }
  public static func += (a: inout Rational, b: Rational) { a = a + b }
  public static func -= (a: inout Rational, b: Rational) { a = a - b }

  public static func < (a: Rational, b: Rational) -> Bool {
    if a.denominator == b.denominator { return a.numerator < b.numerator }
    return a.numerator * b.denominator < b.numerator * a.denominator
  }

  /// `p/q`, or `p` when the denominator is 1.
  public var description: String {
    denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)"
  }

  /// The value with `digits` decimals, for display (`0.8`).
  public func decimal(_ digits: Int = 6) -> String {
    var s = String(format: digits, doubleValue)
    // Trim trailing zeros ("0.800000" -> "0.8").
    if s.contains(".") {
      while s.hasSuffix("0") { s.removeLast() }
      if s.hasSuffix(".") { s.removeLast() }
    }
    return s
  }
}

extension String {
  /// `value` with `digits` decimals, without Foundation.
  fileprivate init(format digits: Int, _ value: Double) {
    guard value.isFinite else {
      self = "\(value)"
      return
    }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    var frac = Int(scaled - Double(whole) * scale)
    var fracDigits = ""
    for _ in 0..<digits {
      fracDigits = String(frac % 10) + fracDigits
      frac /= 10
    }
    self = (value < 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + fracDigits : "")
  }
}
