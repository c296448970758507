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
    try parse(text, file: file, fastListBytes: 4096)
  }

  /// ``parse(_:file:)``, reading lists of server sets of at least `fastListBytes` bytes
  /// without composing them node by node (``FastLists``); nil reads everything with Yams.
  ///
  /// The result and every error are the same either way: the fast read is kept only when it
  /// meets every list it cut out, as a list of server sets, without any error; otherwise the
  /// whole text is read again with Yams, which gives the error and its place.
  static func parse(_ text: String, file: String, fastListBytes: Int?) throws -> Spec {
    if let minimum = fastListBytes, text.utf8.count >= minimum,
      let lists = FastLists.extract(from: text, minimumBytes: minimum)
    {
      if let spec = try? SpecReader(file: file, lists: lists).read() {
        return spec
      }
    }
    return try SpecReader(file: file, text: text).read()
  }
}

/// How a spec's `quorums:` key describes the quorum system.
public enum QuorumSpecification: Hashable, Sendable {
  /// An explicit list of quorums (`quorums: {sets: [[0, 1, 2], [1, 2, 3]]}`), in file order;
  /// none is empty and none is listed twice.
  case explicit([ServerSet])
  /// All subsets of the universe with `size` servers (`quorums: {threshold: 7}`, or
  /// `{construction: threshold, size: 7}`, or `{construction: threshold, for: masking}`);
  /// `1 <= size <= n`.
  case threshold(size: Int)
  /// One of the paper's other named constructions with its parameters resolved
  /// (`{construction: grid, k: 4, rows: 3}`, `{construction: partition, for: masking}`,
  /// `{construction: partition-grid, rows: 2}`, `{construction: hadamard, l: 3}`); never
  /// ``Construction/threshold(n:quorumSize:)``, which is ``threshold(size:)``.
  case construction(Construction)
  /// A quorum expression (`quorums: "a*b + c*d"` or `{expression: "choose(2, [a, b, c])"}`)
  /// and the quorums it denotes: the minimal sets of servers that satisfy it.
  case expression(QuorumExpression, quorums: [ServerSet])
}

extension QuorumSpecification {
  /// The quorum system this specification denotes over `universe`: explicit sets and
  /// expressions as listed systems, named constructions built by the ``QuorumSystem``
  /// builders of QuorumKit (listed up to ``QuorumSystem/constructionListLimit`` quorums).
  ///
  /// - Throws: ``InputError`` if the parameters do not fit the universe (the spec reader has
  ///   already checked this for specs it read).
  public func quorumSystem(universe: Universe) throws -> QuorumSystem {
    switch self {
    case .explicit(let sets), .expression(_, let sets):
      try universe.requireEnumerable("an explicit quorum system")
      let all = universe.all
      if let bad = sets.first(where: { !$0.isSubset(of: all) }) {
        throw InputError(
          "quorum \(bad) names a server outside the universe of \(universe.count) servers")
      }
      return QuorumSystem(universe: universe, quorums: sets)
    case .threshold(let size):
      guard size >= 1 && size <= universe.count else {
        throw InputError(
          "the quorum size must be between 1 and n = \(universe.count), got \(size)")
      }
      let t = QuorumSystem.threshold(
        n: universe.count, quorumSize: size, listLimit: QuorumSystem.constructionListLimit)
      return QuorumSystem.renamed(t, universe: universe)
    case .construction(let c):
      let built: QuorumSystem
      switch c {
      case .threshold(let n, let q):
        guard n == universe.count else {
          throw InputError(
            "the threshold construction is for n = \(n), the universe has \(universe.count) servers"
          )
        }
        built = QuorumSystem.threshold(
          n: n, quorumSize: q, listLimit: QuorumSystem.constructionListLimit)
      case .grid(let k, let rows):
        guard k * k == universe.count else {
          throw InputError(
            "the \(k) × \(k) grid needs a universe of \(k * k) servers, not \(universe.count)")
        }
        built = try QuorumSystem.grid(k: k, rows: rows)
      case .superElements(let elements, let q):
        built = try QuorumSystem.superElements(
          universe: universe, elements: elements, quorumSize: q)
      case .superElementGrid(let elements, let rows):
        built = try QuorumSystem.superElementGrid(
          universe: universe, elements: elements, rows: rows)
      case .hadamard(let l):
        guard l >= 1 && l <= 6 && (1 << l) == universe.count else {
          throw InputError(
            "the Hadamard construction H(\(l)) needs a universe of 2^\(l) servers, not \(universe.count)"
          )
        }
        built = try QuorumSystem.hadamard(l: l)
      }
      return QuorumSystem.renamed(built, universe: universe)
    }
  }
}

extension Spec {
  /// The quorum system of the `quorums:` key over the spec's universe (see
  /// ``QuorumSpecification/quorumSystem(universe:)``), or nil if the spec has none.
  public func quorumSystem() throws -> QuorumSystem? {
    try quorums?.quorumSystem(universe: universe)
  }
}
