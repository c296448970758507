import QuorumKit
import Z3Kit

/// Which engines answer an existence question.
public enum ExistenceEngine: String, CaseIterable, Sendable {
  /// Venn-region arithmetic (threshold fail-prone systems only; any n).
  case arithmetic
  /// The family reduction (any fail-prone system over at most 64 servers).
  case family
  /// The closed cover criteria (masking and dissemination only).
  case criterion
}

/// Runs the engines that apply to an existence question and combines their verdicts.
///
/// Each engine's `exists` or `none` is a proof on its own (a re-checked witness or an UNSAT
/// answer). If two engines prove opposite verdicts the combined verdict is `unknown` and the
/// disagreement is reported: one of them has a bug.
public enum ExistenceDecider {
  /// The combined answer.
  public struct Outcome: Sendable {
    /// The verdict all deciding engines agree on, or `unknown`.
    public var verdict: ExistenceVerdict
    /// Each engine's report, in the order run.
    public var reports: [ExistenceReport]
    /// Set when engines proved opposite verdicts.
    public var disagreement: String?
  }

  /// Fail-prone systems with at most this many sets get the family engine by default.
  public static let defaultFamilyLimit = 5_000

  /// The engines run by default for a question.
  public static func defaultEngines(_ cls: QuorumClass, failProne: FailProneSystem)
    -> [ExistenceEngine]
  {
    var engines: [ExistenceEngine] = []
    if case .threshold = failProne.kind { engines.append(.arithmetic) }
    if cls != .opaque && (failProne.n <= ServerSet.capacity || failProne.isNested) {
      engines.append(.criterion)
    }
    if failProne.n <= ServerSet.capacity && failProne.setCount <= Double(defaultFamilyLimit) {
      engines.append(.family)
    }
    if engines.isEmpty {
      // Only the family engine could apply: it answers unknown with the reason (too many sets)
      // or refuses a universe larger than 64 servers with a clear message.
      engines.append(.family)
    }
    return engines
  }

  /// Decides existence with the given engines (default: every one that applies).
  public static func decide(
    _ cls: QuorumClass, failProne: FailProneSystem, engines: [ExistenceEngine]? = nil,
    options: EngineOptions
  ) throws -> Outcome {
    let chosen = engines ?? defaultEngines(cls, failProne: failProne)
    var reports: [ExistenceReport] = []
    for e in chosen {
      switch e {
      case .arithmetic:
        guard case .threshold(let f) = failProne.kind else {
          throw InputError(
            "the arithmetic engine needs a threshold fail-prone system (--n N --f F)")
        }
        reports.append(ThresholdArithmetic.decide(cls, n: failProne.n, f: f, options: options))
      case .criterion:
        guard cls != .opaque else {
          throw InputError(
            "the opaque class has no closed criterion (the paper leaves it open); use --engine family"
          )
        }
        if !failProne.isNested { try failProne.universe.requireEnumerable("the cover criterion") }
        reports.append(try CriterionEngine.decide(cls, failProne: failProne, options: options))
      case .family:
        reports.append(
          try FamilyEngine.decide(
            cls, failProne: failProne, options: options,
            memberLimit: engines == nil ? defaultFamilyLimit : FamilyEngine.defaultMemberLimit))
      }
    }
    let decided = reports.filter { $0.verdict != .unknown }
    let verdicts = Set(decided.map(\.verdict))
    if verdicts.count > 1 {
      let text = decided.map { "\($0.engine) says \($0.verdict.rawValue)" }.joined(separator: ", ")
      return Outcome(verdict: .unknown, reports: reports, disagreement: "engines disagree: \(text)")
    }
    return Outcome(verdict: verdicts.first ?? .unknown, reports: reports, disagreement: nil)
  }
}

extension FailProneSystem {
  /// True for nested threshold structures (decided on the tree, for any number of servers).
  var isNested: Bool {
    if case .nested = kind { return true }
    return false
  }
}
