import ProtocolKit
import QuorumKit
import XCTest

/// The Section 6 update protocol model (Figure 3 under the write protocol of 6.1).
final class UpdateModelTests: XCTestCase {
  func model(
    n: Int, f: Int, q: Int, faultyUpdates: Int = 2, writer: Bool = false, retries: Int = 0,
    forged: Bool = false, reader: Bool = false, readings: UpdateReadings = .paper,
    only: [String]? = nil
  ) throws -> UpdateModel {
    try UpdateModel(
      UpdateInstance.threshold(
        n: n, f: f, q: q, faultyUpdates: faultyUpdates, correctWriter: writer, retries: retries,
        forged: forged, reader: reader, readings: readings), only: only)
  }

  /// "safe", or "violated <lemma number> in <steps>" after checking that the run replays.
  func verdict(_ m: UpdateModel, symmetry: Bool = true) throws -> String {
    let r = try m.explore(limits: SearchLimits(maxStates: 2_000_000, symmetry: symmetry))
    switch r.verdict {
    case .safe: return "safe"
    case .violated(let c):
      XCTAssertTrue(c.trace.replays(in: m), "the counterexample must replay")
      return "violated \(c.property.prefix(9)) in \(c.trace.steps.count)"
    case .unknown(let why): return "unknown \(why)"
    }
  }

  func testMaskingInstanceWithFaultyClientIsSafe() throws {
    let m = try model(n: 5, f: 1, q: 4)
    XCTAssertEqual(try verdict(m), "safe")
    XCTAssertEqual(m.properties.map { String($0.name.prefix(9)) }, ["Lemma 6.2", "Lemma 6.3"])
    XCTAssertEqual(m.quiescentProperties.map { String($0.name.prefix(9)) }, ["Lemma 6.5"])
  }

  func testWriterWithForgedPairIsSafeAndChecksValidity() throws {
    let m = try model(n: 5, f: 1, q: 4, faultyUpdates: 1, writer: true, forged: true)
    XCTAssertEqual(try verdict(m), "safe")
    XCTAssertEqual(
      m.quiescentProperties.map { String($0.name.prefix(9)) }, ["Lemma 6.5", "Lemma 6.6"])
  }

  func testReaderLemma61HoldsOnMaskingAndFailsWithoutM1() throws {
    XCTAssertEqual(
      try verdict(model(n: 5, f: 1, q: 4, faultyUpdates: 1, reader: true, only: ["Lemma 6.1"])),
      "safe")
    XCTAssertTrue(
      try verdict(model(n: 4, f: 1, q: 3, faultyUpdates: 1, reader: true, only: ["Lemma 6.1"]))
        .hasPrefix("violated Lemma 6.1"))
  }

  func testNoMaskingSystemGivesShortestPropagationCounterexample() throws {
    let m = try model(n: 4, f: 1, q: 3, faultyUpdates: 1)
    XCTAssertEqual(try verdict(m), "violated Lemma 6.5 in 6")
    let r = try m.explore()
    guard case .violated(let c) = r.verdict else { return XCTFail("expected a violation") }
    let lines = c.trace.describe(in: m)
    XCTAssertTrue(lines[0].hasPrefix("faulty client picks Q_A = "), lines[0])
    XCTAssertTrue(lines[5].contains("send nothing more"), lines[5])
    XCTAssertTrue(
      m.explainViolation(c.property, in: c.trace.final).contains("WRONG: expected every correct"))
  }

  func testQuorumsViolatingM1BreakPropagation() throws {
    XCTAssertEqual(try verdict(model(n: 5, f: 1, q: 3)), "violated Lemma 6.5 in 7")
  }

  func testSymmetryOnAndOffAgree() throws {
    for (m, expected) in [
      (try model(n: 5, f: 1, q: 4, faultyUpdates: 1), "safe"),
      (try model(n: 4, f: 1, q: 3, faultyUpdates: 1), "violated Lemma 6.5 in 6"),
      (
        try model(n: 5, f: 1, q: 4, readings: UpdateReadings(step2: .perQuorum)),
        "violated Lemma 6.3 in 11"
      ),
    ] {
      XCTAssertEqual(try verdict(m, symmetry: true), expected)
      XCTAssertEqual(try verdict(m, symmetry: false), expected)
    }
    let m = try model(n: 5, f: 1, q: 4, faultyUpdates: 1)
    let on = try m.explore(limits: SearchLimits(symmetry: true)).statistics.states
    let off = try m.explore(limits: SearchLimits(symmetry: false)).statistics.states
    XCTAssertGreaterThan(off, 2 * on)
  }

  /// What each non-default reading changes on the masking instance n = 5, f = 1, q = 4.
  func testEachReadingsEffectOnTheMaskingInstance() throws {
    let cases: [(UpdateReadings, String)] = [
      (UpdateReadings(step2: .perQuorum), "violated Lemma 6.3 in 11"),
      (UpdateReadings(step3: .everyOtherMember), "violated Lemma 6.3 in 10"),
      (UpdateReadings(step3: .quorumMinusB), "violated Lemma 6.3 in 10"),
      (UpdateReadings(step4: .withinQuorum), "safe"),
      (UpdateReadings(propagation: .theQuorum), "safe"),
    ]
    for (readings, expected) in cases {
      XCTAssertEqual(
        try verdict(model(n: 5, f: 1, q: 4, readings: readings)), expected, "\(readings)")
    }
    // step5 exactly: a Byzantine ready from outside Q starves the others, even for a correct
    // writer on an all-correct quorum.
    XCTAssertEqual(
      try verdict(
        model(
          n: 5, f: 1, q: 4, faultyUpdates: 0, writer: true,
          readings: UpdateReadings(step5: .exactly))),
      "violated Lemma 6.5 in 10")
    XCTAssertTrue(
      try verdict(
        model(
          n: 5, f: 1, q: 4, faultyUpdates: 0, writer: true,
          readings: UpdateReadings(step5: .exactly),
          only: ["Lemma 6.6"])
      ).hasPrefix("violated Lemma 6.6"))
  }

  func testExactlyNeedsThresholdFailProneSystem() throws {
    let u = Universe(count: 4)
    let b = try FailProneSystem.explicit(universe: u, sets: [ServerSet([0]), ServerSet([1])])
    XCTAssertThrowsError(
      try UpdateInstance(
        universe: u, failProne: b, quorums: [ServerSet([0, 1, 2]), ServerSet([1, 2, 3])],
        readings: UpdateReadings(step5: .exactly)))
  }

  func testEncodingRoundTripsAndCanonicalFormIsStable() throws {
    let m = try model(n: 5, f: 1, q: 4, faultyUpdates: 2, writer: true)
    var actions: [UpdateAction] = []
    var s = m.initialStates[3]
    for _ in 0..<6 {
      actions.removeAll()
      m.actions(of: s, into: &actions)
      guard let next = actions.last.flatMap({ m.successor(of: s, taking: $0) }) else { break }
      s = next
    }
    var words = [UInt64](repeating: 0, count: m.wordsPerState)
    words.withUnsafeMutableBufferPointer { m.encode(s, into: $0.baseAddress!) }
    let back = words.withUnsafeBufferPointer { m.decode($0.baseAddress!) }
    XCTAssertEqual(back, s)
    XCTAssertEqual(m.representative(of: m.representative(of: s)), m.representative(of: s))
  }
}
