import Foundation
import QuorumKit
import XCTest

@testable import QuorumSpec

/// The repository's `Specs/` folder, found from this file's path.
let specsDirectory: URL = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent()  // QuorumSpecTests
  .deletingLastPathComponent()  // Tests
  .deletingLastPathComponent()  // the package
  .appendingPathComponent("Specs")

/// The `.yaml` files of a folder under `Specs/`, sorted.
func specFiles(in folder: String) throws -> [URL] {
  let dir = specsDirectory.appendingPathComponent(folder)
  return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
    .filter { $0.pathExtension == "yaml" || $0.pathExtension == "json" }
    .sorted { $0.lastPathComponent < $1.lastPathComponent }
}

/// Asserts that parsing `text` as `x.yaml` fails with exactly `expected` (`x.yaml:L:C: ...`).
func assertSpecError(
  _ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line
) {
  do {
    let spec = try Spec.parse(text, file: "x.yaml")
    XCTFail("expected the error \(expected), but parsed \(spec)", file: file, line: line)
  } catch let error as InputError {
    XCTAssertEqual(error.description, expected, file: file, line: line)
  } catch {
    XCTFail("expected an InputError, got \(error)", file: file, line: line)
  }
}

/// Parses `text` as `x.yaml`, failing the test (and rethrowing) on an error.
func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Spec {
  do {
    return try Spec.parse(text, file: "x.yaml")
  } catch {
    XCTFail("unexpected error: \(error)", file: file, line: line)
    throw error
  }
}
