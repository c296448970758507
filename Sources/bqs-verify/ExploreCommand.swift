import ArgumentParser
import Foundation
import ProtocolKit
import QuorumKit
import Yams

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `bqs-verify explore SPEC`: breadth-first search of every run of the read/write protocol of
/// Section 3.2 on a protocol instance (a quorum system, a fail-prone system, a `Result()` rule
/// of Section 4, 5.1 or 5.2, and a workload), checking Lemmas 4.2, 5.2, 5.3 and 5.11; or, with
/// `protocol: update`, of the Section 6 update protocol (Lemmas 6.1-6.3, 6.5, 6.6).
struct ExploreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explore",
    abstract: "Explore every run of a read/write protocol instance with Byzantine servers (BFS).",
    discussion: """
      The spec (YAML) gives universe, fail-prone, quorums, read-rule (masking, dissemination or \
      opaque), writers, writes-per-writer, readers, reads-per-reader and symmetry (on: the \
      automorphism group of B and the quorums; off; or {generators: [cycles of servers]}, each \
      checked to preserve B and the quorums); with \
      protocol: update, the Section 6 update protocol with a faulty client (faulty-updates, \
      writer, retries, forged, reader, readings, reduction). Exit 0 when \
      the state space is exhausted with no violation (safe), 1 when a property is violated (the \
      shortest run is replayed through the model and printed), 2 for bad input, 3 when a limit \
      (--max-states, --timeout, --memory-limit) stops the search first (unknown).
      """)

  @Argument(help: ArgumentHelp("The protocol spec file (YAML or JSON).", valueName: "spec"))
  var spec: String

  @Option(
    name: .customLong("max-states"),
    help: ArgumentHelp(
      "Store at most this many states; more answers unknown (exit 3).", valueName: "N"))
  var maxStates: Int = 100_000_000

  @Option(
    help: ArgumentHelp(
      "Give up after this many seconds and answer unknown (exit 3).", valueName: "seconds"))
  var timeout: Double?

  @Option(
    name: .customLong("memory-limit"),
    help: ArgumentHelp(
      "Cap the checker's state storage, in MiB; hitting it answers unknown (exit 3).",
      valueName: "MiB"))
  var memoryLimit: Int = 4096

  @Flag(
    name: .customLong("no-symmetry"),
    help: "Store every state, not one per server permutation class.")
  var noSymmetry = false

  @Option(
    name: .customLong("max-cosets"),
    help: ArgumentHelp(
      "Use the automorphism group only if it has at most this many cosets of the interchangeable-server permutations (else those alone).",
      valueName: "N"))
  var maxCosets: Int = 10_000

  @Flag(
    name: .customLong("no-reduction"),
    help:
      "protocol: update only: search the full model, not the timestamp decomposition (applied, where exact, with three faulty updates and no correct writer or reader)."
  )
  var noReduction = false

  @Flag(help: "Print the verdict, statistics and trace as a stable JSON object.")
  var json = false

  @Option(
    help: ArgumentHelp(
      "Write the counterexample as a Graphviz message sequence chart.", valueName: "path"))
  var dot: String?

  func validate() throws {
    if maxCosets < 1 || maxCosets > 1_000_000 {
      throw ValidationError("--max-cosets must be between 1 and 1000000 (got \(maxCosets))")
    }
    if maxStates < 1 { throw ValidationError("--max-states must be positive (got \(maxStates))") }
    if let timeout, !(timeout > 0 && timeout <= 1e7) {
      throw ValidationError("--timeout must be a positive number of seconds (got \(timeout))")
    }
    if memoryLimit < 1 || memoryLimit > 1 << 20 {
      throw ValidationError("--memory-limit must be between 1 and 1048576 MiB (got \(memoryLimit))")
    }
  }

  func run() throws {
    var progress: ((SearchStatistics) -> Void)? = nil
    if isatty(2) == 1 {
      progress = { s in
        fputs(
          "\r\u{1B}[K\(s.states) states, queue \(s.queued), \(Int(s.statesPerSecond)) states/s",
          stderr)
      }
    }
    // `protocol: update` selects the Section 6 model (UpdateSpecReader, UpdateExploreReport).
    if try UpdateSpecReader.protocolName(path: spec) == "update" {
      return try runUpdate(
        limits: SearchLimits(
          maxStates: maxStates, timeout: timeout, memoryLimitBytes: memoryLimit << 20),
        progress: progress)
    }
    // Threshold quorums are decided by their size; listing them would cap n needlessly.
    let loaded = try ProtocolSpecReader.load(path: spec, listingQuorums: false)
    let symmetry = loaded.symmetry && !noSymmetry
    // Under symmetry a threshold B is not listed: one initial state per orbit.
    let model = try ReadWriteModel(
      loaded.instance, symmetryGenerators: loaded.generators, initialStatesPerOrbit: symmetry,
      maxCosets: maxCosets)
    let limits = SearchLimits(
      maxStates: maxStates, timeout: timeout, memoryLimitBytes: memoryLimit << 20,
      symmetry: symmetry)
    let result: SearchResult<ReadWriteModel>
    do {
      result = try model.explore(limits: limits, progress: progress)
    } catch let error as ModelError {
      if progress != nil { fputs("\r\u{1B}[K", stderr) }
      print("unknown: internal error, the counterexample did not replay: \(error.description)")
      throw ExitCode(ExitStatus.unknown)
    }
    if progress != nil { fputs("\r\u{1B}[K", stderr) }
    let report = ExploreReport(
      spec: spec, model: model, symmetryRequested: symmetry, result: result)
    if case .violated(let cex) = result.verdict, !cex.trace.replays(in: model) {
      print("unknown: internal error, the counterexample did not replay through the model")
      throw ExitCode(ExitStatus.unknown)
    }
    if let dot {
      do {
        try report.dot().write(toFile: dot, atomically: true, encoding: .utf8)
      } catch {
        throw InputError("cannot write the DOT file: \(error.localizedDescription)", file: dot)
      }
    }
    print(json ? report.json() : report.text())
    switch result.verdict {
    case .safe: return
    case .violated: throw ExitCode(ExitStatus.violated)
    case .unknown: throw ExitCode(ExitStatus.unknown)
    }
  }
}
