import QuorumKit
import Yams

/// Reads one spec document: composes the YAML node tree with Yams, then walks it, checking
/// every key and value and reporting each problem at the node it is about.
final class SpecReader {
  /// The largest universe accepted.
  static let maxUniverse = 1_000_000_000
  /// The most YAML values read from one spec (an alias counts once per use), so that a few
  /// lines of nested aliases cannot make the reader run for ever.
  static let maxValues = 10_000_000
  /// The deepest nesting of `select` accepted.
  static let maxDepth = 100

  static let topKeys = ["universe", "servers", "fail-prone", "quorums", "class", "description"]
  static let failProneKeys = ["threshold", "sets", "partition", "select", "out-of", "complements"]
  static let quorumKeys = [
    "sets", "threshold", "construction", "expression", "size", "for", "f", "k", "rows", "l",
    "super-elements",
  ]
  /// The named constructions of `quorums: {construction: ...}` and the parameters each takes.
  static let constructionParameters: [(name: String, keys: [String])] = [
    ("threshold", ["size", "for", "f"]),
    ("grid", ["k", "rows", "for", "f"]),
    ("partition", ["size", "for", "super-elements"]),
    ("partition-grid", ["rows", "for", "super-elements"]),
    ("hadamard", ["l"]),
  ]
  static let selectKeys = ["select", "out-of"]

  let file: String
  let text: String
  private lazy var source = SourceText(text)
  private let maxValues: Int
  private var remainingValues: Int
  private var naming = ServerNaming(universe: Universe(count: 0))
  /// The fail-prone system, once read (constructions take f or blocks from it).
  var readFailProne: FailProneSystem?
  /// The blocks of a partition fail-prone system in file order (the super-elements of the
  /// partition constructions by default, laid out row-major by `partition-grid`).
  var partitionBlocks: [ServerSet]?
  /// The lists cut out of the text by ``FastLists`` (then `text` holds their markers), and
  /// which of them the read has met.
  private let fastLists: FastLists?
  private var metFastLists: [Bool]

  /// Thrown by a reader of marked text whenever it cannot vouch for its result: the caller
  /// then reads the original text with Yams alone.
  struct FastPathDeclined: Error {}

  /// A reader for `text`, read from `file`; at most `maxValues` values are read.
  init(file: String, text: String, maxValues: Int = SpecReader.maxValues) {
    self.file = file
    self.text = text
    self.maxValues = maxValues
    self.remainingValues = maxValues
    self.fastLists = nil
    self.metFastLists = []
  }

  /// A reader for the marked text of `lists`: ``read()`` throws ``FastPathDeclined`` on any
  /// problem, and unless every marker is met exactly once as a list of server sets.
  init(file: String, lists: FastLists, maxValues: Int = SpecReader.maxValues) {
    self.file = file
    self.text = lists.text
    self.maxValues = maxValues
    self.remainingValues = maxValues
    self.fastLists = lists
    self.metFastLists = [Bool](repeating: false, count: lists.lists.count)
  }

  // MARK: Errors

  private func error(_ message: String, at node: Node) -> InputError {
    let mark = node.mark
    return InputError(message, file: file, line: mark?.line, column: mark?.column)
  }

  private func error(_ message: String, at position: SourcePosition) -> InputError {
    InputError(message, file: file, line: position.line, column: position.column)
  }

  /// A core validation error (which has no place) placed at `node`.
  private func placed(_ error: Error, at node: Node) -> Error {
    guard var input = error as? InputError else { return error }
    if input.file == nil && input.line == nil {
      input.file = file
      input.line = node.mark?.line
      input.column = node.mark?.column
    }
    return input
  }

  /// Counts one value read, against ``maxValues``.
  private func visit(_ node: Node) throws {
    remainingValues -= 1
    if remainingValues < 0 {
      throw error(
        "the spec is too large: it has more than \(maxValues) values (each use of an alias counts)",
        at: node)
    }
  }

  /// A Yams error as an ``InputError`` at the place libyaml reports.
  private func converted(_ yamlError: YamlError) -> InputError {
    switch yamlError {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      if problem == "but found another document" {
        return InputError(
          "a spec is a single YAML document, but a second document starts here",
          file: file, line: mark.line, column: mark.column)
      }
      if problem.hasPrefix("Maximum nesting level reached") {
        return InputError(
          "lists and mappings are nested too deeply (the YAML parser stops at 1000 levels)",
          file: file, line: mark.line, column: mark.column)
      }
      var message = "invalid YAML: \(problem)"
      if let context, !context.text.isEmpty {
        message +=
          " (\(context.text) that starts at line \(context.mark.line), column \(context.mark.column))"
      }
      return InputError(message, file: file, line: mark.line, column: mark.column)
    case .reader(let problem, let offset, _, _):
      let position = SourceText.position(ofCharacterOffset: offset ?? 0, in: text)
      return InputError(
        "invalid text: \(problem)", file: file, line: position.line, column: position.column)
    case .duplicatedKeysInMapping(let duplicates, let context):
      let key = duplicates.first ?? ""
      let first = SourcePosition(line: context.mark.line, column: context.mark.column)
      if let second = secondOccurrence(ofKey: key, firstAt: first) {
        return error("duplicate key '\(key)' (first given at line \(first.line))", at: second)
      }
      return error("the key '\(key)' is given more than once in this mapping", at: first)
    default:
      return InputError("invalid YAML: \(yamlError)", file: file, line: 1, column: 1)
    }
  }

  /// The second occurrence of a duplicated key whose first occurrence is at `first`.
  ///
  /// Yams reports a duplicated key at its first occurrence; users need the second one. So the
  /// first occurrence is renamed (to private-use characters of the same length, keeping every
  /// column) and the text composed again: the mapping holding the renamed key holds the second
  /// occurrence. Returns nil if that does not work out (say the key occurs three times).
  private func secondOccurrence(ofKey key: String, firstAt first: SourcePosition) -> SourcePosition?
  {
    var lines = source.lines
    let row = first.line - 1
    var column = first.column - 1
    guard row >= 0, row < lines.count, column >= 0, column < lines[row].count else { return nil }
    if lines[row][column] == "\"" || lines[row][column] == "'" { column += 1 }
    let keyScalars = Array(key.unicodeScalars)
    guard !keyScalars.isEmpty, lines[row][column...].starts(with: keyScalars) else { return nil }
    let placeholder = [Unicode.Scalar](repeating: "\u{E000}", count: keyScalars.count)
    lines[row].replaceSubrange(column..<(column + keyScalars.count), with: placeholder)
    var renamed = ""
    for (i, line) in lines.enumerated() {
      if i > 0 { renamed += "\n" }
      renamed.unicodeScalars.append(contentsOf: line)
    }
    guard let root = try? Yams.compose(yaml: renamed) else { return nil }
    let placeholderKey = String(String.UnicodeScalarView(placeholder))
    var budget = SpecReader.maxValues
    func search(_ node: Node) -> Mark? {
      budget -= 1
      guard budget > 0 else { return nil }
      switch node {
      case .mapping(let mapping):
        if mapping.contains(where: { $0.key.string == placeholderKey }) {
          return mapping.first(where: { $0.key.string == key })?.key.mark
        }
        for pair in mapping {
          if let found = search(pair.key) ?? search(pair.value) { return found }
        }
        return nil
      case .sequence(let sequence):
        for item in sequence {
          if let found = search(item) { return found }
        }
        return nil
      case .scalar, .alias:
        return nil
      }
    }
    guard let mark = search(root) else { return nil }
    return SourcePosition(line: mark.line, column: mark.column)
  }

  // MARK: The document

  func read() throws -> Spec {
    guard fastLists != nil else { return try readDocument() }
    let spec: Spec
    do {
      spec = try readDocument()
    } catch {
      throw FastPathDeclined()
    }
    guard metFastLists.allSatisfy({ $0 }) else { throw FastPathDeclined() }
    return spec
  }

  private func readDocument() throws -> Spec {
    let composed: Node?
    do {
      composed = try Yams.compose(yaml: text)
    } catch let yamlError as YamlError {
      throw converted(yamlError)
    } catch {
      throw InputError("invalid YAML: \(error)", file: file, line: 1, column: 1)
    }
    guard let root = composed, !isNothing(root) else {
      throw InputError(
        "the spec is empty; expected a mapping with a 'universe' or 'servers' key",
        file: file, line: 1, column: 1)
    }
    guard case .mapping = root else {
      throw error(
        "expected a mapping of keys (\(SpecReader.topKeys.joined(separator: ", "))) at the top of the spec, got \(describe(root))",
        at: root)
    }
    let entries = try self.entries(of: root, allowed: SpecReader.topKeys, context: nil)

    // The universe comes first: every other key refers to its servers.
    let universe: Universe
    switch (entries.first { $0.key == "universe" }, entries.first { $0.key == "servers" }) {
    case (let u?, let s?):
      let later = u.index > s.index ? u : s
      throw error(
        "give either 'universe' (the number of servers) or 'servers' (their names), not both",
        at: later.keyNode)
    case (let u?, nil):
      universe = try universeCount(u.value)
    case (nil, let s?):
      universe = try serverNames(s.value)
    case (nil, nil):
      throw error("missing 'universe' (the number of servers) or 'servers' (their names)", at: root)
    }
    naming = ServerNaming(universe: universe)

    var spec = Spec(file: file, universe: universe)
    // The fail-prone system comes before the quorums: constructions may take f or the
    // partition's blocks from it.
    if let entry = entries.first(where: { $0.key == "fail-prone" }) {
      spec.failProne = try failProne(entry.value)
      readFailProne = spec.failProne
    }
    for entry in entries {
      switch entry.key {
      case "quorums": spec.quorums = try quorums(entry.value)
      case "class": spec.quorumClass = try quorumClass(entry.value)
      case "description": spec.description = try descriptionText(entry.value)
      default: break
      }
    }
    return spec
  }

  private func isNothing(_ node: Node) -> Bool {
    guard case .scalar(let s) = node else { return false }
    let value = ScalarValue(s)
    return value == .empty || value == .null
  }

  // MARK: Mappings

  struct Entry {
    var key: String
    var keyNode: Node
    var value: Node
    /// The position of the entry in its mapping.
    var index: Int
  }

  /// The entries of a mapping, in file order, after checking every key is allowed.
  ///
  /// - Parameter context: how messages name the mapping, as in `under 'fail-prone'`; nil at
  ///   the top level.
  private func entries(of node: Node, allowed: [String], context: String?) throws -> [Entry] {
    guard case .mapping(let mapping) = node else {
      throw error("expected a mapping, got \(describe(node))", at: node)
    }
    var result: [Entry] = []
    var seen: [String: Node] = [:]
    for (index, pair) in mapping.enumerated() {
      try visit(pair.key)
      guard case .scalar(let keyScalar) = pair.key else {
        throw error("expected a key name, got \(describe(pair.key))", at: pair.key)
      }
      let key = keyScalar.string
      guard allowed.contains(key) else {
        var message =
          "unknown key '\(key)'\(context.map { " " + $0 } ?? "") (expected one of: \(allowed.joined(separator: ", ")))"
        if let suggestion = closest(to: key, among: allowed) {
          message += "; did you mean '\(suggestion)'?"
        }
        throw error(message, at: pair.key)
      }
      if let first = seen[key] {
        throw error(
          "duplicate key '\(key)' (first given at line \(first.mark?.line ?? 0))", at: pair.key)
      }
      seen[key] = pair.key
      result.append(Entry(key: key, keyNode: pair.key, value: pair.value, index: index))
    }
    return result
  }

  /// The allowed key a misspelt key most likely means, if any is close.
  private func closest(to key: String, among allowed: [String]) -> String? {
    func normalized(_ s: String) -> String {
      String(s.lowercased().map { $0 == "_" || $0 == " " ? "-" : $0 })
    }
    if let same = allowed.first(where: { normalized($0) == normalized(key) }) { return same }
    let scored = allowed.map { ($0, editDistance(normalized(key), $0)) }
    guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2, key.count > 2 else {
      return nil
    }
    return best.0
  }

  // MARK: Numbers

  /// A non-negative integer; `what` names it in messages ("the number of servers").
  private func integer(_ node: Node, _ what: String) throws -> Int {
    try visit(node)
    guard case .scalar(let scalar) = node else {
      throw error("expected \(what) (a whole number), got \(describe(node))", at: node)
    }
    let value = ScalarValue(scalar)
    switch value {
    case .integer(let i):
      return i
    case .number(let text):
      let digits = text.unicodeScalars.allSatisfy { $0 >= "0" && $0 <= "9" }
      if text.hasPrefix("-")
        && text.dropFirst().unicodeScalars.allSatisfy({ $0 >= "0" && $0 <= "9" })
      {
        throw error("\(what) cannot be negative, got \(text)", at: node)
      }
      if digits && text.hasPrefix("0") {
        throw error("write \(text) without leading zeros (numbers are decimal)", at: node)
      }
      if digits { throw error("the number \(text) is too large", at: node) }
      throw error("expected \(what) (a whole number), got the number \(text)", at: node)
    default:
      throw error("expected \(what) (a whole number), got \(value.described)", at: node)
    }
  }

  // MARK: Universe

  private func universeCount(_ node: Node) throws -> Universe {
    if case .sequence = node {
      throw error(
        "expected the number of servers, got a list (to name the servers, write 'servers: [a, b, c]' instead of 'universe:')",
        at: node)
    }
    let n = try integer(node, "the number of servers")
    guard n >= 1 else { throw error("a universe needs at least one server, got 0", at: node) }
    guard n <= SpecReader.maxUniverse else {
      throw error(
        "a universe of \(n) servers is too large (at most \(SpecReader.maxUniverse))", at: node)
    }
    return Universe(count: n)
  }

  private func serverNames(_ node: Node) throws -> Universe {
    try visit(node)
    guard case .sequence(let sequence) = node else {
      var message = "expected a list of server names, got \(describe(node))"
      if case .scalar(let s) = node, case .integer = ScalarValue(s) {
        message += " (to number the servers, write 'universe: \(s.string)' instead of 'servers:')"
      }
      throw error(message, at: node)
    }
    guard !sequence.isEmpty else {
      throw error("a universe needs at least one server, got an empty list", at: node)
    }
    var names: [String] = []
    var seen: [String: Node] = [:]
    for item in sequence {
      try visit(item)
      guard case .scalar(let scalar) = item, case .string(let name) = ScalarValue(scalar) else {
        throw error("expected a server name, got \(describe(item))", at: item)
      }
      guard isValidServerName(name) else {
        let why =
          reservedWords.contains(name)
          ? "'\(name)' is a word of the select language"
          : "a name starts with a letter or '_' and continues with letters, digits, '_', '-' or '.'"
        throw error("invalid server name '\(name)': \(why)", at: item)
      }
      if let first = seen[name] {
        throw error(
          "server name '\(name)' is listed twice (first at line \(first.mark?.line ?? 0))", at: item
        )
      }
      seen[name] = item
      names.append(name)
    }
    guard names.count <= SpecReader.maxUniverse else {
      throw error("too many servers (at most \(SpecReader.maxUniverse))", at: node)
    }
    return Universe(names: names)
  }

  // MARK: Servers and sets

  private func server(_ node: Node) throws -> Int {
    try visit(node)
    guard case .scalar(let scalar) = node else {
      throw error("expected a server, got \(describe(node))", at: node)
    }
    let result: Result<Int, SpecMessage>
    switch ScalarValue(scalar) {
    case .integer(let i): result = naming.server(number: i)
    case .string(let name): result = naming.server(name: name)
    case let other:
      let expected =
        naming.universe.names == nil ? "a server number (\(naming.range))" : "a server name"
      throw error("expected \(expected), got \(other.described)", at: node)
    }
    switch result {
    case .success(let s): return s
    case .failure(let message): throw error(message.text, at: node)
    }
  }

  /// A set of servers written as a list, with the node of each member.
  private func serverSet(_ node: Node) throws -> (set: ServerSet, members: [(Int, Node)]) {
    try visit(node)
    guard case .sequence(let sequence) = node else {
      throw error(
        "expected a server set (a list of servers, like [0, 1]), got \(describe(node))", at: node)
    }
    var set = ServerSet()
    var members: [(Int, Node)] = []
    for item in sequence {
      let s = try server(item)
      if set.contains(s) {
        throw error("server \(naming.universe.name(of: s)) is listed twice in this set", at: item)
      }
      set.insert(s)
      members.append((s, item))
    }
    return (set, members)
  }

  /// A list of server sets; `what` names the list in messages ("fail-prone sets").
  private func serverSets(_ node: Node, _ what: String) throws -> [(
    set: ServerSet, members: [(Int, Node)], node: Node
  )] {
    try visit(node)
    guard case .sequence(let sequence) = node else {
      throw error("expected a list of \(what), got \(describe(node))", at: node)
    }
    if fastLists != nil, sequence.count == 1, case .scalar(let scalar) = sequence[0],
      scalar.style == .doubleQuoted, let index = FastLists.markerIndex(scalar.string)
    {
      return try fastServerSets(index, node: node)
    }
    return try sequence.map { item in
      let (set, members) = try serverSet(item)
      return (set, members, item)
    }
  }

  /// The sets of cut-out list `index`, checked as ``serverSet(_:)`` checks each set and
  /// counted as its values would be; any problem declines the fast path. The entries have no
  /// member nodes (errors are never reported from marked text).
  private func fastServerSets(_ index: Int, node: Node) throws -> [(
    set: ServerSet, members: [(Int, Node)], node: Node
  )] {
    guard let lists = fastLists, index < lists.lists.count, !metFastLists[index],
      naming.universe.names == nil
    else { throw FastPathDeclined() }
    metFastLists[index] = true
    let list = lists.lists[index]
    remainingValues -= list.ends.count + list.members.count
    guard remainingValues >= 0 else { throw FastPathDeclined() }
    let n = Int32(min(naming.universe.count, ServerSet.capacity))
    var result: [(set: ServerSet, members: [(Int, Node)], node: Node)] = []
    result.reserveCapacity(list.ends.count)
    var start = 0
    try list.members.withUnsafeBufferPointer { members in
      for end in list.ends {
        var bits: UInt64 = 0
        for k in start..<end {
          let s = members[k]
          guard s < n else { throw FastPathDeclined() }
          let bit = UInt64(1) << UInt64(s)
          guard bits & bit == 0 else { throw FastPathDeclined() }
          bits |= bit
        }
        result.append((ServerSet(bits: bits), [], node))
        start = end
      }
    }
    return result
  }

  // MARK: Fail-prone systems

  private func failProne(_ node: Node) throws -> FailProneSystem {
    switch node {
    case .scalar(let scalar):
      guard case .string = ScalarValue(scalar) else {
        var message =
          "expected a mapping with one of the keys threshold, sets, partition, select, complements (or a select expression string), got \(describe(node))"
        if case .integer(let f) = ScalarValue(scalar) {
          message += " (for 'at most \(f) servers fail', write 'fail-prone: {threshold: \(f)}')"
        }
        throw error(message, at: node)
      }
      let expression = try expressionString(scalar, node: node, start: .select, depth: 1)
      return try nested(expression, at: node)
    case .mapping:
      let entries = try self.entries(
        of: node, allowed: SpecReader.failProneKeys, context: "under 'fail-prone'")
      let kinds = entries.filter { $0.key != "out-of" }
      let outOf = entries.first { $0.key == "out-of" }
      guard let kind = kinds.first else {
        if let outOf {
          throw error(
            "'out-of' needs 'select' beside it, as in {select: 1, out-of: [a, b]}",
            at: outOf.keyNode)
        }
        throw error(
          "expected one of the keys threshold, sets, partition, select, complements under 'fail-prone', got an empty mapping",
          at: node)
      }
      if kinds.count > 1 {
        throw error(
          "'\(kinds[1].key)' cannot be given with '\(kind.key)': a fail-prone system is given by exactly one of threshold, sets, partition, select, complements",
          at: kinds[1].keyNode)
      }
      if let outOf, kind.key != "select" {
        throw error("'out-of' belongs with 'select', not with '\(kind.key)'", at: outOf.keyNode)
      }
      switch kind.key {
      case "threshold":
        let f = try integer(kind.value, "the number of faulty servers f")
        do {
          return try FailProneSystem.threshold(universe: naming.universe, f: f)
        } catch {
          throw placed(error, at: kind.value)
        }
      case "sets":
        return try explicitFailProne(kind.value)
      case "partition":
        return try partition(kind.value)
      case "complements":
        return try complementsFailProne(kind.value)
      default:
        let expression = try selectMapping(node, entries: entries, depth: 1)
        return try nested(expression, at: node)
      }
    default:
      throw error(
        "expected a mapping with one of the keys threshold, sets, partition, select, complements (or a select expression string), got \(describe(node))",
        at: node)
    }
  }

  private func explicitFailProne(_ node: Node) throws -> FailProneSystem {
    do {
      try naming.universe.requireEnumerable("an explicit fail-prone system")
    } catch {
      throw placed(error, at: node)
    }
    let sets = try serverSets(node, "fail-prone sets (each a list of servers)")
    do {
      return try FailProneSystem.explicit(universe: naming.universe, sets: sets.map(\.set))
    } catch {
      // Place the core's message at the set it is about, found the way the core checks:
      // a repeated set first, then the first set (in the core's order) inside another.
      var seen = Set<ServerSet>()
      for entry in sets where !seen.insert(entry.set).inserted {
        throw placed(error, at: entry.node)
      }
      let sorted = seen.sorted()
      for (i, a) in sorted.enumerated() {
        for b in sorted[(i + 1)...] where a.count < b.count && a.isSubset(of: b) {
          let offending = sets.first { $0.set == a }!
          throw placed(error, at: offending.node)
        }
      }
      throw placed(error, at: node)
    }
  }

  private func partition(_ node: Node) throws -> FailProneSystem {
    do {
      try naming.universe.requireEnumerable("a partition fail-prone system")
    } catch {
      throw placed(error, at: node)
    }
    let blocks = try serverSets(node, "blocks (each a list of servers)")
    partitionBlocks = blocks.map(\.set)
    do {
      return try FailProneSystem.partition(universe: naming.universe, blocks: blocks.map(\.set))
    } catch {
      // The core checks blocks in order: an empty block, or one overlapping an earlier block.
      var seen = ServerSet()
      for block in blocks {
        if block.set.isEmpty { throw placed(error, at: block.node) }
        if let shared = block.members.first(where: { seen.contains($0.0) }) {
          throw placed(error, at: shared.1)
        }
        seen = seen.union(block.set)
      }
      throw placed(error, at: node)
    }
  }

  private func nested(_ expression: ThresholdExpression, at node: Node) throws -> FailProneSystem {
    do {
      return try FailProneSystem.nested(universe: naming.universe, expression: expression)
    } catch {
      throw placed(error, at: node)
    }
  }

  // MARK: Nested threshold expressions

  /// A child of an `out-of` list: a server, a `{select, out-of}` mapping, or a string in the
  /// expression language.
  private func expression(_ node: Node, depth: Int) throws -> ThresholdExpression {
    try visit(node)
    switch node {
    case .mapping:
      let entries = try self.entries(
        of: node, allowed: SpecReader.selectKeys, context: "in a select mapping")
      return try selectMapping(node, entries: entries, depth: depth)
    case .scalar(let scalar):
      switch ScalarValue(scalar) {
      case .integer:
        return .server(try server(node))
      case .string:
        return try expressionString(scalar, node: node, start: .expression, depth: depth)
      default:
        break
      }
    default:
      break
    }
    throw error(
      "expected a server, a {select, out-of} mapping or a select expression string, got \(describe(node))",
      at: node)
  }

  /// `{select: k, out-of: [children]}` or `{select: "k out-of [children]"}`.
  private func selectMapping(_ node: Node, entries: [Entry], depth: Int) throws
    -> ThresholdExpression
  {
    guard let select = entries.first(where: { $0.key == "select" }) else {
      throw error(
        "a select mapping needs 'select' (how many children) and 'out-of' (the children)", at: node)
    }
    let outOf = entries.first { $0.key == "out-of" }
    guard depth <= SpecReader.maxDepth else {
      throw error(
        "select expressions can be nested at most \(SpecReader.maxDepth) deep", at: select.keyNode)
    }
    if case .scalar(let scalar) = select.value, case .string = ScalarValue(scalar) {
      if let outOf {
        throw error(
          "with 'out-of', 'select' must be the number of children to select; a string under 'select' holds the whole rest of the expression, as in select: \"2 out-of [a, b, c]\"",
          at: outOf.keyNode)
      }
      return try expressionString(scalar, node: select.value, start: .afterSelect, depth: depth)
    }
    let k = try integer(select.value, "the number of children to select")
    guard let outOf else {
      throw error(
        "'select: \(k)' needs 'out-of' with the list of children beside it", at: select.keyNode)
    }
    try visit(outOf.value)
    guard case .sequence(let children) = outOf.value else {
      throw error(
        "expected the list of children after 'out-of', got \(describe(outOf.value))",
        at: outOf.value)
    }
    guard !children.isEmpty else {
      throw error("select \(k) out-of [] has no children", at: outOf.value)
    }
    let parsed = try children.map { try expression($0, depth: depth + 1) }
    guard k <= parsed.count else {
      throw error(selectBoundMessage(k: k, children: parsed.count), at: select.value)
    }
    return .select(k: k, of: parsed)
  }

  /// An expression written as a string, with errors placed at their column in the string.
  private func expressionString(
    _ scalar: Node.Scalar, node: Node, start: ExpressionParser.Start, depth: Int
  ) throws -> ThresholdExpression {
    do {
      return try ExpressionParser.parse(
        scalar.string, start: start, naming: naming, depth: depth, maxDepth: SpecReader.maxDepth)
    } catch let problem as ExpressionError {
      if let position = source.position(in: scalar, offset: problem.offset) {
        throw error(problem.message, at: position)
      }
      throw error(
        problem.message + " (at character \(problem.offset + 1) of the string)", at: node)
    }
  }

  // MARK: Quorums, class, description

  private func quorums(_ node: Node) throws -> QuorumSpecification {
    if case .scalar(let scalar) = node, case .string = ScalarValue(scalar) {
      return try quorumExpression(scalar, node: node)
    }
    guard case .mapping = node else {
      var message =
        "expected a mapping with 'sets' (a list of quorums), 'threshold' (the quorum size), 'construction' or 'expression' (or a quorum expression string), got \(describe(node))"
      if case .sequence = node { message += " (write 'quorums: {sets: [...]}')" }
      throw error(message, at: node)
    }
    let entries = try self.entries(
      of: node, allowed: SpecReader.quorumKeys, context: "under 'quorums'")
    let forms = ["sets", "threshold", "construction", "expression"]
    let kinds = entries.filter { forms.contains($0.key) }
    let parameters = entries.filter { !forms.contains($0.key) }
    guard let kind = kinds.first else {
      if let p = parameters.first {
        throw error(
          "'\(p.key)' is a parameter of a named construction; give 'construction' beside it, as in {construction: grid, k: 4, rows: 3}",
          at: p.keyNode)
      }
      throw error(
        "expected 'sets' (a list of quorums), 'threshold' (the quorum size), 'construction' or 'expression' under 'quorums', got an empty mapping",
        at: node)
    }
    if kinds.count > 1 {
      throw error(
        "'\(kinds[1].key)' cannot be given with '\(kind.key)': a quorum system is given by exactly one of sets, threshold, construction, expression",
        at: kinds[1].keyNode)
    }
    if kind.key == "construction" {
      return try construction(kind, parameters: parameters, mapping: node)
    }
    if let p = parameters.first {
      throw error(
        "'\(p.key)' is a parameter of a named construction and cannot be given with '\(kind.key)'",
        at: p.keyNode)
    }
    if kind.key == "expression" {
      guard case .scalar(let scalar) = kind.value, case .string = ScalarValue(scalar) else {
        throw error(
          "expected a quorum expression string such as \"a*b + c*d\", got \(describe(kind.value))",
          at: kind.value)
      }
      return try quorumExpression(scalar, node: kind.value)
    }
    if kind.key == "threshold" {
      let size = try integer(kind.value, "the quorum size")
      return try thresholdSize(size, at: kind.value)
    }
    do {
      try naming.universe.requireEnumerable("an explicit quorum system")
    } catch {
      throw placed(error, at: kind.value)
    }
    let sets = try serverSets(kind.value, "quorums (each a list of servers)")
    guard !sets.isEmpty else {
      throw error("a quorum system needs at least one quorum, got an empty list", at: kind.value)
    }
    // The usual case, no empty and no repeated quorum, is checked without hashing; the
    // loop below finds the first offender in file order.
    if sets.contains(where: { $0.set.isEmpty })
      || ServerSet.sortedDistinct(sets.map(\.set)).count != sets.count
    {
      try firstOffendingQuorum(sets)
    }
    return .explicit(sets.map(\.set))
  }

  /// Throws the error for the first empty or repeated quorum of `sets`, in file order.
  private func firstOffendingQuorum(_ sets: [(set: ServerSet, members: [(Int, Node)], node: Node)])
    throws
  {
    var firstLine: [ServerSet: Int] = [:]
    for entry in sets {
      if entry.set.isEmpty { throw error("a quorum cannot be empty", at: entry.node) }
      if let line = firstLine[entry.set] {
        throw error(
          "quorum \(naming.universe.describe(entry.set)) is listed twice (first at line \(line))",
          at: entry.node)
      }
      firstLine[entry.set] = entry.node.mark?.line ?? 0
    }
  }

  private func thresholdSize(_ size: Int, at node: Node) throws -> QuorumSpecification {
    let n = naming.universe.count
    guard size >= 1 && size <= n else {
      throw error("the quorum size must be between 1 and n = \(n), got \(size)", at: node)
    }
    return .threshold(size: size)
  }

  // MARK: Named constructions

  /// `{construction: NAME, parameters...}`.
  private func construction(_ kind: Entry, parameters: [Entry], mapping: Node) throws
    -> QuorumSpecification
  {
    let names = SpecReader.constructionParameters.map(\.name)
    guard case .scalar(let scalar) = kind.value, case .string(let name) = ScalarValue(scalar)
    else {
      throw error(
        "expected a construction name (\(names.joined(separator: ", "))), got \(describe(kind.value))",
        at: kind.value)
    }
    guard let allowed = SpecReader.constructionParameters.first(where: { $0.name == name })?.keys
    else {
      var message =
        "unknown construction '\(name)' (expected one of: \(names.joined(separator: ", ")))"
      if let suggestion = closest(to: name, among: names) {
        message += "; did you mean '\(suggestion)'?"
      }
      throw error(message, at: kind.value)
    }
    for p in parameters where !allowed.contains(p.key) {
      throw error(
        "'\(p.key)' is not a parameter of the \(name) construction (it takes: \(allowed.joined(separator: ", ")))",
        at: p.keyNode)
    }
    func entry(_ key: String) -> Entry? { parameters.first { $0.key == key } }
    let n = naming.universe.count

    /// Exactly one of `primary` (a number) and `for` (a class); returns the number or the class.
    func numberOrClass(_ primary: String, _ what: String) throws -> (Int?, QuorumClass?, Entry) {
      switch (entry(primary), entry("for")) {
      case (let p?, let c?):
        let later = p.index > c.index ? p : c
        throw error(
          "give either '\(primary)' (\(what)) or 'for' (a class, to use the paper's value), not both",
          at: later.keyNode)
      case (let p?, nil):
        if let f = entry("f") {
          throw error(
            "'f' goes with 'for' (the paper's value for f faults), not with '\(primary)'",
            at: f.keyNode)
        }
        return (try integer(p.value, what), nil, p)
      case (nil, let c?):
        return (nil, try quorumClass(c.value), c)
      case (nil, nil):
        throw error(
          "the \(name) construction needs '\(primary)' (\(what)) or 'for' (masking, dissemination or opaque: the paper's value)",
          at: kind.keyNode)
      }
    }
    /// f from the `f:` key, else from a threshold fail-prone system.
    func faults(at place: Entry) throws -> Int {
      if let e = entry("f") { return try integer(e.value, "the number of faulty servers f") }
      if let b = readFailProne, case .threshold(let f) = b.kind { return f }
      throw error(
        "'for' needs f: give 'f' beside it, or a threshold fail-prone system ('fail-prone: {threshold: f}')",
        at: place.keyNode)
    }

    do {
      switch name {
      case "threshold":
        let (size, cls, place) = try numberOrClass("size", "the quorum size")
        if let size { return try thresholdSize(size, at: place.value) }
        let f = try faults(at: place)
        guard f < n else {
          throw error("f must be smaller than n (got n = \(n), f = \(f))", at: place.value)
        }
        let q = QuorumSystem.paperThresholdQuorumSize(cls!, n: n, f: f)
        guard q <= n else {
          throw error(
            "the paper's \(cls!.rawValue) quorum size for n = \(n), f = \(f) is \(q), more than n",
            at: place.value)
        }
        return .threshold(size: q)
      case "grid":
        var k = 0
        while (k + 1) * (k + 1) <= n { k += 1 }
        if let e = entry("k") {
          let given = try integer(e.value, "the side k of the grid")
          guard given * given == n else {
            throw error(
              "a \(given) × \(given) grid has \(given * given) servers, but the universe has \(n)",
              at: e.value)
          }
          k = given
        } else if k * k != n {
          throw error(
            "the grid needs a universe of k × k servers; \(n) is not a square", at: kind.value)
        }
        let (rows, cls, place) = try numberOrClass("rows", "the number of rows in each quorum")
        do {
          let r = try rows ?? QuorumSystem.paperGridRows(cls!, f: try faults(at: place))
          return .construction(try QuorumSystem.grid(k: k, rows: r).construction!)
        } catch let e as InputError where e.line == nil {
          throw placed(e, at: place.value)
        }
      case "partition", "partition-grid":
        let elements = try superElements(entry("super-elements"), kind: kind)
        let primary = name == "partition" ? "size" : "rows"
        let what =
          name == "partition"
          ? "the number of super-elements in each quorum" : "the number of rows in each quorum"
        let (value, cls, place) = try numberOrClass(primary, what)
        do {
          if name == "partition" {
            let q = value ?? QuorumSystem.paperSuperElementSize(cls!, m: elements.count)
            return .construction(
              try QuorumSystem.superElements(
                universe: naming.universe, elements: elements, quorumSize: q
              ).construction!)
          }
          let r = try value ?? QuorumSystem.paperGridRows(cls!, f: 1)
          return .construction(
            try QuorumSystem.superElementGrid(
              universe: naming.universe, elements: elements, rows: r
            ).construction!)
        } catch let e as InputError where e.line == nil {
          throw placed(e, at: place.value)
        }
      default:  // hadamard
        var l = 0
        while (1 << (l + 1)) <= n && l < 62 { l += 1 }
        if let e = entry("l") {
          let given = try integer(e.value, "l (the universe has 2^l servers)")
          guard given >= 1 && given <= 30 && (1 << given) == n else {
            throw error(
              "the Hadamard construction H(\(given)) needs 2^\(given) servers, but the universe has \(n)",
              at: e.value)
          }
          l = given
        } else if (1 << l) != n || l < 1 {
          throw error(
            "the Hadamard construction needs a universe of n = 2^l servers; \(n) is not a power of 2",
            at: kind.value)
        }
        do {
          return .construction(try QuorumSystem.hadamard(l: l).construction!)
        } catch let e as InputError where e.line == nil {
          throw placed(e, at: kind.value)
        }
      }
    }
  }

  /// The super-elements: the `super-elements:` list, or else the blocks of a partition
  /// fail-prone system.
  private func superElements(_ given: Entry?, kind: Entry) throws -> [ServerSet] {
    guard let given else {
      if let b = readFailProne, case .partition = b.kind, let blocks = partitionBlocks {
        return blocks
      }
      throw error(
        "the partition constructions need 'super-elements' (a list of disjoint server sets) or a partition fail-prone system ('fail-prone: {partition: [...]}') whose blocks to use",
        at: kind.keyNode)
    }
    do {
      try naming.universe.requireEnumerable("a construction on super-elements")
    } catch {
      throw placed(error, at: given.value)
    }
    let sets = try serverSets(given.value, "super-elements (each a list of servers)")
    guard !sets.isEmpty else {
      throw error("expected at least one super-element, got an empty list", at: given.value)
    }
    var seen = ServerSet()
    for entry in sets {
      if entry.set.isEmpty { throw error("a super-element cannot be empty", at: entry.node) }
      if !entry.set.isDisjoint(with: seen) {
        let shared =
          entry.members.first(where: { seen.contains($0.0) })
          ?? (entry.set.intersection(seen).first!, entry.node)
        throw error(
          "super-elements overlap in server \(naming.universe.name(of: shared.0))", at: shared.1)
      }
      seen = seen.union(entry.set)
    }
    return sets.map(\.set)
  }

  // MARK: Quorum expressions

  private func quorumExpression(_ scalar: Node.Scalar, node: Node) throws -> QuorumSpecification {
    do {
      try naming.universe.requireEnumerable("a quorum expression")
    } catch {
      throw placed(error, at: node)
    }
    let expression: QuorumExpression
    do {
      expression = try QuorumExpressionParser.parse(scalar.string, naming: naming)
    } catch let problem as ExpressionError {
      if let position = source.position(in: scalar, offset: problem.offset) {
        throw error(problem.message, at: position)
      }
      throw error(
        problem.message + " (at character \(problem.offset + 1) of the string)", at: node)
    }
    do {
      return .expression(expression, quorums: try expression.quorums())
    } catch {
      throw placed(error, at: node)
    }
  }

  /// `complements: "a*b + c*d"`: the fail-prone sets are the complements of the quorums.
  private func complementsFailProne(_ node: Node) throws -> FailProneSystem {
    guard case .scalar(let scalar) = node, case .string = ScalarValue(scalar) else {
      throw error(
        "expected a quorum expression string such as \"a*b + c*d\" (the fail-prone sets are the complements of its quorums), got \(describe(node))",
        at: node)
    }
    guard case .expression(_, let quorums) = try quorumExpression(scalar, node: node) else {
      fatalError("unreachable")
    }
    let all = naming.universe.all
    do {
      return try FailProneSystem.explicit(
        universe: naming.universe, sets: quorums.map { all.subtracting($0) })
    } catch {
      throw placed(error, at: node)
    }
  }

  private func quorumClass(_ node: Node) throws -> QuorumClass {
    let names = QuorumClass.allCases.map(\.rawValue)
    guard case .scalar(let scalar) = node, case .string(let name) = ScalarValue(scalar) else {
      throw error(
        "expected a class (\(names.joined(separator: ", "))), got \(describe(node))", at: node)
    }
    guard let quorumClass = QuorumClass(rawValue: name) else {
      var message = "unknown class '\(name)' (expected one of: \(names.joined(separator: ", ")))"
      if let suggestion = closest(to: name, among: names) {
        message += "; did you mean '\(suggestion)'?"
      }
      throw error(message, at: node)
    }
    return quorumClass
  }

  private func descriptionText(_ node: Node) throws -> String {
    guard case .scalar(let scalar) = node, case .string(let text) = ScalarValue(scalar) else {
      throw error("expected a description (text), got \(describe(node))", at: node)
    }
    return text
  }
}

/// The Levenshtein distance between two strings, by characters.
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
      current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
