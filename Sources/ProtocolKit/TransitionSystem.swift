/// A finite transition system for explicit-state model checking: the shape of Stateright's
/// `Model` trait, used for the read/write protocols of Sections 3.2, 4 and 5 of Malkhi and
/// Reiter, "Byzantine Quorum Systems".
///
/// A model gives its initial states, the actions enabled in a state, the successor an action
/// leads to, named safety properties (state predicates that must hold in every reachable
/// state), and a fixed-size encoding of its states into 64-bit words that the checker stores.
/// Models whose processes are interchangeable give a ``representative(of:)`` (a canonical
/// member of the state's symmetry class); the checker then stores one state per class.
public protocol TransitionSystem {
  /// A state of the system.
  associatedtype State
  /// A step some process can take.
  associatedtype Action: Equatable

  /// The initial states (each is a root of the search).
  var initialStates: [State] { get }

  /// The actions enabled in `state`, appended to `actions` (which the caller empties).
  func actions(of state: State, into actions: inout [Action])

  /// The state `action` leads to from `state`, or nil if it is not enabled after all.
  func successor(of state: State, taking action: Action) -> State?

  /// The safety properties: each must hold in every reachable state. Under symmetry reduction
  /// each must give the same answer on every member of a symmetry class.
  var properties: [SafetyProperty<State>] { get }

  /// Properties of quiescent states: each must hold in every reachable state in which no
  /// action is enabled (every message delivered, every process finished or stopped). Under
  /// reliable delivery, eventual properties ("every correct server eventually delivers") are
  /// exactly these. The default is none.
  var quiescentProperties: [SafetyProperty<State>] { get }

  /// The number of 64-bit words of a state's encoding (the same for every state).
  var wordsPerState: Int { get }

  /// Writes the encoding of `state` to `words[0 ..< wordsPerState]`. Two states are the same
  /// state iff their encodings are equal, and ``decode(_:)`` gives the state back: the checker
  /// expands stored states, and checks the properties of new ones, on their decoded encodings.
  func encode(_ state: State, into words: UnsafeMutablePointer<UInt64>)

  /// The state whose encoding is `words[0 ..< wordsPerState]`.
  func decode(_ words: UnsafePointer<UInt64>) -> State

  /// A canonical member of `state`'s symmetry class: states related by a symmetry of the
  /// model (a permutation of interchangeable processes) have the same representative.
  /// The default is `state` itself (no reduction).
  func representative(of state: State) -> State

  /// Replaces `state` by its representative, in place (the checker's hot path; the default
  /// assigns ``representative(of:)``).
  func canonicalize(_ state: inout State)

  /// The representative of the successor of `state` (a representative) by `action`, written
  /// into `next`; false if the action is not enabled. The checker's hot path under symmetry
  /// reduction; the default is ``successor(of:taking:into:)`` then ``canonicalize(_:)``, and
  /// models override it when they can keep the representative up to date more cheaply.
  func canonicalSuccessor(of state: State, taking action: Action, into next: inout State) -> Bool

  /// Writes the encoding of the representative of the successor of `state` (a
  /// representative whose encoding is `encoded`) by `action` into `words`, straight from the
  /// two, and returns true; or returns false, having written nothing, when the model has no
  /// such shortcut for this step (the checker then calls
  /// ``canonicalSuccessor(of:taking:into:)`` and ``encode(_:into:)``). Models implement it for
  /// the steps that change a small part of the state. The default is false.
  func encodeCanonicalSuccessor(
    of state: State, encoded: UnsafePointer<UInt64>, taking action: Action,
    into words: UnsafeMutablePointer<UInt64>
  ) -> Bool

  /// The successor of `state` by `action` written into `next` (whose previous value is
  /// irrelevant); false if the action is not enabled. The default assigns
  /// ``successor(of:taking:)``; models override it to reuse `next`'s storage.
  func successor(of state: State, taking action: Action, into next: inout State) -> Bool

  /// Decodes `words` into `state` (whose previous value is irrelevant). The default assigns
  /// ``decode(_:)``; models override it to reuse `state`'s storage.
  func decode(_ words: UnsafePointer<UInt64>, into state: inout State)

  /// The actions of `state` (a representative) that the checker follows under symmetry
  /// reduction: any subset of ``actions(of:into:)`` that contains, for every enabled action,
  /// one whose successor has the same representative. The default is every action.
  func reducedActions(of state: State, into actions: inout [Action])

  /// The number of states whose representative is `state` (the size of its symmetry class,
  /// for a `state` that is its own representative). The checker sums it over the stored states:
  /// with symmetry reduction the sum is the number of reachable states of the unreduced model.
  /// The default is 1 (no reduction).
  func orbitSize(of state: State) -> Double

  /// One line describing `action`, taken from `before`, leading to `after`: for traces.
  func describe(_ action: Action, from before: State, to after: State) -> String
}

extension TransitionSystem {
  public var quiescentProperties: [SafetyProperty<State>] { [] }
  public func representative(of state: State) -> State { state }
  public func canonicalize(_ state: inout State) { state = representative(of: state) }
  public func orbitSize(of state: State) -> Double { 1 }
  public func successor(of state: State, taking action: Action, into next: inout State) -> Bool {
    guard let s = successor(of: state, taking: action) else { return false }
    next = s
    return true
  }
  public func decode(_ words: UnsafePointer<UInt64>, into state: inout State) {
    state = decode(words)
  }
  public func canonicalSuccessor(
    of state: State, taking action: Action, into next: inout State
  ) -> Bool {
    guard successor(of: state, taking: action, into: &next) else { return false }
    canonicalize(&next)
    return true
  }
  public func reducedActions(of state: State, into actions: inout [Action]) {
    self.actions(of: state, into: &actions)
  }
  public func encodeCanonicalSuccessor(
    of state: State, encoded: UnsafePointer<UInt64>, taking action: Action,
    into words: UnsafeMutablePointer<UInt64>
  ) -> Bool { false }
}

/// A named safety property: a predicate that must hold in every reachable state.
public struct SafetyProperty<State> {
  /// The name printed in verdicts, e.g. `Lemma 4.2`.
  public let name: String
  /// True iff the property holds in the state.
  public let holds: (State) -> Bool

  public init(_ name: String, holds: @escaping (State) -> Bool) {
    self.name = name
    self.holds = holds
  }
}
