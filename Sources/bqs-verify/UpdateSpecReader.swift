import Foundation
import ProtocolKit
import QuorumKit
import Yams

/// Reads a Section 6 protocol instance spec (YAML), selected by `protocol: update`.
///
/// ```yaml
/// protocol: update
/// universe: 5                    # or a list of server names
/// fail-prone: {threshold: 1}     # or {sets: [[0], [1, 2]]}
/// quorums: {threshold: 4}        # or {sets: [[0, 1, 2, 3], ...]}
/// faulty-updates: 3              # 0..3: ⟨a, t1⟩, ⟨b, t1⟩, ⟨c, t2⟩; default 2
/// writer: on                     # a correct writer (Section 6.1); default off
/// retries: 1                     # its retries with another quorum, 0 or 1; default 0
/// forged: on                     # Byzantine echo/ready for ⟨x, tw⟩; default off
/// reader: on                     # a correct reader (Lemma 6.1); default off
/// readings:                      # Figure 3's open readings; every key optional
///   step2: first-received        # | per-quorum
///   step3: every-member          # | every-other-member | quorum-minus-b
///   step4: any-servers           # | within-quorum
///   step5: at-least              # | exactly
///   propagation: a-quorum        # | the-quorum
/// symmetry: on                   # on | off, default on
/// reduction: on                  # on | off, default on: the timestamp decomposition
///                                # (UpdateDecomposition) where it is exact
/// ```
enum UpdateSpecReader {
  struct Loaded {
    var instance: UpdateInstance
    var symmetry: Bool
    /// Whether the timestamp decomposition may be applied (`reduction`, default on).
    var reduction: Bool
  }

  static let keys = [
    "protocol", "universe", "fail-prone", "quorums", "faulty-updates", "writer", "retries",
    "forged", "reader", "readings", "symmetry", "reduction",
  ]

  /// The value of the top-level `protocol` key (`read-write` when absent), or nil when the
  /// file is not a readable YAML mapping (the read/write reader then reports the problem).
  static func protocolName(path: String) throws -> String? {
    guard let data = FileManager.default.contents(atPath: path),
      let root = try? Yams.compose(yaml: String(decoding: data, as: UTF8.self)),
      let mapping = root.mapping
    else { return nil }
    for (key, value) in mapping where key.string == "protocol" {
      guard let name = value.string, name == "update" || name == "read-write" else {
        throw ProtocolSpecReader.error("protocol must be read-write or update", value, path)
      }
      return name
    }
    return "read-write"
  }

  static func load(path: String) throws -> Loaded {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputError("cannot read the spec file", file: path)
    }
    return try parse(String(decoding: data, as: UTF8.self), file: path)
  }

  static func parse(_ text: String, file: String) throws -> Loaded {
    func error(_ message: String, _ node: Node?) -> InputError {
      ProtocolSpecReader.error(message, node, file)
    }
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch {
      throw InputError("invalid YAML: \(error)", file: file, line: 1, column: 1)
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
          "unknown key '\(key.string ?? "?")' for protocol update (expected one of: \(keys.joined(separator: ", ")))",
          key)
      }
      if fields[name] != nil { throw error("duplicate key '\(name)'", key) }
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
        throw error("\(what) must be an integer", node)
      }
      guard v >= min && v <= max else {
        throw error("\(what) must be between \(min) and \(max) (got \(v))", node)
      }
      return v
    }
    func flag(_ key: String, default value: Bool) throws -> Bool {
      guard let node = fields[key] else { return value }
      switch node.string?.lowercased() {
      case "on", "true", "yes": return true
      case "off", "false", "no": return false
      default: throw error("\(key) must be on or off", node)
      }
    }
    // Universe.
    let uNode = try require("universe")
    let universe: Universe
    if let seq = uNode.sequence {
      var names: [String] = []
      for item in seq {
        guard let name = item.string, !name.isEmpty else {
          throw error("a server name must be a string", item)
        }
        if names.contains(name) { throw error("server name '\(name)' is listed twice", item) }
        names.append(name)
      }
      guard !names.isEmpty, names.count <= 32 else {
        throw error("the universe must have between 1 and 32 servers", uNode)
      }
      universe = Universe(names: names)
    } else {
      universe = Universe(count: try integer(uNode, "universe", min: 1, max: 32))
    }
    let n = universe.count
    func server(_ node: Node) throws -> Int {
      if let scalar = node.scalar {
        if let names = universe.names, let i = names.firstIndex(of: scalar.string) { return i }
        if let i = Int(scalar.string), i >= 0, i < n { return i }
      }
      throw error(
        "'\(node.string ?? "?")' is not a server of the universe (0...\(n - 1) or a name)", node)
    }
    func family(_ key: String) throws -> (threshold: Int?, sets: [ServerSet]?, node: Node) {
      let node = try require(key)
      guard let m = node.mapping, m.count == 1, let first = m.first, let kind = first.key.string
      else {
        throw error("'\(key)' must be {threshold: K} or {sets: [[...], ...]}", node)
      }
      switch kind {
      case "threshold":
        return (try integer(first.value, "\(key) threshold", min: 0, max: n), nil, node)
      case "sets":
        guard let seq = first.value.sequence, !seq.isEmpty else {
          throw error("\(key) sets must be a non-empty list of lists of servers", first.value)
        }
        let sets = try seq.map { item -> ServerSet in
          guard let members = item.sequence else { throw error("expected a list of servers", item) }
          return ServerSet(try members.map(server))
        }
        return (nil, sets, node)
      default:
        throw error(
          "'\(key)' must be {threshold: K} or {sets: [[...], ...]} (got '\(kind)')", first.key)
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
      throw error(e.message, fp.node)
    }
    let qs = try family("quorums")
    var quorums: [ServerSet]
    if let q = qs.threshold {
      guard q >= 1 else { throw error("quorums threshold must be at least 1", qs.node) }
      guard binomial(n, q) <= 255 else {
        throw error(
          "there are \(Int(binomial(n, q))) quorums of \(q) servers: the update model supports at most 255",
          qs.node)
      }
      quorums = Array(KSubsets(n: n, k: q))
    } else {
      quorums = qs.sets!
      if let empty = quorums.firstIndex(where: \.isEmpty) {
        throw error("quorum \(empty + 1) is empty", qs.node)
      }
    }
    let faultyUpdates =
      try fields["faulty-updates"].map { try integer($0, "faulty-updates", min: 0, max: 3) } ?? 2
    let writer = try flag("writer", default: false)
    let retries = try fields["retries"].map { try integer($0, "retries", min: 0, max: 1) } ?? 0
    if retries > 0 && !writer, let node = fields["retries"] {
      throw error("retries needs writer: on", node)
    }
    let forged = try flag("forged", default: false)
    if forged && !writer, let node = fields["forged"] {
      throw error("forged (⟨x, tw⟩ in the writer's name) needs writer: on", node)
    }
    let reader = try flag("reader", default: false)
    let symmetry = try flag("symmetry", default: true)
    let reduction = try flag("reduction", default: true)
    var readings = UpdateReadings.paper
    if let node = fields["readings"] {
      guard let m = node.mapping else {
        throw error("readings must be a mapping (step2, step3, step4, step5, propagation)", node)
      }
      var seen: Set<String> = []
      for (key, value) in m {
        let name = key.string ?? "?"
        if seen.contains(name) { throw error("duplicate reading '\(name)'", key) }
        seen.insert(name)
        func pick<T: RawRepresentable & CaseIterable>(_: T.Type) throws -> T
        where T.RawValue == String {
          guard let v = value.string.flatMap(T.init(rawValue:)) else {
            throw error(
              "\(name) must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))", value
            )
          }
          return v
        }
        switch name {
        case "step2": readings.step2 = try pick(UpdateReadings.Step2.self)
        case "step3": readings.step3 = try pick(UpdateReadings.Step3.self)
        case "step4": readings.step4 = try pick(UpdateReadings.Step4.self)
        case "step5": readings.step5 = try pick(UpdateReadings.Step5.self)
        case "propagation": readings.propagation = try pick(UpdateReadings.Propagation.self)
        default:
          throw error(
            "unknown reading '\(name)' (expected one of: step2, step3, step4, step5, propagation)",
            key)
        }
      }
    }
    do {
      let instance = try UpdateInstance(
        universe: universe, failProne: failProne, quorums: quorums,
        quorumThreshold: qs.threshold, faultyUpdates: faultyUpdates, correctWriter: writer,
        retries: retries, forged: forged, reader: reader, readings: readings)
      return Loaded(instance: instance, symmetry: symmetry, reduction: reduction)
    } catch let e as InputError {
      throw InputError(e.message, file: file, line: root.mark?.line ?? 1, column: 1)
    }
  }
}
