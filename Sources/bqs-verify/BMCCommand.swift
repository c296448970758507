import ArgumentParser
import Foundation
import ProtocolKit
import ProtocolSMT
import QuorumKit
import Z3Kit

/// `bqs-verify bmc SPEC --depth K`: every run of at most K steps of a read/write protocol
/// instance as one SMT query (symbolic faulty servers, quorum choices, Byzantine answers and
/// interleavings), checking Lemmas 4.2, 5.2, 5.3 and 5.11 within the bound; with
/// `protocol: update`, of the Section 6 update protocol (Lemmas 6.2 and 6.3, and 6.1 with a
/// reader, ``UpdateBMC``).
struct BMCCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bmc",
    abstract:
      "Check every run of at most K steps of a read/write or update protocol instance with Z3.",
    discussion: """
      The spec is the one explore reads. Steps are counted as explore counts them (one message \
      or client step each), so a violation explore finds after D steps is found here iff D <= K. \
      Exit 0 when no run of at most K steps violates a property (UNSAT: "no violation within K \
      steps", not "safe"), 1 when Z3 finds one (decoded, replayed through the explicit model and \
      printed), 2 for bad input, 3 when the solver answers unknown or runs out of time. With \
      protocol: update (Section 6) bmc checks the invariants Lemma 6.2 (Integrity) and Lemma 6.3 \
      (Agreement), faulty client and Byzantine servers included, and with reader: on Lemma 6.1, \
      under every reading of Figure 3; it does not check the eventual properties (Lemmas 6.5, \
      6.6: explore checks them on quiescent states).
      """)

  @Argument(help: ArgumentHelp("The protocol spec file (YAML or JSON).", valueName: "spec"))
  var spec: String

  @Option(help: ArgumentHelp("The largest number of steps of a run.", valueName: "K"))
  var depth: Int

  @OptionGroup var common: CommonOptions

  func validate() throws {
    if depth < 1 || depth > 10_000 {
      throw ValidationError("--depth must be between 1 and 10000 (got \(depth))")
    }
  }

  func run() throws {
    // `protocol: update` selects the Section 6 encoder (UpdateBMC, UpdateBMCReport).
    if try UpdateSpecReader.protocolName(path: spec) == "update" { return try runUpdate() }
    let loaded = try ProtocolSpecReader.load(path: spec, listingQuorums: false)
    Z3Context.setGlobalMemoryLimit(megabytes: common.memoryLimit)
    let encoder: ReadWriteBMC
    do {
      encoder = try ReadWriteBMC(loaded.instance)
    } catch let e as InputError {
      throw InputError(e.message, file: spec, line: 1, column: 1)
    }
    try check(encoder) { BMCReport(spec: spec, model: encoder.system, result: $0) }
  }

  /// Asks Z3 for a run of `encoder` within `--depth`, writes `--emit-smt2`, prints the report
  /// `render` makes of the result, and maps the verdict to the exit code.
  func check<E: BoundedRunEncoder, R: BMCPrintable>(
    _ encoder: E, render: (BMCResult<E.System>) -> R
  ) throws {
    let options = BMCOptions(timeout: common.timeout, keepSMTLIB2: common.emitSMT2 != nil)
    let result = try BoundedModelChecker.check(encoder, depth: depth, options: options)
    if let path = common.emitSMT2, let text = result.smtlib2 {
      do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
      } catch {
        throw InputError(
          "cannot write the SMT-LIB2 file: \(error.localizedDescription)", file: path)
      }
    }
    let report = render(result)
    print(common.json ? report.json() : report.text())
    switch result.verdict {
    case .noViolation: return
    case .violated: throw ExitCode(ExitStatus.violated)
    case .unknown: throw ExitCode(ExitStatus.unknown)
    }
  }
}

/// A report `bmc` prints: human text or stable JSON.
protocol BMCPrintable {
  func text() -> String
  func json() -> String
}

/// The printed forms of one bounded check: text and JSON.
struct BMCReport: BMCPrintable {
  let spec: String
  let model: ReadWriteModel
  let result: BMCResult<ReadWriteModel>

  var lemmas: String {
    let names = model.properties.map {
      $0.name.split(separator: ":").first.map(String.init) ?? $0.name
    }
    return names.joined(separator: " or ")
  }

  var verdictLine: String {
    let k = result.statistics.depth
    switch result.verdict {
    case .noViolation:
      return
        "no violation within \(k) steps: the query is unsatisfiable, so no run of at most \(k) steps violates \(lemmas) (longer runs are not covered)"
    case .violated(let cex):
      return
        "violated: \(cex.property) within \(k) steps: a run of \(cex.trace.steps.count) steps, found by Z3 and replayed through the model"
    case .unknown(let reason):
      return "unknown: \(reason) at depth \(k); nothing is claimed about runs of at most \(k) steps"
    }
  }

  var instanceLine: String {
    let i = model.instance
    let b: String
    switch i.failProne.kind {
    case .threshold(let f): b = "all \(f)-subsets"
    case .explicit(let sets): b = "\(sets.count) sets"
    case .partition(let blocks): b = "\(blocks.count) blocks"
    case .nested: b = "nested thresholds"
    }
    let q = i.quorumThreshold.map { "all \($0)-subsets" } ?? "\(i.quorums.count) quorums"
    return
      "instance: \(i.readRule.rawValue) read rule, n = \(i.universe.count), B = \(b), quorums = \(q), "
      + "\(i.writers) writer(s) x \(i.writesPerWriter) write(s), \(i.readers) reader(s) x \(i.readsPerReader) read(s)"
  }

  var queryLine: String {
    let s = result.statistics
    return "query: depth \(s.depth), \(s.booleans) Boolean and \(s.integers) integer variables, "
      + "\(s.assertions) assertions; "
      + String(
        format: "built in %.3f s, solved in %.3f s, replayed in %.3f s", s.encodeSeconds,
        s.solveSeconds, s.replaySeconds)
  }

  func text() -> String {
    var lines = [verdictLine, instanceLine]
    if case .violated(let cex) = result.verdict {
      lines.append(
        "faulty servers: \(model.instance.universe.describe(model.faulty(cex.trace.initial)))")
      lines.append("run (found by Z3, replayed through the model):")
      for (k, step) in cex.trace.describe(in: model).enumerated() {
        lines.append("  \(k + 1). \(step)")
      }
    }
    lines.append(queryLine)
    return lines.joined(separator: "\n")
  }

  func json() -> String {
    let s = result.statistics
    var object: [String: Any] = [
      "spec": spec,
      "depth": s.depth,
      "read-rule": model.instance.readRule.rawValue,
      "n": model.instance.universe.count,
      "properties": model.properties.map(\.name),
    ]
    object.merge(TraceRendering.bmcFields(model, result)) { $1 }
    return TraceRendering.json(object)
  }
}
