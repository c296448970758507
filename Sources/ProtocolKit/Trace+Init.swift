// Public initialisers for runs found by other engines (bounded model checking decodes a Z3
// model into actions, replays them through the model and builds the trace from the replay).

extension Trace.Step {
  /// A step: `action`, leading to `state`.
  public init(taking action: System.Action, to state: System.State) {
    self.action = action
    self.state = state
  }
}

extension Trace {
  /// A run from `initial` through `steps`. Callers replay the run through the system (as
  /// ``replays(in:)`` does) before they print it.
  public init(from initial: System.State, steps: [Step]) {
    self.initial = initial
    self.steps = steps
  }
}

extension Counterexample {
  /// A counterexample: `trace`'s final state violates the property named `property`.
  public init(violating property: String, trace: Trace<System>) {
    self.property = property
    self.trace = trace
  }
}
