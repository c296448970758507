import Foundation
import XCTest

/// End-to-end: the real command line, its output and its exit codes.
final class ExistenceCommandTests: XCTestCase {
  func testOpaqueNineTwoIsNone() throws {
    let r = try CommandRunner.run(["opaque", "--n", "9", "--f", "2"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let first = r.stdout.split(separator: "\n").first.map(String.init)
    XCTAssertEqual(
      first,
      "none: no opaque masking quorum system exists for B = all 2-subsets of 9 servers — n = 9 < 5f = 10 (Theorem 5.13)"
    )
    XCTAssertTrue(r.stdout.contains("threshold arithmetic: none"))
    XCTAssertTrue(r.stdout.contains("family reduction: none"))
  }

  func testOpaqueTenTwoExistsWithWitness() throws {
    let r = try CommandRunner.run(["opaque", "--n", "10", "--f", "2"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(
      r.stdout.hasPrefix(
        "exists: an opaque masking quorum system exists for B = all 2-subsets of 10 servers — n = 10 >= 5f = 10 (Theorem 5.13)\n"
      ), r.stdout)
    XCTAssertTrue(
      r.stdout.contains(
        "witness: the threshold construction of Example 5.12, every 8-subset of the 10 servers"))
    XCTAssertTrue(r.stdout.contains("re-checked by enumeration"))
  }

  func testLargeMaskingAnswersArithmetically() throws {
    let r = try CommandRunner.run(["masking", "--n", "1000000", "--f", "249999"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("exists: "), r.stdout)
    XCTAssertTrue(r.stdout.contains("every 750000-subset of the 1000000 servers"), r.stdout)
  }

  func testExpectMismatchExitsOne() throws {
    let r = try CommandRunner.run(["dissemination", "--n", "6", "--f", "2", "--expect", "exists"])
    XCTAssertEqual(r.status, 1)
    XCTAssertTrue(r.stdout.hasPrefix("none: "))
  }

  func testTimeoutIsUnknownExitThree() throws {
    let r = try CommandRunner.run(["opaque", "--n", "9", "--f", "2", "--timeout", "0.000000001"])
    XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("unknown: "), r.stdout)
  }

  func testBadInputIsOneLineExitTwo() throws {
    let cases: [([String], String)] = [
      (
        ["opaque", "--n", "3", "--f", "3"],
        "error: --f must be smaller than --n (got n = 3, f = 3): some server must be correct\n"
      ),
      (["opaque", "--n", "0", "--f", "0"], "error: --n must be at least 1 (got 0)\n"),
      (["opaque", "--n", "5", "--f=-1"], "error: --f must be at least 0 (got -1)\n"),
      (
        ["masking", "--n", "5"],
        "error: give --n N and --f F (a threshold fail-prone system), or --spec FILE\n"
      ),
      (["masking", "--spec", "/nonexistent.yaml"], ""),
    ]
    for (args, expected) in cases {
      let r = try CommandRunner.run(args)
      XCTAssertEqual(r.status, 2, "\(args): \(r.stdout) \(r.stderr)")
      XCTAssertEqual(r.stdout, "", "\(args)")
      let firstLine = r.stderr.split(separator: "\n").first.map { String($0) + "\n" }
      if !expected.isEmpty { XCTAssertEqual(firstLine, expected, "\(args)") }
      XCTAssertTrue(r.stderr.hasPrefix("error: "), r.stderr)
    }
  }

  func testJSONIsStableApartFromTimes() throws {
    let a = try CommandRunner.run(["masking", "--n", "9", "--f", "2", "--json"])
    let b = try CommandRunner.run(["masking", "--n", "9", "--f", "2", "--json"])
    XCTAssertEqual(a.status, 0)
    let strip = { (s: String) in
      s.replacingOccurrences(
        of: #""seconds":[0-9.e-]+"#, with: "\"seconds\":0", options: .regularExpression)
    }
    XCTAssertEqual(strip(a.stdout), strip(b.stdout))
    let object = try JSONSerialization.jsonObject(with: Data(a.stdout.utf8)) as? [String: Any]
    XCTAssertEqual(object?["verdict"] as? String, "exists")
    XCTAssertEqual(object?["class"] as? String, "masking")
  }

  /// The emitted SMT-LIB2 is answered the same way by the z3 and cvc5 binaries.
  func testEmittedSMTLIB2ReplaysInOtherSolvers() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("bqs-opaque-9-2.smt2")
      .path
    let r = try CommandRunner.run(["opaque", "--n", "9", "--f", "2", "--emit-smt2", path])
    XCTAssertEqual(r.status, 0)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let answers = text.split(separator: "\n").filter { $0.hasPrefix("; z3 answered: ") }.map {
      String($0.dropFirst("; z3 answered: ".count).prefix { $0 != ";" })
    }
    XCTAssertGreaterThanOrEqual(answers.count, 3)
    var ran = 0
    for solver in ["/usr/bin/z3", "/usr/bin/cvc5"]
    where FileManager.default.isExecutableFile(atPath: solver) {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: solver)
      p.arguments = solver.hasSuffix("cvc5") ? ["--lang=smt2", path] : [path]
      let out = Pipe()
      p.standardOutput = out
      p.standardError = Pipe()
      try p.run()
      let data = out.fileHandleForReading.readDataToEndOfFile()
      p.waitUntilExit()
      let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        .filter { ["sat", "unsat", "unknown"].contains($0) }
      XCTAssertEqual(lines, answers, "\(solver) disagrees")
      ran += 1
    }
    if ran == 0 {
      throw XCTSkip("neither /usr/bin/z3 nor /usr/bin/cvc5 is installed (apt-get install z3 cvc5)")
    }
  }
}

/// Spec files through the command line: verdicts, and errors with file:line:column.
final class SpecCommandTests: XCTestCase {
  func testPartitionSpecs() throws {
    let m4 = try CommandRunner.run(["masking", "--spec", "Specs/failprone/partition-m4.yaml"])
    XCTAssertEqual(m4.status, 0)
    XCTAssertTrue(
      m4.stdout.hasPrefix(
        "none: no masking quorum system exists for B = a partition of 8 servers into 4 blocks — 4 fail-prone sets cover U (Corollary 4.4)\n"
      ), m4.stdout)
    let m5 = try CommandRunner.run(["opaque", "--spec", "Specs/failprone/partition-m5.yaml"])
    XCTAssertEqual(m5.status, 0)
    XCTAssertTrue(m5.stdout.hasPrefix("exists: "), m5.stdout)
  }

  func testNestedRingOver65ServersIsDecidedOnTheTree() throws {
    let r = try CommandRunner.run(["masking", "--spec", "Specs/failprone/ring13-65-select3.yaml"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(
      r.stdout.hasPrefix(
        "exists: a masking quorum system exists for B = a nested threshold structure over 65 servers (61776 sets) — no 4 fail-prone sets cover U (Corollary 4.4)\n"
      ), r.stdout)
    XCTAssertTrue(r.stdout.contains("SMT over the expression tree agrees (unsat)"))
    let big = try CommandRunner.run(["dissemination", "--spec", "Specs/failprone/ring13-65.yaml"])
    XCTAssertEqual(big.status, 0, big.stderr)
    XCTAssertTrue(big.stdout.hasPrefix("none: "), big.stdout)
    XCTAssertTrue(big.stdout.contains("SMT over the expression tree agrees (sat)"))
  }

  func testBrokenSpecsGiveFileLineColumn() throws {
    let r = try CommandRunner.run(["masking", "--spec", "Specs/broken/containment.yaml"])
    XCTAssertEqual(r.status, 2)
    XCTAssertEqual(r.stdout, "")
    XCTAssertEqual(
      r.stderr,
      "error: Specs/broken/containment.yaml:10:7: fail-prone set {1, 2} is contained in {1, 2, 3}; a fail-prone system lists only maximal sets\n"
    )
    for file in try FileManager.default.contentsOfDirectory(
      atPath: CommandRunner.packageRoot.appendingPathComponent("Specs/broken").path)
    {
      let r = try CommandRunner.run(["opaque", "--spec", "Specs/broken/\(file)"])
      XCTAssertEqual(r.status, 2, file)
      XCTAssertTrue(r.stderr.hasPrefix("error: Specs/broken/\(file):"), "\(file): \(r.stderr)")
      XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "\(file): one line")
    }
  }

  func testEnumerationEnginesRefuseHugeUniverses() throws {
    let r = try CommandRunner.run(["opaque", "--n", "1000", "--f", "10", "--engine", "family"])
    XCTAssertEqual(r.status, 2)
    XCTAssertEqual(
      r.stderr,
      "error: the family reduction needs explicit server sets, which support at most 64 servers; this universe has 1000\n"
    )
  }
}

/// Golden output: the whole text of a failing (none) and a passing (exists) question, as
/// swift-argument-parser's example tests compare whole outputs. Timings are normalised to "T s".
final class ExistenceGoldenTests: XCTestCase {
  func testOpaqueNineTwoGolden() throws {
    let r = try CommandRunner.run(["opaque", "--n", "9", "--f", "2"])
    XCTAssertEqual(r.status, 0)
    XCTAssertEqual(
      r.normalizedStdout,
      """
      none: no opaque masking quorum system exists for B = all 2-subsets of 9 servers — n = 9 < 5f = 10 (Theorem 5.13)
        threshold arithmetic: none — n = 9 < 5f = 10 (Theorem 5.13)
          the construction of size 8 fails: O3 violated with region sizes |none| = 7, |B| = 2
          Theorem 5.13's argument: UNSAT over the Venn regions of B0, Q1, B1, Q2, B2 with n = 9, f = 2 (the adversary's sets exist: SAT)
          query: sufficiency of the threshold construction of Example 5.12 (q = 8) over Venn regions: sat (needs unsat), 18 variables, 1 assertion, T s
          query: the sets of Theorem 5.13's argument exist for n = 9, f = 2: sat (needs sat), 32 variables, 6 assertions, T s
          query: Theorem 5.13's argument with the class axioms instantiated: unsat (needs unsat), 32 variables, 32 assertions, T s
        family reduction: none — no family of quorums avoiding 2 of the fail-prone sets satisfies O1, O2 (UNSAT)
          fail-prone sets involved: {0, 1}, {2, 3}
          query: family reduction: 2 of 36 fail-prone sets demanded, 2 rounds: unsat (needs unsat), 19 variables, 18 assertions, T s
        time: T s

      """)
  }

  func testMaskingTenTwoGolden() throws {
    let r = try CommandRunner.run(["masking", "--n", "10", "--f", "2"])
    XCTAssertEqual(r.status, 0)
    XCTAssertEqual(
      r.normalizedStdout,
      """
      exists: a masking quorum system exists for B = all 2-subsets of 10 servers — n = 10 > 4f = 8 (Corollary 4.4)
        threshold arithmetic: exists — n = 10 > 4f = 8 (Corollary 4.4)
          witness: the threshold construction of Example 4.7, every 8-subset of the 10 servers (quorum size ceil((n+2f+1)/2) = 8)
          re-checked on region sizes: no two 8-sets and two 2-sets violate M1, M2 (solver UNSAT, and a pure-Swift sweep over every intersection size)
          re-checked by enumeration: all 45 quorums against all 45 fail-prone sets
          smallest quorum c(Q) = 8; load 4/5 (uniform strategy; optimal by Theorem 4.5, L >= c(Q)/n)
          query: sufficiency of the threshold construction of Example 4.7 (q = 8) over Venn regions: unsat (needs unsat), 18 variables, 1 assertion, T s
        cover criterion: exists — no 4 fail-prone sets cover U (Corollary 4.4)
          no 4 fail-prone sets cover U (Corollary 4.4), by the pure-Swift cover search
          witness: the complements {U \\ B : B in B} (Theorem 4.3), 45 quorums, re-checked by enumeration
          quorums: 45 (--witness lists them)
        family reduction: exists — the family of complements {U \\ B : B in B} (45 quorums), re-checked by enumeration
          witness: the complements of the 45 fail-prone sets, tried before the solver (Theorems 4.3, 5.4 single this family out)
          smallest quorum c(Q) = 8; M1, M2 re-checked by enumeration of the pairs (Q0, Q) for every Q, which the symmetry of B makes exhaustive
          quorums: 45 (--witness lists them)
        time: T s

      """)
  }
}
