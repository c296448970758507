import ArgumentParser
import Foundation
import ProtocolKit
import QuorumKit
import Yams

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `bqs-verify explore SPEC`: breadth-first search of every run of the read/write protocol of
/// Section 3.2 on a protocol instance (a quorum system, a fail-prone system, a `Result()` rule
/// of Section 4, 5.1 or 5.2, and a workload), checking Lemmas 4.2, 5.2, 5.3 and 5.11.
struct ExploreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explore",
    abstract: "Explore every run of a read/write protocol instance with Byzantine servers (BFS).",
    discussion: """
      The spec (YAML) gives universe, fail-prone, quorums, read-rule (masking, dissemination or \
      opaque), writers, writes-per-writer, readers, reads-per-reader and symmetry. Exit 0 when \
      the state space is exhausted with no violation (safe), 1 when a property is violated (the \
      shortest run is replayed through the model and printed), 2 for bad input, 3 when a limit \
      (--max-states, --timeout, --memory-limit) stops the search first (unknown).
      """)

  @Argument(help: ArgumentHelp("The protocol spec file (YAML or JSON).", valueName: "spec"))
  var spec: String

  @Option(
    name: .customLong("max-states"),
    help: ArgumentHelp(
      "Store at most this many states; more answers unknown (exit 3).", valueName: "N"))
  var maxStates: Int = 100_000_000

  @Option(
    help: ArgumentHelp(
      "Give up after this many seconds and answer unknown (exit 3).", valueName: "seconds"))
  var timeout: Double?

  @Option(
    name: .customLong("memory-limit"),
    help: ArgumentHelp(
      "Cap the checker's state storage, in MiB; hitting it answers unknown (exit 3).",
      valueName: "MiB"))
  var memoryLimit: Int = 4096

  @Flag(
    name: .customLong("no-symmetry"),
    help: "Store every state, not one per server permutation class.")
  var noSymmetry = false

  @Flag(help: "Print the verdict, statistics and trace as a stable JSON object.")
  var json = false

  @Option(
    help: ArgumentHelp(
      "Write the counterexample as a Graphviz message sequence chart.", valueName: "path"))
  var dot: String?

  func validate() throws {
    if maxStates < 1 { throw ValidationError("--max-states must be positive (got \(maxStates))") }
    if let timeout, !(timeout > 0 && timeout <= 1e7) {
      throw ValidationError("--timeout must be a positive number of seconds (got \(timeout))")
    }
    if memoryLimit < 1 || memoryLimit > 1 << 20 {
      throw ValidationError("--memory-limit must be between 1 and 1048576 MiB (got \(memoryLimit))")
    }
  }

  func run() throws {
    let loaded = try ProtocolSpecReader.load(path: spec)
    let model = try ReadWriteModel(loaded.instance)
    let symmetry = loaded.symmetry && !noSymmetry
    let limits = SearchLimits(
      maxStates: maxStates, timeout: timeout, memoryLimitBytes: memoryLimit << 20,
      symmetry: symmetry)
    var progress: ((SearchStatistics) -> Void)? = nil
    if isatty(2) == 1 {
      progress = { s in
        fputs(
          "\r\u{1B}[K\(s.states) states, queue \(s.queued), \(Int(s.statesPerSecond)) states/s",
          stderr)
      }
    }
    let result: SearchResult<ReadWriteModel>
    do {
      result = try model.explore(limits: limits, progress: progress)
    } catch let error as ModelError {
      if progress != nil { fputs("\r\u{1B}[K", stderr) }
      print("unknown: internal error, the counterexample did not replay: \(error.description)")
      throw ExitCode(ExitStatus.unknown)
    }
    if progress != nil { fputs("\r\u{1B}[K", stderr) }
    let report = ExploreReport(
      spec: spec, model: model, symmetryRequested: symmetry, result: result)
    if case .violated(let cex) = result.verdict, !cex.trace.replays(in: model) {
      print("unknown: internal error, the counterexample did not replay through the model")
      throw ExitCode(ExitStatus.unknown)
    }
    if let dot {
      do {
        try report.dot().write(toFile: dot, atomically: true, encoding: .utf8)
      } catch {
        throw InputError("cannot write the DOT file: \(error.localizedDescription)", file: dot)
      }
    }
    print(json ? report.json() : report.text())
    switch result.verdict {
    case .safe: return
    case .violated: throw ExitCode(ExitStatus.violated)
    case .unknown: throw ExitCode(ExitStatus.unknown)
    }
  }
}

/// The printed forms of one exploration: text, JSON and DOT.
struct ExploreReport {
  let spec: String
  let model: ReadWriteModel
  let symmetryRequested: Bool
  let result: SearchResult<ReadWriteModel>

  var symmetryApplied: Bool { symmetryRequested && model.instance.isFullySymmetric }

  var instanceLine: String {
    let i = model.instance
    let b: String
    switch i.failProne.kind {
    case .threshold(let f): b = "all \(f)-subsets"
    default: b = "\(model.faultySets.count) sets"
    }
    let q = i.quorumThreshold.map { "all \($0)-subsets" } ?? "\(i.quorums.count) quorums"
    return
      "instance: \(i.readRule.rawValue) read rule, n = \(i.universe.count), B = \(b), quorums = \(q), "
      + "\(i.writers) writer(s) x \(i.writesPerWriter) write(s), \(i.readers) reader(s) x \(i.readsPerReader) read(s)"
  }

  var symmetryLine: String {
    if !symmetryRequested { return "symmetry: off" }
    if model.instance.isFullySymmetric {
      return
        "symmetry: on (threshold B and quorums: servers are interchangeable, states are stored with sorted server profiles)"
    }
    return "symmetry: not applied (only threshold B with threshold quorums is reduced)"
  }

  func statisticsLine(_ s: SearchStatistics) -> String {
    "statistics: \(s.states) states, \(s.transitions) transitions, depth \(s.depth), "
      + String(
        format: "%.3f s, %.0f states/s, %.1f bytes/state (encoding %d bytes)", s.seconds,
        s.statesPerSecond, s.bytesPerState, s.encodingBytes)
  }

  var verdictLine: String {
    let s = result.statistics
    switch result.verdict {
    case .safe:
      let names = model.properties.map {
        $0.name.split(separator: ":").first.map(String.init) ?? $0.name
      }
      return
        "safe: state space exhausted, \(s.states) states, \(names.joined(separator: " and ")) \(names.count == 1 ? "holds" : "hold") in every reachable state"
    case .violated(let cex):
      return "violated: \(cex.property) after \(cex.trace.steps.count) steps"
    case .unknown(let reason):
      return
        "unknown: \(reason) before the state space was exhausted; explored \(s.states) states (\(s.queued) still queued), no violation among them"
    }
  }

  func text() -> String {
    var lines = [verdictLine, instanceLine]
    if case .violated(let cex) = result.verdict {
      lines.append(
        "faulty servers: \(model.instance.universe.describe(model.faulty(cex.trace.initial)))")
      lines.append("shortest run (replayed through the model):")
      for (k, step) in cex.trace.describe(in: model).enumerated() {
        lines.append("  \(k + 1). \(step)")
      }
    }
    lines.append(statisticsLine(result.statistics))
    lines.append(symmetryLine)
    return lines.joined(separator: "\n")
  }

  func json() -> String {
    let s = result.statistics
    var object: [String: Any] = [
      "spec": spec,
      "read-rule": model.instance.readRule.rawValue,
      "n": model.instance.universe.count,
      "symmetry": symmetryApplied,
      "properties": model.properties.map(\.name),
      "statistics": [
        "states": s.states, "transitions": s.transitions, "depth": s.depth, "queued": s.queued,
        "seconds": s.seconds, "states_per_second": s.statesPerSecond,
        "bytes_per_state": s.bytesPerState, "encoding_bytes": s.encodingBytes,
      ] as [String: Any],
    ]
    switch result.verdict {
    case .safe:
      object["verdict"] = "safe"
    case .violated(let cex):
      object["verdict"] = "violated"
      object["property"] = cex.property
      object["faulty"] = model.faulty(cex.trace.initial).members
      var previous = cex.trace.initial
      var steps: [[String: Any]] = []
      for (k, step) in cex.trace.steps.enumerated() {
        let m = model.message(step.action, from: previous)
        steps.append([
          "step": k + 1, "description": model.describe(step.action, from: previous, to: step.state),
          "from": m.from, "to": m.to, "message": m.label,
        ])
        previous = step.state
      }
      object["trace"] = steps
    case .unknown(let reason):
      object["verdict"] = "unknown"
      object["reason"] = reason
    }
    let data =
      (try? JSONSerialization.data(
        withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]))
      ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  /// The counterexample as a message sequence chart: one column per participant, one row per
  /// step, an arrow per message (an empty chart when there is no counterexample).
  func dot() -> String {
    var out = [
      "digraph msc {", "  rankdir=TB; splines=false; nodesep=0.6;",
      "  node [shape=none, fontname=\"Helvetica\"];",
      "  edge [fontname=\"Helvetica\", fontsize=10];",
    ]
    let people = model.participants
    func id(_ p: Int, _ row: Int) -> String { "p\(p)_\(row)" }
    guard case .violated(let cex) = result.verdict else {
      out.append("  label=\"\(verdictLine.replacingOccurrences(of: "\"", with: "'"))\";")
      out.append("}")
      return out.joined(separator: "\n") + "\n"
    }
    let rows = cex.trace.steps.count + 1
    let faulty = model.faulty(cex.trace.initial)
    let faultyNames = Set(faulty.members.map(model.server))
    for (p, name) in people.enumerated() {
      if faultyNames.contains(name) {
        out.append(
          "  \(id(p, 0)) [label=\"\(name)\\n(faulty)\", shape=box, style=filled, fillcolor=mistyrose];"
        )
      } else {
        out.append("  \(id(p, 0)) [label=\"\(name)\", shape=box];")
      }
      for row in 1...rows { out.append("  \(id(p, row)) [label=\"\", shape=point, width=0.01];") }
      let chain = (0...rows).map { id(p, $0) }.joined(separator: " -> ")
      out.append("  \(chain) [arrowhead=none, style=dashed];")
    }
    // Invisible edges keep the columns in participant order.
    out.append(
      "  " + (0..<people.count).map { id($0, 0) }.joined(separator: " -> ") + " [style=invis];")
    for row in 0...rows {
      out.append(
        "  { rank=same; " + (0..<people.count).map { id($0, row) }.joined(separator: "; ") + "; }")
    }
    var previous = cex.trace.initial
    for (k, step) in cex.trace.steps.enumerated() {
      let m = model.message(step.action, from: previous)
      let a = people.firstIndex(of: m.from) ?? 0
      let b = people.firstIndex(of: m.to) ?? 0
      let label = "\(k + 1). \(m.label)".replacingOccurrences(of: "\"", with: "'")
      if a == b {
        out.append(
          "  \(id(a, k + 1)) [shape=box, width=0, height=0, label=\"\(label)\", fontsize=10];")
      } else {
        out.append("  \(id(a, k + 1)) -> \(id(b, k + 1)) [label=\"\(label)\", constraint=false];")
      }
      previous = step.state
    }
    out.append(
      "  label=\"\(cex.property.replacingOccurrences(of: "\"", with: "'")) — faulty: \(model.instance.universe.describe(model.faulty(cex.trace.initial)))\"; labelloc=t;"
    )
    out.append("}")
    return out.joined(separator: "\n") + "\n"
  }
}

/// Reads a protocol instance spec (YAML): a small reader of its own, so that the quorum spec
/// reader stays untouched.
///
/// ```yaml
/// universe: 5                    # or a list of server names
/// fail-prone: {threshold: 1}     # or {sets: [[0], [1, 2]]}
/// quorums: {threshold: 4}        # or {sets: [[0, 1, 2, 3], ...]}
/// read-rule: opaque              # masking | dissemination | opaque
/// writers: 2                     # default 1
/// writes-per-writer: 1           # default 1
/// readers: 1                     # default 1
/// reads-per-reader: 1            # default 1
/// symmetry: on                   # on | off, default on
/// ```
enum ProtocolSpecReader {
  struct Loaded {
    var instance: ReadWriteInstance
    var symmetry: Bool
  }

  static let keys = [
    "universe", "fail-prone", "quorums", "read-rule", "writers", "writes-per-writer", "readers",
    "reads-per-reader", "symmetry",
  ]

  static func load(path: String) throws -> Loaded {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputError("cannot read the spec file", file: path)
    }
    return try parse(String(decoding: data, as: UTF8.self), file: path)
  }

  static func error(_ message: String, _ node: Node?, _ file: String) -> InputError {
    InputError(message, file: file, line: node?.mark?.line, column: node?.mark?.column)
  }

  static func parse(_ text: String, file: String) throws -> Loaded {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let e as YamlError {
      switch e {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
        .composer(_, let problem, let mark, _):
        throw InputError(
          "invalid YAML: \(problem)", file: file, line: mark.line, column: mark.column)
      default:
        throw InputError("invalid YAML: \(e)", file: file, line: 1, column: 1)
      }
    }
    guard let root, let mapping = root.mapping else {
      throw InputError(
        "a protocol spec is a mapping with the keys \(keys.joined(separator: ", "))", file: file,
        line: 1, column: 1)
    }
    var fields: [String: Node] = [:]
    for (key, value) in mapping {
      guard let name = key.string, keys.contains(name) else {
        throw error(
          "unknown key '\(key.string ?? "?")' (expected one of: \(keys.joined(separator: ", ")))",
          key, file)
      }
      if fields[name] != nil { throw error("duplicate key '\(name)'", key, file) }
      fields[name] = value
    }
    func require(_ key: String) throws -> Node {
      guard let node = fields[key] else {
        throw InputError("missing key '\(key)'", file: file, line: root.mark?.line ?? 1, column: 1)
      }
      return node
    }
    func integer(_ node: Node, _ what: String, min: Int, max: Int) throws -> Int {
      guard let scalar = node.scalar, let v = Int(scalar.string) else {
        throw error("\(what) must be an integer", node, file)
      }
      guard v >= min && v <= max else {
        throw error("\(what) must be between \(min) and \(max) (got \(v))", node, file)
      }
      return v
    }
    // Universe.
    let uNode = try require("universe")
    let universe: Universe
    if let seq = uNode.sequence {
      var names: [String] = []
      for item in seq {
        guard let name = item.string, !name.isEmpty else {
          throw error("a server name must be a string", item, file)
        }
        if names.contains(name) { throw error("server name '\(name)' is listed twice", item, file) }
        names.append(name)
      }
      guard !names.isEmpty, names.count <= ServerSet.capacity else {
        throw error(
          "the universe must have between 1 and \(ServerSet.capacity) servers", uNode, file)
      }
      universe = Universe(names: names)
    } else {
      universe = Universe(count: try integer(uNode, "universe", min: 1, max: ServerSet.capacity))
    }
    let n = universe.count
    func server(_ node: Node) throws -> Int {
      if let scalar = node.scalar {
        if let names = universe.names, let i = names.firstIndex(of: scalar.string) { return i }
        if let i = Int(scalar.string), i >= 0, i < n { return i }
      }
      throw error(
        "'\(node.string ?? "?")' is not a server of the universe (0...\(n - 1) or a name)", node,
        file)
    }
    func sets(_ node: Node, _ what: String) throws -> [ServerSet] {
      guard let seq = node.sequence, !seq.isEmpty else {
        throw error("\(what) sets must be a non-empty list of lists of servers", node, file)
      }
      return try seq.map { item in
        guard let members = item.sequence else {
          throw error("expected a list of servers", item, file)
        }
        return ServerSet(try members.map(server))
      }
    }
    func family(_ key: String) throws -> (threshold: Int?, sets: [ServerSet]?, node: Node) {
      let node = try require(key)
      guard let m = node.mapping, m.count == 1, let first = m.first, let kind = first.key.string
      else {
        throw error("'\(key)' must be {threshold: K} or {sets: [[...], ...]}", node, file)
      }
      switch kind {
      case "threshold":
        return (try integer(first.value, "\(key) threshold", min: 0, max: n), nil, node)
      case "sets": return (nil, try sets(first.value, key), node)
      default:
        throw error(
          "'\(key)' must be {threshold: K} or {sets: [[...], ...]} (got '\(kind)')", first.key, file
        )
      }
    }
    let fp = try family("fail-prone")
    let failProne: FailProneSystem
    do {
      if let f = fp.threshold {
        failProne = try FailProneSystem.threshold(universe: universe, f: f)
      } else {
        failProne = try FailProneSystem.explicit(universe: universe, sets: fp.sets!)
      }
    } catch let e as InputError {
      throw error(e.message, fp.node, file)
    }
    let qs = try family("quorums")
    var quorums: [ServerSet]
    if let q = qs.threshold {
      guard q >= 1 else { throw error("quorums threshold must be at least 1", qs.node, file) }
      guard binomial(n, q) <= 100_000 else {
        throw error(
          "there are \(Int(binomial(n, q))) quorums of \(q) servers: too many to list (limit 100000)",
          qs.node, file)
      }
      quorums = Array(KSubsets(n: n, k: q))
    } else {
      quorums = qs.sets!
      if let empty = quorums.firstIndex(where: \.isEmpty) {
        throw error("quorum \(empty + 1) is empty", qs.node, file)
      }
    }
    let ruleNode = try require("read-rule")
    guard let rule = ruleNode.string.flatMap(ReadRule.init(rawValue:)) else {
      throw error("read-rule must be masking, dissemination or opaque", ruleNode, file)
    }
    func count(_ key: String, default value: Int, min: Int, max: Int) throws -> Int {
      guard let node = fields[key] else { return value }
      return try integer(node, key, min: min, max: max)
    }
    let writers = try count("writers", default: 1, min: 0, max: ReadWriteInstance.maxWrites)
    let wpw = try count("writes-per-writer", default: 1, min: 1, max: ReadWriteInstance.maxWrites)
    let readers = try count("readers", default: 1, min: 0, max: ReadWriteInstance.maxReads)
    let rpr = try count("reads-per-reader", default: 1, min: 1, max: ReadWriteInstance.maxReads)
    var symmetry = true
    if let node = fields["symmetry"] {
      switch node.string?.lowercased() {
      case "on", "true", "yes": symmetry = true
      case "off", "false", "no": symmetry = false
      default: throw error("symmetry must be on or off", node, file)
      }
    }
    do {
      let instance = try ReadWriteInstance(
        universe: universe, failProne: failProne, quorums: quorums,
        quorumThreshold: qs.threshold, readRule: rule, writers: writers,
        writesPerWriter: wpw, readers: readers, readsPerReader: rpr)
      return Loaded(instance: instance, symmetry: symmetry)
    } catch let e as InputError {
      throw InputError(e.message, file: file, line: root.mark?.line ?? 1, column: 1)
    }
  }
}
