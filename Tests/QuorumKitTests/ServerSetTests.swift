import QuorumKit
import XCTest

final class ServerSetTests: XCTestCase {
  func testOperations() {
    let a = ServerSet([0, 2, 5])
    let b = ServerSet([2, 3])
    XCTAssertEqual(a.count, 3)
    XCTAssertEqual(a.union(b), ServerSet([0, 2, 3, 5]))
    XCTAssertEqual(a.intersection(b), ServerSet([2]))
    XCTAssertEqual(a.subtracting(b), ServerSet([0, 5]))
    XCTAssertTrue(ServerSet([2]).isSubset(of: a))
    XCTAssertFalse(b.isSubset(of: a))
    XCTAssertTrue(ServerSet([1, 4]).isDisjoint(with: a))
    XCTAssertEqual(a.complement(in: 6), ServerSet([1, 3, 4]))
    XCTAssertEqual(a.first, 0)
    XCTAssertNil(ServerSet().first)
    XCTAssertEqual(a.members, [0, 2, 5])
    XCTAssertEqual(a.description, "{0, 2, 5}")
    XCTAssertEqual(ServerSet.universe(64).count, 64)
    XCTAssertEqual(ServerSet.range(2..<5), ServerSet([2, 3, 4]))
    var c = ServerSet()
    c.insert(63)
    c.insert(1)
    c.remove(1)
    XCTAssertEqual(c.members, [63])
  }

  func testOrderIsBySizeThenLexicographic() {
    let sets = [
      ServerSet([1, 2]), ServerSet([0, 3]), ServerSet([5]), ServerSet([0, 1]), ServerSet(),
    ]
    XCTAssertEqual(
      sets.sorted(),
      [ServerSet(), ServerSet([5]), ServerSet([0, 1]), ServerSet([0, 3]), ServerSet([1, 2])])
    // Lexicographic on sorted member lists, for every pair of 3-subsets of 6.
    let triples = (0..<64).map { ServerSet(bits: UInt64($0)) }.filter { $0.count == 3 }
    for x in triples {
      for y in triples where x != y {
        XCTAssertEqual(x < y, x.members.lexicographicallyPrecedes(y.members), "\(x) \(y)")
      }
    }
  }

  func testOrderOnRandomWideSets() {
    var rng = SplitMix64(seed: 11)
    for _ in 0..<2000 {
      let width = Int.random(in: 0...64, using: &rng)
      let mask: UInt64 = width == 64 ? ~0 : (UInt64(1) << UInt64(width)) - 1
      let x = ServerSet(bits: rng.next() & mask)
      let y = ServerSet(bits: rng.next() & mask)
      let expected =
        x.count != y.count ? x.count < y.count : x.members.lexicographicallyPrecedes(y.members)
      XCTAssertEqual(x < y, expected, "\(x) \(y)")
    }
  }

  func testKSubsetsMatchesFilteredSubsets() {
    for n in 0...7 {
      for k in -1...(n + 1) {
        let expected = Naive.allSubsets(n).filter { $0.count == k }
        XCTAssertEqual(Array(KSubsets(n: n, k: k)), expected, "n = \(n), k = \(k)")
        XCTAssertEqual(KSubsets(n: n, k: k).count, Double(expected.count))
      }
    }
    XCTAssertEqual(Array(KSubsets(n: 64, k: 64)), [ServerSet.universe(64)])
    XCTAssertEqual(Array(KSubsets(n: 64, k: 1)).count, 64)
    XCTAssertEqual(Array(KSubsets(n: 64, k: 63)).count, 64)
    let pairs = Array(KSubsets(n: 64, k: 2))
    XCTAssertEqual(pairs.count, 2016)
    XCTAssertEqual(pairs, pairs.sorted())
    XCTAssertEqual(pairs.last, ServerSet([62, 63]))
  }

  func testBinomial() {
    XCTAssertEqual(binomial(5, 2), 10)
    XCTAssertEqual(binomial(19, 4), 3876)
    XCTAssertEqual(binomial(0, 0), 1)
    XCTAssertEqual(binomial(3, 4), 0)
    XCTAssertEqual(binomial(3, -1), 0)
    XCTAssertEqual(binomial(64, 32), 1_832_624_140_942_590_534)
    XCTAssertEqual(binomial(1_000_000_000, 1), 1e9)
    XCTAssertEqual(binomial(1_000_000_000, 2), 499_999_999_500_000_000)
    let big = binomial(200, 100)
    XCTAssertEqual(big / 9.054851465610328e58, 1, accuracy: 1e-9)
    XCTAssertEqual(binomial(1_000_000_000, 500_000_000), .infinity)
  }
}
