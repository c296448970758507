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
/// symmetry: on                   # on | off, default on; or a stated group:
/// # symmetry: {generators: [[[a1, a2, a3], [b1, b2, b3]], [[0, 1]]]}
/// ```
///
/// A stated group is given by generators, each a list of cycles of servers (numbers or names):
/// `[[0, 1, 2], [3, 4]]` maps 0 to 1, 1 to 2, 2 to 0 and exchanges 3 and 4. Every generator
/// must map B onto B and the quorums onto the quorums (else the spec is rejected, naming the
/// generator's line): the search then canonicalises under the group they generate together with
/// the permutations of interchangeable servers.
///
/// `protocol: update` selects the Section 6 model instead (``UpdateSpecReader``).
enum ProtocolSpecReader {
  struct Loaded {
    var instance: ReadWriteInstance
    var symmetry: Bool
    /// The stated generators (`g[u]` the image of server `u`), each checked to preserve B and
    /// the quorums; nil when the group is computed.
    var generators: [[Int]]? = nil
  }

  static let keys = [
    "protocol", "universe", "fail-prone", "quorums", "read-rule", "writers", "writes-per-writer",
    "readers",
    "reads-per-reader", "symmetry",
  ]

  /// Reads the spec at `path`. With `listingQuorums: false`, threshold quorums are not listed
  /// (``ReadWriteInstance/unlistedThreshold(universe:failProne:q:readRule:writers:writesPerWriter:readers:readsPerReader:)``):
  /// for bmc, which never enumerates them.
  static func load(path: String, listingQuorums: Bool = true) throws -> Loaded {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputError("cannot read the spec file", file: path)
    }
    return try parse(
      String(decoding: data, as: UTF8.self), file: path, listingQuorums: listingQuorums)
  }

  static func error(_ message: String, _ node: Node?, _ file: String) -> InputError {
    InputError(message, file: file, line: node?.mark?.line, column: node?.mark?.column)
  }

  static func parse(_ text: String, file: String, listingQuorums: Bool = true) throws -> Loaded {
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
    if let q = qs.threshold, !listingQuorums {
      guard q >= 1 else { throw error("quorums threshold must be at least 1", qs.node, file) }
      quorums = []
    } else if let q = qs.threshold {
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
    /// A generator: a list of cycles, each a list of distinct servers.
    func permutation(_ node: Node) throws -> [Int] {
      guard let cycles = node.sequence else {
        throw error("a symmetry generator must be a list of cycles (lists of servers)", node, file)
      }
      var image = Array(0..<n)
      var moved = Set<Int>()
      for cycleNode in cycles {
        guard let items = cycleNode.sequence, !items.isEmpty else {
          throw error("a cycle must be a non-empty list of servers", cycleNode, file)
        }
        let cycle = try items.map(server)
        for (k, u) in cycle.enumerated() {
          guard moved.insert(u).inserted else {
            throw error(
              "server '\(universe.name(of: u))' appears twice in a symmetry generator", items[k],
              file)
          }
          image[u] = cycle[(k + 1) % cycle.count]
        }
      }
      return image
    }
    var symmetry = true
    var stated: [(permutation: [Int], node: Node)]? = nil
    if let node = fields["symmetry"] {
      if let m = node.mapping {
        guard m.count == 1, let first = m.first, first.key.string == "generators",
          let list = first.value.sequence, !list.isEmpty
        else {
          throw error(
            "symmetry must be on, off or {generators: [[[servers of a cycle], ...], ...]}", node,
            file)
        }
        stated = try list.map { (try permutation($0), $0) }
      } else {
        switch node.string?.lowercased() {
        case "on", "true", "yes": symmetry = true
        case "off", "false", "no": symmetry = false
        default:
          throw error(
            "symmetry must be on, off or {generators: [[[servers of a cycle], ...], ...]}", node,
            file)
        }
      }
    }
    let instance: ReadWriteInstance
    do {
      if let q = qs.threshold, !listingQuorums {
        instance = try ReadWriteInstance.unlistedThreshold(
          universe: universe, failProne: failProne, q: q, readRule: rule, writers: writers,
          writesPerWriter: wpw, readers: readers, readsPerReader: rpr)
      } else {
        instance = try ReadWriteInstance(
          universe: universe, failProne: failProne, quorums: quorums,
          quorumThreshold: qs.threshold, readRule: rule, writers: writers,
          writesPerWriter: wpw, readers: readers, readsPerReader: rpr)
      }
    } catch let e as InputError {
      throw InputError(e.message, file: file, line: root.mark?.line ?? 1, column: 1)
    }
    // A wrong stated symmetry would merge states that are not equivalent: unsound.
    for (k, g) in (stated ?? []).enumerated() {
      if let why = ServerSymmetryGroup.violation(g.permutation, instance: instance) {
        throw error("symmetry generator \(k + 1) \(why)", g.node, file)
      }
    }
    return Loaded(instance: instance, symmetry: symmetry, generators: stated?.map(\.permutation))
  }
}
