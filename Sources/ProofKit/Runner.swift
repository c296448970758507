import Foundation
import QuorumKit
import QuorumSMT

/// The result of one obligation in a run.
public struct ObligationResult: Sendable, Codable {
  /// How a result compares with its expectation.
  public enum Status: String, Sendable, Codable {
    /// The verdict is the expected one.
    case pass
    /// A definite verdict other than the expected one (exit 1).
    case mismatch
    /// Undecided (exit 3 if nothing mismatches).
    case unknown
    /// The obligation could not be run: bad file, unsupported method (exit 2).
    case error
  }

  /// The obligation's id (for an unreadable file: its path without extension).
  public var id: String
  /// The file, relative to the proof directory.
  public var path: String
  /// The paper reference.
  public var reference: String?
  /// The method's name.
  public var method: String?
  /// The verdict reached.
  public var verdict: Verdict
  /// The verdict the file expects.
  public var expected: Verdict?
  /// How the verdict compares with the expectation.
  public var status: Status
  /// Wall-clock seconds.
  public var seconds: Double
  /// One line: why.
  public var summary: String
  /// Evidence: region sizes, concrete sets, each solver query with its answer and time.
  public var details: [String]
  /// The obligation's `corrects` note.
  public var corrects: String?

  /// A result.
  public init(
    id: String, path: String, reference: String?, method: String?, verdict: Verdict,
    expected: Verdict?, status: Status, seconds: Double, summary: String, details: [String],
    corrects: String?
  ) {
    self.id = id
    self.path = path
    self.reference = reference
    self.method = method
    self.verdict = verdict
    self.expected = expected
    self.status = status
    self.seconds = seconds
    self.summary = summary
    self.details = details
    self.corrects = corrects
  }
}

/// A whole run: the JSON report of `bqs-verify prove --json`.
///
/// Shards merge by concatenating their `results` arrays (they are disjoint) and re-sorting by
/// `path`; ``ProofReport/merged(_:)`` does that and recomputes the counts.
public struct ProofReport: Sendable, Codable {
  /// `I/K` when the run was a shard.
  public var shard: String?
  /// One result per obligation, sorted by path.
  public var results: [ObligationResult]
  /// How many results have each status (pass, mismatch, unknown, error).
  public var counts: [String: Int]
  /// Total seconds over the results.
  public var seconds: Double
  /// The exit code of the run (see ``exitCode(_:)``).
  public var exitCode: Int32

  /// A report over `results` (counts and exit code derived).
  public init(results: [ObligationResult], shard: String?) {
    self.results = results.sorted { $0.path < $1.path }
    self.shard = shard
    var counts: [String: Int] = ["pass": 0, "mismatch": 0, "unknown": 0, "error": 0]
    for r in results { counts[r.status.rawValue, default: 0] += 1 }
    self.counts = counts
    self.seconds = results.reduce(0) { $0 + $1.seconds }
    self.exitCode = ProofReport.exitCode(results)
  }

  /// 1 if any verdict differs from its expectation; else 2 if any obligation is in error;
  /// else 3 if any is unknown; else 0.
  public static func exitCode(_ results: [ObligationResult]) -> Int32 {
    if results.contains(where: { $0.status == .mismatch }) { return 1 }
    if results.contains(where: { $0.status == .error }) { return 2 }
    if results.contains(where: { $0.status == .unknown }) { return 3 }
    return 0
  }

  /// The union of shard reports.
  public static func merged(_ reports: [ProofReport]) -> ProofReport {
    ProofReport(results: reports.flatMap(\.results), shard: nil)
  }

  /// Stable JSON (sorted keys).
  public func json() throws -> String {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try e.encode(self), as: UTF8.self)
  }

  /// JUnit XML: one testcase per obligation; mismatch is a failure, unknown is skipped, error
  /// is an error.
  public func junit() -> String {
    func esc(_ s: String) -> String {
      s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    func t(_ x: Double) -> String { String(format: "%.3f", x) }
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out +=
      "<testsuites name=\"bqs-verify prove\" tests=\"\(results.count)\" failures=\"\(counts["mismatch"] ?? 0)\" errors=\"\(counts["error"] ?? 0)\" skipped=\"\(counts["unknown"] ?? 0)\" time=\"\(t(seconds))\">\n"
    out +=
      "  <testsuite name=\"Proofs\" tests=\"\(results.count)\" failures=\"\(counts["mismatch"] ?? 0)\" errors=\"\(counts["error"] ?? 0)\" skipped=\"\(counts["unknown"] ?? 0)\" time=\"\(t(seconds))\">\n"
    for r in results {
      let cls =
        "Proofs."
        + (r.path as NSString).deletingLastPathComponent.replacingOccurrences(
          of: "/", with: ".")
      out +=
        "    <testcase classname=\"\(esc(cls.hasSuffix(".") ? String(cls.dropLast()) : cls))\" name=\"\(esc(r.id))\" file=\"\(esc(r.path))\" time=\"\(t(r.seconds))\""
      let message =
        "verdict \(r.verdict.rawValue), expected \(r.expected?.rawValue ?? "-"): \(r.summary)"
      switch r.status {
      case .pass:
        out += "/>\n"
      case .mismatch:
        out +=
          ">\n      <failure message=\"\(esc(message))\">\(esc(([r.summary] + r.details).joined(separator: "\n")))</failure>\n    </testcase>\n"
      case .unknown:
        out += ">\n      <skipped message=\"\(esc(message))\"/>\n    </testcase>\n"
      case .error:
        out += ">\n      <error message=\"\(esc(r.summary))\"/>\n    </testcase>\n"
      }
    }
    out += "  </testsuite>\n</testsuites>\n"
    return out
  }

  /// The human-readable table: obligation, verdict, expected, time; then the details of every
  /// result that is not a pass, and every `corrects` note.
  public func table(verbose: Bool = false) -> String {
    let rows = results.map { r -> [String] in
      [
        r.id, r.verdict.rawValue, r.expected?.rawValue ?? "-",
        String(format: "%.3f s", r.seconds),
        r.status == .pass ? "" : r.status.rawValue.uppercased(),
      ]
    }
    let header = ["obligation", "verdict", "expected", "time", ""]
    var widths = header.map(\.count)
    for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
        .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    var out = line(header) + "\n"
    for row in rows { out += line(row) + "\n" }
    for r in results where r.status != .pass || verbose || r.verdict == .refuted {
      out += "\n\(r.id) (\(r.path)): \(r.verdict.rawValue): \(r.summary)\n"
      for d in r.details { out += "  \(d)\n" }
    }
    let corrections = results.filter { $0.corrects != nil }
    if !corrections.isEmpty {
      out += "\nCorrections to the paper:\n"
      for r in corrections { out += "  \(r.id): \(r.corrects!)\n" }
    }
    out +=
      "\n\(results.count) obligations: \(counts["pass"] ?? 0) pass, \(counts["mismatch"] ?? 0) mismatch, \(counts["unknown"] ?? 0) unknown, \(counts["error"] ?? 0) error; \(String(format: "%.3f s", seconds)) total\n"
    return out
  }
}

/// Loads, selects and runs obligations.
public enum ProofRunner {
  /// Options of a run.
  public struct Options: Sendable {
    /// Keep obligations whose id or relative path contains this text.
    public var filter: String?
    /// Run only the `index`-th (1-based) of `count` slices of the sorted obligations.
    public var shard: (index: Int, count: Int)?
    /// Write one `.smt2` file per solver query of a parametric obligation into this directory.
    public var emitSMT2: String?
    /// Multiply every budget by this factor.
    public var budgetScale: Double

    /// Run options (default: everything, no SMT-LIB2 files, budgets as written).
    public init(
      filter: String? = nil, shard: (index: Int, count: Int)? = nil, emitSMT2: String? = nil,
      budgetScale: Double = 1
    ) {
      self.filter = filter
      self.shard = shard
      self.emitSMT2 = emitSMT2
      self.budgetScale = budgetScale
    }
  }

  /// The methods the runner can run now; the others are reported as errors.
  public static let supportedMethods: [ProofMethod] = [
    .parametric, .sweep, .existence, .check, .explore, .load, .bmc,
  ]

  /// Runs the method of a parsed obligation.
  public static func outcome(_ o: Obligation, options: EngineOptions) throws -> Outcome {
    switch o.method {
    case .parametric: return try ParametricProofs.run(o, options: options)
    case .sweep: return try Sweeps.run(o, options: options)
    case .existence: return try ExistenceObligation.run(o, options: options)
    case .check: return try CheckObligation.run(o, options: options)
    case .explore: return try ExploreObligation.run(o, options: options)
    case .load: return try LoadObligation.run(o, options: options)
    case .bmc: return try BMCObligation.run(o, options: options)
    }
  }

  /// Runs every selected obligation under `directory`.
  public static func run(directory: String, options: Options) throws -> ProofReport {
    let all = try ObligationReader.files(in: directory)
    var results: [ObligationResult] = []
    var parsed: [(Obligation?, String, String, InputError?)] = []
    for (path, rel) in all {
      do {
        let o = try ObligationReader.load(path: path, relativePath: rel)
        parsed.append((o, path, rel, nil))
      } catch let e as InputError {
        parsed.append((nil, path, rel, e))
      }
    }
    if let filter = options.filter {
      parsed = parsed.filter { o, _, rel, _ in
        rel.contains(filter) || (o?.id.contains(filter) ?? false)
      }
    }
    if let shard = options.shard {
      parsed = parsed.enumerated().filter { $0.offset % shard.count == shard.index - 1 }.map(
        \.element)
    }
    var ids: [String: String] = [:]
    for (o, _, rel, e) in parsed {
      guard let o else {
        results.append(
          ObligationResult(
            id: (rel as NSString).deletingPathExtension, path: rel, reference: nil, method: nil,
            verdict: .error, expected: nil, status: .error, seconds: 0,
            summary: e?.description ?? "unreadable", details: [], corrects: nil))
        continue
      }
      if let other = ids[o.id] {
        results.append(
          ObligationResult(
            id: o.id, path: rel, reference: o.reference, method: o.method.rawValue,
            verdict: .error, expected: o.expected, status: .error, seconds: 0,
            summary: "\(o.path):1: duplicate id '\(o.id)' (also in \(other))", details: [],
            corrects: o.corrects))
        continue
      }
      ids[o.id] = rel
      results.append(try runOne(o, options: options))
    }
    let shardText = options.shard.map { "\($0.index)/\($0.count)" }
    return ProofReport(results: results, shard: shardText)
  }

  /// Runs one parsed obligation under its budget.
  public static func runOne(_ o: Obligation, options: Options) throws -> ObligationResult {
    let start = Clock.now
    let engine = EngineOptions(
      deadline: start + o.budget * options.budgetScale, keepSMTLIB2: options.emitSMT2 != nil,
      seed: 0)
    var outcome: Outcome
    do {
      outcome = try self.outcome(o, options: engine)
    } catch let e as InputError {
      outcome = Outcome(.error, e.description)
    }
    let seconds = Clock.now - start
    if seconds > o.budget * options.budgetScale && outcome.verdict != .error {
      outcome = Outcome(
        .unknown,
        "over budget (\(String(format: "%.3f", seconds)) s > \(o.budget) s); the verdict was \(outcome.verdict.rawValue)",
        details: outcome.details, queries: outcome.queries)
    }
    if let dir = options.emitSMT2, o.method == .parametric {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      for (i, q) in outcome.queries.enumerated() {
        let name = "\(o.id)-\(i + 1).smt2".replacingOccurrences(of: "/", with: "_")
        let text =
          "; \(o.id) (\(o.reference)), query \(i + 1): \(q.title)\n; the proof needs: \(q.needed); Z3 answered: \(q.answer)\n"
          + q.smtlib2
        try text.write(
          toFile: (dir as NSString).appendingPathComponent(name), atomically: true,
          encoding: .utf8)
      }
    }
    let status: ObligationResult.Status
    switch outcome.verdict {
    case .error: status = .error
    case .unknown: status = .unknown
    default: status = outcome.verdict == o.expected ? .pass : .mismatch
    }
    var details = outcome.details
    for q in outcome.queries {
      details.append(
        "query: \(q.title): \(q.answer) (needed \(q.needed)), \(String(format: "%.3f", q.seconds)) s"
      )
    }
    return ObligationResult(
      id: o.id, path: o.relativePath, reference: o.reference, method: o.method.rawValue,
      verdict: outcome.verdict, expected: o.expected, status: status, seconds: seconds,
      summary: outcome.summary, details: details, corrects: o.corrects)
  }
}
