import Foundation
import QuorumKit
import XCTest

@testable import QuorumSpec

/// The example specs under `Specs/` parse to what their comments say.
final class SpecFilesTests: XCTestCase {
  func testEveryFailProneSpecParsesWithDescriptionAndFailProneSystem() throws {
    let files = try specFiles(in: "failprone")
    XCTAssertGreaterThanOrEqual(files.count, 6)
    for url in files {
      let spec = try Spec.load(path: url.path)
      XCTAssertEqual(spec.file, url.path)
      XCTAssertNotNil(spec.failProne, url.lastPathComponent)
      XCTAssertNotNil(spec.description, url.lastPathComponent)
      XCTAssertNotNil(spec.quorumClass, url.lastPathComponent)
    }
  }

  private func load(_ name: String) throws -> Spec {
    try Spec.load(path: specsDirectory.appendingPathComponent(name).path)
  }

  func testThresholdN9F2() throws {
    let spec = try load("failprone/threshold-n9-f2.yaml")
    XCTAssertEqual(spec.universe, Universe(count: 9))
    XCTAssertEqual(spec.failProne, try FailProneSystem.threshold(n: 9, f: 2))
    XCTAssertEqual(spec.quorums, .threshold(size: 7))
    XCTAssertEqual(spec.quorumClass, .masking)
  }

  func testPartitionM5IsExample49() throws {
    let spec = try load("failprone/partition-m5.yaml")
    XCTAssertEqual(spec.universe.names?.count, 9)
    guard case .partition(let blocks) = spec.failProne?.kind else {
      return XCTFail("not a partition")
    }
    XCTAssertEqual(blocks.count, 5)
    guard case .explicit(let quorums) = spec.quorums else { return XCTFail("no explicit quorums") }
    // Example 4.9 with m = 5: all unions of ceil((m + 3) / 2) = 4 of the 5 super-elements.
    XCTAssertEqual(quorums.count, 5)
    XCTAssertTrue(quorums.allSatisfy { $0.count == 4 })
    XCTAssertEqual(spec.universe.describe(quorums[0]), "{b1, c1, d1, e1}")
  }

  func testPartitionM4HasFourBlocksCoveringU() throws {
    let spec = try load("failprone/partition-m4.yaml")
    guard case .partition(let blocks) = spec.failProne?.kind else {
      return XCTFail("not a partition")
    }
    XCTAssertEqual(blocks.count, 4)
    XCTAssertEqual(blocks.reduce(ServerSet()) { $0.union($1) }, spec.universe.all)
    XCTAssertNil(spec.quorums)
  }

  func testExplicitSmallQuorumsAreTheComplements() throws {
    let spec = try load("failprone/explicit-small.yaml")
    guard case .explicit(let sets) = spec.failProne?.kind else { return XCTFail("not explicit") }
    guard case .explicit(let quorums) = spec.quorums else { return XCTFail("no explicit quorums") }
    XCTAssertEqual(Set(quorums), Set(sets.map { $0.complement(in: 6) }))
  }

  func testStellarTiersMixesTheMappingAndStringForms() throws {
    let spec = try load("failprone/stellar-tiers.yaml")
    let universe = spec.universe
    guard case .nested(let expression) = spec.failProne?.kind else { return XCTFail("not nested") }
    XCTAssertEqual(
      expression.specText(in: universe),
      "select 1 out-of [select 2 out-of [alpha1, alpha2, alpha3], select 2 out-of [beta1, beta2, beta3], select 2 out-of [gamma1, gamma2, gamma3]]"
    )
  }

  func testRing13() throws {
    let spec = try load("failprone/ring13.yaml")
    XCTAssertEqual(spec.universe.count, 64)
    guard case .nested(.select(let k, let groups)) = spec.failProne?.kind else {
      return XCTFail("not a select")
    }
    XCTAssertEqual(k, 9)
    XCTAssertEqual(groups.count, 13)
    // Every server appears exactly once.
    var seen: [Int] = []
    func servers(_ e: ThresholdExpression) {
      switch e {
      case .server(let s): seen.append(s)
      case .select(_, let children): children.forEach(servers)
      }
    }
    servers(.select(k: k, of: groups))
    XCTAssertEqual(seen.sorted(), Array(0..<64))
    // The number of member sets stated in the file's comment.
    XCTAssertEqual(memberCount(.select(k: k, of: groups)), 4_711_322_880)
  }

  /// How many sets a nested threshold structure denotes, assuming children use disjoint servers.
  private func memberCount(_ e: ThresholdExpression) -> Int {
    switch e {
    case .server: return 1
    case .select(let k, let children):
      // Elementary symmetric polynomial of degree k of the children's counts.
      var e = [1] + [Int](repeating: 0, count: k)
      for c in children.map(memberCount) {
        for j in stride(from: k, through: 1, by: -1) { e[j] += e[j - 1] * c }
      }
      return e[k]
    }
  }

  func testTheExamplesInTheFormatDocumentParse() throws {
    let doc = specsDirectory.deletingLastPathComponent().appendingPathComponent(
      "docs/spec-format.md")
    let text = try String(contentsOf: doc, encoding: .utf8)
    var blocks: [String] = []
    var current: [Substring]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if current == nil, line == "```yaml" || line == "```json" {
        current = []
      } else if line == "```", let block = current {
        blocks.append(block.joined(separator: "\n"))
        current = nil
      } else {
        current?.append(line)
      }
    }
    XCTAssertGreaterThanOrEqual(blocks.count, 15)
    for block in blocks {
      // Fragments without servers are about the servers a, b, c, d, e.
      let hasServers = block.contains("universe") || block.contains("servers")
      let spec = hasServers ? block : "servers: [a, b, c, d, e]\n" + block
      XCTAssertNoThrow(try Spec.parse(spec, file: "spec-format.md"), block)
    }
  }

  func testBrokenSpecsFailWithTheErrorTheirCommentStates() throws {
    let files = try specFiles(in: "broken")
    XCTAssertGreaterThanOrEqual(files.count, 4)
    for url in files {
      let text = try String(contentsOf: url, encoding: .utf8)
      let marker = "# Expected error: "
      guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(marker) }) else {
        XCTFail("\(url.lastPathComponent) has no '\(marker)' line")
        continue
      }
      let expected = url.path + ":" + line.dropFirst(marker.count)
      XCTAssertThrowsError(try Spec.load(path: url.path), url.lastPathComponent) { error in
        XCTAssertEqual((error as? InputError)?.description, expected)
      }
    }
  }
}
