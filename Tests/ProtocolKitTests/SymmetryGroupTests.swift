import ProtocolKit
import QuorumKit
import XCTest

/// Symmetry reduction under the automorphism group of B and the quorums (or a stated group):
/// canonical forms are constant on orbits, orbit sizes are exact, and verdicts and the
/// represented-state totals equal those of the unreduced search on non-threshold instances.
final class SymmetryGroupTests: XCTestCase {
  /// The 3 x 3 grid with one row and one column per quorum (Example 4.8 / 5.8 with one row).
  func rowColumnGrid() throws -> [ServerSet] { try QuorumSystem.grid(k: 3, rows: 1).quorums! }

  func verdictName(_ v: Verdict<ReadWriteModel>) -> String {
    switch v {
    case .safe: return "safe"
    case .violated(let c): return "violated \(c.property) after \(c.trace.steps.count)"
    case .unknown(let r): return "unknown \(r)"
    }
  }

  /// Explores with and without symmetry: equal verdicts, replaying counterexamples, and (when
  /// safe) the orbit sizes of the stored states add up to the unreduced state count.
  @discardableResult
  func compare(
    _ model: ReadWriteModel, file: StaticString = #filePath, line: UInt = #line
  ) throws -> (on: SearchStatistics, off: SearchStatistics, verdict: String) {
    let on = try model.explore(limits: SearchLimits(symmetry: true))
    let off = try model.explore(limits: SearchLimits(symmetry: false))
    XCTAssertEqual(verdictName(on.verdict), verdictName(off.verdict), file: file, line: line)
    if case .violated(let c) = on.verdict {
      XCTAssertTrue(c.trace.replays(in: model), file: file, line: line)
    }
    if case .safe = on.verdict {
      XCTAssertEqual(
        on.statistics.representedStates, Double(off.statistics.states), file: file, line: line)
    }
    return (on.statistics, off.statistics, verdictName(on.verdict))
  }

  func testRowColumnGridHasTheGroupOfOrder72() throws {
    let u = Universe(count: 9)
    let instance = try ReadWriteInstance(
      universe: u, failProne: .threshold(universe: u, f: 1), quorums: try rowColumnGrid(),
      readRule: .masking, writers: 1, readers: 0)
    let model = try ReadWriteModel(instance)
    XCTAssertEqual(model.group.source, .computed)
    XCTAssertEqual(model.group.order, 72)
    XCTAssertEqual(model.group.subgroupOrder, 1)
    XCTAssertEqual(model.group.cosetCount, 72)
    XCTAssertTrue(model.hasSymmetry)
    let r = try compare(model)
    XCTAssertEqual(r.verdict, "safe")
    XCTAssertEqual(r.off.states, 1611)
    XCTAssertEqual(r.on.states, 39)
    // Without a writer, one read: 2034 states stand for by 49.
    let read = try ReadWriteModel(
      ReadWriteInstance(
        universe: u, failProne: .threshold(universe: u, f: 1), quorums: try rowColumnGrid(),
        readRule: .opaque, writers: 0, readers: 1))
    let s = try compare(read)
    XCTAssertEqual(s.verdict, "safe")
    XCTAssertEqual(s.off.states, 2034)
    XCTAssertEqual(s.on.states, 49)
  }

  func testPartitionOfRowsKeepsOnlyRowAndColumnPermutations() throws {
    // B = the rows of the grid (a partition): the transposition of the grid does not map B
    // onto B, so the group has order 3! x 3! = 36.
    let u = Universe(count: 9)
    let rows = [ServerSet([0, 1, 2]), ServerSet([3, 4, 5]), ServerSet([6, 7, 8])]
    let model = try ReadWriteModel(
      ReadWriteInstance(
        universe: u, failProne: .partition(universe: u, blocks: rows),
        quorums: try rowColumnGrid(), readRule: .masking, writers: 1, readers: 0))
    XCTAssertEqual(model.group.order, 36)
    XCTAssertEqual(try compare(model).verdict, "safe")
    let read = try ReadWriteModel(
      ReadWriteInstance(
        universe: u, failProne: .partition(universe: u, blocks: rows),
        quorums: try rowColumnGrid(), readRule: .masking, writers: 0, readers: 1))
    XCTAssertEqual(try compare(read).verdict, "safe")
  }

  func testClassesAndCosetsTogether() throws {
    // Two blocks of two interchangeable servers each, the blocks exchangeable: H has order 4,
    // the group order 8 (the exchange of the blocks is not a transposition).
    let u = Universe(count: 5)
    let b = try FailProneSystem.explicit(
      universe: u, sets: [ServerSet([0, 1]), ServerSet([2, 3]), ServerSet([4])])
    let quorums = [
      ServerSet([0, 1, 2, 4]), ServerSet([0, 1, 3, 4]), ServerSet([0, 2, 3, 4]),
      ServerSet([1, 2, 3, 4]),
    ]
    for rule in ReadRule.allCases {
      let model = try ReadWriteModel(
        ReadWriteInstance(
          universe: u, failProne: b, quorums: quorums, readRule: rule, writers: 1, readers: 1))
      XCTAssertEqual(model.symmetryClasses, [[0, 1], [2, 3], [4]])
      XCTAssertEqual(model.group.subgroupOrder, 4)
      XCTAssertEqual(model.group.order, 8)
      try compare(model)
    }
  }

  /// Random systems closed under the rotation of 6 servers (and, for half of them, the
  /// reflection): a group the classes miss; with a fixed seed.
  func testRandomRotationInvariantSystems() throws {
    var rng = SplitMix64(seed: 20_261_129)
    let n = 6
    let u = Universe(count: n)
    func rotate(_ s: ServerSet, _ k: Int) -> ServerSet { ServerSet(s.map { ($0 + k) % n }) }
    func reflect(_ s: ServerSet) -> ServerSet { ServerSet(s.map { (n - $0) % n }) }
    func closure(_ sets: [ServerSet], reflecting: Bool) -> [ServerSet] {
      var out = Set<ServerSet>()
      for s in sets {
        for k in 0..<n {
          out.insert(rotate(s, k))
          if reflecting { out.insert(reflect(rotate(s, k))) }
        }
      }
      return out.sorted()
    }
    var nontrivial = 0
    var verdicts = Set<String>()
    for trial in 0..<6 {
      let size = Int(rng.next() % 2) + 1
      let seed = ServerSet((0..<size).map { _ in Int(rng.next() % UInt64(n)) })
      let bSets = closure([seed], reflecting: trial % 2 == 0)
      // Keep only the maximal sets: B is an antichain.
      let maximal = bSets.filter { s in !bSets.contains { $0 != s && s.isSubset(of: $0) } }
      var quorumSeeds: [ServerSet] = []
      for _ in 0..<1 {
        var q = ServerSet()
        while q.count < 4 { q.insert(Int(rng.next() % UInt64(n))) }
        quorumSeeds.append(q)
      }
      let quorums = closure(quorumSeeds, reflecting: trial % 2 == 0)
      let rule = ReadRule.allCases[trial % 3]
      let model = try ReadWriteModel(
        ReadWriteInstance(
          universe: u, failProne: .explicit(universe: u, sets: maximal), quorums: quorums,
          readRule: rule, writers: 1, readers: 1))
      XCTAssertGreaterThanOrEqual(model.group.order, Double(n), "trial \(trial)")
      if model.group.cosetCount > 1 { nontrivial += 1 }
      let r = try compare(model)
      verdicts.insert(String(r.verdict.prefix(4)))
      try checkCanonicalForms(model, rng: &rng, samples: 40)
    }
    XCTAssertGreaterThan(nontrivial, 3)
    XCTAssertEqual(verdicts, ["safe", "viol"])
  }

  /// For random profile words: the representative of every image of a state under the group
  /// is the state's representative, and the orbit size is the size of the orbit closure.
  func checkCanonicalForms(
    _ model: ReadWriteModel, rng: inout SplitMix64, samples: Int,
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let n = model.instance.universe.count
    var generators = model.group.cosetRepresentatives
    for cls in model.symmetryClasses where cls.count > 1 {
      for k in 1..<cls.count {
        var t = Array(0..<n)
        t.swapAt(cls[0], cls[k])
        generators.append(t)
      }
    }
    func apply(_ g: [Int], _ s: ReadWriteState) -> ReadWriteState {
      var p = s.profiles
      for i in 0..<n { p[g[i]] = s.profiles[i] }
      return ReadWriteState(profiles: p)
    }
    for _ in 0..<samples {
      // Few distinct words, so that states with repeated profiles are common.
      let s = ReadWriteState(profiles: (0..<n).map { _ in rng.next() % 3 })
      let rep = model.representative(of: s)
      XCTAssertEqual(rep.profiles.sorted(), s.profiles.sorted(), file: file, line: line)
      var orbit: Set<[UInt64]> = [s.profiles]
      var frontier = [s]
      while let x = frontier.popLast() {
        for g in generators {
          let y = apply(g, x)
          if orbit.insert(y.profiles).inserted { frontier.append(y) }
        }
      }
      for p in orbit {
        XCTAssertEqual(
          model.representative(of: ReadWriteState(profiles: p)).profiles, rep.profiles,
          file: file, line: line)
      }
      XCTAssertEqual(model.orbitSize(of: rep), Double(orbit.count), file: file, line: line)
    }
  }

  func testCanonicalFormsOnTheGrid() throws {
    let u = Universe(count: 9)
    let model = try ReadWriteModel(
      ReadWriteInstance(
        universe: u, failProne: .threshold(universe: u, f: 1), quorums: try rowColumnGrid(),
        readRule: .masking, writers: 1, readers: 1))
    var rng = SplitMix64(seed: 7)
    try checkCanonicalForms(model, rng: &rng, samples: 25)
  }

  func testStatedGeneratorsAreCheckedAndGenerateTheGroup() throws {
    let u = Universe(count: 9)
    let instance = try ReadWriteInstance(
      universe: u, failProne: .threshold(universe: u, f: 1), quorums: try rowColumnGrid(),
      readRule: .masking, writers: 1, readers: 0)
    // Row shift a -> b -> c and column shift 1 -> 2 -> 3: order 9.
    let rowShift = [3, 4, 5, 6, 7, 8, 0, 1, 2]
    let columnShift = [1, 2, 0, 4, 5, 3, 7, 8, 6]
    let model = try ReadWriteModel(instance, symmetryGenerators: [rowShift, columnShift])
    XCTAssertEqual(model.group.source, .stated)
    XCTAssertEqual(model.group.order, 9)
    let r = try compare(model)
    XCTAssertEqual(r.verdict, "safe")
    XCTAssertEqual(r.off.states, 1611)
    // A permutation that breaks a quorum is refused.
    let wrong = [1, 0, 2, 3, 4, 5, 6, 7, 8]
    XCTAssertThrowsError(try ReadWriteModel(instance, symmetryGenerators: [rowShift, wrong])) {
      XCTAssertEqual(
        ($0 as? InputError)?.message,
        "symmetry generator 2 does not map the quorums onto the quorums")
    }
    XCTAssertNotNil(
      ServerSymmetryGroup.violation([0, 1, 2, 3, 4, 5, 6, 8, 7, 0], instance: instance))
  }

  func testCosetCapFallsBackToInterchangeableServers() throws {
    let u = Universe(count: 9)
    let model = try ReadWriteModel(
      ReadWriteInstance(
        universe: u, failProne: .threshold(universe: u, f: 1), quorums: try rowColumnGrid(),
        readRule: .masking, writers: 1, readers: 0), maxCosets: 10)
    XCTAssertEqual(model.group.cosetCount, 1)
    XCTAssertNotNil(model.group.fallback)
    XCTAssertFalse(model.hasSymmetry)
    XCTAssertEqual(try compare(model).on.states, 1611)
  }

  func testOneInitialStatePerOrbitOfAThresholdB() throws {
    // Threshold B: one initial state per orbit of the classes' permutations, the same
    // exploration as from every member of B.
    for (instance, count) in [
      (
        try ReadWriteInstance.threshold(
          n: 5, f: 2, q: 4, readRule: .opaque, writers: 1, readers: 1), 1
      ),
      (
        try ReadWriteInstance(
          universe: Universe(count: 9), failProne: .threshold(universe: Universe(count: 9), f: 2),
          quorums: try rowColumnGrid(), readRule: .masking, writers: 1, readers: 0), 36
      ),
      (
        // Rows are classes (two rows per quorum): one initial state per row.
        try ReadWriteInstance(
          universe: Universe(count: 9), failProne: .threshold(universe: Universe(count: 9), f: 1),
          quorums: try QuorumSystem.grid(k: 3, rows: 2).quorums!, readRule: .masking, writers: 1,
          readers: 0), 3
      ),
    ] {
      let listed = try ReadWriteModel(instance)
      let perOrbit = try ReadWriteModel(instance, initialStatesPerOrbit: true)
      XCTAssertEqual(perOrbit.initialStates.count, count)
      let a = try listed.explore(limits: SearchLimits(symmetry: true))
      let b = try perOrbit.explore(limits: SearchLimits(symmetry: true))
      XCTAssertEqual(verdictName(a.verdict), verdictName(b.verdict))
      XCTAssertEqual(a.statistics.states, b.statistics.states)
      XCTAssertEqual(a.statistics.representedStates, b.statistics.representedStates)
      XCTAssertThrowsError(try perOrbit.explore(limits: SearchLimits(symmetry: false)))
    }
    // n = 29, f = 5: B has 118,755 members, more than are listed; one initial state.
    let big = try ReadWriteInstance.unlistedThreshold(
      universe: Universe(count: 29), failProne: .threshold(universe: Universe(count: 29), f: 5),
      q: 24, readRule: .masking, writers: 1, readers: 1)
    XCTAssertThrowsError(try ReadWriteModel(big))
    let model = try ReadWriteModel(big, initialStatesPerOrbit: true)
    XCTAssertEqual(model.initialStates.count, 1)
    XCTAssertEqual(model.faulty(model.initialStates[0]).count, 5)
    // An explicit B is listed as it is, with or without symmetry.
    let u = Universe(count: 4)
    let explicit = try ReadWriteModel(
      ReadWriteInstance(
        universe: u, failProne: .explicit(universe: u, sets: [ServerSet([0]), ServerSet([1])]),
        quorums: Array(KSubsets(n: 4, k: 3)), readRule: .masking, writers: 1, readers: 0),
      initialStatesPerOrbit: true)
    XCTAssertFalse(explicit.initialStatesPerOrbit)
    XCTAssertEqual(explicit.initialStates.count, 2)
    XCTAssertNoThrow(try explicit.explore(limits: SearchLimits(symmetry: false)))
  }
}
