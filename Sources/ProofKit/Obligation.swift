import Foundation
import QuorumKit
import Yams

/// How an obligation is settled (PAPER-RESULTS.md, "how the tool settles it").
public enum ProofMethod: String, CaseIterable, Sendable, Codable {
  /// Linear integer arithmetic over Venn-region sizes with the parameters symbolic.
  case parametric
  /// An exhaustive loop over every instance up to a bound.
  case sweep
  /// One existence question (threshold or spec fail-prone system), by `ExistenceDecider`.
  case existence
  /// A construction against a class (the `check` engine; not yet available to the runner).
  case check
  /// Exact load by linear programming (not yet available to the runner).
  case load
  /// Breadth-first exploration of a protocol instance (not yet available to the runner).
  case explore
  /// Bounded protocol runs as SMT: every run of at most `depth` steps in one query.
  case bmc
}

/// The outcome of running one obligation.
public enum Verdict: String, CaseIterable, Sendable, Codable {
  /// A universal claim: the negation is UNSAT (or a sweep exhausted every instance).
  case proved
  /// A universal claim is false: a concrete, re-checked counterexample.
  case refuted
  /// A quorum system of the class exists (re-checked witness).
  case exists
  /// No quorum system of the class exists (UNSAT).
  case none
  /// A sweep or check found no violation.
  case holds
  /// A sweep or check found a violation (printed).
  case violated
  /// The hypothesis of a parametric claim is unsatisfiable: the proof would be vacuous.
  case vacuous
  /// Undecided: solver unknown, timeout, budget exhausted, engines disagree.
  case unknown
  /// The obligation could not be run: bad file, unsupported method, bad parameter.
  case error

  /// The verdicts an obligation file may expect.
  public static let expectable: [Verdict] = [.proved, .refuted, .exists, .none, .holds, .violated]
}

/// A parameter value from an obligation file, with the line it is on.
public struct ParameterValue: Sendable, Equatable {
  /// The value.
  public enum Value: Sendable, Equatable {
    /// A plain integer.
    case int(Int)
    /// `true` or `false`.
    case bool(Bool)
    /// A name or text.
    case string(String)
    /// A list of names.
    case list([String])
  }
  /// The value as written.
  public var value: Value
  /// The 1-based line of the value in its file.
  public var line: Int?
}

/// One regression proof obligation: a file under `Proofs/`.
///
/// The YAML format (every key strict; unknown keys are errors with their line):
/// ```yaml
/// id: ex4.7-masking-threshold            # unique, stable name
/// claim: For all n > 4f, ...             # the claim in words
/// reference: Example 4.7                 # where in the paper
/// method: parametric                     # parametric | sweep | existence | check | load | explore | bmc
/// encoding: threshold-construction       # parametric: which encoding (see ParametricProofs)
/// sweep: threshold-existence             # sweep: which sweep (see Sweeps)
/// parameters: {class: masking, quorum-offset: 0}
/// expected: proved                       # proved | refuted | exists | none | holds | violated
/// expected-value: "3/5"                  # optional (loads)
/// budget: 10                             # seconds; past it the verdict is unknown
/// corrects: ...                          # optional: what claim of the paper this corrects
/// mutant-of: ex4.7-masking-threshold     # optional: the proof this mutant guards
/// notes: ...                             # optional
/// ```
public struct Obligation: Sendable {
  /// The file, as given to the loader.
  public var path: String
  /// The path relative to the proof directory (sorting and sharding key).
  public var relativePath: String
  /// Unique, stable name.
  public var id: String
  /// The claim in words.
  public var claim: String
  /// Where in the paper (e.g. "Theorem 5.13").
  public var reference: String
  /// How the obligation is settled.
  public var method: ProofMethod
  /// For `parametric`: the encoding's name; for `sweep`: the sweep's name.
  public var kind: String?
  /// Method parameters, by name.
  public var parameters: [String: ParameterValue]
  /// The line of the `parameters` key (for errors about a missing parameter).
  public var parametersLine: Int?
  /// The expected verdict.
  public var expected: Verdict
  /// An expected value, where relevant (a load, for the load method).
  public var expectedValue: String?
  /// Time budget in seconds.
  public var budget: Double
  /// What claim of the paper this obligation corrects, if any.
  public var corrects: String?
  /// The id of the proof this obligation is a mutant of.
  public var mutantOf: String?
  /// Free notes.
  public var notes: String?

  /// An ``InputError`` placed in this obligation's file at `line`.
  public func error(_ message: String, line: Int? = nil) -> InputError {
    InputError(message, file: path, line: line ?? parametersLine)
  }

  // MARK: Typed parameter access

  /// An integer parameter, or `defaultValue` when absent.
  public func int(_ name: String, default defaultValue: Int? = nil) throws -> Int {
    guard let p = parameters[name] else {
      if let defaultValue { return defaultValue }
      throw error("missing parameter '\(name)' (an integer)")
    }
    guard case .int(let v) = p.value else {
      throw error("parameter '\(name)' must be an integer", line: p.line)
    }
    return v
  }

  /// A string parameter, or `defaultValue` when absent.
  public func string(_ name: String, default defaultValue: String? = nil) throws -> String {
    guard let p = parameters[name] else {
      if let defaultValue { return defaultValue }
      throw error("missing parameter '\(name)' (a string)")
    }
    guard case .string(let v) = p.value else {
      throw error("parameter '\(name)' must be a string", line: p.line)
    }
    return v
  }

  /// A Boolean parameter, or `defaultValue` when absent.
  public func bool(_ name: String, default defaultValue: Bool) throws -> Bool {
    guard let p = parameters[name] else { return defaultValue }
    guard case .bool(let v) = p.value else {
      throw error("parameter '\(name)' must be true or false", line: p.line)
    }
    return v
  }

  /// A list-of-strings parameter (a single string counts as a one-element list).
  public func list(_ name: String) throws -> [String]? {
    guard let p = parameters[name] else { return nil }
    switch p.value {
    case .list(let l): return l
    case .string(let s): return [s]
    default: throw error("parameter '\(name)' must be a list of names", line: p.line)
    }
  }

  /// A quorum class parameter.
  public func quorumClass(_ name: String = "class") throws -> QuorumClass {
    let s = try string(name)
    guard let c = QuorumClass(rawValue: s) else {
      throw error(
        "parameter '\(name)' must be masking, dissemination or opaque (got '\(s)')",
        line: parameters[name]?.line)
    }
    return c
  }

  /// Fails on any parameter not in `allowed`, at its line.
  public func requireOnly(_ allowed: [String]) throws {
    for (name, p) in parameters.sorted(by: { $0.key < $1.key }) where !allowed.contains(name) {
      throw error(
        "unknown parameter '\(name)' (expected one of: \(allowed.joined(separator: ", ")))",
        line: p.line)
    }
  }
}

/// Reads obligation files strictly, with `file:line` errors (``InputError``).
public enum ObligationReader {
  static let keys = [
    "id", "claim", "reference", "method", "encoding", "sweep", "parameters", "expected",
    "expected-value", "budget", "corrects", "mutant-of", "notes",
  ]

  /// Parses the text of one obligation file.
  public static func parse(_ text: String, path: String, relativePath: String? = nil) throws
    -> Obligation
  {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let e as YamlError {
      throw converted(e, path: path)
    } catch {
      throw InputError("invalid YAML: \(error)", file: path, line: 1)
    }
    guard let root, case .mapping(let mapping) = root else {
      throw InputError(
        "expected a mapping with the keys \(keys.joined(separator: ", "))", file: path,
        line: root?.mark?.line ?? 1)
    }
    var values: [String: Node] = [:]
    var keyLines: [String: Int] = [:]
    for (key, value) in mapping {
      guard case .scalar(let k) = key else {
        throw InputError("expected a key name", file: path, line: key.mark?.line)
      }
      guard keys.contains(k.string) else {
        throw InputError(
          "unknown key '\(k.string)' (expected one of: \(keys.joined(separator: ", ")))",
          file: path, line: key.mark?.line)
      }
      if let first = keyLines[k.string] {
        throw InputError(
          "duplicate key '\(k.string)' (first given at line \(first))", file: path,
          line: key.mark?.line)
      }
      keyLines[k.string] = key.mark?.line
      values[k.string] = value
    }
    func required(_ key: String) throws -> Node {
      guard let v = values[key] else {
        throw InputError("missing key '\(key)'", file: path, line: root.mark?.line ?? 1)
      }
      return v
    }
    func textOf(_ node: Node, _ key: String) throws -> String {
      guard case .scalar(let s) = node, !s.string.trimmingCharacters(in: .whitespaces).isEmpty
      else {
        throw InputError("'\(key)' must be a non-empty text", file: path, line: node.mark?.line)
      }
      return s.string
    }
    func optionalText(_ key: String) throws -> String? {
      try values[key].map { try textOf($0, key) }
    }

    let id = try textOf(try required("id"), "id")
    let claim = try textOf(try required("claim"), "claim")
    let reference = try textOf(try required("reference"), "reference")
    let methodNode = try required("method")
    let methodName = try textOf(methodNode, "method")
    guard let method = ProofMethod(rawValue: methodName) else {
      throw InputError(
        "unknown method '\(methodName)' (expected one of: \(ProofMethod.allCases.map(\.rawValue).joined(separator: ", ")))",
        file: path, line: methodNode.mark?.line)
    }
    let expectedNode = try required("expected")
    let expectedName = try textOf(expectedNode, "expected")
    guard let expected = Verdict(rawValue: expectedName), Verdict.expectable.contains(expected)
    else {
      throw InputError(
        "unknown expected verdict '\(expectedName)' (expected one of: \(Verdict.expectable.map(\.rawValue).joined(separator: ", ")))",
        file: path, line: expectedNode.mark?.line)
    }
    let budgetNode = try required("budget")
    guard case .scalar(let b) = budgetNode, let budget = Double(b.string), budget > 0,
      budget <= 3600
    else {
      throw InputError(
        "'budget' must be a number of seconds, more than 0 and at most 3600", file: path,
        line: budgetNode.mark?.line)
    }
    var kind: String? = nil
    switch method {
    case .parametric:
      guard values["sweep"] == nil else {
        throw InputError(
          "'sweep' is for method sweep; a parametric obligation names its 'encoding'", file: path,
          line: keyLines["sweep"])
      }
      kind = try textOf(try required("encoding"), "encoding")
    case .sweep:
      guard values["encoding"] == nil else {
        throw InputError(
          "'encoding' is for method parametric; a sweep names its 'sweep'", file: path,
          line: keyLines["encoding"])
      }
      kind = try textOf(try required("sweep"), "sweep")
    default:
      if let k = keyLines["encoding"] ?? keyLines["sweep"] {
        throw InputError(
          "'encoding' and 'sweep' are only for methods parametric and sweep", file: path, line: k)
      }
    }
    var parameters: [String: ParameterValue] = [:]
    if let p = values["parameters"] {
      guard case .mapping(let pm) = p else {
        throw InputError(
          "'parameters' must be a mapping of names to values", file: path, line: p.mark?.line)
      }
      for (key, value) in pm {
        guard case .scalar(let k) = key else {
          throw InputError("expected a parameter name", file: path, line: key.mark?.line)
        }
        if parameters[k.string] != nil {
          throw InputError(
            "duplicate parameter '\(k.string)'", file: path, line: key.mark?.line)
        }
        parameters[k.string] = ParameterValue(
          value: try parameterValue(value, path: path), line: value.mark?.line)
      }
    }
    return Obligation(
      path: path, relativePath: relativePath ?? path, id: id, claim: claim,
      reference: reference, method: method, kind: kind, parameters: parameters,
      parametersLine: keyLines["parameters"] ?? 1, expected: expected,
      expectedValue: try optionalText("expected-value"), budget: budget,
      corrects: try optionalText("corrects"), mutantOf: try optionalText("mutant-of"),
      notes: try optionalText("notes"))
  }

  static func parameterValue(_ node: Node, path: String) throws -> ParameterValue.Value {
    switch node {
    case .scalar(let s):
      if s.style == .plain {
        if let i = Int(s.string) { return .int(i) }
        if s.string == "true" { return .bool(true) }
        if s.string == "false" { return .bool(false) }
      }
      return .string(s.string)
    case .sequence(let seq):
      var out: [String] = []
      for item in seq {
        guard case .scalar(let s) = item else {
          throw InputError("a list parameter holds plain names", file: path, line: item.mark?.line)
        }
        out.append(s.string)
      }
      return .list(out)
    default:
      throw InputError(
        "a parameter is a number, true/false, a name or a list of names", file: path,
        line: node.mark?.line)
    }
  }

  static func converted(_ e: YamlError, path: String) -> InputError {
    switch e {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return InputError("invalid YAML: \(problem)", file: path, line: mark.line)
    case .duplicatedKeysInMapping(let duplicates, let context):
      return InputError(
        "duplicate key '\(duplicates.first ?? "")'", file: path, line: context.mark.line)
    default:
      return InputError("invalid YAML: \(e)", file: path, line: 1)
    }
  }

  /// Reads one file.
  public static func load(path: String, relativePath: String? = nil) throws -> Obligation {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputError("cannot read the obligation file", file: path)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw InputError("the obligation file is not UTF-8 text", file: path)
    }
    return try parse(text, path: path, relativePath: relativePath)
  }

  /// Every `*.yaml` / `*.yml` file under `directory` (recursively), sorted by relative path.
  public static func files(in directory: String) throws -> [(path: String, relative: String)] {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) else {
      throw InputError("no such proof directory", file: directory)
    }
    if !isDir.boolValue {
      return [(directory, (directory as NSString).lastPathComponent)]
    }
    guard let e = FileManager.default.enumerator(atPath: directory) else {
      throw InputError("cannot list the proof directory", file: directory)
    }
    var out: [(String, String)] = []
    while let rel = e.nextObject() as? String {
      guard rel.hasSuffix(".yaml") || rel.hasSuffix(".yml") else { continue }
      out.append(((directory as NSString).appendingPathComponent(rel), rel))
    }
    return out.sorted { $0.1 < $1.1 }
  }
}
