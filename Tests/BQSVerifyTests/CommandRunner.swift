import Foundation
import XCTest

/// Runs the built `bqs-verify` executable and captures what it prints, as
/// swift-argument-parser's example tests do.
struct CommandResult {
  var stdout: String
  var stderr: String
  var status: Int32

  /// stdout with every timing ("0.123 s") replaced by "T s", for golden comparisons.
  var normalizedStdout: String {
    stdout.replacingOccurrences(
      of: #"[0-9]+\.[0-9]{3} s"#, with: "T s", options: .regularExpression)
  }
}

enum CommandRunner {
  static var executable: URL {
    let dir = Bundle.main.bundleURL
    let candidates = [
      dir.appendingPathComponent("bqs-verify"),
      dir.deletingLastPathComponent().appendingPathComponent("bqs-verify"),
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("bqs-verify"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
      ?? candidates[0]
  }

  /// The package root (for spec files under Specs/).
  static var packageRoot: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  static func run(_ arguments: [String]) throws -> CommandResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
      stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self), status: process.terminationStatus)
  }
}
