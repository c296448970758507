import QuorumKit
import XCTest

/// Classes of interchangeable servers (transpositions preserving B and the quorums).
final class InterchangeableServersTests: XCTestCase {
  func testThresholdIsOneClass() throws {
    let b = try FailProneSystem.threshold(n: 6, f: 1)
    XCTAssertEqual(
      InterchangeableServers.classes(failProne: b, quorums: [], quorumThreshold: 5),
      [[0, 1, 2, 3, 4, 5]])
    // Listed threshold quorums give the same answer as the threshold shortcut.
    let listed = Array(KSubsets(n: 6, k: 5))
    XCTAssertEqual(
      InterchangeableServers.classes(failProne: b, quorums: listed), [[0, 1, 2, 3, 4, 5]])
  }

  func testPartitionWithSuperElements() throws {
    // Example 4.9 on m = 5 blocks: {0, 1}, {2}, {3}, {4}, {5}; super-elements {0}, {2} ... {5}.
    // Server 1 is in no quorum, server 0 in some: not interchangeable, though in one block.
    let u = Universe(count: 6)
    let blocks = [
      ServerSet([0, 1]), ServerSet([2]), ServerSet([3]), ServerSet([4]), ServerSet([5]),
    ]
    let b = try FailProneSystem.partition(universe: u, blocks: blocks)
    let elements = [ServerSet([0]), ServerSet([2]), ServerSet([3]), ServerSet([4]), ServerSet([5])]
    let q = try QuorumSystem.superElements(universe: u, elements: elements, quorumSize: 4)
    XCTAssertEqual(
      InterchangeableServers.classes(failProne: b, quorums: q.quorums!), [[0], [1], [2, 3, 4, 5]])
    // With the whole blocks as super-elements, 0 and 1 always occur together: interchangeable.
    let whole = try QuorumSystem.superElements(universe: u, elements: blocks, quorumSize: 4)
    XCTAssertEqual(
      InterchangeableServers.classes(failProne: b, quorums: whole.quorums!),
      [[0, 1], [2, 3, 4, 5]])
  }

  func testExplicitAndGrid() throws {
    // B = {{0}, {1}, {2, 3}}: 0 ~ 1 and 2 ~ 3 for B; the quorums break 0 ~ 1.
    let u = Universe(count: 4)
    let b = try FailProneSystem.explicit(
      universe: u, sets: [ServerSet([0]), ServerSet([1]), ServerSet([2, 3])])
    XCTAssertEqual(
      InterchangeableServers.classes(
        failProne: b, quorums: [ServerSet([0, 1, 2, 3])]), [[0, 1], [2, 3]])
    XCTAssertEqual(
      InterchangeableServers.classes(
        failProne: b, quorums: [ServerSet([0, 2, 3]), ServerSet([1, 2])]), [[0], [1], [2], [3]])
    // The 3 x 3 grid, one column and one row: row and column permutations are symmetries,
    // no transposition is.
    let b9 = try FailProneSystem.threshold(n: 9, f: 1)
    let oneRow = try QuorumSystem.grid(k: 3, rows: 1)
    XCTAssertEqual(
      InterchangeableServers.classes(failProne: b9, quorums: oneRow.quorums!),
      (0..<9).map { [$0] })
    // One column and two of the three rows: exchanging two servers of a row maps the quorum
    // of one column to the quorum of the other, so each row is a class.
    let twoRows = try QuorumSystem.grid(k: 3, rows: 2)
    XCTAssertEqual(
      InterchangeableServers.classes(failProne: b9, quorums: twoRows.quorums!),
      [[0, 1, 2], [3, 4, 5], [6, 7, 8]])
  }

  func testOrbitSizeIsAMultinomial() {
    // Classes {0, 1, 2, 3} and {4, 5}: values (7, 7, 9, 7 | 1, 2): 4!/(3! 1!) * 2!/(1! 1!) = 8.
    let classes = [[0, 1, 2, 3], [4, 5]]
    XCTAssertEqual(InterchangeableServers.orbitSize(of: [7, 7, 9, 7, 1, 2], classes: classes), 8)
    XCTAssertEqual(InterchangeableServers.orbitSize(of: [7, 7, 7, 7, 1, 1], classes: classes), 1)
    XCTAssertEqual(
      InterchangeableServers.orbitSize(of: (0..<20).map { UInt64($0) }, classes: [Array(0..<20)]),
      2_432_902_008_176_640_000)
    XCTAssertNil(
      InterchangeableServers.orbitSize(of: (0..<21).map { UInt64($0) }, classes: [Array(0..<21)]))
    XCTAssertEqual(InterchangeableServers.binomialExact(64, 32), 1_832_624_140_942_590_534)
    XCTAssertEqual(InterchangeableServers.binomialExact(5, 2), 10)
    XCTAssertNil(InterchangeableServers.binomialExact(70, 35))
  }
}
