import ArgumentParser
import QuorumKit
import QuorumSMT
import Z3Kit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Options every solving subcommand takes.
struct CommonOptions: ParsableArguments {
  @Flag(help: "Print the result as a stable JSON object instead of text.")
  var json = false

  @Option(
    help: ArgumentHelp(
      "Give up after this many seconds and answer unknown (exit 3).", valueName: "seconds"))
  var timeout: Double?

  @Option(
    name: .customLong("emit-smt2"),
    help: ArgumentHelp(
      "Write the exact solver queries as portable SMT-LIB2 to this file.", valueName: "path"))
  var emitSMT2: String?

  @Option(
    name: .customLong("memory-limit"),
    help: ArgumentHelp(
      "Cap the solver's memory, in MiB; hitting it answers unknown (exit 3).", valueName: "MiB"))
  var memoryLimit: Int = 8192

  func validate() throws {
    if let timeout, !(timeout > 0 && timeout <= 1e7) {
      throw ValidationError("--timeout must be a positive number of seconds (got \(timeout))")
    }
    if memoryLimit < 16 || memoryLimit > 1 << 20 {
      throw ValidationError(
        "--memory-limit must be between 16 and 1048576 MiB (got \(memoryLimit))")
    }
  }

  /// Engine options: deadline from --timeout, SMT-LIB2 kept when --emit-smt2 is given.
  func engineOptions() -> EngineOptions {
    Z3Context.setGlobalMemoryLimit(megabytes: memoryLimit)
    var progress: (@Sendable (String) -> Void)? = nil
    if isatty(2) == 1 {
      progress = { line in
        fputs("\r\u{1B}[K" + line, stderr)
      }
    }
    return EngineOptions(
      deadline: timeout.map { Clock.now + $0 }, keepSMTLIB2: emitSMT2 != nil, seed: 0,
      progress: progress)
  }
}
