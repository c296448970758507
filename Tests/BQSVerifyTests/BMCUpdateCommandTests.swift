import Foundation
import XCTest

/// End-to-end: `bqs-verify bmc` on the Section 6 update protocol specs (`protocol: update`).
final class BMCUpdateCommandTests: XCTestCase {
  let forged = "Specs/protocols/update-broken-n4-f1-q2-forged.yaml"

  /// The Integrity mutant: Z3's run of 2 steps, replayed and printed as explore prints it
  /// (exit 1) ...
  func testIntegrityViolationIsReplayedAndNumbered() throws {
    let r = try CommandRunner.run(["bmc", forged, "--depth", "2"])
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    XCTAssertEqual(
      r.normalizedStdout,
      """
      violated: Lemma 6.2 (Integrity): a correct server delivers a correct client's timestamp only with the value that client initiated within 2 steps: a run of 2 steps, found by Z3 and replayed through the model
      instance: update protocol (Figure 3), n = 4, B = all 1-subsets, quorums = all 2-subsets; faulty client sends nothing, correct writer writes ⟨w, tw⟩ (0 retries), Byzantine servers forge ⟨x, tw⟩
      readings: step2 first-received (default), step3 every-member (default), step4 any-servers (default), step5 at-least (default), propagation a-quorum (default)
      checked: the invariants Lemma 6.2 (Integrity) or Lemma 6.3 (Agreement) in every state of the run; not checked by bmc: the eventual properties Lemma 6.5 (Propagation) and Lemma 6.6 (Validity) (explore checks them on quiescent states)
      Byzantine servers: {0}
      run (found by Z3, replayed through the model):
        1. writer queries quorum {0, 1}, picks tw (timestamps now t0 < tw) and performs Init(Q_W1 = {0, 1}, w, tw): sends ⟨update, Q_W1, w, tw⟩ to each member (step 1)
        2. Byzantine members {0} of Q_X send ⟨ready, Q_X = {0, 1}, x, tw⟩ to server 3; then {3} execute Deliver(x, tw) on Q_X (step 5)
        => correct servers {3} delivered ⟨x, tw⟩, which the writer never initiated — WRONG: expected only ⟨w, tw⟩
      query: depth 2, 247 Boolean variables, 247 assertions; built in T s, solved in T s, replayed in T s

      """)
  }

  /// ... none within 1 step (exit 0, "no violation within", never "safe") ...
  func testNoViolationWithinTheBound() throws {
    let r = try CommandRunner.run(["bmc", forged, "--depth", "1"])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    XCTAssertTrue(
      r.stdout.hasPrefix(
        "no violation within 1 steps: the query is unsatisfiable, so no run of at most 1 steps violates Lemma 6.2 (Integrity) or Lemma 6.3 (Agreement) (longer runs are not covered)"
      ), r.stdout)
    XCTAssertFalse(r.stdout.contains("safe"))
  }

  /// ... and the Agreement mutant (step 2 per quorum) in JSON at explore's shortest depth.
  func testAgreementMutantJSON() throws {
    let spec = "Specs/protocols/update-reading-step2-per-quorum.yaml"
    let r = try CommandRunner.run(["bmc", spec, "--depth", "11", "--json"])
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(object["verdict"] as? String, "violated")
    XCTAssertEqual(object["protocol"] as? String, "update")
    XCTAssertTrue((object["property"] as? String)?.hasPrefix("Lemma 6.3 (Agreement)") == true)
    XCTAssertEqual((object["trace"] as? [Any])?.count, 11)
    XCTAssertEqual((object["not_checked"] as? [String])?.count, 2)
  }

  /// Out of time: unknown, exit 3, nothing claimed (the UNSAT query at depth 10 takes seconds).
  func testTimeoutIsUnknownExitThree() throws {
    let r = try CommandRunner.run([
      "bmc", "Specs/protocols/update-reading-step2-per-quorum.yaml", "--depth", "10",
      "--timeout", "0.001",
    ])
    XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
    XCTAssertTrue(
      r.stdout.hasPrefix(
        "unknown: Z3 answered unknown (timeout) at depth 10; nothing is claimed about runs of at most 10 steps"
      ) || r.stdout.hasPrefix("unknown: timeout while building the query"), r.stdout)
  }

  /// With a correct reader bmc checks Lemma 6.1 too: the M1-breaking n = 4, q = 3 instance
  /// reads v0 after the faulty client's write ended, in a run of 10 steps (JSON, exit 1), none
  /// within 9 (exit 0) ...
  func testReaderLemma61ViolationAndBound() throws {
    let spec = "Specs/protocols/update-reader-broken-n4-f1-q3-bmc.yaml"
    let r = try CommandRunner.run(["bmc", spec, "--depth", "10", "--json"])
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertEqual(object["verdict"] as? String, "violated")
    XCTAssertTrue((object["property"] as? String)?.hasPrefix("Lemma 6.1:") == true)
    XCTAssertEqual((object["trace"] as? [Any])?.count, 10)
    XCTAssertEqual((object["properties"] as? [String])?.count, 3)
    let below = try CommandRunner.run(["bmc", spec, "--depth", "9"])
    XCTAssertEqual(below.status, 0, below.stdout + below.stderr)
    XCTAssertTrue(
      below.stdout.hasPrefix(
        "no violation within 9 steps: the query is unsatisfiable, so no run of at most 9 steps violates Lemma 6.2 (Integrity) or Lemma 6.3 (Agreement) or Lemma 6.1 (longer runs are not covered)"
      ), below.stdout)
  }

  /// ... and the text report of the violation names the read's result (v0) and the write
  /// that had ended (⟨a, t1⟩).
  func testReaderViolationText() throws {
    let spec = "Specs/protocols/update-reader-broken-n4-f1-q3-bmc.yaml"
    let r = try CommandRunner.run(["bmc", spec, "--depth", "10"])
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("violated: Lemma 6.1:"), r.stdout)
    XCTAssertTrue(r.stdout.contains("run (found by Z3, replayed through the model):"), r.stdout)
    XCTAssertTrue(r.stdout.contains("  10. "), r.stdout)
    XCTAssertFalse(r.stdout.contains("  11. "), r.stdout)
  }

  /// The `exactly` reading of step 5: every Deliver is a step of its own, so the forged
  /// ⟨x, tw⟩ on quorums of 2 out of 4 is delivered after 3 steps (exit 1), none within 2
  /// (exit 0); the Specs instance (masking, a correct writer) has none within 10.
  func testStep5Exactly() throws {
    let broken = "Specs/protocols/update-reading-step5-exactly-broken-n4-f1-q2-bmc.yaml"
    let r = try CommandRunner.run(["bmc", broken, "--depth", "3", "--json"])
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    XCTAssertTrue((object["property"] as? String)?.hasPrefix("Lemma 6.2 (Integrity)") == true)
    XCTAssertEqual((object["trace"] as? [Any])?.count, 3)
    XCTAssertEqual((object["readings"] as? [String: String])?["step5"], "exactly")
    let below = try CommandRunner.run(["bmc", broken, "--depth", "2"])
    XCTAssertEqual(below.status, 0, below.stdout + below.stderr)
    XCTAssertTrue(below.stdout.hasPrefix("no violation within 2 steps"), below.stdout)
    let spec = try CommandRunner.run([
      "bmc", "Specs/protocols/update-reading-step5-exactly.yaml", "--depth", "10",
    ])
    XCTAssertEqual(spec.status, 0, spec.stdout + spec.stderr)
    XCTAssertTrue(spec.stdout.hasPrefix("no violation within 10 steps"), spec.stdout)
  }
}
