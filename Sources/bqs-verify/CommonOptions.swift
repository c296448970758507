import ArgumentParser
import Foundation
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

/// Enforces `--timeout` around a computation that cannot poll a deadline itself: when the
/// time runs out before ``finish()``, it prints an *unknown* line and exits with code 3, so a
/// long run never outlives its budget and never reports a verdict it did not reach.
final class Watchdog: @unchecked Sendable {
  private let lock = NSLock()
  private var finished = false

  /// Starts the watchdog, or returns nil when there is no timeout.
  init?(seconds: Double?, message: String) {
    guard let seconds else { return nil }
    Thread.detachNewThread { [self] in
      Thread.sleep(forTimeInterval: seconds)
      lock.lock()
      if !finished {
        print(message)
        fflush(stdout)
        exit(ExitStatus.unknown)
      }
      lock.unlock()
    }
  }

  /// Marks the computation done: the watchdog will not fire any more.
  func finish() {
    lock.lock()
    finished = true
    lock.unlock()
  }
}
