/// A search for `count` sets of an explicit family whose union is a target set: the question
/// of Corollary 4.4 (`count = 4`) and Corollary 5.5 (`count = 3`) for listed fail-prone
/// systems.
///
/// Branch on the uncovered server that the fewest sets contain, trying only those sets
/// (largest first, one per distinct trace on the uncovered servers). Cut a branch when
/// `picks × largest set < uncovered servers`, when the uncovered servers include more than
/// `picks` servers no set holds two of, or more than `2·picks` servers no set holds three of
/// (both found greedily, rarest servers first), or when, for some `m <= 4`, no set holds more
/// than `m` of the `m·picks + 1` rarest uncovered servers (one scan of the sets, done only
/// with two or more picks left, where branching costs far more). Failed states are
/// remembered.
final class CoverSearch {
  private let sets: [UInt64]
  /// For each server, the sets containing it (as bits), largest first.
  private let byServer: [[UInt64]]
  /// For each server, every server sharing a set with it (itself included).
  private let together: [UInt64]
  /// For servers x, y (index `64x + y`), every server sharing a set with both.
  private let togetherWithPair: [UInt64]
  /// All servers, rarest (in fewest sets) first.
  private let rarestFirst: [Int]
  private let largest: Int
  private var failed = Set<FailedState>()
  private var chosen: [UInt64] = []
  /// Search nodes visited, for measurements.
  private(set) var nodesVisited = 0
  /// Polled every 4,096 nodes; when it answers true the search stops and ``cover(_:count:)``
  /// throws ``CoverSearchInterrupted`` (a stopped search proves nothing).
  var shouldStop: () -> Bool = { false }
  private var stopped = false

  private struct FailedState: Hashable {
    let uncovered: UInt64
    let picks: Int
  }

  init(_ family: [UInt64]) {
    let ordered = Array(Set(family)).sorted {
      let a = $0.nonzeroBitCount
      let b = $1.nonzeroBitCount
      return a != b ? a > b : ServerSet(bits: $0) < ServerSet(bits: $1)
    }
    sets = ordered
    var lists = [[UInt64]](repeating: [], count: 64)
    var with = [UInt64](repeating: 0, count: 64)
    for s in ordered {
      var rest = s
      while rest != 0 {
        let x = rest.trailingZeroBitCount
        rest &= rest - 1
        lists[x].append(s)
        with[x] |= s
      }
    }
    byServer = lists
    together = with
    largest = ordered.first?.nonzeroBitCount ?? 0
    var pairs = [UInt64](repeating: 0, count: 64 * 64)
    for s in ordered {
      var rest = s
      while rest != 0 {
        let x = rest.trailingZeroBitCount
        rest &= rest - 1
        var others = rest
        while others != 0 {
          let y = others.trailingZeroBitCount
          others &= others - 1
          pairs[64 * x + y] |= s
          pairs[64 * y + x] |= s
        }
      }
    }
    togetherWithPair = pairs
    rarestFirst = (0..<64).sorted {
      lists[$0].count != lists[$1].count ? lists[$0].count < lists[$1].count : $0 < $1
    }
  }

  /// `count` sets (repetition allowed, so fewer distinct ones are padded by repeating the
  /// last) whose union contains `target`, or nil.
  func cover(_ target: UInt64, count: Int) throws -> [UInt64]? {
    chosen = []
    failed = []
    stopped = false
    let found = search(target, count)
    if stopped { throw CoverSearchInterrupted(nodesVisited: nodesVisited) }
    guard found else { return nil }
    var result = chosen
    if result.isEmpty, count > 0 { result = [sets.first ?? 0] }
    while result.count < count { result.append(result.last!) }
    return result
  }

  private func search(_ uncovered: UInt64, _ picks: Int) -> Bool {
    nodesVisited += 1
    if stopped || (nodesVisited & 4095 == 0 && shouldStop()) {
      stopped = true
      return false
    }
    if uncovered == 0 { return true }
    if picks == 0 { return false }
    let size = uncovered.nonzeroBitCount
    if picks * largest < size { return false }
    // Independent servers need one set each; the branching server has the fewest sets.
    var candidates = uncovered
    var independent = 0
    var branch = -1
    var rest = uncovered
    while rest != 0 {
      let x = rest.trailingZeroBitCount
      rest &= rest - 1
      if byServer[x].isEmpty { return false }
      if branch < 0 || byServer[x].count < byServer[branch].count { branch = x }
    }
    while candidates != 0 {
      let x = candidates.trailingZeroBitCount
      candidates &= ~together[x]
      candidates &= ~(UInt64(1) << UInt64(x))
      independent += 1
      if independent > picks { return false }
    }
    // Servers no set holds three of: each set covers at most two.
    var chosenServers: [Int] = []
    var forbidden: UInt64 = 0
    for x in rarestFirst where uncovered & (UInt64(1) << UInt64(x)) != 0 {
      if forbidden & (UInt64(1) << UInt64(x)) != 0 { continue }
      for y in chosenServers { forbidden |= togetherWithPair[64 * x + y] }
      chosenServers.append(x)
      if chosenServers.count > 2 * picks { return false }
    }
    if picks == 1 {
      for s in byServer[branch] where uncovered & ~s == 0 {
        chosen.append(s)
        return true
      }
      return false
    }
    let state = FailedState(uncovered: uncovered, picks: picks)
    if failed.contains(state) { return false }
    if rareServersBound(uncovered, picks) { return false }
    var tried = Set<UInt64>()
    for s in byServer[branch] {
      let trace = s & uncovered
      if !tried.insert(trace).inserted { continue }
      chosen.append(s)
      if search(uncovered & ~s, picks - 1) { return true }
      chosen.removeLast()
      if stopped { return false }  // not a proof that this state fails: do not remember it
    }
    if failed.count < 4_000_000 { failed.insert(state) }
    return false
  }

  /// True if some `m` in `1...4` has no set holding more than `m` of the `m·picks + 1`
  /// rarest uncovered servers: then `picks` sets cannot cover them.
  private func rareServersBound(_ uncovered: UInt64, _ picks: Int) -> Bool {
    var ranked: [Int] = []
    for x in rarestFirst where uncovered & (UInt64(1) << UInt64(x)) != 0 { ranked.append(x) }
    for m in 1...4 {
      let j = m * picks + 1
      if j > ranked.count { break }
      var t: UInt64 = 0
      for x in ranked.prefix(j) { t |= UInt64(1) << UInt64(x) }
      var most = 0
      for s in sets {
        let c = (s & t).nonzeroBitCount
        if c > most {
          most = c
          if most > m { break }
        }
      }
      if most <= m { return true }
    }
    return false
  }
}

/// A cover search stopped before it finished (its caller's deadline passed): no verdict.
public struct CoverSearchInterrupted: Error, Sendable, CustomStringConvertible {
  /// Search nodes visited before it stopped.
  public let nodesVisited: Int
  public var description: String {
    "the cover search was stopped after \(nodesVisited) nodes"
  }
}
