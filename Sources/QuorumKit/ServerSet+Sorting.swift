extension ServerSet {
  /// The distinct sets of `sets` in increasing ``ServerSet`` order (smaller sets first, then
  /// by members): `Array(Set(sets)).sorted()`, without hashing.
  ///
  /// The sets are bucketed by size, and each bucket sorted on one machine word per set (the
  /// member order of ``<(_:_:)`` is the decreasing order of the bit-reversed words), so that
  /// lists of hundreds of thousands of quorums sort in milliseconds.
  public static func sortedDistinct(_ sets: [ServerSet]) -> [ServerSet] {
    var buckets = [[UInt64]](repeating: [], count: capacity + 1)
    for s in sets { buckets[s.count].append(~s.bits.bitReversed) }
    var result: [ServerSet] = []
    result.reserveCapacity(sets.count)
    for var bucket in buckets where !bucket.isEmpty {
      bucket.sort()
      var previous: UInt64? = nil
      for key in bucket where key != previous {
        result.append(ServerSet(bits: (~key).bitReversed))
        previous = key
      }
    }
    return result
  }
}
