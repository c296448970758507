import QuorumKit
import XCTest

final class ServerSetSortingTests: XCTestCase {
  /// `sortedDistinct` is `Array(Set(sets)).sorted()`, on random lists with repeats (fixed seed).
  func testSortedDistinctMatchesSetAndSort() {
    var rng = SplitMix64(seed: 31)
    for round in 0..<200 {
      let n = 1 + round % 64
      let universe = ServerSet.universe(n).bits
      let sets = (0..<Int.random(in: 0..<300, using: &rng)).map { _ in
        ServerSet(bits: rng.next() & rng.next() & universe)
      }
      let withRepeats = sets + sets.prefix(sets.count / 3)
      XCTAssertEqual(ServerSet.sortedDistinct(withRepeats), Array(Set(withRepeats)).sorted())
    }
    XCTAssertEqual(
      ServerSet.sortedDistinct([[1, 2], [0], [0, 3], [1, 2], [], [0, 63]].map(ServerSet.init)),
      [[], [0], [0, 3], [0, 63], [1, 2]].map(ServerSet.init))
  }
}
