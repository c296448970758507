import QuorumKit

extension ReadWriteInstance {
  /// A threshold-quorum instance whose quorums (all `q`-subsets of the universe) are not listed:
  /// ``quorumThreshold`` is `q` and ``quorums`` holds one representative, the servers `0..<q`.
  ///
  /// ``ReadWriteModel`` decides every quorum question from ``quorumThreshold`` when it is set,
  /// so the model is the same as with the full listing. For symbolic engines (bounded model
  /// checking) on universes where the listing is too large; code that reads ``quorums`` must
  /// look at ``quorumThreshold`` first.
  ///
  /// - Throws: ``InputError`` as ``init(universe:failProne:quorums:quorumThreshold:readRule:writers:writesPerWriter:readers:readsPerReader:)``,
  ///   or when `q` is not between 1 and the number of servers.
  public static func unlistedThreshold(
    universe: Universe, failProne: FailProneSystem, q: Int, readRule: ReadRule, writers: Int,
    writesPerWriter: Int = 1, readers: Int, readsPerReader: Int = 1
  ) throws -> ReadWriteInstance {
    guard q >= 1, q <= universe.count else {
      throw InputError("q must be between 1 and n = \(universe.count) (got \(q))")
    }
    return try ReadWriteInstance(
      universe: universe, failProne: failProne, quorums: [ServerSet.range(0..<q)],
      quorumThreshold: q, readRule: readRule, writers: writers, writesPerWriter: writesPerWriter,
      readers: readers, readsPerReader: readsPerReader)
  }
}
