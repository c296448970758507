import ArgumentParser
import Foundation
import QuorumKit
import QuorumSMT
import QuorumSpec

/// `bqs-verify check SPEC`: is the spec's quorum system a masking (Definition 4.1),
/// dissemination (Definition 5.1) or opaque (Definition 5.10) quorum system for its fail-prone
/// system? Every property of every class is reported as holding or violated, a violation with
/// the concrete quorums and fail-prone sets.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract:
      "Check a spec's quorum system against every class property (M1/M2, D1/D2, O1/O2/O3).",
    discussion: """
      Listed quorum systems are decided by enumerating every pair of quorums; threshold \
      constructions too large to list (with a threshold fail-prone system) are decided on \
      region sizes. Exit 0 when the requested class (--class, else the spec's 'class:') holds \
      or no class is requested, 1 when it is violated, 2 for bad input, 3 when it cannot be \
      decided within the limits.
      """)

  @Argument(help: ArgumentHelp("The spec file (YAML or JSON).", valueName: "spec"))
  var spec: String

  @Option(
    name: .customLong("class"),
    help: ArgumentHelp(
      "The class to decide the exit code by: masking, dissemination or opaque (default: the spec's 'class:').",
      valueName: "class"))
  var quorumClass: String?

  @Option(
    name: .customLong("max-quorums"),
    help: ArgumentHelp(
      "Enumerate pairs of at most this many quorums; more answers unknown (exit 3), except threshold constructions, decided on sizes.",
      valueName: "count"))
  var maxQuorums: Int = 20_000

  @OptionGroup var common: CommonOptions

  func validate() throws {
    if let quorumClass, QuorumClass(rawValue: quorumClass) == nil {
      throw ValidationError(
        "--class must be masking, dissemination or opaque (got '\(quorumClass)')")
    }
    if maxQuorums < 1 {
      throw ValidationError("--max-quorums must be positive (got \(maxQuorums))")
    }
  }

  func run() throws {
    let start = Clock.now
    let loaded = try Spec.load(path: spec)
    guard let failProne = loaded.failProne else {
      throw InputError(
        "the spec has no 'fail-prone' system to check the quorums against", file: spec)
    }
    guard let system = try loaded.quorumSystem() else {
      throw InputError("the spec has no 'quorums' to check", file: spec)
    }
    let requested = quorumClass.flatMap(QuorumClass.init(rawValue:)) ?? loaded.quorumClass
    let deadline = common.timeout.map { start + $0 }
    var report = try CheckEngine.check(
      system, failProne: failProne, maxQuorums: maxQuorums, deadline: deadline)
    if case .expression(let e, _)? = loaded.quorums {
      report.quorumsLabel = "expression \(e.specText(in: loaded.universe))"
    }
    let seconds = Clock.now - start
    if let path = common.emitSMT2 {
      let text = "; bqs-verify check: no solver query was asked (enumeration and region sizes)\n"
      do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
      } catch {
        throw InputError(
          "cannot write the SMT-LIB2 file: \(error.localizedDescription)", file: path)
      }
    }
    if common.json {
      print(
        CheckOutput.json(
          report, spec: spec, requested: requested, requestedBySpec: quorumClass == nil,
          seconds: seconds))
    } else {
      print(
        CheckOutput.text(
          report, spec: spec, requested: requested, requestedBySpec: quorumClass == nil,
          seconds: seconds), terminator: "")
    }
    guard let requested else { return }
    switch report.classes.first(where: { $0.cls == requested })!.verdict {
    case .holds: return
    case .violated: throw ExitCode(ExitStatus.violated)
    case .unknown: throw ExitCode(ExitStatus.unknown)
    }
  }
}

/// The status of one property or class.
enum CheckStatus: String, Encodable {
  case holds
  case violated
  case unknown
}

/// What `check` found out about one quorum system and fail-prone system.
struct CheckReport {
  struct PropertyResult {
    var property: QuorumProperty
    var status: CheckStatus
    /// The counterexample, from enumeration (and re-checked against the definition).
    var violation: PropertyViolation?
    /// Why the property holds, fails or is unknown, when there is more to say than the sets.
    var note: String?
  }
  struct ClassResult {
    var cls: QuorumClass
    var verdict: CheckStatus
    var properties: [PropertyResult]
  }
  /// How the properties were decided.
  enum Method: String {
    case enumeration
    case sizes
    case smt
    case none
  }

  var system: QuorumSystem
  /// How the output names the quorum system, when not by its construction.
  var quorumsLabel: String?
  var failProne: FailProneSystem
  var method: Method
  var methodNote: String
  var quorumCount: Double
  var smallestQuorum: Int?
  var classes: [ClassResult]
  /// The fail-prone sets that intersect every quorum (each leaves no quorum available), when
  /// listed; nil when not listed.
  var blocking: [ServerSet]?
  /// The number of blocking sets when ``blocking`` lists them all, or 1+ when only one is known.
  var blockingNote: String
}

/// The checks behind `bqs-verify check`.
enum CheckEngine {
  /// Fail-prone systems with at most this many members are scanned for the sets that leave no
  /// quorum available (together with the product limit below).
  static let memberListLimit = 100_000
  static let availabilityWorkLimit = 50_000_000.0

  static func check(
    _ system: QuorumSystem, failProne: FailProneSystem, maxQuorums: Int, deadline: Double?
  ) throws -> CheckReport {
    guard system.universe.count == failProne.universe.count else {
      throw InputError(
        "the quorum system has \(system.universe.count) servers, the fail-prone system \(failProne.universe.count)"
      )
    }
    let count = system.quorums.map { Double($0.count) } ?? system.construction?.quorumCount ?? 0
    let smallest = system.smallestQuorumSize ?? constructionSmallest(system)
    let sizes = sizesInstance(system, failProne: failProne)
    if let quorums = system.quorums, quorums.count <= maxQuorums {
      var classes: [CheckReport.ClassResult] = []
      for cls in QuorumClass.allCases {
        var results: [CheckReport.PropertyResult] = []
        for p in cls.properties {
          if let deadline, Clock.now > deadline {
            results.append(
              .init(property: p, status: .unknown, violation: nil, note: "the --timeout ran out"))
            continue
          }
          let v = try PropertyChecker.firstViolation(of: p, quorums: quorums, failProne: failProne)
          if let v {
            if let problem = recheck(v, quorums: quorums, failProne: failProne) {
              results.append(
                .init(
                  property: p, status: .unknown, violation: v,
                  note:
                    "the counterexample did not survive the re-check (\(problem)); please report this"
                ))
            } else {
              results.append(.init(property: p, status: .violated, violation: v, note: nil))
            }
          } else {
            results.append(.init(property: p, status: .holds, violation: nil, note: nil))
          }
        }
        classes.append(.init(cls: cls, verdict: verdict(results), properties: results))
      }
      let (blocking, note) = blockingSets(quorums, failProne: failProne)
      return CheckReport(
        system: system, failProne: failProne, method: .enumeration,
        methodNote:
          "every pair of the \(quorums.count) listed quorum\(quorums.count == 1 ? "" : "s") enumerated against the fail-prone system (PropertyChecker), each counterexample re-checked against the definition",
        quorumCount: count, smallestQuorum: smallest, classes: classes, blocking: blocking,
        blockingNote: note)
    }

    if let sizes {
      let (n, q, f) = (sizes.n, sizes.q, sizes.f)
      // Sizes only: every q-subset against every f-subset (ThresholdRegionCheck).
      var classes: [CheckReport.ClassResult] = []
      for cls in QuorumClass.allCases {
        if cls == .opaque, let why = sizes.opaqueUnsupported {
          classes.append(
            .init(
              cls: cls, verdict: .unknown,
              properties: cls.properties.map {
                .init(property: $0, status: .unknown, violation: nil, note: "not decided: \(why)")
              }))
          continue
        }
        let problem = ThresholdRegionCheck.violation(cls, n: n, f: f, quorumSize: q)
        var results: [CheckReport.PropertyResult] = []
        var failed = false
        for p in cls.properties {
          if p.isAvailability {
            // Exact on its own: some q-set avoids an f-set iff q <= n - f.
            results.append(
              q <= n - f
                ? .init(
                  property: p, status: .holds, violation: nil,
                  note: "q = \(q) <= \(sizes.nName) - f = \(n - f) \(sizes.unit)")
                : .init(
                  property: p, status: .violated, violation: nil,
                  note:
                    "every fail-prone set leaves \(sizes.nName) - f = \(n - f) < q = \(q) \(sizes.unit)"
                ))
            continue
          }
          if failed {
            results.append(
              .init(
                property: p, status: .unknown, violation: nil,
                note: "not checked: the region check stops at the first violated property"))
          } else if let problem, problem.hasPrefix(p.rawValue + ":") {
            failed = true
            results.append(.init(property: p, status: .violated, violation: nil, note: problem))
          } else {
            results.append(.init(property: p, status: .holds, violation: nil, note: nil))
          }
        }
        // The class verdict is the region check's own.
        var v = verdict(results)
        if problem == nil && v != .holds { v = .unknown }
        if problem != nil && v == .holds { v = .unknown }
        classes.append(.init(cls: cls, verdict: v, properties: results))
      }
      let blockingCount =
        q > n - f
        ? "every one of the \(FormatCount.of(failProne.setCount)) fail-prone sets" : "none"
      return CheckReport(
        system: system, failProne: failProne, method: .sizes,
        methodNote:
          "decided on sizes (ThresholdRegionCheck): \(FormatCount.of(count)) quorums are too many to enumerate in pairs; \(sizes.note)",
        quorumCount: count, smallestQuorum: smallest, classes: classes,
        blocking: q > n - f ? nil : [], blockingNote: blockingCount)
    }

    if system.quorums == nil, case .grid(let k, let rows)? = system.construction,
      case .threshold(let f) = failProne.kind
    {
      // Too many servers to list: Z3 over the grid's cells (GridSMTCheck).
      let options = EngineOptions(deadline: deadline)
      var classes: [CheckReport.ClassResult] = []
      for cls in QuorumClass.allCases {
        let results: [CheckReport.PropertyResult] = cls.properties.map { p in
          switch GridSMTCheck.check(p, k: k, rows: rows, f: f, options: options) {
          case .holds: return .init(property: p, status: .holds, violation: nil, note: nil)
          case .violated(let text):
            return .init(property: p, status: .violated, violation: nil, note: text)
          case .unknown(let why):
            return .init(property: p, status: .unknown, violation: nil, note: why)
          }
        }
        classes.append(.init(cls: cls, verdict: verdict(results), properties: results))
      }
      return CheckReport(
        system: system, failProne: failProne, method: .smt,
        methodNote:
          "decided by Z3 (GridSMTCheck): \(FormatCount.of(count)) quorums over \(k * k) servers are too many to list; each property's violation is a query over the grid's cells (UNSAT = holds; a model is re-checked against the definition)",
        quorumCount: count, smallestQuorum: smallest, classes: classes, blocking: nil,
        blockingNote: "not computed")
    }

    let why =
      system.quorums == nil
      ? "the construction has \(FormatCount.of(count)) quorums, too many to list, and is not a threshold construction with a threshold fail-prone system (the case decided on sizes)"
      : "\(system.quorums!.count) quorums is more than --max-quorums \(maxQuorums) to enumerate in pairs"
    let classes = QuorumClass.allCases.map { cls in
      CheckReport.ClassResult(
        cls: cls, verdict: .unknown,
        properties: cls.properties.map {
          .init(property: $0, status: .unknown, violation: nil, note: nil)
        })
    }
    return CheckReport(
      system: system, failProne: failProne, method: .none, methodNote: "not decided: " + why,
      quorumCount: count, smallestQuorum: smallest, classes: classes, blocking: nil,
      blockingNote: "not computed")
  }

  static func sizesInstance(_ system: QuorumSystem, failProne: FailProneSystem) -> SizesInstance? {
    SizesInstance.of(system, failProne: failProne)
  }

  static func verdict(_ results: [CheckReport.PropertyResult]) -> CheckStatus {
    if results.contains(where: { $0.status == .violated }) { return .violated }
    if results.contains(where: { $0.status == .unknown }) { return .unknown }
    return .holds
  }

  /// `c(Q)` of a construction that is not listed: the sum of the smallest super-elements.
  static func constructionSmallest(_ system: QuorumSystem) -> Int? {
    if case .superElements(let elements, let q)? = system.construction {
      return elements.map(\.count).sorted().prefix(q).reduce(0, +)
    }
    if case .grid(let k, let rows)? = system.construction {
      return (rows + 1) * k - rows  // one column and `rows` rows share `rows` cells
    }
    return nil
  }

  /// The fail-prone sets that meet every quorum, or nil (with a note) when B is too large to
  /// scan.
  static func blockingSets(_ quorums: [ServerSet], failProne: FailProneSystem) -> (
    [ServerSet]?, String
  ) {
    let members = failProne.setCount
    if members <= Double(memberListLimit)
      && members * Double(max(1, quorums.count)) <= availabilityWorkLimit,
      let all = try? failProne.members(limit: memberListLimit)
    {
      let hitting = all.filter { b in quorums.allSatisfy { !$0.isDisjoint(with: b) } }
      return (hitting, "\(hitting.count) of \(all.count)")
    }
    if let b = failProne.memberHittingAll(quorums) {
      return (
        nil, "at least one, e.g. \(failProne.universe.describe(b)) (B has too many sets to list)"
      )
    }
    return ([], "none")
  }

  /// Re-checks a counterexample against the definition itself (Definitions 4.1, 5.1, 5.10):
  /// the quorums are quorums, the sets are members of B (or inside one), and the relation
  /// breaks. Returns what is wrong, or nil if the counterexample is real.
  static func recheck(
    _ v: PropertyViolation, quorums: [ServerSet], failProne: FailProneSystem
  ) -> String? {
    let isQuorum = Set(quorums)
    switch v.property {
    case .m2, .d2, .o3:
      guard let b = v.b1 else { return "no fail-prone set given" }
      guard failProne.hasMember(containing: b) else { return "B is not in the fail-prone system" }
      return quorums.allSatisfy({ !$0.isDisjoint(with: b) }) ? nil : "some quorum misses B"
    default:
      guard let q1 = v.q1, let q2 = v.q2, let b = v.b1 else { return "a set is missing" }
      guard isQuorum.contains(q1), isQuorum.contains(q2) else { return "Q1 or Q2 is not a quorum" }
      guard failProne.hasMember(containing: b) else { return "B is not in the fail-prone system" }
      let i = q1.intersection(q2)
      switch v.property {
      case .m1:
        guard let b2 = v.b2 else { return "B2 is missing" }
        guard failProne.hasMember(containing: b2) else {
          return "B2 is not in the fail-prone system"
        }
        return i.subtracting(b).isSubset(of: b2) ? nil : "(Q1 ∩ Q2) \\ B1 is not inside B2"
      case .d1:
        return i.isSubset(of: b) ? nil : "Q1 ∩ Q2 is not inside B"
      case .o1:
        let left = i.subtracting(b).count
        let right = q2.intersection(b).union(q2.subtracting(q1)).count
        return left < right ? nil : "the O1 inequality holds for these sets"
      case .o2:
        return i.subtracting(b).count <= q2.intersection(b).count
          ? nil : "the O2 inequality holds for these sets"
      default:
        return nil
      }
    }
  }
}

/// Counts as `54264`, `1.2e+12`.
enum FormatCount {
  static func of(_ x: Double) -> String { FamilyEngine.formatCount(x) }
}

/// The text and JSON forms of a check report.
enum CheckOutput {
  static func className(_ cls: QuorumClass) -> String {
    switch cls {
    case .masking: return "masking (Definition 4.1)"
    case .dissemination: return "dissemination (Definition 5.1)"
    case .opaque: return "opaque (Definition 5.10)"
    }
  }

  static func quorumDescription(_ r: CheckReport) -> String {
    r.quorumsLabel ?? r.system.construction?.summary ?? "explicit list"
  }

  static func setText(_ s: ServerSet, _ u: Universe) -> String {
    "\(u.describe(s)) (\(s.count))"
  }

  /// The sets of a violation, each with its size, and the relation that breaks.
  static func violationLines(_ v: PropertyViolation, _ u: Universe) -> [String] {
    var parts: [String] = []
    if let q1 = v.q1 { parts.append("Q1 = " + setText(q1, u)) }
    if let q2 = v.q2 { parts.append("Q2 = " + setText(q2, u)) }
    if let b1 = v.b1 { parts.append((v.property == .m1 ? "B1 = " : "B = ") + setText(b1, u)) }
    if let b2 = v.b2 { parts.append("B2 = " + setText(b2, u)) }
    var lines = parts
    if let q1 = v.q1, let q2 = v.q2 {
      lines.append(
        "|Q1 ∩ Q2| = \(q1.intersection(q2).count), |Q2 \\ Q1| = \(q2.subtracting(q1).count)")
    }
    if v.property == .m1, let q1 = v.q1, let q2 = v.q2, let b1 = v.b1, let b2 = v.b2 {
      lines.append(
        "Q1 ∩ Q2 = \(setText(q1.intersection(q2), u)) ⊆ B1 ∪ B2 = \(setText(b1.union(b2), u))")
    }
    lines.append(v.detail)
    return lines
  }

  static func headline(
    _ r: CheckReport, requested: QuorumClass?, requestedBySpec: Bool
  ) -> String {
    let satisfied = r.classes.filter { $0.verdict == .holds }.map(\.cls.rawValue)
    guard let requested else {
      return "answered: no class requested (give --class or 'class:'); the system is "
        + (satisfied.isEmpty ? "in none of the three classes" : satisfied.joined(separator: ", "))
        + (r.classes.contains { $0.verdict == .unknown } ? " (some classes unknown)" : "")
    }
    let c = r.classes.first { $0.cls == requested }!
    let definition = ["masking": "4.1", "dissemination": "5.1", "opaque": "5.10"][
      requested.rawValue]!
    let what =
      "\(requested == .opaque ? "an opaque masking" : "a " + requested.rawValue) quorum system for B (Definition \(definition))"
    switch c.verdict {
    case .holds: return "holds: the quorum system is \(what)"
    case .violated:
      let failed = c.properties.filter { $0.status == .violated }.map(\.property.rawValue)
      return
        "violated: the quorum system is not \(what): \(failed.joined(separator: ", ")) fail\(failed.count == 1 ? "s" : "")"
    case .unknown: return "unknown: could not decide whether the quorum system is \(what)"
    }
  }

  static func text(
    _ r: CheckReport, spec: String, requested: QuorumClass?, requestedBySpec: Bool,
    seconds: Double
  ) -> String {
    let u = r.system.universe
    var out = headline(r, requested: requested, requestedBySpec: requestedBySpec) + "\n"
    out += "  spec: \(spec)\n"
    out += "  quorums: \(quorumDescription(r))\n"
    out +=
      "  \(FormatCount.of(r.quorumCount)) quorum\(r.quorumCount == 1 ? "" : "s"), smallest quorum c(Q) = \(r.smallestQuorum.map(String.init) ?? "?"), \(u.count) servers\n"
    out += "  fail-prone: \(describe(r.failProne))\n"
    out += "  method: \(r.methodNote)\n"
    for c in r.classes {
      out += "\(className(c.cls)): \(c.verdict.rawValue)\n"
      for p in c.properties {
        out += "  \(p.property.rawValue): \(p.status.rawValue)\n"
        if let v = p.violation {
          for line in violationLines(v, u) { out += "    \(line)\n" }
        }
        if let note = p.note { out += "    \(note)\n" }
      }
    }
    if let blocking = r.blocking {
      if blocking.isEmpty {
        out +=
          "no quorum available when these fail: none (every fail-prone set misses some quorum)\n"
      } else {
        let shown = blocking.prefix(10).map(u.describe).joined(separator: ", ")
        out +=
          "no quorum available when these fail: \(r.blockingNote): \(shown)\(blocking.count > 10 ? ", ..." : "")\n"
      }
    } else {
      out += "no quorum available when these fail: \(r.blockingNote)\n"
    }
    let satisfied = r.classes.filter { $0.verdict == .holds }.map(\.cls.rawValue)
    out += "satisfies: \(satisfied.isEmpty ? "none" : satisfied.joined(separator: ", "))\n"
    if let requested {
      out +=
        "requested: \(requested.rawValue) (\(requestedBySpec ? "the spec's class" : "--class"))\n"
    }
    out += "time: \(formatSeconds(seconds))\n"
    return out
  }

  struct JSONViolation: Encodable {
    var q1: [Int]?
    var q2: [Int]?
    var b1: [Int]?
    var b2: [Int]?
    var detail: String
  }
  struct JSONProperty: Encodable {
    var property: String
    var status: String
    var violation: JSONViolation?
    var note: String?
  }
  struct JSONClass: Encodable {
    var `class`: String
    var verdict: String
    var properties: [JSONProperty]
  }
  struct JSONResult: Encodable {
    var spec: String
    var requested: String?
    var verdict: String
    var quorums: String
    var quorumCount: Double
    var smallestQuorum: Int?
    var servers: Int
    var failProne: String
    var method: String
    var methodNote: String
    var classes: [JSONClass]
    var satisfies: [String]
    var blockingSets: [[Int]]?
    var blockingNote: String
    var seconds: Double
  }

  static func json(
    _ r: CheckReport, spec: String, requested: QuorumClass?, requestedBySpec: Bool,
    seconds: Double
  ) -> String {
    let verdict =
      requested.map { c in r.classes.first { $0.cls == c }!.verdict.rawValue } ?? "answered"
    let result = JSONResult(
      spec: spec, requested: requested?.rawValue, verdict: verdict,
      quorums: quorumDescription(r), quorumCount: r.quorumCount,
      smallestQuorum: r.smallestQuorum, servers: r.system.universe.count,
      failProne: describe(r.failProne), method: r.method.rawValue, methodNote: r.methodNote,
      classes: r.classes.map { c in
        JSONClass(
          class: c.cls.rawValue, verdict: c.verdict.rawValue,
          properties: c.properties.map { p in
            JSONProperty(
              property: p.property.rawValue, status: p.status.rawValue,
              violation: p.violation.map {
                JSONViolation(
                  q1: $0.q1?.members, q2: $0.q2?.members, b1: $0.b1?.members, b2: $0.b2?.members,
                  detail: $0.detail)
              }, note: p.note)
          })
      },
      satisfies: r.classes.filter { $0.verdict == .holds }.map(\.cls.rawValue),
      blockingSets: r.blocking?.map(\.members), blockingNote: r.blockingNote, seconds: seconds)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(result)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
  }
}
