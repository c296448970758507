/// The readings of Figure 3 (Section 6.2) that the paper leaves open, one choice each.
///
/// The defaults (``UpdateReadings/paper``) are the readings under which the proofs of Lemmas
/// 6.2-6.6 go through as written; every alternative is selectable so that its effect can be
/// shown on concrete instances (README, "Section 6: faulty clients").
public struct UpdateReadings: Sendable, Equatable, CustomStringConvertible {
  /// Step 2: which update from a client a correct server echoes.
  public enum Step2: String, CaseIterable, Sendable {
    /// The server echoes ⟨update, Q, v, t⟩ unless it has *previously received* from the same
    /// client an update (naming any quorum) with the same timestamp and another value, or with
    /// a larger timestamp: the first received update for a timestamp wins (default).
    case firstReceived = "first-received"
    /// Earlier updates conflict only if they name the same quorum Q: a server may echo
    /// different values for one timestamp in different quorums.
    case perQuorum = "per-quorum"
  }

  /// Step 3: whose echoes a server needs before it sends ready.
  public enum Step3: String, CaseIterable, Sendable {
    /// Identical echoes from every member of Q, the server itself and Byzantine members
    /// included (default).
    case everyMember = "every-member"
    /// From every member of Q other than the server itself (its own echo is not required,
    /// so it may send ready for a value it did not echo).
    case everyOtherMember = "every-other-member"
    /// From the members of Q \ B for some B in the fail-prone system (Byzantine members need
    /// not echo), as step 5 counts readies.
    case quorumMinusB = "quorum-minus-b"
  }

  /// Step 4: which ready senders may form the set B+.
  public enum Step4: String, CaseIterable, Sendable {
    /// Any servers, members of Q or not (default).
    case anyServers = "any-servers"
    /// Members of Q only.
    case withinQuorum = "within-quorum"
  }

  /// Step 5: how the set Q⁻ of ready senders relates to Q \ B.
  public enum Step5: String, CaseIterable, Sendable {
    /// The ready senders include Q \ B for some B (default).
    case atLeast = "at-least"
    /// The set of servers the server has received identical readies from *equals* Q \ B for
    /// some B when it is checked (on each receipt): a ready from outside Q received first
    /// makes the condition unreachable. Modelled for threshold fail-prone systems only.
    case exactly
  }

  /// Propagation (Section 6.1): which quorum must eventually deliver.
  public enum Propagation: String, CaseIterable, Sendable {
    /// Some quorum: every correct member of *a* quorum delivers (the paper's statement,
    /// default).
    case aQuorum = "a-quorum"
    /// *The* quorum named in the update a correct server delivered: every correct member of
    /// that Q delivers (what the proof of Lemma 6.5 shows).
    case theQuorum = "the-quorum"
  }

  public var step2: Step2
  public var step3: Step3
  public var step4: Step4
  public var step5: Step5
  public var propagation: Propagation

  /// The readings under which the paper's proofs go through (the defaults).
  public static let paper = UpdateReadings()

  public init(
    step2: Step2 = .firstReceived, step3: Step3 = .everyMember, step4: Step4 = .anyServers,
    step5: Step5 = .atLeast, propagation: Propagation = .aQuorum
  ) {
    self.step2 = step2
    self.step3 = step3
    self.step4 = step4
    self.step5 = step5
    self.propagation = propagation
  }

  /// `step2 first-received, step3 every-member, ...`, marking the defaults.
  public var description: String {
    let d = UpdateReadings.paper
    func mark(_ same: Bool) -> String { same ? " (default)" : " (non-default)" }
    return [
      "step2 \(step2.rawValue)\(mark(step2 == d.step2))",
      "step3 \(step3.rawValue)\(mark(step3 == d.step3))",
      "step4 \(step4.rawValue)\(mark(step4 == d.step4))",
      "step5 \(step5.rawValue)\(mark(step5 == d.step5))",
      "propagation \(propagation.rawValue)\(mark(propagation == d.propagation))",
    ].joined(separator: ", ")
  }
}
