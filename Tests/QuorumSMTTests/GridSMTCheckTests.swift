import QuorumKit
import XCTest

@testable import QuorumSMT

/// The Z3 grid check against the enumerator on every small grid: they must agree property by
/// property (the Z3 check is what `check` uses for grids too large to list).
final class GridSMTCheckTests: XCTestCase {
  func testAgreesWithEnumerationOnSmallGrids() throws {
    var violated = 0
    var held = 0
    for k in 2...5 {
      for rows in 1...k {
        let grid = try QuorumSystem.grid(k: k, rows: rows)
        let quorums = try XCTUnwrap(grid.quorums)
        for f in 0...min(3, k * k - 1) {
          let b = try FailProneSystem.threshold(n: k * k, f: f)
          for p in QuorumProperty.allCases {
            let expected = try PropertyChecker.firstViolation(of: p, quorums: quorums, failProne: b)
            let answer = GridSMTCheck.check(p, k: k, rows: rows, f: f, options: EngineOptions())
            switch answer {
            case .holds:
              XCTAssertNil(expected, "k=\(k) rows=\(rows) f=\(f) \(p.rawValue): Z3 says holds")
              held += 1
            case .violated(let text):
              XCTAssertNotNil(expected, "k=\(k) rows=\(rows) f=\(f) \(p.rawValue): Z3 says \(text)")
              violated += 1
            case .unknown(let why):
              XCTFail("k=\(k) rows=\(rows) f=\(f) \(p.rawValue): unknown (\(why))")
            }
          }
        }
      }
    }
    XCTAssertGreaterThan(violated, 50)
    XCTAssertGreaterThan(held, 50)
  }
}
