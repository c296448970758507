import Foundation
import XCTest
import Z3Kit

/// Helpers shared by the Z3Kit tests.
enum TestSupport {
  /// The resident set size of this process in bytes (second field of /proc/self/statm × page size).
  static func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else {
      return 0
    }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }

  /// Writes `script` to a temporary file, runs `binary` on it and returns its whole output.
  ///
  /// The process is terminated after `timeout` seconds (its output then ends early).
  static func run(_ binary: String, script: String, timeout: TimeInterval = 30) throws -> String {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("z3kit-\(UUID().uuidString).smt2")
    try script.write(to: url, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: url) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = [url.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
    defer { watchdog.cancel() }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  /// The first line of `binary`'s answer to `script`.
  static func firstLine(_ binary: String, script: String) throws -> String {
    let output = try run(binary, script: script)
    return output.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
      ?? ""
  }

  /// Throws `XCTSkip` when `binary` is not installed.
  static func requireBinary(_ binary: String) throws {
    guard FileManager.default.isExecutableFile(atPath: binary) else {
      throw XCTSkip("\(binary) is not installed; cannot cross-check SMT-LIB2 scripts with it")
    }
  }
}
