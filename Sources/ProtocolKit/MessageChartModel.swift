import QuorumKit

/// A protocol model whose runs can be drawn as message sequence charts: named participants
/// (clients and servers), each step one message from one participant to another, and a set of
/// faulty servers fixed by the initial state. ``ReadWriteModel`` and ``UpdateModel`` conform;
/// the command line renders traces of either through this one interface.
public protocol MessageChartModel: TransitionSystem {
  /// The chart's columns, in order.
  var participants: [String] { get }
  /// The message `action` sends from `state`: sender, receiver (participant names) and label.
  func message(_ action: Action, from state: State) -> (from: String, to: String, label: String)
  /// The faulty servers of a state (fixed at the start of a run).
  func faulty(_ state: State) -> ServerSet
  /// The participant name of server `i`.
  func server(_ i: Int) -> String
}

extension ReadWriteModel: MessageChartModel {}
extension UpdateModel: MessageChartModel {}
