/// All `k`-subsets of the servers `{0, ..., n - 1}` (`n <= 64`), in increasing ``ServerSet``
/// order, i.e. lexicographically by their sorted member lists: `{0, 1}`, `{0, 2}`, `{0, 3}`,
/// `{1, 2}`, ...
///
/// This is the order in which threshold fail-prone systems (Corollary 4.4's `B = {B : |B| = f}`)
/// and threshold quorum systems (Examples 4.7, 5.7, 5.12) list their members. Each step costs a
/// constant number of bit operations (a lexicographic successor; Gosper's hack would give the
/// colexicographic order of the bit patterns instead, which is not the ``ServerSet`` order).
/// An empty sequence when `k < 0` or `k > n`; the single empty set when `k == 0`.
public struct KSubsets: Sequence, Sendable {
  /// The number of servers.
  public let n: Int
  /// The size of each subset.
  public let k: Int

  /// The `k`-subsets of `{0, ..., n - 1}`; `n` must be in `0...64`.
  public init(n: Int, k: Int) {
    precondition(n >= 0 && n <= ServerSet.capacity, "KSubsets needs 0 <= n <= 64 (got \(n))")
    self.n = n
    self.k = k
  }

  /// How many subsets the sequence yields, `C(n, k)`, as a `Double`.
  public var count: Double { binomial(n, k) }

  /// Walks the subsets in order, one bit-operation successor per step.
  public struct Iterator: IteratorProtocol {
    @usableFromInline let n: Int
    @usableFromInline let k: Int
    @usableFromInline var current: UInt64?

    @usableFromInline init(n: Int, k: Int) {
      self.n = n
      self.k = k
      // The first subset is {0, ..., k - 1}.
      self.current = (k < 0 || k > n) ? nil : ServerSet.universe(k).bits
    }

    /// The next subset, or nil after `{n - k, ..., n - 1}`.
    public mutating func next() -> ServerSet? {
      guard let bits = current else { return nil }
      current = Iterator.successor(of: bits, n: n, k: k)
      return ServerSet(bits: bits)
    }

    /// The lexicographic successor of a `k`-subset of `{0, ..., n - 1}`, or nil after the last.
    ///
    /// The trailing block of the sorted list that sits at the top positions `n - t, ..., n - 1`
    /// cannot grow; the largest element below it moves up by one and the block follows it.
    @usableFromInline static func successor(of bits: UInt64, n: Int, k: Int) -> UInt64? {
      if k == 0 || k == n { return nil }
      // Number of consecutive members ending at server n - 1.
      let aligned = bits << UInt64(64 - n)
      let t = (~aligned).leadingZeroBitCount
      if t == k { return nil }
      let topBlock = t == 0 ? 0 : (ServerSet.universe(t).bits << UInt64(n - t))
      var rest = bits & ~topBlock
      let p = 63 - rest.leadingZeroBitCount
      rest &= ~(UInt64(1) << UInt64(p))
      // p + 1, p + 2, ..., p + t + 1.
      let moved = ServerSet.universe(t + 1).bits << UInt64(p + 1)
      return rest | moved
    }
  }

  /// An iterator starting at `{0, ..., k - 1}`.
  public func makeIterator() -> Iterator { Iterator(n: n, k: k) }
}

/// The binomial coefficient `C(n, k)`: exact while the result fits in 64 bits (and so exact as
/// a `Double` below 2^53), a `Double` approximation above that, `+infinity` past the `Double`
/// range, and 0 when `k < 0`, `k > n` or `n < 0`.
///
/// Fail-prone systems and threshold constructions count their members with it (Corollary 4.4's
/// `C(n, f)` sets, Examples 4.7, 5.7, 5.12's `C(n, q)` quorums).
public func binomial(_ n: Int, _ k: Int) -> Double {
  guard n >= 0, k >= 0, k <= n else { return 0 }
  let k = min(k, n - k)
  if k == 0 { return 1 }
  // Exact phase: after step i the value is C(n - k + i, i), an integer.
  var exact: UInt64 = 1
  var i = 1
  while i <= k {
    let factor = UInt64(n - k + i)
    let wide = exact.multipliedFullWidth(by: factor)
    if wide.high >= UInt64(i) { break }  // the quotient would not fit in 64 bits
    let (q, r) = UInt64(i).dividingFullWidth(wide)
    assert(r == 0)
    exact = q
    i += 1
  }
  if i > k { return Double(exact) }
  var d = Double(exact)
  while i <= k {
    d = d * Double(n - k + i) / Double(i)
    if d == .infinity { return d }
    i += 1
  }
  return d
}
