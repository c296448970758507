import CZ3
import Foundation
import XCTest

@testable import Z3Kit

final class SMTLib2Tests: XCTestCase {
  // MARK: - How Z3 stores pseudo-Boolean constraints

  /// Reads the parameters of the declaration of `t` as integers (int or rational parameters).
  private func parameters(_ t: Term) -> [Int] {
    let c = t.context.raw
    let decl = Z3_get_app_decl(c, Z3_to_app(c, t.ast))
    return (0..<Z3_get_decl_num_parameters(c, decl)).map { i -> Int in
      switch Z3_get_decl_parameter_kind(c, decl, i) {
      case Z3_PARAMETER_INT: return Int(Z3_get_decl_int_parameter(c, decl, i))
      case Z3_PARAMETER_RATIONAL:
        return Int(String(cString: Z3_get_decl_rational_parameter(c, decl, i)))!
      default: return Int.min
      }
    }
  }

  private func declKind(_ t: Term) -> Z3_decl_kind {
    let c = t.context.raw
    return Z3_get_decl_kind(c, Z3_get_app_decl(c, Z3_to_app(c, t.ast)))
  }

  func testPseudoBooleanDeclarationParameters() {
    let z3 = Z3Context()
    let xs = [z3.bool("a"), z3.bool("b"), z3.bool("c")]
    let atMost = z3.atMost(xs, 2)
    XCTAssertEqual(declKind(atMost), Z3_OP_PB_AT_MOST)
    XCTAssertEqual(parameters(atMost), [2], "at-most: the bound only")
    let atLeast = z3.atLeast(xs, 1)
    XCTAssertEqual(declKind(atLeast), Z3_OP_PB_AT_LEAST)
    XCTAssertEqual(parameters(atLeast), [1])
    let le = z3.pbLE(xs, [2, -3, 5], 4)
    XCTAssertEqual(declKind(le), Z3_OP_PB_LE)
    XCTAssertEqual(parameters(le), [4, 2, -3, 5], "pble: the bound, then one coefficient per term")
    let ge = z3.pbGE(xs, [2, -3, 5], -1)
    XCTAssertEqual(declKind(ge), Z3_OP_PB_GE)
    XCTAssertEqual(parameters(ge), [-1, 2, -3, 5])
    let eq = z3.exactly(xs, 2)
    XCTAssertEqual(declKind(eq), Z3_OP_PB_EQ)
    XCTAssertEqual(parameters(eq), [2, 1, 1, 1])
  }

  // MARK: - Script text

  func testScriptText() {
    let z3 = Z3Context()
    let (a, b, x) = (z3.bool("a"), z3.bool("b"), z3.int("x"))
    let s = Z3Solver(z3)
    s.assert(z3.atMost([a, b], 1))
    s.assert(z3.pbGE([a, b], [2, -3], -1), named: "pb")
    s.assert(z3.le(x, z3.numeral(-5)))
    s.assert(z3.eq(x, z3.sum([z3.numeral(1_000_000), z3.times(-2, x)])))
    s.assert(z3.exactly([a], 1))
    s.assert(z3.or([z3.not(a), z3.iff(a, b), z3.implies(b, a)]))
    s.assert(z3.eq(z3.ite(a, x, z3.sub(x, z3.numeral(1))), z3.min(x, z3.numeral(0))))
    let expected = """
      (set-option :produce-models true)
      (set-option :produce-unsat-cores true)
      (set-logic ALL)
      (declare-const a Bool)
      (declare-const b Bool)
      (declare-const x Int)
      (assert (<= (+ (ite a 1 0) (ite b 1 0)) 1))
      (assert (! (>= (+ (ite a 2 0) (ite b (- 3) 0)) (- 1)) :named pb))
      (assert (<= x (- 5)))
      (assert (= x (+ 1000000 (* (- 2) x))))
      (assert (= (ite a 1 0) 1))
      (assert (or (not a) (= a b) (=> b a)))
      (assert (= (ite a x (- x 1)) (ite (<= x 0) x 0)))
      (check-sat)

      """
    XCTAssertEqual(s.smtlib2(), expected)
  }

  func testScriptWithoutLabelsHasNoCoreOption() {
    let z3 = Z3Context()
    let s = Z3Solver(z3)
    XCTAssertEqual(
      s.smtlib2(), "(set-option :produce-models true)\n(set-logic ALL)\n(check-sat)\n")
    s.assert(z3.bool("p"))
    XCTAssertFalse(s.smtlib2().contains("unsat-cores"))
    XCTAssertTrue(
      s.smtlib2(assuming: [z3.not(z3.bool("q"))]).hasSuffix(
        "(check-sat-assuming ((not q)))\n"))
  }

  func testNamesAreQuotedOrRenamed() {
    let z3 = Z3Context()
    let s = Z3Solver(z3)
    s.assert(z3.bool("a b"))
    s.assert(z3.bool("and"))
    s.assert(z3.bool("@internal"))
    s.assert(z3.gt(z3.int("str.len"), z3.int("1x")))
    s.assert(z3.bool("x|y"))
    s.assert(z3.bool("bvadd"))
    s.assert(z3.bool("ok_name-1.2"))
    s.assert(z3.bool("and!1"))  // the name "and" is renamed to; must not clash
    s.assert(z3.literal(true), named: "ok_name-1.2")  // label equal to a constant name
    s.assert(z3.literal(true), named: "my label")
    let script = s.smtlib2()
    XCTAssertTrue(script.contains("(declare-const |a b| Bool)"), script)
    XCTAssertTrue(script.contains("(declare-const and!1 Bool)"), script)
    XCTAssertTrue(script.contains("(declare-const and!1!1 Bool)"), script)
    XCTAssertTrue(script.contains("(declare-const _@internal Bool)"), script)
    XCTAssertTrue(script.contains("(declare-const str.len!1 Int)"), script)
    XCTAssertTrue(script.contains("(declare-const |1x| Int)"), script)
    XCTAssertTrue(script.contains("(declare-const x_y Bool)"), script)
    XCTAssertTrue(script.contains("(declare-const bvadd!1 Bool)"), script)
    XCTAssertTrue(script.contains("(declare-const ok_name-1.2 Bool)"), script)
    XCTAssertTrue(script.contains(":named ok_name-1.2!1)"), script)
    XCTAssertTrue(script.contains(":named |my label|)"), script)
  }

  func testSharedSubtermsAreDefinedOnce() {
    let z3 = Z3Context()
    let xs = (0..<40).map { z3.int("x\($0)") }
    // min(min(min(x0, x1), x2), …): each level uses the previous one twice, so printing the tree
    // would take 2^40 copies.
    var m = xs[0]
    for x in xs.dropFirst() { m = z3.min(m, x) }
    let s = Z3Solver(z3)
    s.assert(z3.ge(m, z3.numeral(3)))
    s.assert(z3.le(xs[39], z3.numeral(3)))
    let script = s.smtlib2()
    XCTAssertLessThan(script.utf8.count, 20_000, script)
    XCTAssertTrue(script.contains("(define-fun t!"), script)
    XCTAssertEqual(s.check(), .sat)
    XCTAssertEqual(s.model()?.int(xs[39]), 3)
  }

  func testOtherOperatorsAndFallback() {
    let z3 = Z3Context()
    let c = z3.raw
    let (a, b, x, y) = (z3.bool("a"), z3.bool("b"), z3.int("x"), z3.int("y"))
    let xor = z3.wrap(Z3_mk_xor(c, a.ast, b.ast), "xor")
    let distinct = z3.withASTs([x, y, z3.numeral(0)]) { z3.wrap(Z3_mk_distinct(c, $1, $0), "") }
    let minus = z3.wrap(Z3_mk_unary_minus(c, x.ast), "minus")
    let mod = z3.wrap(Z3_mk_mod(c, x.ast, z3.numeral(3).ast), "mod")
    let rem = z3.wrap(Z3_mk_rem(c, y.ast, z3.numeral(3).ast), "rem")
    let s = Z3Solver(z3)
    s.assert(xor)
    s.assert(distinct)
    s.assert(z3.eq(minus, z3.numeral(-4)))
    s.assert(z3.eq(mod, z3.numeral(1)))
    s.assert(z3.eq(rem, z3.numeral(2)))
    let script = s.smtlib2()
    XCTAssertTrue(script.contains("(assert (xor a b))"), script)
    XCTAssertTrue(script.contains("(assert (distinct x y 0))"), script)
    XCTAssertTrue(script.contains("(assert (= (- x) (- 4)))"), script)
    XCTAssertTrue(script.contains("(assert (= (mod x 3) 1))"), script)
    // `rem` is not standard SMT-LIB: printed by Z3 itself, with the constant still declared.
    XCTAssertTrue(script.contains("(assert (= (rem y 3) 2))"), script)
    XCTAssertTrue(script.contains("(declare-const y Int)"), script)
    XCTAssertEqual(s.check(), .sat)
  }

  // MARK: - Cross-checking with solver binaries

  /// Named solvers whose `smtlib2()` scripts are run through the solver binaries.
  private func exportedQueries(_ z3: Z3Context) -> [(String, Z3Solver)] {
    var queries: [(String, Z3Solver)] = []
    let xs = (0..<6).map { z3.bool("x\($0)") }

    let cardinality = Z3Solver(z3)
    cardinality.assert(z3.exactly(xs, 3))
    cardinality.assert(z3.atMost(Array(xs[..<3]), 1))
    cardinality.assert(z3.atLeast([xs[0], xs[5]], 2))
    cardinality.assert(z3.pbGE(xs, [4, -2, 3, -7, 1, 5], 3))
    queries.append(("cardinality sat", cardinality))

    let cardinalityUnsat = Z3Solver(z3)
    cardinalityUnsat.assert(z3.exactly(xs, 3), named: "three")
    cardinalityUnsat.assert(z3.atMost(Array(xs[..<3]), 0), named: "none of the first")
    cardinalityUnsat.assert(z3.pbLE(Array(xs[3...]), [1, 2, 3], 5), named: "weights")
    cardinalityUnsat.assert(z3.atLeast([xs[0], xs[1]], 0))
    queries.append(("cardinality unsat", cardinalityUnsat))

    let negative = Z3Solver(z3)
    negative.assert(z3.pbEQ(Array(xs[..<4]), [-3, 2, -5, 7], -1))
    negative.assert(z3.pbGE(Array(xs[..<4]), [-1, -1, -1, -1], -2), named: "at most two")
    queries.append(("negative coefficients sat", negative))

    let negativeUnsat = Z3Solver(z3)
    negativeUnsat.assert(z3.pbEQ(Array(xs[..<4]), [-3, 2, -5, 7], -1))
    negativeUnsat.assert(z3.not(xs[2]))
    negativeUnsat.assert(z3.not(xs[0]))
    queries.append(("negative coefficients unsat", negativeUnsat))

    let (x, y, zz) = (z3.int("x"), z3.int("y"), z3.int("z"))
    let numbers = Z3Solver(z3)
    numbers.assert(z3.eq(x, z3.times(3, z3.numeral(1_000_000))))
    numbers.assert(z3.eq(y, z3.sub(z3.numeral(-1_000_000), x)))
    numbers.assert(z3.eq(zz, z3.min(x, y)), named: "z is the minimum")
    numbers.assert(z3.gt(z3.numeral(5_000_000_000), z3.sum([x, z3.times(-7, y)])))
    numbers.assert(z3.lt(z3.sum([zz]), z3.numeral(-3_999_999)))
    queries.append(("big numerals sat", numbers))

    let numbersUnsat = Z3Solver(z3)
    numbersUnsat.assert(z3.eq(x, z3.numeral(1_000_000)), named: "x is a million")
    numbersUnsat.assert(z3.eq(y, z3.numeral(-5)))
    numbersUnsat.assert(z3.le(z3.sum([x, y]), z3.numeral(999_994)), named: "bound")
    queries.append(("big numerals unsat", numbersUnsat))

    let scoped = Z3Solver(z3)
    scoped.assert(xs[0])
    scoped.push()
    scoped.assert(z3.not(xs[0]), named: "contradiction")
    scoped.pop()
    scoped.push()
    scoped.assert(z3.atMost(xs, 1))
    queries.append(("after pop sat", scoped))

    let degenerate = Z3Solver(z3)
    degenerate.assert(z3.and([]))
    degenerate.assert(z3.not(z3.or([])))
    degenerate.assert(z3.atMost([xs[0]], 0))
    degenerate.assert(z3.pbGE([xs[1]], [-2], -2))
    degenerate.assert(z3.eq(z3.sum([]), z3.sum([x])))
    degenerate.assert(z3.exactly([], 0))
    queries.append(("degenerate sat", degenerate))

    let names = Z3Solver(z3)
    for name in ["a b", "and", "@x", "str.len", "1st", "bvadd", "x|y", "pi", "exp"] {
      names.assert(z3.bool(name), named: name)
    }
    names.assert(z3.bool("and!1"), named: "and")
    names.assert(z3.not(z3.bool("exp")), named: "last")
    queries.append(("awkward names unsat", names))

    let chain = Z3Solver(z3)
    let ys = (0..<30).map { z3.int("y\($0)") }
    var m = ys[0]
    for y in ys.dropFirst() { m = z3.min(m, y) }
    chain.assert(z3.ge(m, z3.numeral(-2)))
    // No label here: with :produce-unsat-cores, cvc5 1.0.3 takes minutes on this chain.
    chain.assert(z3.atLeast([z3.eq(ys[7], z3.numeral(-3)), xs[0]], 1))
    chain.assert(z3.not(xs[0]))
    queries.append(("shared min chain unsat", chain))

    let huge = Z3Solver(z3)
    huge.assert(z3.pbGE([xs[0], xs[1]], [3_000_000_000, 1], 3_000_000_001))
    huge.assert(z3.atMost([xs[0], xs[1]], 1))
    queries.append(("coefficients beyond 32 bits unsat", huge))

    return queries
  }

  private func crossCheck(binary: String) throws {
    try TestSupport.requireBinary(binary)
    let z3 = Z3Context()
    for (name, solver) in exportedQueries(z3) {
      let expected = solver.check()
      XCTAssertTrue(expected == .sat || expected == .unsat, "\(name): in-process \(expected)")
      let script = solver.smtlib2()
      let answer = try TestSupport.firstLine(binary, script: script)
      XCTAssertEqual(answer, expected.description, "\(name) with \(binary):\n\(script)")
    }
    // check-sat-assuming mirrors check(assuming:).
    let s = Z3Solver(z3)
    let (p, q) = (z3.bool("p"), z3.bool("q"))
    s.assert(z3.atMost([p, q], 1))
    for assumptions in [[p], [p, q], [z3.not(p), q]] {
      let expected = s.check(assuming: assumptions)
      let script = s.smtlib2(assuming: assumptions)
      let answer = try TestSupport.firstLine(binary, script: script)
      XCTAssertEqual(answer, expected.description, "\(binary):\n\(script)")
    }
  }

  func testScriptsAgreeWithZ3Binary() throws {
    try crossCheck(binary: "/usr/bin/z3")
  }

  func testScriptsAgreeWithCVC5Binary() throws {
    try crossCheck(binary: "/usr/bin/cvc5")
  }

  func testReservedNamesAreAllAcceptedByCVC5() throws {
    try TestSupport.requireBinary("/usr/bin/cvc5")
    let z3 = Z3Context()
    let s = Z3Solver(z3)
    for name in SMTLib2Writer.reservedNames.sorted() {
      s.assert(z3.or([z3.bool(name), z3.eq(z3.int(name), z3.numeral(1))]))
    }
    let script = s.smtlib2()
    XCTAssertEqual(try TestSupport.firstLine("/usr/bin/cvc5", script: script), "sat", script)
  }
}

final class SMTLib2PerformanceTests: XCTestCase {
  func testLargeScriptIsFast() {
    let z3 = Z3Context()
    let xs = (0..<20_000).map { z3.bool("v\($0)") }
    let s = Z3Solver(z3)
    for k in stride(from: 0, to: 20_000, by: 100) {
      s.assert(z3.atMost(Array(xs[k..<(k + 100)]), 7), named: "block\(k)")
    }
    s.assert(z3.pbGE(xs, (0..<20_000).map { $0 % 7 - 3 }, 5))
    let start = Date()
    let script = s.smtlib2()
    let elapsed = Date().timeIntervalSince(start)
    print("large script: \(script.utf8.count) bytes in \(elapsed) s")
    XCTAssertLessThan(elapsed, 3)
  }
}
