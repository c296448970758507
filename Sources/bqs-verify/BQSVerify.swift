import ArgumentParser
import QuorumKit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The `bqs-verify` command: machine-checked answers about Byzantine quorum systems
/// (Malkhi and Reiter, STOC 1997).
struct BQSVerify: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bqs-verify",
    abstract:
      "Verify Byzantine quorum systems (Malkhi & Reiter, STOC 1997) with Z3 and exhaustive search.",
    discussion: """
      Exit codes: 0 answered, 1 a property is violated or an --expect is not met, \
      2 bad input or usage, 3 unknown (timeout, resource cap, solver unknown).
      """,
    version: "0.1.0",
    subcommands: [
      MaskingCommand.self, DisseminationCommand.self, OpaqueCommand.self, CheckCommand.self,
      LoadCommand.self, ExploreCommand.self, BMCCommand.self, ProveCommand.self,
    ]
  )
}

/// Exit statuses shared by every subcommand.
enum ExitStatus {
  static let answered: Int32 = 0
  static let violated: Int32 = 1
  static let badInput: Int32 = 2
  static let unknown: Int32 = 3
}

/// Writes one line to standard error.
func printError(_ line: String) {
  var text = line
  if !text.hasSuffix("\n") { text += "\n" }
  fputs(text, stderr)
}
