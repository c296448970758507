import ArgumentParser
import Foundation
import QuorumKit
import QuorumSMT
import QuorumSpec

/// The question's inputs, shared by `masking`, `dissemination` and `opaque`.
struct ExistenceOptions: ParsableArguments {
  @Option(help: "Number of servers (threshold fail-prone system: all f-subsets).")
  var n: Int?

  @Option(help: "Number of faulty servers (threshold fail-prone system).")
  var f: Int?

  @Option(
    help: ArgumentHelp(
      "A spec file whose fail-prone system to use instead of --n/--f.", valueName: "file"))
  var spec: String?

  @Option(
    name: .customLong("engine"),
    help: ArgumentHelp(
      "Engines to run, comma-separated: arithmetic, family, criterion (default: every one that applies).",
      valueName: "list"))
  var engines: String?

  @Flag(help: "List every quorum of a witness family, however many.")
  var witness = false

  @Option(
    help: ArgumentHelp("Exit 1 unless the verdict is this (exists or none).", valueName: "verdict"))
  var expect: String?

  func validate() throws {
    if spec != nil && (n != nil || f != nil) {
      throw ValidationError("give either --spec FILE or --n N --f F, not both")
    }
    if spec == nil && (n == nil || f == nil) {
      throw ValidationError("give --n N and --f F (a threshold fail-prone system), or --spec FILE")
    }
    if let expect, !["exists", "none"].contains(expect) {
      throw ValidationError("--expect must be 'exists' or 'none' (got '\(expect)')")
    }
    _ = try parsedEngines()
  }

  func parsedEngines() throws -> [ExistenceEngine]? {
    guard let engines else { return nil }
    return try engines.split(separator: ",").map { name in
      guard let e = ExistenceEngine(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
        throw ValidationError("unknown engine '\(name)' (expected arithmetic, family or criterion)")
      }
      return e
    }
  }

  /// The fail-prone system asked about.
  func failProneSystem() throws -> FailProneSystem {
    if let spec {
      let s = try Spec.load(path: spec)
      guard let b = s.failProne else {
        throw InputError("the spec has no 'fail-prone' system to decide existence for", file: spec)
      }
      return b
    }
    let n = self.n!
    let f = self.f!
    guard n >= 1 else { throw InputError("--n must be at least 1 (got \(n))") }
    guard n <= 1_000_000_000 else { throw InputError("--n must be at most 10^9 (got \(n))") }
    guard f >= 0 else { throw InputError("--f must be at least 0 (got \(f))") }
    guard f < n else {
      throw InputError(
        "--f must be smaller than --n (got n = \(n), f = \(f)): some server must be correct")
    }
    return try FailProneSystem.threshold(n: n, f: f)
  }
}

/// Shared body of the three existence subcommands.
protocol ExistenceSubcommand: ParsableCommand {
  static var quorumClass: QuorumClass { get }
  var question: ExistenceOptions { get }
  var common: CommonOptions { get }
}

extension ExistenceSubcommand {
  func run() throws {
    let cls = Self.quorumClass
    let failProne = try question.failProneSystem()
    let options = common.engineOptions()
    let start = Clock.now
    let outcome = try ExistenceDecider.decide(
      cls, failProne: failProne, engines: try question.parsedEngines(), options: options)
    let seconds = Clock.now - start
    if options.progress != nil { fputs("\r\u{1B}[K", stderr) }
    if let path = common.emitSMT2 {
      try writeSMTLIB2(outcome, to: path)
    }
    if common.json {
      print(ExistenceJSON.render(cls, failProne: failProne, outcome: outcome, seconds: seconds))
    } else {
      print(
        ExistenceText.render(
          cls, failProne: failProne, outcome: outcome, seconds: seconds,
          listWitness: question.witness),
        terminator: "")
    }
    switch outcome.verdict {
    case .unknown:
      throw ExitCode(ExitStatus.unknown)
    case .exists, .none:
      if let expect = question.expect, expect != outcome.verdict.rawValue {
        throw ExitCode(ExitStatus.violated)
      }
    }
  }

  func writeSMTLIB2(_ outcome: ExistenceDecider.Outcome, to path: String) throws {
    var text =
      "; bqs-verify \(Self.quorumClass.rawValue): the solver queries behind the verdict, in order\n"
    var count = 0
    for r in outcome.reports {
      for q in r.queries {
        guard let body = q.smtlib2 else { continue }
        if count > 0 { text += "(reset)\n" }
        count += 1
        text += "; query \(count) (\(r.engine)): \(q.title)\n"
        text +=
          "; z3 answered: \(q.answer)\(q.expected.map { "; the verdict needs: \($0)" } ?? "")\n"
        text += body
        if !body.hasSuffix("\n") { text += "\n" }
      }
    }
    if count == 0 {
      text += "; no solver query was asked: the engines that ran decided in pure Swift\n"
    }
    do {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
      throw InputError("cannot write the SMT-LIB2 file: \(error.localizedDescription)", file: path)
    }
  }
}

/// The help text shared by the existence subcommands.
func existenceDiscussion(_ name: String, bound: String) -> String {
  """
  Prints a one-line verdict (exists, none or unknown), then each engine's evidence. For a
  threshold fail-prone system the answer is exactly \(bound), for any n; a spec file may give
  any fail-prone system (explicit sets, a partition, or a nested 'select k out-of' structure).

  Examples:
    bqs-verify \(name) --n 9 --f 2
    bqs-verify \(name) --n 1000000 --f 200000 --json
    bqs-verify \(name) --spec Specs/failprone/partition-m5.yaml --emit-smt2 query.smt2
  """
}

struct MaskingCommand: ExistenceSubcommand {
  static let configuration = CommandConfiguration(
    commandName: "masking",
    abstract:
      "Does a masking quorum system (Definition 4.1: M1, M2) exist for the fail-prone system?")
  static let quorumClass = QuorumClass.masking
  @OptionGroup var question: ExistenceOptions
  @OptionGroup var common: CommonOptions
}

struct DisseminationCommand: ExistenceSubcommand {
  static let configuration = CommandConfiguration(
    commandName: "dissemination",
    abstract:
      "Does a dissemination quorum system (Definition 5.1: D1, D2) exist for the fail-prone system?"
  )
  static let quorumClass = QuorumClass.dissemination
  @OptionGroup var question: ExistenceOptions
  @OptionGroup var common: CommonOptions
}

struct OpaqueCommand: ExistenceSubcommand {
  static let configuration = CommandConfiguration(
    commandName: "opaque",
    abstract:
      "Does an opaque masking quorum system (Definition 5.10: O1, O2, O3) exist for the fail-prone system?"
  )
  static let quorumClass = QuorumClass.opaque
  @OptionGroup var question: ExistenceOptions
  @OptionGroup var common: CommonOptions
}
