import ArgumentParser
import Foundation
import ProofKit
import QuorumKit

/// `bqs-verify prove`: runs the regression proof obligations under `Proofs/`.
struct ProveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "prove",
    abstract: "Run the regression proof obligations (Proofs/) and compare each verdict.",
    discussion: """
      Each YAML file under DIR is one obligation (see Proofs/README.md): a claim of the paper, \
      how to settle it (parametric, sweep, existence), the expected verdict and a time budget. \
      Prints a table: obligation, verdict, expected, time.

      Exit codes: 0 every verdict is the expected one; 1 some verdict differs from its \
      expectation; 2 some obligation cannot be run (bad file, with FILE:LINE, or a method the \
      runner does not support yet); 3 some verdict is unknown (solver unknown or budget \
      exhausted) and none differs.

      Sharding: --shard I/K runs the I-th (1-based) of K disjoint slices of the obligations \
      sorted by path (every K-th file, starting at the I-th). The --json reports of the K shards \
      merge into the full report by concatenating their "results" arrays; \
      'bqs-verify prove --merge a.json b.json ...' does that and prints the merged table (or \
      JSON with --json) with the exit code of the whole.

      Examples:
        bqs-verify prove Proofs
        bqs-verify prove Proofs --filter thm5.13 --json
        bqs-verify prove Proofs --shard 1/2 --json > shard1.json
        bqs-verify prove --merge shard1.json shard2.json
        bqs-verify prove Proofs --emit-smt2 smt2/ --junit proofs.xml
      """)

  @Argument(help: "The proof directory (or one obligation file).")
  var directory: String = "Proofs"

  @Option(
    help: ArgumentHelp(
      "Run only obligations whose id or path contains this text.", valueName: "text"))
  var filter: String?

  @Flag(help: "Print the report as stable JSON (times in 'seconds' fields).")
  var json = false

  @Option(help: ArgumentHelp("Also write a JUnit XML report to this file.", valueName: "path"))
  var junit: String?

  @Option(help: ArgumentHelp("Run the I-th of K disjoint slices (1 <= I <= K).", valueName: "I/K"))
  var shard: String?

  @Option(
    name: .customLong("emit-smt2"),
    help: ArgumentHelp(
      "Write each parametric proof's solver queries as SMT-LIB2 files into this directory.",
      valueName: "dir"))
  var emitSMT2: String?

  @Flag(help: "Print the details of every obligation, not only of failures and refutations.")
  var verbose = false

  @Option(
    parsing: .upToNextOption,
    help: ArgumentHelp("Merge the JSON reports of shards instead of running.", valueName: "files"))
  var merge: [String] = []

  func parsedShard() throws -> (index: Int, count: Int)? {
    guard let shard else { return nil }
    let parts = shard.split(separator: "/")
    guard parts.count == 2, let i = Int(parts[0]), let k = Int(parts[1]), k >= 1, i >= 1, i <= k
    else {
      throw ValidationError("--shard must be I/K with 1 <= I <= K (got '\(shard)')")
    }
    return (i, k)
  }

  func validate() throws { _ = try parsedShard() }

  func run() throws {
    let report: ProofReport
    if !merge.isEmpty {
      var reports: [ProofReport] = []
      for path in merge {
        guard let data = FileManager.default.contents(atPath: path) else {
          throw InputError("cannot read the report", file: path)
        }
        do {
          reports.append(try JSONDecoder().decode(ProofReport.self, from: data))
        } catch {
          throw InputError("not a 'bqs-verify prove --json' report: \(error)", file: path)
        }
      }
      report = ProofReport.merged(reports)
    } else {
      report = try ProofRunner.run(
        directory: directory,
        options: ProofRunner.Options(
          filter: filter, shard: try parsedShard(), emitSMT2: emitSMT2))
    }
    if let junit {
      do {
        try report.junit().write(toFile: junit, atomically: true, encoding: .utf8)
      } catch {
        throw InputError(
          "cannot write the JUnit report: \(error.localizedDescription)", file: junit)
      }
    }
    if json {
      print(try report.json())
    } else {
      print(report.table(verbose: verbose), terminator: "")
    }
    if report.exitCode != 0 { throw ExitCode(report.exitCode) }
  }
}
