/// A set of servers of a universe of at most ``ServerSet/capacity`` servers, stored as a bitset.
///
/// Server `i` is bit `i`. Sets compare by their bits, so sorting is deterministic; the
/// description lists members in increasing order, as `{0, 2, 5}`.
public struct ServerSet: Hashable, Comparable, Sendable, Sequence, CustomStringConvertible {
  /// The largest universe a `ServerSet` can describe. Engines that enumerate sets refuse
  /// larger universes with an ``InputError``; threshold questions for larger `n` go through
  /// the arithmetic engines, which never build sets.
  public static let capacity = 64

  /// The members, one bit per server.
  public var bits: UInt64

  /// The set whose members are the one bits of `bits`.
  @inlinable public init(bits: UInt64) { self.bits = bits }

  /// The empty set.
  @inlinable public init() { self.bits = 0 }

  /// The set of the given servers; each must be in `0..<64`.
  @inlinable public init<S: Sequence>(_ servers: S) where S.Element == Int {
    var b: UInt64 = 0
    for s in servers {
      precondition(s >= 0 && s < ServerSet.capacity, "server \(s) outside 0..<64")
      b |= 1 << UInt64(s)
    }
    self.bits = b
  }

  /// The set `{0, 1, ..., n - 1}`.
  @inlinable public static func universe(_ n: Int) -> ServerSet {
    precondition(n >= 0 && n <= capacity)
    return n == 64 ? ServerSet(bits: ~0) : ServerSet(bits: (1 << UInt64(n)) - 1)
  }

  /// The set `{lower, ..., upper - 1}`.
  @inlinable public static func range(_ r: Range<Int>) -> ServerSet {
    ServerSet(bits: universe(r.upperBound).bits & ~universe(r.lowerBound).bits)
  }

  @inlinable public var count: Int { bits.nonzeroBitCount }
  @inlinable public var isEmpty: Bool { bits == 0 }
  @inlinable public func contains(_ s: Int) -> Bool { bits & (1 << UInt64(s)) != 0 }
  @inlinable public func union(_ o: ServerSet) -> ServerSet { ServerSet(bits: bits | o.bits) }
  @inlinable public func intersection(_ o: ServerSet) -> ServerSet {
    ServerSet(bits: bits & o.bits)
  }
  @inlinable public func subtracting(_ o: ServerSet) -> ServerSet {
    ServerSet(bits: bits & ~o.bits)
  }
  @inlinable public func isSubset(of o: ServerSet) -> Bool { bits & ~o.bits == 0 }
  @inlinable public func isDisjoint(with o: ServerSet) -> Bool { bits & o.bits == 0 }
  /// The complement within the universe `{0, ..., n - 1}`.
  @inlinable public func complement(in n: Int) -> ServerSet {
    ServerSet(bits: ~bits & ServerSet.universe(n).bits)
  }
  @inlinable public mutating func insert(_ s: Int) { bits |= 1 << UInt64(s) }
  @inlinable public mutating func remove(_ s: Int) { bits &= ~(1 << UInt64(s)) }
  /// The smallest member, or nil for the empty set.
  @inlinable public var first: Int? { bits == 0 ? nil : bits.trailingZeroBitCount }

  @inlinable public static func < (a: ServerSet, b: ServerSet) -> Bool {
    // Smaller sets first, then by members in increasing order (lexicographic on sorted lists).
    if a.count != b.count { return a.count < b.count }
    return a.bits.bitReversed > b.bits.bitReversed
  }

  /// The members in increasing order.
  public var members: [Int] { Array(self) }

  public struct Iterator: IteratorProtocol {
    @usableFromInline var rest: UInt64
    @inlinable init(rest: UInt64) { self.rest = rest }
    @inlinable public mutating func next() -> Int? {
      guard rest != 0 else { return nil }
      let i = rest.trailingZeroBitCount
      rest &= rest - 1
      return i
    }
  }
  @inlinable public func makeIterator() -> Iterator { Iterator(rest: bits) }

  public var description: String { "{" + members.map(String.init).joined(separator: ", ") + "}" }
}

extension UInt64 {
  /// The bits in reverse order (bit 0 becomes bit 63): swap neighbours, pairs, nibbles,
  /// then bytes.
  @inlinable var bitReversed: UInt64 {
    var x = self
    x = ((x >> 1) & 0x5555_5555_5555_5555) | ((x & 0x5555_5555_5555_5555) << 1)
    x = ((x >> 2) & 0x3333_3333_3333_3333) | ((x & 0x3333_3333_3333_3333) << 2)
    x = ((x >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((x & 0x0F0F_0F0F_0F0F_0F0F) << 4)
    return x.byteSwapped
  }
}
