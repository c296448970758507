/// A threshold question on sizes equivalent to a quorum system too large to list: `q`-subsets
/// of `n` items against every `f`-subset, decided by ``ThresholdRegionCheck``.
public struct SizesInstance: Sendable {
  /// The number of items (servers or super-elements).
  public var n: Int
  /// The quorum size, in items.
  public var q: Int
  /// The threshold, in items.
  public var f: Int
  /// The name of `n` in the output ("n" or "m").
  public var nName: String
  /// What the items are ("servers", "super-elements").
  public var unit: String
  /// Why the reduction is exact, in words.
  public var note: String
  /// Why the reduction is not exact for the opaque properties, if it is not.
  public var opaqueUnsupported: String?

  /// The sizes question the system reduces to exactly, if any:
  ///
  /// * the threshold construction against a threshold fail-prone system is itself one;
  /// * the threshold construction on super-elements (Examples 4.9, 5.9, 5.14) against a
  ///   partition whose blocks each hold exactly one super-element is the threshold
  ///   construction on the `m` super-elements with `f = 1`: two quorums share the super-elements
  ///   of `I ∩ J`, a block meets a quorum in its super-element or not at all, so M1, D1 and
  ///   availability depend only on `|I ∩ J|` and `q <= m - 1`; O1 and O2 count servers, and
  ///   the counts scale by `c` only when every super-element has the same size `c` (the
  ///   condition of Example 5.14), so otherwise the opaque class is left unknown.
  public static func of(_ system: QuorumSystem, failProne: FailProneSystem) -> SizesInstance? {
    switch (system.construction, failProne.kind) {
    case (.threshold(let n, let q)?, .threshold(let f)):
      return SizesInstance(
        n: n, q: q, f: f, nName: "n", unit: "servers",
        note:
          "every q-subset against every f-subset, by the sizes of the regions two quorums and a fail-prone set make",
        opaqueUnsupported: nil)
    case (.superElements(let elements, let q)?, .partition(let blocks)):
      guard elements.count == blocks.count else { return nil }
      var used = Set<Int>()
      for e in elements {
        guard let i = blocks.firstIndex(where: { e.isSubset(of: $0) }), used.insert(i).inserted
        else { return nil }
      }
      let m = elements.count
      let equal = Set(elements.map(\.count)).count == 1
      return SizesInstance(
        n: m, q: q, f: 1, nName: "m", unit: "super-elements",
        note:
          "one super-element in each of the \(m) blocks, so the system is the threshold construction on \(m) super-elements with f = 1 (one failing block), checked by the sizes of its regions",
        opaqueUnsupported: equal
          ? nil
          : "the super-elements differ in size, and O1, O2 count servers (Example 5.14 asks for equal sizes)"
      )
    default:
      return nil
    }
  }
}
