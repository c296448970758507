/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast, seeded generator, so that randomized
/// cross-checks of the paper's criteria (Corollaries 4.4, 5.5, Theorem 5.13) are reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// A generator whose sequence is fixed by `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Random fail-prone systems (Section 3.1) for cross-check tests.
public enum RandomFailProne {
  /// A random explicit fail-prone system over `n` servers (`1 <= n <= 64`): 1 to 6 random
  /// sets, reduced to the maximal ones (an antichain). Every set is empty with a small
  /// probability, which gives `B = {∅}` ("no server fails").
  public static func explicit(n: Int, using rng: inout SplitMix64) -> FailProneSystem {
    precondition(n >= 1 && n <= ServerSet.capacity)
    let count = Int.random(in: 1...6, using: &rng)
    let density = Double.random(in: 0.15...0.7, using: &rng)
    let none = Int.random(in: 0..<20, using: &rng) == 0
    var sets: [UInt64] = []
    for _ in 0..<count {
      var s: UInt64 = 0
      if !none {
        for x in 0..<n where Double.random(in: 0..<1, using: &rng) < density {
          s |= UInt64(1) << UInt64(x)
        }
      }
      sets.append(s)
    }
    let maximal = maximalSets(sets).map(ServerSet.init(bits:))
    return try! FailProneSystem.explicit(universe: Universe(count: n), sets: maximal)
  }

  /// A random nested fail-prone system (``ThresholdExpression``) over `n` servers
  /// (`n >= 1`): the servers in random order as leaves, grouped at random into `select k`
  /// nodes up to one root, each server once (disjoint leaves). `k` is usually between 1 and
  /// the number of children, and 0 now and then.
  public static func nested(n: Int, using rng: inout SplitMix64) -> FailProneSystem {
    precondition(n >= 1)
    var items: [ThresholdExpression] = Array(0..<n).shuffled(using: &rng).map { .server($0) }
    // Group random runs until one node remains (a root select is always made).
    repeat {
      var next: [ThresholdExpression] = []
      var i = 0
      while i < items.count {
        let width = min(Int.random(in: 1...4, using: &rng), items.count - i)
        let children = Array(items[i..<(i + width)])
        next.append(.select(k: randomK(children.count, using: &rng), of: children))
        i += width
      }
      items = next
    } while items.count > 1
    return try! FailProneSystem.nested(universe: Universe(count: n), expression: items[0])
  }

  private static func randomK(_ children: Int, using rng: inout SplitMix64) -> Int {
    Int.random(in: 0..<25, using: &rng) == 0 ? 0 : Int.random(in: 1...children, using: &rng)
  }
}
