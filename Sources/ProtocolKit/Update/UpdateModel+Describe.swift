import QuorumKit

extension UpdateModel {
  /// A server's printed name.
  public func server(_ i: Int) -> String { "server " + instance.universe.name(of: i) }

  /// `⟨a, t1⟩`, `⟨w, tw⟩`, `⊥`.
  public func pairName(_ code: Int) -> String {
    switch code {
    case 0: return "⟨v0, t0⟩"
    case 1: return "⟨a, t1⟩"
    case 2: return "⟨b, t1⟩"
    case 3: return "⟨c, t2⟩"
    case 4: return "⟨w, tw⟩"
    case 5: return "⟨x, tw⟩"
    default: return "⊥"
    }
  }

  func setName(_ set: ServerSet) -> String { instance.universe.describe(set) }

  /// `⟨update, {0, 1, 2, 3}, a, t1⟩` for a slot (its quorum as in `s`).
  func message(_ kind: String, _ s: UpdateState, _ k: Int) -> String {
    let p = pairName(UpdateSlot.pair[k]).dropFirst().dropLast()
    return "⟨\(kind), Q_\(UpdateSlot.names[k]) = \(setName(quorum(s, k))), \(p)⟩"
  }

  func sender(ofSlot k: Int) -> String { k < 3 ? "faulty client" : k == 5 ? "Byzantine" : "writer" }

  /// The timestamps in increasing order, as `t0 < t1 < tw < t2`.
  public func timestampOrder(_ s: UpdateState) -> String {
    let names = ["t0", "t1", "t1", "t2", "tw"]
    var seen: [String] = []
    for p in [0, 1, 3, 4] where pairs.contains(p) || p == 0 {
      if !seen.contains(names[p]) { seen.append(names[p]) }
    }
    let ts = ["t0": 0, "t1": 2, "t2": 4, "tw": 2 * s.gap + 1]
    return seen.sorted { ts[$0]! < ts[$1]! }.joined(separator: " < ")
  }

  public func describe(_ action: UpdateAction, from s: UpdateState, to t: UpdateState) -> String {
    let line = describeAction(action, from: s, to: t)
    // The reactions taken eagerly with the step (UpdateModel.react).
    var own = s
    switch action {
    case .ready(let k, let j, _): own.profiles[j] |= Self.bit(k, Self.rdy)
    case .deliver(let k, let j, _): own.profiles[j] |= Self.bit(k, Self.dlv)
    default: break
    }
    var extra: [String] = []
    for k in slots {
      let r = servers(t, k, Self.rdy).subtracting(servers(own, k, Self.rdy))
      if !r.isEmpty {
        extra.append("\(setName(r)) send \(message("ready", t, k)) (steps 3-4)")
      }
      let d = servers(t, k, Self.dlv).subtracting(servers(own, k, Self.dlv))
      if !d.isEmpty {
        let inner = pairName(UpdateSlot.pair[k]).dropFirst().dropLast()
        extra.append("\(setName(d)) execute Deliver(\(inner)) on Q_\(UpdateSlot.names[k]) (step 5)")
      }
    }
    return extra.isEmpty ? line : line + "; then " + extra.joined(separator: "; ")
  }

  func describeAction(_ action: UpdateAction, from s: UpdateState, to t: UpdateState) -> String {
    switch action {
    case .chooseQuorum(let k, let qi):
      let p = pairName(UpdateSlot.pair[k])
      return
        "faulty client picks Q_\(UpdateSlot.names[k]) = \(setName(instance.quorums[qi])) for its update \(p)"
    case .faultyUpdate(let k, let j), .writerUpdate(let k, let j):
      let who = k < 3 ? "faulty client" : "writer"
      var line = "\(who)'s \(message("update", t, k)) reaches \(server(j))"
      if has(t.profiles[j], k, Self.echo) {
        line += ", which echoes it to Q_\(UpdateSlot.names[k]) (step 2)"
      } else {
        line += ", which does not echo it: it received a conflicting update first (step 2)"
      }
      return line
    case .initWrite(let qi, _):
      return
        "writer queries quorum \(setName(instance.quorums[qi])), picks tw (timestamps now \(timestampOrder(t))) and performs Init(Q_W1 = \(setName(instance.quorums[qi])), w, tw): sends ⟨update, Q_W1, w, tw⟩ to each member (step 1)"
    case .retry(let qi):
      return
        "writer, lacking acknowledgements, retries: Init(Q_W2 = \(setName(instance.quorums[qi])), w, tw) (Section 6.1)"
    case .ready(let k, let j, let help):
      let q = quorum(s, k)
      let F = faulty(s)
      let via: String
      switch help {
      case 0:
        via =
          step3(s, j, k, q: q, F: F, help: false)
          ? "it has the echoes step 3 needs"
          : "it has readies from a set not inside any member of B (step 4)"
      case 1:
        via = "Byzantine members \(setName(F.intersection(q))) echo to it, completing step 3"
      default:
        via = "Byzantine servers \(setName(F)) send it ready, completing B+ (step 4)"
      }
      return "\(server(j)) sends \(message("ready", s, k)) to Q_\(UpdateSlot.names[k]): \(via)"
    case .deliver(let k, let j, let help):
      let q = quorum(s, k)
      let F = faulty(s)
      let inner = pairName(UpdateSlot.pair[k]).dropFirst().dropLast()
      var line =
        "\(server(j)) executes Deliver(\(inner)): readies from Q_\(UpdateSlot.names[k]) \\ B"
      _ = (help, q, F)
      line += " (step 5)"
      let before = stored(s.profiles[j])
      let after = stored(t.profiles[j])
      line += before == after ? "; keeps \(pairName(before))" : "; now stores \(pairName(after))"
      return line
    case .byzantineReady(let k, let j):
      return
        "Byzantine members \(setName(faulty(s).intersection(quorum(s, k)))) of Q_\(UpdateSlot.names[k]) send \(message("ready", s, k)) to \(server(j))"
    case .readyFromOutside(let k, let j):
      return
        "Byzantine \(setName(faulty(s).subtracting(quorum(s, k)))) outside Q_\(UpdateSlot.names[k]) sends \(message("ready", s, k)) to \(server(j)) first: its ready set can no longer equal Q \\ B (step 5, exactly)"
    case .writeDone(let help):
      return
        "writer receives acknowledgements from a set not inside any member of B\(help ? " (Byzantine servers acknowledge too)" : ""): its write is done"
    case .stop:
      return "the faulty client and the Byzantine servers send nothing more"
    case .beginRead:
      return "reader begins a read"
    case .respond(let i, let code):
      var line =
        "\(server(i))\(isFaulty(s.profiles[i]) ? " (Byzantine)" : "") answers the read with \(pairName(code))"
      if t.readPhase == 2 { line += "; " + readEnd(t) }
      return line
    case .endRead:
      return readEnd(t)
    }
  }

  func readEnd(_ t: UpdateState) -> String {
    let r = t.readResult
    var line = "read ends: Result() = \(pairName(r)), returns \(UpdatePair.names[r])"
    if t.readConcurrent == 0 {
      let expected = expectedResults(t, before: t.readBefore)
      if expected.contains(r) {
        line += " (correct)"
      } else {
        line +=
          " — WRONG: expected \(expected.map { UpdatePair.names[$0] }.joined(separator: " or "))"
      }
    } else {
      line += " (concurrent with a write: Lemma 6.1 does not constrain it)"
    }
    return line
  }

  /// Why the final state of a counterexample violates `property`: one line, ending in
  /// `WRONG: expected …`.
  public func explainViolation(_ property: String, in s: UpdateState) -> String {
    let F = faulty(s)
    func d(_ p: Int) -> String { setName(delivered(s, pair: p)) }
    switch property {
    case Self.integrity:
      return
        "correct servers \(d(UpdatePair.x)) delivered ⟨x, tw⟩, which the writer never initiated — WRONG: expected only ⟨w, tw⟩"
    case Self.agreement:
      let (p1, p2) =
        !delivered(s, pair: UpdatePair.a).isEmpty && !delivered(s, pair: UpdatePair.b).isEmpty
        ? (UpdatePair.a, UpdatePair.b) : (UpdatePair.w, UpdatePair.x)
      return
        "correct servers \(d(p1)) delivered \(pairName(p1)) and \(d(p2)) delivered \(pairName(p2)) — WRONG: expected one value per timestamp"
    case Self.lemma61:
      return
        "the read's result — WRONG: expected \(expectedResults(s, before: s.readBefore).map { UpdatePair.names[$0] }.joined(separator: " or "))"
    case Self.propagation:
      let p = propagationFailures(s).first ?? 0
      return
        "quiescent (every message between correct processes delivered, faulty processes stopped): only \(d(p)) deliver \(pairName(p)), Byzantine \(setName(F)) — WRONG: expected every correct server of some quorum to deliver it"
    case Self.propagationTheQuorum:
      let k = propagationFailures(s).first ?? 0
      return
        "quiescent: \(d(UpdateSlot.pair[k])) deliver \(pairName(UpdateSlot.pair[k])), correct members of Q_\(UpdateSlot.names[k]) = \(setName(quorum(s, k).subtracting(F))) — WRONG: expected all of them to deliver"
    case Self.validity:
      let k = validityFailures(s).first ?? UpdateSlot.write1
      return
        "quiescent: Init on Q_\(UpdateSlot.names[k]) = \(setName(quorum(s, k))), all correct, yet no correct server delivered ⟨w, tw⟩ — WRONG: expected a correct Deliver(w, tw)"
    default:
      return "WRONG: expected \(property)"
    }
  }

  /// The sender, receiver and label of the message a step carries, for message sequence charts.
  public func message(_ action: UpdateAction, from s: UpdateState) -> (
    from: String, to: String, label: String
  ) {
    switch action {
    case .chooseQuorum(let k, _):
      return ("faulty client", "faulty client", "pick Q_\(UpdateSlot.names[k])")
    case .faultyUpdate(let k, let j):
      return ("faulty client", server(j), "update \(UpdateSlot.names[k])")
    case .writerUpdate(let k, let j):
      return ("writer", server(j), "update \(UpdateSlot.names[k])")
    case .initWrite: return ("writer", "writer", "Init(Q_W1, w, tw)")
    case .retry: return ("writer", "writer", "Init(Q_W2, w, tw)")
    case .ready(let k, let j, _): return (server(j), server(j), "ready \(UpdateSlot.names[k])")
    case .deliver(let k, let j, _): return (server(j), server(j), "Deliver \(UpdateSlot.names[k])")
    case .byzantineReady(let k, let j):
      let from = faulty(s).intersection(quorum(s, k)).first.map(server) ?? server(j)
      return (from, server(j), "ready \(UpdateSlot.names[k])")
    case .readyFromOutside(let k, let j):
      let out = faulty(s).subtracting(quorum(s, k)).first.map(server) ?? server(j)
      return (out, server(j), "ready \(UpdateSlot.names[k])")
    case .writeDone: return ("writer", "writer", "acknowledged")
    case .stop: return ("faulty client", "faulty client", "stop")
    case .beginRead: return ("reader", "reader", "begin read")
    case .respond(let i, let code): return (server(i), "reader", pairName(code))
    case .endRead: return ("reader", "reader", "end read")
    }
  }

  /// Every participant, in chart order: clients, then servers.
  public var participants: [String] {
    var list = ["faulty client"]
    if instance.correctWriter { list.append("writer") }
    if instance.reader { list.append("reader") }
    return list + (0..<n).map(server)
  }
}
