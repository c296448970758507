import Foundation
import XCTest

/// End-to-end: `bqs-verify explore` on Section 6 specs (`protocol: update`).
final class ExploreUpdateCommandTests: XCTestCase {
  func testSafeSpecStatesReadingsAndQuiescentChecking() throws {
    let r = try CommandRunner.run(["explore", "Specs/protocols/update-n5-f1-q4.yaml"])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    let lines = r.stdout.split(separator: "\n").map(String.init)
    XCTAssertTrue(lines[0].hasPrefix("safe: state space exhausted, "), lines[0])
    XCTAssertTrue(
      lines[0].hasSuffix(
        "Lemma 6.2 (Integrity), Lemma 6.3 (Agreement) hold in every reachable state; Lemma 6.5 (Propagation) holds in every quiescent state (reliable delivery)"
      ), lines[0])
    XCTAssertEqual(
      lines[2],
      "readings: step2 first-received (default), step3 every-member (default), step4 any-servers (default), step5 at-least (default), propagation a-quorum (default)"
    )
    XCTAssertTrue(lines[4].hasPrefix("eventual (every quiescent state: no step enabled"), lines[4])
    XCTAssertTrue(r.stdout.contains("symmetry: on"), r.stdout)
  }

  func testBrokenSpecPrintsNumberedReplayedRun() throws {
    let r = try CommandRunner.run(["explore", "Specs/protocols/update-broken-n4-f1-q3.yaml"])
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    let lines = r.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(
      lines[0],
      "violated: Lemma 6.5 (Propagation): once a correct server delivers, every correct server of a quorum delivers (in a quiescent state, reliable delivery) after 6 steps"
    )
    XCTAssertTrue(lines.contains("shortest run (replayed through the model):"))
    XCTAssertTrue(
      lines.contains { $0.hasPrefix("  6. the faulty client and the Byzantine servers") })
    XCTAssertFalse(lines.contains { $0.hasPrefix("  7. ") })
    XCTAssertTrue(
      lines.contains { $0.hasPrefix("  => quiescent") && $0.contains("WRONG: expected") })
  }

  func testNonDefaultReadingIsNamedInOutput() throws {
    let r = try CommandRunner.run([
      "explore", "Specs/protocols/update-reading-step2-per-quorum.yaml",
    ])
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("violated: Lemma 6.3 (Agreement)"), r.stdout)
    XCTAssertTrue(r.stdout.contains("step2 per-quorum (non-default)"), r.stdout)
  }

  func testJSONAndDOT() throws {
    let dot = FileManager.default.temporaryDirectory.appendingPathComponent(
      "update-\(getpid()).dot")
    defer { try? FileManager.default.removeItem(at: dot) }
    let r = try CommandRunner.run([
      "explore", "Specs/protocols/update-broken-n4-f1-q3.yaml", "--json", "--dot", dot.path,
    ])
    XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
    let object =
      try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    XCTAssertEqual(object["verdict"] as? String, "violated")
    XCTAssertEqual(object["protocol"] as? String, "update")
    XCTAssertEqual((object["readings"] as? [String: String])?["step5"], "at-least")
    XCTAssertEqual(
      object["eventual_properties_checked_on"] as? String,
      "quiescent states under reliable delivery")
    XCTAssertEqual((object["trace"] as? [Any])?.count, 6)
    let chart = try String(contentsOf: dot, encoding: .utf8)
    XCTAssertTrue(chart.hasPrefix("digraph msc {"), chart)
    XCTAssertTrue(chart.contains("faulty client"), chart)
  }

  func testMaxStatesIsUnknownExitThree() throws {
    let r = try CommandRunner.run([
      "explore", "Specs/protocols/update-n5-f1-q4.yaml", "--max-states", "50",
    ])
    XCTAssertEqual(r.status, 3, r.stdout + r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("unknown: --max-states 50 reached"), r.stdout)
  }

  func testBadUpdateSpecIsOneLineExitTwo() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "explore-update-bad-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let head =
      "protocol: update\nuniverse: 4\nfail-prone: {threshold: 1}\nquorums: {threshold: 3}\n"
    let cases: [(String, String)] = [
      (
        head + "readings: {step2: last-received}\n",
        ":5:19: step2 must be one of: first-received, per-quorum"
      ),
      (head + "readings: {step9: x}\n", ":5:12: unknown reading 'step9'"),
      (head + "faulty-updates: 4\n", ":5:17: faulty-updates must be between 0 and 3 (got 4)"),
      (head + "read-rule: masking\n", ":5:1: unknown key 'read-rule' for protocol update"),
      ("protocol: gossip\nuniverse: 4\n", ":1:11: protocol must be read-write or update"),
    ]
    for (k, (text, message)) in cases.enumerated() {
      let file = dir.appendingPathComponent("bad\(k).yaml")
      try text.write(to: file, atomically: true, encoding: .utf8)
      let r = try CommandRunner.run(["explore", file.path])
      XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
      XCTAssertTrue(r.stderr.contains(message), r.stderr)
      XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }
  }
  func testThreeUpdatesAreExploredByTimestampDecomposition() throws {
    let spec = "Benchmarks/section6-specs/update-n5-f1-q4-three-updates.yaml"
    let r = try CommandRunner.run(["explore", spec])
    XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
    let lines = r.stdout.split(separator: "\n").map(String.init)
    XCTAssertTrue(
      lines[0].hasPrefix(
        "safe: state space exhausted, 2778 states (timestamp decomposition: 2743 in the t1 component, 35 in the t2 component); "
      ), lines[0])
    XCTAssertTrue(
      lines.last!.hasPrefix("reduction: timestamp decomposition: ⟨a, t1⟩ with ⟨b, t1⟩"),
      lines.last!)
    XCTAssertTrue(
      lines.last!.hasSuffix(
        "t1 component (⟨a, t1⟩, ⟨b, t1⟩) safe, 2743 states; t2 component (⟨c, t2⟩) safe, 35 states"),
      lines.last!)
    let j = try CommandRunner.run(["explore", spec, "--json"])
    let object = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
    let reduction = object?["reduction"] as? [String: Any]
    XCTAssertEqual(reduction?["applied"] as? Bool, true)
    XCTAssertEqual(reduction?["kind"] as? String, "timestamp-decomposition")
    let components = reduction?["components"] as? [String: [String: Any]]
    XCTAssertEqual(components?["t1"]?["states"] as? Int, 2743)
    XCTAssertEqual(components?["t2"]?["verdict"] as? String, "safe")
  }

  func testReductionIsNamedWhenNotAppliedAndCanBeTurnedOff() throws {
    let two = try CommandRunner.run(["explore", "Specs/protocols/update-n5-f1-q4.yaml"])
    XCTAssertEqual(
      two.stdout.split(separator: "\n").last.map(String.init),
      "reduction: none (fewer than three faulty updates (⟨a, t1⟩ and ⟨b, t1⟩ share a timestamp: one component)); the full model is searched"
    )
    let writer = try CommandRunner.run(["explore", "Specs/protocols/update-n5-f1-q4-writer.yaml"])
    XCTAssertTrue(writer.stdout.contains("\nreduction: none ("), writer.stdout)
    // A broken three-update instance (n = 4 = 4f, quorums of 2): both searches find a violation of the
    // same length; the decomposition's run is lifted and replayed through the full model.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "explore-update-reduction-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let text =
      "protocol: update\nuniverse: 4\nfail-prone: {threshold: 1}\nquorums: {threshold: 2}\nfaulty-updates: 3\n"
    let file = dir.appendingPathComponent("three.yaml")
    try text.write(to: file, atomically: true, encoding: .utf8)
    let off = dir.appendingPathComponent("three-off.yaml")
    try (text + "reduction: off\n").write(to: off, atomically: true, encoding: .utf8)
    let reduced = try CommandRunner.run(["explore", file.path])
    let full = try CommandRunner.run(["explore", file.path, "--no-reduction"])
    let fullBySpec = try CommandRunner.run(["explore", off.path])
    for r in [reduced, full, fullBySpec] { XCTAssertEqual(r.status, 1, r.stdout + r.stderr) }
    let first = { (r: CommandResult) in r.stdout.split(separator: "\n").first.map(String.init) }
    XCTAssertEqual(first(reduced), first(full))
    XCTAssertEqual(first(full), first(fullBySpec))
    XCTAssertTrue(
      reduced.stdout.contains(
        "\nshortest run (lifted from a timestamp component, replayed through the full model):\n"),
      reduced.stdout)
    XCTAssertTrue(
      full.stdout.hasSuffix("reduction: none (--no-reduction); the full model is searched\n"),
      full.stdout)
    XCTAssertTrue(
      fullBySpec.stdout.contains("reduction: none (reduction: off in the spec)"),
      fullBySpec.stdout)
    let bad = dir.appendingPathComponent("bad.yaml")
    try (text + "reduction: maybe\n").write(to: bad, atomically: true, encoding: .utf8)
    let b = try CommandRunner.run(["explore", bad.path])
    XCTAssertEqual(b.status, 2, b.stdout + b.stderr)
    XCTAssertTrue(b.stderr.contains("reduction must be on or off"), b.stderr)
  }
}
