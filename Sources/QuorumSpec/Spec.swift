import Foundation
import QuorumKit
import Yams

/// A spec file: the servers, and optionally a fail-prone system, a quorum system and a class.
///
/// Specs are YAML (JSON is accepted, being YAML too); `docs/spec-format.md` describes the
/// format. A minimal one:
///
/// ```yaml
/// universe: 9
/// fail-prone: {threshold: 2}
/// quorums: {threshold: 7}
/// class: masking
/// ```
///
/// Every problem in a spec is reported as an ``InputError`` that carries the file, the 1-based
/// line and column, and a message saying what was expected there. Nothing is defaulted
/// silently and no key is ignored.
public struct Spec: Hashable, Sendable {
  /// The path of the file, as given to ``load(path:)`` or ``parse(_:file:)``.
  public var file: String
  /// The servers: `universe: n` numbers them `0..<n`; `servers: [a, b, ...]` names them.
  public var universe: Universe
  /// The fail-prone system of the `fail-prone:` key, if present.
  public var failProne: FailProneSystem?
  /// The quorum system of the `quorums:` key, if present.
  public var quorums: QuorumSpecification?
  /// The class of the `class:` key (`masking`, `dissemination` or `opaque`), if present.
  public var quorumClass: QuorumClass?
  /// The free text of the `description:` key, if present.
  public var description: String?

  /// Creates a spec from its parts.
  public init(
    file: String, universe: Universe, failProne: FailProneSystem? = nil,
    quorums: QuorumSpecification? = nil, quorumClass: QuorumClass? = nil,
    description: String? = nil
  ) {
    self.file = file
    self.universe = universe
    self.failProne = failProne
    self.quorums = quorums
    self.quorumClass = quorumClass
    self.description = description
  }

  /// Reads and parses the spec file at `path`.
  ///
  /// - Throws: ``InputError`` with `file: path` (and no line) if the file cannot be read or is
  ///   not UTF-8 text (then with the place of the first bad byte); otherwise whatever
  ///   ``parse(_:file:)`` throws.
  public static func load(path: String) throws -> Spec {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw InputError("cannot read the spec: no such file", file: path)
    }
    guard !isDirectory.boolValue else {
      throw InputError("cannot read the spec: it is a directory, not a file", file: path)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputError("cannot read the spec: permission denied or I/O error", file: path)
    }
    let bytes = [UInt8](data)
    if let bad = SourceText.firstInvalidUTF8(in: bytes) {
      throw InputError(
        "the spec is not UTF-8 text (invalid byte sequence)", file: path, line: bad.line,
        column: bad.column)
    }
    return try parse(String(decoding: bytes, as: UTF8.self), file: path)
  }

  /// Parses the text of a spec; `file` is used in error messages and stored in ``file``.
  ///
  /// - Throws: ``InputError`` with `file`, line and column for every problem: YAML syntax, an
  ///   unknown or duplicated key, a missing or conflicting key, a value of the wrong kind, a
  ///   server outside the universe or not named, and anything the fail-prone system's
  ///   validation rejects (for example one set containing another).
  public static func parse(_ text: String, file: String) throws -> Spec {
    try SpecReader(file: file, text: text).read()
  }
}

/// How a spec's `quorums:` key describes the quorum system.
public enum QuorumSpecification: Hashable, Sendable {
  /// An explicit list of quorums (`quorums: {sets: [[0, 1, 2], [1, 2, 3]]}`), in file order;
  /// none is empty and none is listed twice.
  case explicit([ServerSet])
  /// All subsets of the universe with `size` servers (`quorums: {threshold: 7}`);
  /// `1 <= size <= n`.
  case threshold(size: Int)
}
