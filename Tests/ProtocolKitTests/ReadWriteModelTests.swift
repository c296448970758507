import ProtocolKit
import QuorumKit
import XCTest

/// The read/write protocol model (Sections 3.2, 4, 5.1, 5.2) on small threshold instances.
final class ReadWriteModelTests: XCTestCase {
  func model(
    _ rule: ReadRule, n: Int, f: Int, q: Int, writers: Int = 2, writesPerWriter: Int = 1,
    readers: Int = 1
  ) throws -> ReadWriteModel {
    try ReadWriteModel(
      ReadWriteInstance.threshold(
        n: n, f: f, q: q, readRule: rule, writers: writers, writesPerWriter: writesPerWriter,
        readers: readers))
  }

  func verdictName(_ v: Verdict<ReadWriteModel>) -> String {
    switch v {
    case .safe: return "safe"
    case .violated(let c): return "violated \(c.property)"
    case .unknown(let r): return "unknown \(r)"
    }
  }

  func testDisseminationIsSafeWithAndWithoutSymmetry() throws {
    let m = try model(.dissemination, n: 4, f: 1, q: 3, writers: 1, writesPerWriter: 2)
    let on = try BFSChecker.check(m, limits: SearchLimits(symmetry: true))
    let off = try BFSChecker.check(m, limits: SearchLimits(symmetry: false))
    XCTAssertEqual(verdictName(on.verdict), "safe")
    XCTAssertEqual(verdictName(off.verdict), "safe")
    XCTAssertEqual(m.properties.map { String($0.name.prefix(9)) }, ["Lemma 5.2", "Lemma 5.3"])
    // All servers are interchangeable: at most 4! = 24 times fewer states.
    let factor = Double(off.statistics.states) / Double(on.statistics.states)
    XCTAssertGreaterThan(factor, 2)
    XCTAssertLessThanOrEqual(factor, 24)
    print(
      "dissemination n=4 f=1 q=3, one writer, two writes: \(off.statistics.states) states without symmetry, \(on.statistics.states) with (factor \(factor))"
    )
  }

  func testSingleWriterInstancesAreSafe() throws {
    for (rule, n, f, q) in [
      (ReadRule.opaque, 5, 1, 4), (.masking, 5, 1, 4), (.dissemination, 4, 1, 3),
    ] {
      let m = try model(rule, n: n, f: f, q: q, writers: 1, writesPerWriter: 2)
      XCTAssertEqual(verdictName(try BFSChecker.check(m).verdict), "safe", "\(rule)")
    }
  }

  func testBrokenInstancesViolateWithAndWithoutSymmetry() throws {
    for (rule, lemma) in [(ReadRule.opaque, "Lemma 5.11"), (.masking, "Lemma 4.2")] {
      let m = try model(rule, n: 4, f: 1, q: 3)
      for symmetry in [true, false] {
        let r = try BFSChecker.check(m, limits: SearchLimits(symmetry: symmetry))
        guard case .violated(let cex) = r.verdict else {
          return XCTFail("\(rule) symmetry \(symmetry): \(verdictName(r.verdict))")
        }
        XCTAssertTrue(cex.property.hasPrefix(lemma + ":"), cex.property)
        // Shortest: begin write, 3 deliveries, begin read, 3 answers.
        XCTAssertEqual(cex.trace.steps.count, 8)
        XCTAssertTrue(cex.trace.replays(in: m))
        let lines = cex.trace.describe(in: m)
        XCTAssertTrue(lines.last!.contains("WRONG: expected v1"), lines.last!)
      }
    }
  }

  /// A read that begins before a write ends may return the old value under masking: no
  /// property constrains it (no violation), and dissemination allows the concurrent value.
  func testDisseminationWithFabricationWouldBreak() throws {
    // Dissemination quorums of 3 out of 4 are not masking: the masking rule on them is broken.
    let m = try model(.masking, n: 4, f: 1, q: 3, writers: 1)
    guard case .violated = try BFSChecker.check(m).verdict else {
      return XCTFail("expected violation")
    }
  }

  func testResultRules() throws {
    // Hand-built read: servers 0 (faulty), 1, 2, 3 answering; one write w1 ended.
    let m = try model(.opaque, n: 5, f: 1, q: 4, writers: 1)
    var s = m.initialStates.first { m.faulty($0) == ServerSet([0]) }!
    s = m.successor(of: s, taking: .beginWrite(write: 1, rank: 1))!
    for i in [1, 2, 3, 4] { s = m.successor(of: s, taking: .deliver(write: 1, server: i))! }
    XCTAssertEqual(s.writePhase(1), 2)
    s = m.successor(of: s, taking: .beginRead(read: 0))!
    s = m.successor(of: s, taking: .respond(read: 0, server: 0, code: m.fakeCode))!
    s = m.successor(of: s, taking: .respond(read: 0, server: 1, code: 2))!
    s = m.successor(of: s, taking: .respond(read: 0, server: 2, code: 2))!
    XCTAssertEqual(m.result(s, 0), 2)
    s = m.successor(of: s, taking: .respond(read: 0, server: 3, code: 2))!
    XCTAssertEqual(s.readPhase(0), 2)
    XCTAssertEqual(s.readResult(0), 2)
    XCTAssertTrue(m.properties.allSatisfy { $0.holds(s) })
  }

  func testFaultyAnswerDomain() throws {
    let opaque = try model(.opaque, n: 4, f: 1, q: 3, writers: 1)
    let dissemination = try model(.dissemination, n: 4, f: 1, q: 3, writers: 1)
    for (m, expected) in [(opaque, [1, 3]), (dissemination, [1])] {
      var s = m.initialStates.first { m.faulty($0) == ServerSet([0]) }!
      s = m.successor(of: s, taking: .beginRead(read: 0))!
      var actions: [ReadWriteAction] = []
      m.actions(of: s, into: &actions)
      let codes = actions.compactMap { a -> Int? in
        if case .respond(_, 0, let c) = a { return c }
        return nil
      }
      // ⟨v0, t0⟩ and, for opaque only, the fabricated ⟨x, t*⟩ (no write has begun).
      XCTAssertEqual(codes, expected)
    }
  }

  func testEncodingRoundTrips() throws {
    let m = try model(.opaque, n: 5, f: 1, q: 4)
    var s = m.initialStates[2]
    s = m.successor(of: s, taking: .beginWrite(write: 2, rank: 1))!
    s = m.successor(of: s, taking: .deliver(write: 2, server: 3))!
    s = m.successor(of: s, taking: .beginRead(read: 0))!
    s = m.successor(of: s, taking: .respond(read: 0, server: 2, code: 1))!
    var words = [UInt64](repeating: 0, count: m.wordsPerState)
    words.withUnsafeMutableBufferPointer { m.encode(s, into: $0.baseAddress!) }
    let back = words.withUnsafeBufferPointer { m.decode($0.baseAddress!) }
    XCTAssertEqual(back, s)
  }

  func testInstanceValidation() {
    XCTAssertThrowsError(
      try ReadWriteInstance.threshold(n: 4, f: 1, q: 5, readRule: .opaque, writers: 1, readers: 1))
    XCTAssertThrowsError(
      try ReadWriteInstance.threshold(n: 4, f: 1, q: 3, readRule: .opaque, writers: 8, readers: 1))
  }
}
