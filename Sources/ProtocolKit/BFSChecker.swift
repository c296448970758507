import CPrefetch

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Limits of one search. Hitting any of them ends the search with an *unknown* verdict that
/// reports what was explored: never *safe* (DESIGN.md, soundness rules).
public struct SearchLimits: Sendable {
  /// Stop (unknown) rather than store more than this many states.
  public var maxStates: Int
  /// Stop (unknown) after this many seconds of wall-clock time.
  public var timeout: Double?
  /// Stop (unknown) when the state store, parent links and hash table would exceed this many
  /// bytes.
  public var memoryLimitBytes: Int
  /// Store one state per symmetry class (``TransitionSystem/representative(of:)``).
  public var symmetry: Bool

  public init(
    maxStates: Int = 50_000_000, timeout: Double? = nil, memoryLimitBytes: Int = 4 << 30,
    symmetry: Bool = true
  ) {
    self.maxStates = maxStates
    self.timeout = timeout
    self.memoryLimitBytes = memoryLimitBytes
    self.symmetry = symmetry
  }
}

/// What a search explored.
public struct SearchStatistics: Sendable, Equatable {
  /// Distinct states stored (one per symmetry class under symmetry reduction).
  public var states: Int = 0
  /// Transitions taken (successors computed, including those leading to known states). Under
  /// symmetry reduction, successors that are known to have the same representative as another
  /// successor of the same state are not computed (``TransitionSystem/reducedActions(of:into:)``).
  public var transitions: Int = 0
  /// The largest BFS depth reached (the length of the longest shortest path from a root).
  public var depth: Int = 0
  /// States whose successors have not been computed when the search ended.
  public var queued: Int = 0
  /// Wall-clock seconds.
  public var seconds: Double = 0
  /// CPU seconds of the searching thread (below `seconds` when other processes share the
  /// cores).
  public var cpuSeconds: Double = 0
  /// Bytes of the state store, parent links and hash table, per stored state.
  public var bytesPerState: Double = 0
  /// Bytes of one state's encoding.
  public var encodingBytes: Int = 0
  /// The states the stored ones stand for: the sum of their symmetry classes' sizes
  /// (``TransitionSystem/orbitSize(of:)``); equal to `states` without symmetry reduction. When
  /// the state space is exhausted it is the number of reachable states of the unreduced model
  /// (exact while below 2^53).
  public var representedStates: Double = 0

  /// Represented states per stored state: the reduction factor of symmetry.
  public var reductionFactor: Double { states > 0 ? representedStates / Double(states) : 1 }

  /// Stored states per second (wall clock).
  public var statesPerSecond: Double { seconds > 0 ? Double(states) / seconds : 0 }
  /// Stored states per CPU second of the searching thread.
  public var statesPerCPUSecond: Double { cpuSeconds > 0 ? Double(states) / cpuSeconds : 0 }
}

/// A run of a transition system: an initial state and the steps taken from it.
public struct Trace<System: TransitionSystem> {
  /// One step: the action and the state it leads to.
  public struct Step {
    public let action: System.Action
    public let state: System.State
  }
  /// The initial state.
  public let initial: System.State
  /// The steps, in order.
  public let steps: [Step]

  /// The last state of the run.
  public var final: System.State { steps.last?.state ?? initial }

  /// One line per step, as ``TransitionSystem/describe(_:from:to:)`` gives it.
  public func describe(in system: System) -> [String] {
    var lines: [String] = []
    var previous = initial
    for step in steps {
      lines.append(system.describe(step.action, from: previous, to: step.state))
      previous = step.state
    }
    return lines
  }
}

extension Trace {
  /// Replays the run through `system`: true iff every action is enabled in the state before
  /// it, leads to exactly the recorded state, and every initial state is one of the system's.
  /// The command line calls this before it prints a counterexample.
  public func replays(in system: System) -> Bool {
    func words(_ s: System.State) -> [UInt64] {
      var w = [UInt64](repeating: 0, count: max(1, system.wordsPerState))
      w.withUnsafeMutableBufferPointer { system.encode(s, into: $0.baseAddress!) }
      return w
    }
    let start = words(initial)
    guard system.initialStates.contains(where: { words($0) == start }) else { return false }
    var current = initial
    var actions: [System.Action] = []
    for step in steps {
      actions.removeAll()
      system.actions(of: current, into: &actions)
      let target = words(step.state)
      guard actions.contains(step.action),
        let next = system.successor(of: current, taking: step.action),
        words(next) == target
      else { return false }
      current = next
    }
    return true
  }
}

/// A violated property with a shortest run that reaches a state violating it, replayed
/// through the model.
public struct Counterexample<System: TransitionSystem> {
  /// The name of the violated property.
  public let property: String
  /// The run; its final state violates `property`.
  public let trace: Trace<System>
}

/// The answer of a search.
public enum Verdict<System: TransitionSystem> {
  /// Every reachable state was visited and satisfies every property (and every quiescent
  /// state every quiescent property).
  case safe
  /// A reachable state violates a property; the counterexample is a shortest run to one.
  case violated(Counterexample<System>)
  /// A limit was hit before the state space was exhausted and before any violation was found.
  case unknown(reason: String)
}

/// The result of ``BFSChecker/check(_:limits:progress:)``.
public struct SearchResult<System: TransitionSystem> {
  public let verdict: Verdict<System>
  public let statistics: SearchStatistics
}

/// Errors that reveal a bug in a model or the checker, never a user mistake.
public struct ModelError: Error, CustomStringConvertible {
  public let description: String
}

/// Breadth-first explicit-state search over a ``TransitionSystem``.
///
/// States are stored once, as their fixed-size word encodings, in insertion order; because the
/// search is breadth-first, that order is the queue (a cursor walks it) and the parent index of
/// each state gives a shortest path back to a root. The visited set is an open-addressing hash
/// table of 64-bit entries: a 32-bit index into the store and 32 bits of the state's hash, so
/// that a probe reads a stored state only when the hashes agree. A violation's path of stored (canonical) states is
/// turned back into a concrete run by replaying the model from a concrete initial state: at
/// each step the action whose successor has the stored representative is taken, and the final
/// state is checked to violate the property before the counterexample is returned.
public enum BFSChecker {
  /// Explores the states of `system` reachable from its initial states.
  ///
  /// - Parameter progress: called about once a second with the statistics so far (for a
  ///   progress line on a terminal).
  /// - Throws: ``ModelError`` if a counterexample does not replay (a bug, never expected).
  @_specialize(where System == ReadWriteModel)
  public static func check<System: TransitionSystem>(
    _ system: System, limits: SearchLimits = SearchLimits(),
    progress: ((SearchStatistics) -> Void)? = nil
  ) throws -> SearchResult<System> {
    var search = Search(system: system, limits: limits)
    return try search.run(progress: progress)
  }
}

private func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

private func threadCPUTime() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Zero-filled memory from the operating system for the checker's large arrays, with
/// transparent huge pages requested where the system offers them (`madvise`): the hash table
/// and the state store are probed at random, and huge pages cut the address-translation misses
/// of those probes. Freed with ``release()``.
private struct PageMemory {
  let base: UnsafeMutableRawPointer
  let bytes: Int

  /// `bytes` of zeroed memory (traps only if the system refuses, as `allocate` would).
  init(bytes: Int) {
    let size = max(bytes, 1)
    if let p = Self.map(size, reserveOnly: false) {
      self.base = p
      self.bytes = size
      return
    }
    let heap = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    heap.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    self.base = heap
    self.bytes = -size
  }

  /// Address space for `bytes` that the system backs with zeroed pages only as they are
  /// written (Linux `MAP_NORESERVE`), or nil where that is not available.
  init?(reservingBytes bytes: Int) {
    let size = max(bytes, 1)
    guard let p = Self.map(size, reserveOnly: true) else { return nil }
    self.base = p
    self.bytes = size
  }

  /// Anonymous zeroed pages from `mmap` (with `MAP_NORESERVE` when `reserveOnly`), huge pages
  /// requested from 4 MiB on; nil where that fails or is not available.
  private static func map(_ size: Int, reserveOnly: Bool) -> UnsafeMutableRawPointer? {
    #if os(Linux)
      let flags = MAP_PRIVATE | MAP_ANONYMOUS | (reserveOnly ? MAP_NORESERVE : 0)
      guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, flags, -1, 0), p != MAP_FAILED
      else { return nil }
      if size >= 4 << 20 { _ = madvise(p, size, 14) }  // MADV_HUGEPAGE
      return p
    #else
      return nil
    #endif
  }

  func release() {
    #if os(Linux)
      if bytes > 0 {
        munmap(base, bytes)
        return
      }
    #endif
    base.deallocate()
  }
}

/// A growable array of trivial elements that frees itself, for the checker's state store and
/// parent links.
///
/// It first reserves address space for `reserve` elements (on Linux, `MAP_NORESERVE`: pages
/// are backed only once written), so appending never moves what is stored: no copy on growth,
/// and only the pages in use are ever zeroed by the system. Where the reservation is refused
/// it starts small and doubles, copying.
private final class GrowableBuffer<Element> {
  private var memory: PageMemory
  private(set) var base: UnsafeMutablePointer<Element>
  private(set) var capacity: Int
  private(set) var used = 0
  /// The address space was reserved (else the buffer doubles, copying).
  private let reserved: Bool

  init(reserve: Int) {
    let stride = MemoryLayout<Element>.stride
    if let space = PageMemory(reservingBytes: reserve * stride) {
      memory = space
      capacity = reserve
      reserved = true
    } else {
      capacity = 1 << 12
      memory = PageMemory(bytes: capacity * stride)
      reserved = false
    }
    base = memory.base.bindMemory(to: Element.self, capacity: capacity)
  }

  deinit { memory.release() }

  /// Bytes of memory in use: the elements stored (up to a page) in reserved address space,
  /// else the whole allocation.
  var usedBytes: Int { (reserved ? used : capacity) * MemoryLayout<Element>.stride }

  @inline(__always) subscript(_ i: Int) -> Element { base[i] }

  @inline(__always) func append(_ e: UnsafePointer<Element>, count: Int) {
    if used + count > capacity { grow(to: used + count) }
    // A plain loop: a state is a few words, cheaper inline than a call to memmove.
    let to = base + used
    for i in 0..<count { to[i] = e[i] }
    used += count
  }

  @inline(__always) func append(_ e: Element) {
    if used + 1 > capacity { grow(to: used + 1) }
    base[used] = e
    used += 1
  }

  private func grow(to minimum: Int) {
    let bigger = max(capacity * 2, minimum)
    let fresh = PageMemory(bytes: bigger * MemoryLayout<Element>.stride)
    let freshBase = fresh.base.bindMemory(to: Element.self, capacity: bigger)
    freshBase.update(from: base, count: used)
    memory.release()
    memory = fresh
    base = freshBase
    capacity = bigger
  }
}

/// The visited set's open-addressing table: entries `tag << 32 | (index + 1)` (0 is empty),
/// where the tag is the top 32 bits of the state's 64-bit hash. A state's home slot is the top
/// `log2(size)` bits of its hash (at most 32), so the table grows without reading the stored
/// states: an entry's new home slot is the top bits of its tag.
private final class SlotTable {
  private var memory: PageMemory
  private(set) var slots: UnsafeMutablePointer<UInt64>
  private(set) var size: Int
  private(set) var shift: Int

  init(log2Size: Int) {
    size = 1 << log2Size
    shift = 64 - log2Size
    memory = PageMemory(bytes: size * 8)
    slots = memory.base.bindMemory(to: UInt64.self, capacity: size)
  }

  deinit { memory.release() }

  /// The home slot of hash `h`.
  @inline(__always) func home(_ h: Int) -> Int {
    Int(UInt64(bitPattern: Int64(h)) >> UInt64(shift))
  }

  /// Grows the table, moving every entry to its home slot in the bigger one: four-fold while
  /// it is below 2^22 slots (32 MiB) and `fourFold` allows it, else two-fold (fewer rehashes and
  /// fewer fresh pages for the system to zero, at a bounded cost in memory).
  func grow(fourFold: Bool) {
    let factorLog2 = fourFold && size < 1 << 22 ? 2 : 1
    let newSize = size << factorLog2
    let newShift = shift - factorLog2
    precondition(newShift >= 32, "the visited set's table is limited to 2^32 slots")
    let fresh = PageMemory(bytes: newSize * 8)
    let t = fresh.base.bindMemory(to: UInt64.self, capacity: newSize)
    let mask = newSize - 1
    for i in 0..<size {
      let entry = slots[i]
      if entry == 0 { continue }
      var slot = Int(entry >> UInt64(newShift))
      while t[slot] != 0 { slot = (slot + 1) & mask }
      t[slot] = entry
    }
    memory.release()
    memory = fresh
    slots = t
    size = newSize
    shift = newShift
  }
}

private struct Search<System: TransitionSystem> {
  let system: System
  let limits: SearchLimits
  let width: Int
  let store: GrowableBuffer<UInt64>
  let parents: GrowableBuffer<Int32>
  let table = SlotTable(log2Size: 12)
  var count = 0
  /// The table is half full and growing it would pass the memory cap.
  var tableAtCap = false
  var stats = SearchStatistics()
  var cpuStart = 0.0
  let properties: [SafetyProperty<System.State>]
  let quiescentProperties: [SafetyProperty<System.State>]

  init(system: System, limits: SearchLimits) {
    self.system = system
    self.limits = limits
    self.width = max(1, system.wordsPerState)
    // Address space for as many states as the memory cap allows (backed only when used).
    let perState = width * 8 + 4
    let reserve = max(1 << 12, limits.memoryLimitBytes / perState + (1 << 16))
    self.store = GrowableBuffer(reserve: reserve * width)
    self.parents = GrowableBuffer(reserve: reserve)
    self.properties = system.properties
    self.quiescentProperties = system.quiescentProperties
    stats.encodingBytes = width * 8
  }

  var memoryBytes: Int { store.usedBytes + parents.usedBytes + table.size * 8 }

  @inline(__always) func hash(_ w: UnsafePointer<UInt64>) -> Int {
    var h: UInt64 = 0x243F_6A88_85A3_08D3
    for i in 0..<width {
      h = (h ^ w[i]) &* 0x9E37_79B9_7F4A_7C15
      h ^= h >> 29
    }
    h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
    return Int(truncatingIfNeeded: h ^ (h >> 32))
  }

  /// The index of the state encoded in `w`, inserting it if new; `isNew` tells which.
  mutating func insert(_ w: UnsafePointer<UInt64>, parent: Int32) -> (index: Int, isNew: Bool) {
    insert(w, hash: hash(w), parent: parent)
  }

  /// Starts loading the table slot of hash `h` into the cache (a hint; see ``CPrefetch``).
  @inline(__always) func prefetchSlot(_ h: Int) {
    bqs_prefetch(table.slots + table.home(h))
  }

  /// ``insert(_:parent:)`` with the encoding's ``hash(_:)`` already computed.
  @inline(__always)
  mutating func insert(_ w: UnsafePointer<UInt64>, hash h: Int, parent: Int32) -> (
    index: Int, isNew: Bool
  ) {
    if (count + 1) * 2 > table.size {
      // Grow (four-fold only if the memory cap leaves room for it) unless even doubling would
      // pass the cap: then the search stops before its next expansion, and the table takes this
      // expansion's states beyond half full (up to 7/8, past which it grows all the same).
      if memoryBytes + table.size * 8 <= limits.memoryLimitBytes || (count + 1) * 8 > table.size * 7
      {
        table.grow(fourFold: memoryBytes + table.size * 8 * 3 <= limits.memoryLimitBytes)
      } else {
        tableAtCap = true
      }
    }
    let tag = UInt64(bitPattern: Int64(h)) & 0xFFFF_FFFF_0000_0000
    let t = table.slots
    let mask = table.size - 1
    var slot = table.home(h)
    while true {
      let entry = t[slot]
      if entry == 0 { break }
      if entry & 0xFFFF_FFFF_0000_0000 == tag {
        let index = Int(entry & 0xFFFF_FFFF) - 1
        if equal(index, w) { return (index, false) }
      }
      slot = (slot + 1) & mask
    }
    t[slot] = tag | UInt64(count + 1)
    store.append(w, count: width)
    parents.append(parent)
    count += 1
    return (count - 1, true)
  }

  @inline(__always) func equal(_ index: Int, _ w: UnsafePointer<UInt64>) -> Bool {
    let s = store.base + index * width
    for i in 0..<width where s[i] != w[i] { return false }
    return true
  }

  func decode(_ index: Int) -> System.State { system.decode(store.base + index * width) }

  func canonical(_ state: System.State) -> System.State {
    limits.symmetry ? system.representative(of: state) : state
  }

  func violated(_ state: System.State) -> String? {
    for p in properties where !p.holds(state) { return p.name }
    return nil
  }

  mutating func finish(_ start: Double, cursor: Int) {
    stats.states = count
    stats.queued = count - cursor
    stats.seconds = now() - start
    stats.cpuSeconds = threadCPUTime() - cpuStart
    stats.bytesPerState = count == 0 ? 0 : Double(memoryBytes) / Double(count)
  }

  @_specialize(where System == ReadWriteModel)
  mutating func run(progress: ((SearchStatistics) -> Void)?) throws -> SearchResult<System> {
    let start = now()
    cpuStart = threadCPUTime()
    // Local copies: in this mutating method every call through `self.system` would first copy
    // the model (a few hundred bytes), and the hot loop makes several calls per transition.
    let system = self.system
    let properties = self.properties
    func violated(_ state: System.State) -> String? {
      for p in properties where !p.holds(state) { return p.name }
      return nil
    }
    let deadline = limits.timeout.map { start + $0 }
    let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: width)
    defer { scratch.deallocate() }
    var lastProgress = start
    // Roots.
    for initial in system.initialStates {
      let rep = canonical(initial)
      system.encode(rep, into: scratch)
      let (index, isNew) = insert(scratch, parent: -1)
      if isNew { stats.representedStates += limits.symmetry ? system.orbitSize(of: rep) : 1 }
      if isNew, let name = violated(rep) {
        finish(start, cursor: 0)
        return SearchResult(
          verdict: .violated(try counterexample(index, property: name)), statistics: stats)
      }
    }
    var cursor = 0
    var levelEnd = count
    var actions: [System.Action] = []
    guard count > 0 else {
      finish(start, cursor: 0)
      return SearchResult(verdict: .safe, statistics: stats)
    }
    // Reused buffers: the state being expanded, the successor being built, and the encodings
    // and hashes of the expanded state's successors.
    var batchCapacity = 64
    var batchBase = UnsafeMutablePointer<UInt64>.allocate(capacity: batchCapacity * width)
    var hashes = UnsafeMutablePointer<Int>.allocate(capacity: batchCapacity)
    defer {
      batchBase.deallocate()
      hashes.deallocate()
    }
    var state = system.decode(store.base)
    // One successor is built at a time (when the model has no shortcut straight to its
    // encoding); a new state is decoded back from its encoding (which is lossless) for its
    // orbit size and properties.
    var successor = state
    var fresh = state
    while cursor < count {
      if cursor == levelEnd {
        stats.depth += 1
        levelEnd = count
      }
      // The memory cap, before every expansion: the store grows by one expansion's new states
      // at most past it, and the table does not grow past it (see insert).
      if tableAtCap || memoryBytes > limits.memoryLimitBytes {
        finish(start, cursor: cursor)
        return SearchResult(
          verdict: .unknown(reason: "memory cap of \(limits.memoryLimitBytes >> 20) MiB reached"),
          statistics: stats)
      }
      if cursor & 1023 == 0 {
        let t = now()
        if let deadline, t >= deadline {
          finish(start, cursor: cursor)
          return SearchResult(
            verdict: .unknown(reason: "timeout of \(limits.timeout!) s reached"), statistics: stats)
        }
        if let progress, t - lastProgress >= 1 {
          lastProgress = t
          finish(start, cursor: cursor)
          progress(stats)
        }
      }
      system.decode(store.base + cursor * width, into: &state)
      actions.removeAll(keepingCapacity: true)
      if limits.symmetry {
        system.reducedActions(of: state, into: &actions)
      } else {
        system.actions(of: state, into: &actions)
      }
      // The successors are encoded first, their table slots prefetched, and then probed in
      // order: the probes' cache misses overlap, and the outcome is the one of probing each
      // successor as soon as it is built (same order, same first violation).
      if batchCapacity < actions.count {
        batchCapacity = actions.count * 2
        batchBase.deallocate()
        hashes.deallocate()
        batchBase = UnsafeMutablePointer<UInt64>.allocate(capacity: batchCapacity * width)
        hashes = UnsafeMutablePointer<Int>.allocate(capacity: batchCapacity)
      }
      let parentWords = store.base + cursor * width
      var built = 0
      for action in actions {
        let words = batchBase + built * width
        if limits.symmetry {
          if !system.encodeCanonicalSuccessor(
            of: state, encoded: parentWords, taking: action, into: words)
          {
            guard system.canonicalSuccessor(of: state, taking: action, into: &successor)
            else { continue }
            system.encode(successor, into: words)
          }
        } else {
          guard system.successor(of: state, taking: action, into: &successor) else { continue }
          system.encode(successor, into: words)
        }
        let h = hash(words)
        hashes[built] = h
        prefetchSlot(h)
        built += 1
      }
      let enabled = built > 0
      for k in 0..<built {
        stats.transitions += 1
        let words = batchBase + k * width
        let parent = Int32(cursor)
        let (index, isNew) = insert(words, hash: hashes[k], parent: parent)
        guard isNew else { continue }
        system.decode(words, into: &fresh)
        stats.representedStates += limits.symmetry ? system.orbitSize(of: fresh) : 1
        if let name = violated(fresh) {
          stats.depth = max(stats.depth, depthOf(index))
          finish(start, cursor: cursor)
          return SearchResult(
            verdict: .violated(try counterexample(index, property: name)), statistics: stats)
        }
        if count >= limits.maxStates {
          finish(start, cursor: cursor)
          return SearchResult(
            verdict: .unknown(reason: "--max-states \(limits.maxStates) reached"),
            statistics: stats)
        }
        if count >= Int(Int32.max) - 1 {
          finish(start, cursor: cursor)
          return SearchResult(
            verdict: .unknown(reason: "2^31 stored states reached"), statistics: stats)
        }
      }
      if !enabled, !quiescentProperties.isEmpty,
        let name = quiescentProperties.first(where: { !$0.holds(state) })?.name
      {
        stats.depth = max(stats.depth, depthOf(cursor))
        finish(start, cursor: cursor)
        return SearchResult(
          verdict: .violated(try counterexample(cursor, property: name)), statistics: stats)
      }
      cursor += 1
    }
    finish(start, cursor: cursor)
    return SearchResult(verdict: .safe, statistics: stats)
  }

  func depthOf(_ index: Int) -> Int {
    var d = 0
    var i = index
    while parents[i] >= 0 {
      i = Int(parents[i])
      d += 1
    }
    return d
  }

  func encoded(_ state: System.State) -> [UInt64] {
    var words = [UInt64](repeating: 0, count: width)
    words.withUnsafeMutableBufferPointer { system.encode(state, into: $0.baseAddress!) }
    return words
  }

  func stored(_ index: Int) -> [UInt64] {
    Array(UnsafeBufferPointer(start: store.base + index * width, count: width))
  }

  /// Replays the stored path to `index` from a concrete initial state.
  func counterexample(_ index: Int, property: String) throws -> Counterexample<System> {
    var path: [Int] = []
    var i = index
    while i >= 0 {
      path.append(i)
      i = Int(parents[i])
    }
    path.reverse()
    let rootWords = stored(path[0])
    guard let initial = system.initialStates.first(where: { encoded(canonical($0)) == rootWords })
    else {
      throw ModelError(description: "counterexample replay: no initial state matches the root")
    }
    var current = initial
    var steps: [Trace<System>.Step] = []
    var actions: [System.Action] = []
    for next in path.dropFirst() {
      let target = stored(next)
      actions.removeAll()
      system.actions(of: current, into: &actions)
      var found = false
      for action in actions {
        guard let s = system.successor(of: current, taking: action) else { continue }
        if encoded(canonical(s)) == target {
          steps.append(Trace.Step(action: action, state: s))
          current = s
          found = true
          break
        }
      }
      if !found {
        throw ModelError(
          description:
            "counterexample replay: step \(steps.count + 1) is not reproduced by the model")
      }
    }
    guard let p = (properties + quiescentProperties).first(where: { $0.name == property }),
      !p.holds(current)
    else {
      throw ModelError(
        description: "counterexample replay: the final state does not violate \(property)")
    }
    if !properties.contains(where: { $0.name == property }) {
      // A quiescent property: the final state must have no enabled action.
      actions.removeAll()
      system.actions(of: current, into: &actions)
      if actions.contains(where: { system.successor(of: current, taking: $0) != nil }) {
        throw ModelError(
          description: "counterexample replay: the final state of \(property) is not quiescent")
      }
    }
    return Counterexample(property: property, trace: Trace(initial: initial, steps: steps))
  }
}
