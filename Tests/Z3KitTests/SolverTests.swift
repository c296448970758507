import CZ3
import Foundation
import XCTest

@testable import Z3Kit

final class SolverTests: XCTestCase {
  func testBooleanSatAndModel() {
    let z3 = Z3Context()
    let a = z3.bool("a")
    let b = z3.bool("b")
    let s = Z3Solver(z3)
    s.assert(z3.or([a, b]))
    s.assert(z3.not(a))
    XCTAssertEqual(s.check(), .sat)
    let m = try! XCTUnwrap(s.model())
    XCTAssertEqual(m.bool(a), false)
    XCTAssertEqual(m.bool(b), true)
    XCTAssertNil(m.int(a), "a Boolean has no integer value")
    XCTAssertNil(z3.lastError)
  }

  func testBooleanConnectives() {
    let z3 = Z3Context()
    let (a, b, c) = (z3.bool("a"), z3.bool("b"), z3.bool("c"))
    let s = Z3Solver(z3)
    s.assert(z3.implies(a, b))
    s.assert(z3.iff(b, c))
    s.assert(a)
    s.assert(z3.eq(z3.ite(c, z3.literal(true), z3.literal(false)), z3.literal(true)))
    XCTAssertEqual(s.check(), .sat)
    let m = try! XCTUnwrap(s.model())
    XCTAssertEqual(m.bool(b), true)
    XCTAssertEqual(m.bool(c), true)
    s.assert(z3.not(c))
    XCTAssertEqual(s.check(), .unsat)
    XCTAssertNil(s.model(), "no model after unsat")
  }

  func testNeutralElements() {
    let z3 = Z3Context()
    let s = Z3Solver(z3)
    s.assert(z3.and([]))
    s.assert(z3.not(z3.or([])))
    s.assert(z3.eq(z3.sum([]), z3.numeral(0)))
    XCTAssertEqual(s.check(), .sat)
    let x = z3.int("x")
    XCTAssertTrue(z3.sum([x]) == x, "a one-term sum is the term itself")
    XCTAssertTrue(z3.and([z3.bool("p")]) == z3.bool("p"))
  }

  func testIntegerModel() {
    let z3 = Z3Context()
    let x = z3.int("x")
    let y = z3.int("y")
    let s = Z3Solver(z3)
    s.assert(z3.eq(z3.sum([x, y]), z3.numeral(10)))
    s.assert(z3.eq(z3.sub(x, y), z3.numeral(4)))
    XCTAssertEqual(s.check(), .sat)
    let m = try! XCTUnwrap(s.model())
    XCTAssertEqual(m.int(x), 7)
    XCTAssertEqual(m.int(y), 3)
    XCTAssertEqual(m.int(z3.times(3, x)), 21)
    XCTAssertEqual(m.int(z3.min(x, y)), 3)
    XCTAssertEqual(m.bool(z3.lt(y, x)), true)
    XCTAssertEqual(m.bool(z3.ge(y, x)), false)
    XCTAssertEqual(m.bool(z3.gt(x, z3.numeral(6))), true)
    XCTAssertNil(m.bool(x), "an integer has no Boolean value")
  }

  func testBigAndNegativeNumerals() {
    let z3 = Z3Context()
    let x = z3.int("x")
    let y = z3.int("y")
    let s = Z3Solver(z3)
    let big = 5_000_000_000  // > 2^32
    s.assert(z3.eq(x, z3.times(3, z3.numeral(big))))
    s.assert(z3.eq(y, z3.numeral(-1_000_000)))
    XCTAssertEqual(s.check(), .sat)
    let m = try! XCTUnwrap(s.model())
    XCTAssertEqual(m.int(x), 15_000_000_000)
    XCTAssertEqual(m.int(y), -1_000_000)
    XCTAssertEqual(m.int(z3.numeral(Int.min)), Int.min)
    XCTAssertEqual(m.int(z3.numeral(Int.max)), Int.max)
    // Beyond Int: evaluates, but does not fit.
    XCTAssertNil(m.int(z3.sum([z3.numeral(Int.max), z3.numeral(1)])))
  }

  func testModelCompletionOfUnconstrainedConstants() {
    let z3 = Z3Context()
    let s = Z3Solver(z3)
    s.assert(z3.bool("used"))
    XCTAssertEqual(s.check(), .sat)
    let m = try! XCTUnwrap(s.model())
    XCTAssertNotNil(m.bool(z3.bool("free")))
    XCTAssertNotNil(m.int(z3.int("freeInt")))
  }

  func testCardinalityConstraints() {
    let z3 = Z3Context()
    let xs = (0..<5).map { z3.bool("x\($0)") }
    let s = Z3Solver(z3)
    s.assert(z3.exactly(xs, 2))
    s.assert(xs[0])
    s.assert(z3.atLeast(Array(xs[2...]), 1))
    s.assert(z3.atMost(Array(xs[3...]), 0))
    XCTAssertEqual(s.check(), .sat)
    let m = try! XCTUnwrap(s.model())
    let values = xs.map { m.bool($0)! }
    XCTAssertEqual(values, [true, false, true, false, false])

    s.assert(z3.atLeast(xs, 3))
    XCTAssertEqual(s.check(), .unsat)
  }

  func testPseudoBooleanWithNegativeCoefficients() {
    let z3 = Z3Context()
    let (a, b, c) = (z3.bool("a"), z3.bool("b"), z3.bool("c"))
    let coefficients = [2, -3, 5]
    let s = Z3Solver(z3)
    // 2a - 3b + 5c >= 4 and 2a - 3b + 5c <= 4 and b: forces a = c = b = true (2 - 3 + 5 = 4).
    s.assert(z3.pbGE([a, b, c], coefficients, 4))
    s.assert(z3.pbLE([a, b, c], coefficients, 4))
    s.assert(b)
    XCTAssertEqual(s.check(), .sat)
    let m = try! XCTUnwrap(s.model())
    XCTAssertEqual([m.bool(a), m.bool(b), m.bool(c)], [true, true, true])

    let t = Z3Solver(z3)
    t.assert(z3.pbEQ([a, b, c], coefficients, -1))  // only b and a: 2 - 3 = -1
    XCTAssertEqual(t.check(), .sat)
    let n = try! XCTUnwrap(t.model())
    XCTAssertEqual([n.bool(a), n.bool(b), n.bool(c)], [true, true, false])
    t.assert(z3.not(a))
    XCTAssertEqual(t.check(), .unsat)
  }

  func testPseudoBooleanBeyond32BitsFallsBackToArithmetic() {
    let z3 = Z3Context()
    let (a, b) = (z3.bool("a"), z3.bool("b"))
    let s = Z3Solver(z3)
    let huge = 3_000_000_000
    s.assert(z3.pbGE([a, b], [huge, 1], huge + 1))
    XCTAssertEqual(s.check(), .sat)
    let m = try! XCTUnwrap(s.model())
    XCTAssertEqual(m.bool(a), true)
    XCTAssertEqual(m.bool(b), true)
    s.assert(z3.pbLE([a, b], [1, huge], huge))
    XCTAssertEqual(s.check(), .unsat)
  }

  func testDegenerateCardinalities() {
    let z3 = Z3Context()
    let xs = [z3.bool("p"), z3.bool("q")]
    func valid(_ t: Term) -> Bool {
      let s = Z3Solver(z3)
      s.assert(z3.not(t))
      return s.check() == .unsat
    }
    func unsatisfiable(_ t: Term) -> Bool {
      let s = Z3Solver(z3)
      s.assert(t)
      return s.check() == .unsat
    }
    XCTAssertTrue(valid(z3.atMost([], 0)))
    XCTAssertTrue(unsatisfiable(z3.atMost(xs, -1)))
    XCTAssertTrue(valid(z3.atMost(xs, 2)))
    XCTAssertTrue(valid(z3.atMost(xs, Int.max)))
    XCTAssertTrue(valid(z3.atLeast(xs, 0)))
    XCTAssertTrue(unsatisfiable(z3.atLeast(xs, 3)))
    XCTAssertTrue(unsatisfiable(z3.atLeast([], 1)))
    XCTAssertTrue(valid(z3.exactly([], 0)))
    XCTAssertTrue(unsatisfiable(z3.exactly([], 1)))
    XCTAssertTrue(unsatisfiable(z3.pbLE([], [], -1)))
    XCTAssertTrue(valid(z3.pbGE([], [], 0)))
    XCTAssertTrue(unsatisfiable(z3.exactly(xs, 3)))
  }

  func testUnsatCoreWithNamedAssertions() {
    let z3 = Z3Context()
    let (a, b, c) = (z3.bool("a"), z3.bool("b"), z3.bool("c"))
    let s = Z3Solver(z3)
    s.assert(c, named: "irrelevant")
    s.assert(a, named: "a holds")
    s.assert(z3.implies(a, b), named: "a implies b")
    s.assert(z3.not(b), named: "not b")
    XCTAssertEqual(s.assertionCount, 4)
    XCTAssertEqual(s.check(), .unsat)
    let core = s.unsatCore()
    XCTAssertEqual(core, core.sorted())
    XCTAssertTrue(Set(["a holds", "a implies b", "not b"]).isSubset(of: Set(core)), "\(core)")
    XCTAssertTrue(Set(core).isSubset(of: ["irrelevant", "a holds", "a implies b", "not b"]))
  }

  func testLabelsDoNotAliasUserConstants() {
    let z3 = Z3Context()
    let s = Z3Solver(z3)
    // The label equals the name of a constant; the tracking constant must still be distinct.
    s.assert(z3.not(z3.bool("x")), named: "x")
    XCTAssertEqual(s.check(), .sat)
    XCTAssertEqual(s.model()?.bool(z3.bool("x")), false)
  }

  func testCheckAssumingAndCore() {
    let z3 = Z3Context()
    let (p, q, r) = (z3.bool("p"), z3.bool("q"), z3.bool("r"))
    let s = Z3Solver(z3)
    s.assert(z3.atMost([p, q, r], 1), named: "at most one")
    XCTAssertEqual(s.check(assuming: [p]), .sat)
    XCTAssertEqual(s.model()?.bool(p), true)
    XCTAssertEqual(s.check(assuming: [p, q]), .unsat)
    XCTAssertEqual(s.unsatCore(), ["at most one", "p", "q"])
    XCTAssertEqual(s.check(), .sat, "assumptions do not persist")
    XCTAssertEqual(s.unsatCore(), [], "no core after sat")
  }

  func testPushPop() {
    let z3 = Z3Context()
    let x = z3.int("x")
    let s = Z3Solver(z3)
    s.assert(z3.ge(x, z3.numeral(0)))
    XCTAssertEqual(s.assertionCount, 1)
    s.push()
    s.assert(z3.lt(x, z3.numeral(0)), named: "negative")
    XCTAssertEqual(s.assertionCount, 2)
    XCTAssertEqual(s.scopeDepth, 1)
    XCTAssertEqual(s.check(), .unsat)
    XCTAssertEqual(s.unsatCore(), ["negative"])
    s.pop()
    XCTAssertEqual(s.assertionCount, 1)
    XCTAssertEqual(s.scopeDepth, 0)
    XCTAssertNil(s.lastResult)
    XCTAssertEqual(s.check(), .sat)
    XCTAssertFalse(s.smtlib2().contains("negative"))
    s.push()
    s.push()
    s.assert(z3.eq(x, z3.numeral(5)))
    s.pop()
    s.assert(z3.eq(x, z3.numeral(6)))
    XCTAssertEqual(s.check(), .sat)
    XCTAssertEqual(s.model()?.int(x), 6)
    s.pop()
    XCTAssertEqual(s.assertionCount, 1)
  }

  /// n + 1 pigeons, n holes, as cardinality constraints; unsatisfiable but hard to refute.
  private func pigeonhole(_ z3: Z3Context, holes n: Int) -> Z3Solver {
    let s = Z3Solver(z3)
    let p = (0...n).map { i in (0..<n).map { j in z3.bool("p_\(i)_\(j)") } }
    for i in 0...n { s.assert(z3.atLeast(p[i], 1)) }
    for j in 0..<n { s.assert(z3.atMost((0...n).map { p[$0][j] }, 1)) }
    // Also as weighted sums, so the PB reasoning cannot just count.
    for j in 0..<n {
      s.assert(z3.pbLE((0...n).map { p[$0][j] }, (0...n).map { $0 % 3 + 1 }, 3))
    }
    return s
  }

  func testTimeoutGivesUnknown() {
    let z3 = Z3Context()
    let s = pigeonhole(z3, holes: 14)
    s.setTimeout(milliseconds: 1)
    let start = Date()
    let result = s.check()
    let elapsed = Date().timeIntervalSince(start)
    switch result {
    case .unknown(let reason):
      XCTAssertFalse(reason.isEmpty)
      print("timeout test: unknown (\(reason)) after \(elapsed) s")
    case .unsat:
      print("timeout test: solved within the timeout (unsat), after \(elapsed) s")
    case .sat:
      XCTFail("pigeonhole is unsatisfiable, Z3 said sat")
    }
    XCTAssertLessThan(elapsed, 2, "the 1 ms timeout was not honoured")
    // Removing the timeout again is accepted.
    s.setTimeout(milliseconds: 0)
    XCTAssertNil(z3.lastError)
  }

  func testParameters() {
    let z3 = Z3Context()
    let s = Z3Solver(z3)
    XCTAssertTrue(s.setUIntParameter("timeout", 1000))
    XCTAssertTrue(s.setUIntParameter("random_seed", 7))
    XCTAssertFalse(s.setUIntParameter("no_such_parameter", 1))
    s.setSeed(42)
    s.setTimeout(milliseconds: 5000)
    s.assert(z3.atLeast([z3.bool("a"), z3.bool("b")], 1))
    XCTAssertEqual(s.check(), .sat)
    XCTAssertNil(z3.lastError)
  }

  func testSeedGivesReproducibleModels() {
    func run() -> [Bool] {
      let z3 = Z3Context()
      let xs = (0..<12).map { z3.bool("x\($0)") }
      let s = Z3Solver(z3)
      s.setSeed(3)
      s.assert(z3.exactly(xs, 5))
      s.assert(z3.pbGE(xs, (0..<12).map { $0 - 4 }, 10))
      XCTAssertEqual(s.check(), .sat)
      let m = s.model()!
      return xs.map { m.bool($0)! }
    }
    XCTAssertEqual(run(), run())
  }

  func testStatistics() {
    let z3 = Z3Context()
    let s = pigeonhole(z3, holes: 4)
    XCTAssertEqual(s.check(), .unsat)
    let stats = s.statistics()
    XCTAssertFalse(stats.isEmpty)
    XCTAssertNotNil(stats["memory"] ?? stats["max memory"], "\(stats.keys.sorted())")
    XCTAssertTrue(stats.values.allSatisfy { $0 >= 0 })
  }

  func testErrorsAreRecordedNotFatal() {
    let z3 = Z3Context()
    XCTAssertNil(z3.lastError)
    let b = z3.bool("b")
    // Asking for the numeral string of a non-numeral is an error in Z3.
    _ = Z3_get_numeral_string(z3.raw, b.ast)
    XCTAssertNotNil(z3.lastError)
    z3.lastError = nil
    XCTAssertNil(z3.lastError)
    // The context still works.
    let s = Z3Solver(z3)
    s.assert(b)
    XCTAssertEqual(s.check(), .sat)
  }

  func testTermsAndDescriptions() {
    let z3 = Z3Context()
    let x = z3.int("x")
    XCTAssertEqual(x.description, "x")
    XCTAssertTrue(x.isInt)
    XCTAssertFalse(x.isBool)
    XCTAssertTrue(z3.atMost([z3.bool("a")], 0).isBool)
    XCTAssertEqual(z3.le(x, z3.numeral(3)).description, "(<= x 3)")
    XCTAssertEqual(z3.int("x"), x, "same name and sort is the same constant")
    XCTAssertNotEqual(z3.int("y"), x)
    XCTAssertEqual(Set([x, z3.int("x"), z3.int("y")]).count, 2)
    let s = Z3Solver(z3)
    s.assert(z3.le(x, z3.numeral(3)))
    XCTAssertTrue(s.nativeText().contains("(<= x 3)"))
    XCTAssertEqual(Z3Result.sat.description, "sat")
    XCTAssertEqual(Z3Result.unknown(reason: "timeout").description, "unknown")
  }

  func testObjectsOutliveTheirCreators() {
    // Terms, models and solvers keep the context alive; release order must not matter.
    var model: Z3Model?
    var term: Term?
    do {
      let z3 = Z3Context()
      let s = Z3Solver(z3)
      term = z3.int("x")
      s.assert(z3.eq(term!, z3.numeral(42)))
      XCTAssertEqual(s.check(), .sat)
      model = s.model()
    }
    XCTAssertEqual(model?.int(term!), 42)
    XCTAssertTrue(model!.description.contains("42"))
    model = nil
    term = nil
  }

  func testGlobalMemoryLimitIsAccepted() {
    Z3Context.setGlobalMemoryLimit(megabytes: 4096)
    let z3 = Z3Context()
    let s = Z3Solver(z3)
    s.assert(z3.bool("a"))
    XCTAssertEqual(s.check(), .sat)
    Z3Context.setGlobalMemoryLimit(megabytes: 0)
    XCTAssertNil(z3.lastError)
  }
}
