import ArgumentParser
import QuorumKit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// One place turns every outcome into an exit code (DESIGN.md, "Command line"):
// 0 answered, 1 a property violated or an expectation not met, 2 bad input or usage,
// 3 unknown (timeout, resource cap, solver unknown, engines that disagree).
do {
  var command = try BQSVerify.parseAsRoot()
  try command.run()
} catch let code as ExitCode {
  exit(code.rawValue)
} catch let error as InputError {
  printError("error: \(error)")
  exit(ExitStatus.badInput)
} catch {
  let code = BQSVerify.exitCode(for: error)
  if code == .success {
    print(BQSVerify.fullMessage(for: error))
    exit(0)
  }
  let message = BQSVerify.message(for: error)
  printError("error: \(message.split(separator: "\n").first.map(String.init) ?? message)")
  printError("usage: see 'bqs-verify --help'")
  exit(ExitStatus.badInput)
}
