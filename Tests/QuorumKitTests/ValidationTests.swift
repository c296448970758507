import QuorumKit
import XCTest

final class ValidationTests: XCTestCase {
  private func message(_ body: () throws -> Any) -> String? {
    do {
      _ = try body()
      return nil
    } catch let e as InputError {
      return e.message
    } catch {
      return "unexpected \(error)"
    }
  }

  func testThreshold() {
    XCTAssertNotNil(message { try FailProneSystem.threshold(n: 4, f: 4) })
    XCTAssertNotNil(message { try FailProneSystem.threshold(n: 4, f: -1) })
    XCTAssertNotNil(message { try FailProneSystem.threshold(n: 0, f: 0) })
    XCTAssertNil(message { try FailProneSystem.threshold(n: 4, f: 3) })
    XCTAssertNil(message { try FailProneSystem.threshold(n: 1_000_000_000, f: 3) })
  }

  func testExplicit() {
    let u = Universe(count: 4)
    let contained = message {
      try FailProneSystem.explicit(universe: u, sets: [ServerSet([0, 1]), ServerSet([1])])
    }
    XCTAssertTrue(contained?.contains("is contained in") ?? false, contained ?? "")
    let outside = message { try FailProneSystem.explicit(universe: u, sets: [ServerSet([5])]) }
    XCTAssertTrue(outside?.contains("outside the universe") ?? false, outside ?? "")
    XCTAssertNotNil(message { try FailProneSystem.explicit(universe: u, sets: []) })
    XCTAssertNotNil(
      message { try FailProneSystem.explicit(universe: u, sets: [ServerSet([1]), ServerSet([1])]) })
    XCTAssertNotNil(
      message { try FailProneSystem.explicit(universe: Universe(count: 65), sets: [ServerSet()]) })
    XCTAssertNil(message { try FailProneSystem.explicit(universe: u, sets: [ServerSet()]) })
    // The first contained set in order, with the first set containing it.
    XCTAssertEqual(
      message {
        try FailProneSystem.explicit(
          universe: u,
          sets: [ServerSet([0, 1, 2]), ServerSet([1]), ServerSet([0, 1]), ServerSet([3])])
      }, "fail-prone set {1} is contained in {0, 1}; a fail-prone system lists only maximal sets")
    XCTAssertEqual(
      message { try FailProneSystem.explicit(universe: u, sets: [ServerSet([2]), ServerSet()]) },
      "fail-prone set {} is contained in {2}; a fail-prone system lists only maximal sets")
    // All 4-subsets of 30 servers: one size, accepted without pairwise checks.
    XCTAssertNil(
      message {
        try FailProneSystem.explicit(
          universe: Universe(count: 30), sets: Array(KSubsets(n: 30, k: 4)))
      })
  }

  func testAntichainCheckAgainstPairwise() {
    var rng = SplitMix64(seed: 12)
    for _ in 0..<300 {
      let n = Int.random(in: 1...6, using: &rng)
      let sets = Array(
        Set(
          (0..<Int.random(in: 1...6, using: &rng)).map { _ in RandomInput.set(n: n, using: &rng) }))
      let contained = sets.contains { a in sets.contains { $0 != a && a.isSubset(of: $0) } }
      let result = message {
        try FailProneSystem.explicit(universe: Universe(count: n), sets: sets)
      }
      XCTAssertEqual(result != nil, contained, "\(sets)")
    }
  }

  func testPartition() {
    let u = Universe(count: 4)
    let overlap = message {
      try FailProneSystem.partition(
        universe: u, blocks: [ServerSet([0, 1]), ServerSet([1, 2, 3])])
    }
    XCTAssertTrue(overlap?.contains("overlap") ?? false, overlap ?? "")
    let missing = message {
      try FailProneSystem.partition(universe: u, blocks: [ServerSet([0, 1]), ServerSet([2])])
    }
    XCTAssertTrue(missing?.contains("miss") ?? false, missing ?? "")
    XCTAssertNotNil(
      message {
        try FailProneSystem.partition(universe: u, blocks: [ServerSet(), ServerSet.universe(4)])
      })
    XCTAssertNotNil(
      message { try FailProneSystem.partition(universe: u, blocks: [ServerSet([0, 1, 2, 3, 4])]) })
  }

  func testNested() {
    let u = Universe(count: 3)
    XCTAssertNotNil(
      message {
        try FailProneSystem.nested(universe: u, expression: .select(k: 1, of: [.server(3)]))
      })
    XCTAssertNotNil(
      message {
        try FailProneSystem.nested(universe: u, expression: .select(k: 2, of: [.server(0)]))
      })
    XCTAssertNotNil(
      message { try FailProneSystem.nested(universe: u, expression: .select(k: 0, of: [])) })
  }

  func testMembersLimitAndLargeUniverse() throws {
    let b = try FailProneSystem.threshold(n: 30, f: 10)
    let limit = message { try b.members(limit: 1000) }
    XCTAssertTrue(limit?.contains("30045015") ?? false, limit ?? "")
    XCTAssertTrue(limit?.contains("1000") ?? false, limit ?? "")
    let big = try FailProneSystem.threshold(n: 100, f: 1)
    XCTAssertNotNil(message { try big.members(limit: 1000) })
    XCTAssertEqual(big.setCount, 100)
  }
}
