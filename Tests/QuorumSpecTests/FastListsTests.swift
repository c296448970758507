import QuorumKit
import XCTest

@testable import QuorumSpec

/// The fast reading of large lists (``FastLists``) against the Yams reader: the same spec or
/// the same error, whatever the text.
final class FastListsTests: XCTestCase {
  /// What a read gives: the spec, or the error's one-line form.
  private func outcome(_ text: String, fast: Bool) -> Result<Spec, InputError> {
    do {
      return .success(try Spec.parse(text, file: "x.yaml", fastListBytes: fast ? 0 : nil))
    } catch let e as InputError {
      return .failure(e)
    } catch {
      return .failure(InputError("not an InputError: \(error)"))
    }
  }

  /// Whether the fast read itself (not its Yams fallback) answers for `text`.
  private func fastAnswers(_ text: String) -> Bool {
    guard let lists = FastLists.extract(from: text, minimumBytes: 0) else { return false }
    return (try? SpecReader(file: "x.yaml", lists: lists).read()) != nil
  }

  func testCommonShapesAreReadFastAndAlike() throws {
    let shapes = [
      "# a comment\nuniverse: 5\nquorums:\n  sets:\n    - [0, 1, 2]\n    - [1, 2, 3]\n    - [2, 3, 4]\nclass: masking\n",
      "universe: 5\nquorums:\n  sets:\n  - [0, 1, 2]\n  - [4, 3]\n",
      "universe: 5\nquorums: {sets: [[0, 1, 2], [1, 2, 3], [0,4]]}\n",
      "{\"universe\": 5, \"quorums\": {\"sets\": [[0, 1], [1, 2]]}}",
      "{\n  \"universe\": 5,\n  \"quorums\": {\n    \"sets\": [\n      [0, 1],\n      [1, 2]\n    ]\n  }\n}\n",
      "universe: 6\nfail-prone: {sets: [[0], [1], [2]]}\nquorums:\n  sets:\n    - [3, 4, 5]\n    - [0, 4, 5]\n",
      "universe: 6\nfail-prone:\n  partition: [[0, 1], [2, 3], [4, 5]]\nquorums: {construction: partition, size: 2}\n",
      "universe: 6\nquorums:\n  construction: partition\n  size: 2\n  super-elements:\n    - [0, 1]\n    - [2, 3]\n    - [4, 5]\n",
    ]
    for text in shapes {
      XCTAssertTrue(fastAnswers(text), text)
      let fast = outcome(text, fast: true)
      XCTAssertEqual(fast, outcome(text, fast: false), text)
      if case .failure(let e) = fast { XCTFail("\(text): \(e)") }
    }
    let spec = try Spec.parse(shapes[0], file: "x.yaml", fastListBytes: 0)
    XCTAssertEqual(
      spec.quorums, .explicit([[0, 1, 2], [1, 2, 3], [2, 3, 4]].map(ServerSet.init)))
    XCTAssertEqual(spec.quorumClass, .masking)
  }

  func testMarkersReplaceTheListsKeepingLines() throws {
    let text = "universe: 3\nquorums:\n  sets:\n    - [0, 1]\n    - [1, 2]\nclass: masking\n"
    let lists = try XCTUnwrap(FastLists.extract(from: text, minimumBytes: 0))
    XCTAssertEqual(
      lists.text, "universe: 3\nquorums:\n  sets:\n    - \"\u{E000}0\"\n\nclass: masking\n")
    XCTAssertEqual(lists.lists.map(\.members), [[0, 1, 1, 2]])
    XCTAssertEqual(lists.lists.map(\.ends), [[2, 4]])
    let flow = "universe: 3\nquorums: {sets: [[0, 1],\n    [1, 2]]}\n"
    XCTAssertEqual(
      try XCTUnwrap(FastLists.extract(from: flow, minimumBytes: 0)).text,
      "universe: 3\nquorums: {sets: [\"\u{E000}0\"\n          ]}\n")
    // Nothing large enough, a marker character or a carriage return: nothing cut out.
    XCTAssertNil(FastLists.extract(from: text, minimumBytes: 1000))
    XCTAssertNil(FastLists.extract(from: text + "# \u{E000}\n", minimumBytes: 0))
    XCTAssertNil(
      FastLists.extract(from: text.replacingOccurrences(of: "\n", with: "\r\n"), minimumBytes: 0))
  }

  /// Errors inside a cut-out list come from the Yams reader, with their place.
  func testErrorsInListsKeepTheirPlace() {
    let cases: [(String, String)] = [
      (
        "universe: 3\nquorums:\n  sets:\n    - [0, 1]\n    - [1, 3]\n",
        "x.yaml:5:11: server 3 is outside the universe of 3 servers (0...2)"
      ),
      (
        "universe: 3\nquorums: {sets: [[0, 1], [1, 0]]}\n",
        "x.yaml:2:26: quorum {0, 1} is listed twice (first at line 2)"
      ),
      (
        "universe: 3\nquorums:\n  sets:\n    - [0, 1]\n    - [1, 1]\n",
        "x.yaml:5:11: server 1 is listed twice in this set"
      ),
      (
        "universe: 3\nquorums:\n  sets:\n    - [0, 1]\n    - []\n",
        "x.yaml:5:7: a quorum cannot be empty"
      ),
    ]
    for (text, expected) in cases {
      XCTAssertFalse(fastAnswers(text))
      guard case .failure(let e) = outcome(text, fast: true) else {
        XCTFail("expected an error for \(text)")
        continue
      }
      XCTAssertEqual(e.description, expected)
    }
  }

  /// Many generated specs, mutated at random (fixed seed): the fast read and the Yams read
  /// always agree, on the spec or on the error.
  func testDifferentialAgainstYams() {
    var rng = SplitMix(seed: 20_261_128)
    let insertions = [
      "#", " # c", " ", "\n", "\t", "-", "- ", "0", "9", "07", ",", "[", "]", "[]", ":", ": ",
      "&a ", "*a", "!!str ", "\"", "'", "?", "{", "}", "\r", "x", "1.5", "64", "\u{E000}", "...",
      "---\n", "|\n", "  ", "-1", "1_0", "0x1",
    ]
    var fastCount = 0
    var total = 0
    for _ in 0..<2500 {
      var lines = generatedSpec(&rng).components(separatedBy: "\n")
      let mutations = rng.next(4)
      for _ in 0..<mutations {
        let row = rng.next(lines.count)
        var line = Array(lines[row])
        switch rng.next(6) {
        case 0, 1:
          let at = rng.next(line.count + 1)
          line.insert(contentsOf: insertions[rng.next(insertions.count)], at: at)
          lines[row] = String(line)
        case 2:
          if !line.isEmpty {
            line.remove(at: rng.next(line.count))
            lines[row] = String(line)
          }
        case 3:
          lines.insert(lines[row], at: row)
        case 4:
          lines[row] = String(repeating: " ", count: rng.next(5)) + lines[row].drop { $0 == " " }
        default:
          lines.swapAt(row, rng.next(lines.count))
        }
      }
      let text = lines.joined(separator: "\n")
      let fast = outcome(text, fast: true)
      let slow = outcome(text, fast: false)
      XCTAssertEqual(fast, slow, "spec:\n\(text)")
      if fastAnswers(text) {
        fastCount += 1
        if case .failure = slow { XCTFail("the fast read accepts what Yams rejects:\n\(text)") }
      }
      total += 1
    }
    // The comparison means something only if the fast read often answers by itself.
    XCTAssertGreaterThan(fastCount, total / 5)
  }

  /// Specs large enough for the default threshold (4096 bytes), one character changed at a
  /// time (fixed seed): the default read and the Yams read agree.
  func testLargeListsWithOneChange() throws {
    var rng = SplitMix(seed: 7)
    var lines = ["# large", "universe: 12", "quorums:", "  sets:"]
    var seen = Set<[Int]>()
    while seen.count < 300 {
      let s = (0..<12).filter { _ in rng.next(2) == 0 }
      if !s.isEmpty && seen.insert(s).inserted {
        lines.append("    - [" + s.map(String.init).joined(separator: ", ") + "]")
      }
    }
    lines.append("class: masking")
    let base = lines.joined(separator: "\n") + "\n"
    let spec = try Spec.parse(base, file: "x.yaml")
    XCTAssertEqual(spec, try Spec.parse(base, file: "x.yaml", fastListBytes: nil))
    XCTAssertTrue(FastLists.extract(from: base) != nil)
    let flow = base.replacingOccurrences(of: "  sets:\n    - ", with: "  sets: [")
      .replacingOccurrences(of: "]\n    - [", with: "], [").replacingOccurrences(
        of: "]\nclass", with: "]]\nclass")
    XCTAssertEqual(try Spec.parse(flow, file: "x.yaml"), spec)
    let changes = ["", " ", "\n", "#", "-", "9", "99", ",", "]", "[", "&a ", ":", "\t"]
    for text in [base, flow] {
      let scalars = Array(text.unicodeScalars)
      for _ in 0..<12 {
        var mutated = scalars
        let at = 60 + rng.next(scalars.count - 60)
        mutated.replaceSubrange(
          at..<(at + rng.next(2)), with: changes[rng.next(changes.count)].unicodeScalars)
        var changed = ""
        changed.unicodeScalars.append(contentsOf: mutated)
        XCTAssertEqual(
          outcomeDefault(changed), outcome(changed, fast: false), "change at \(at)")
      }
    }
  }

  private func outcomeDefault(_ text: String) -> Result<Spec, InputError> {
    do {
      return .success(try Spec.parse(text, file: "x.yaml"))
    } catch let e as InputError {
      return .failure(e)
    } catch {
      return .failure(InputError("not an InputError: \(error)"))
    }
  }

  /// A random spec with one or two lists of server sets in one of the common shapes.
  private func generatedSpec(_ rng: inout SplitMix) -> String {
    let n = 3 + rng.next(8)
    func set() -> [Int] {
      var s: [Int] = []
      for u in 0..<n where rng.next(2) == 0 { s.append(u) }
      return s.isEmpty ? [rng.next(n)] : s
    }
    func sets(_ count: Int) -> [[Int]] {
      var seen = Set<[Int]>()
      var out: [[Int]] = []
      for _ in 0..<count {
        let s = set()
        if seen.insert(s).inserted { out.append(s) }
      }
      return out
    }
    func flow(_ s: [Int]) -> String {
      let sep = rng.next(3) == 0 ? "," : ", "
      return "[" + s.map(String.init).joined(separator: sep) + "]"
    }
    func flowList(_ list: [[Int]], indent: Int) -> String {
      if rng.next(2) == 0 { return "[" + list.map(flow).joined(separator: ", ") + "]" }
      let pad = String(repeating: " ", count: indent + 2)
      return "[\n" + list.map { pad + flow($0) }.joined(separator: ",\n") + "\n"
        + String(repeating: " ", count: indent) + "]"
    }
    func blockList(_ list: [[Int]], indent: Int) -> String {
      "\n"
        + list.map { String(repeating: " ", count: indent) + "- " + flow($0) }.joined(
          separator: "\n")
    }
    let quorums = sets(1 + rng.next(6))
    var text = rng.next(3) == 0 ? "# generated\n" : ""
    switch rng.next(5) {
    case 0:
      let json =
        "{\"universe\": \(n), \"quorums\": {\"sets\": " + flowList(quorums, indent: 2) + "}}"
      return text + json + "\n"
    case 1:
      let blocks = (0..<n).map { [$0] }
      text += "universe: \(n)\nfail-prone:\n  sets:" + blockList(blocks, indent: 4) + "\n"
      text += "quorums: {sets: " + flowList(quorums, indent: 2) + "}\n"
    case 2:
      let half = n / 2
      text +=
        "universe: \(n)\nfail-prone: {partition: [" + flow(Array(0..<half)) + ", "
        + flow(Array(half..<n)) + "]}\nquorums:\n  construction: partition\n  size: 1\n"
    default:
      let indent = rng.next(2) == 0 ? 2 : 4
      text += "universe: \(n)\nquorums:\n  sets:" + blockList(quorums, indent: indent) + "\n"
    }
    if rng.next(2) == 0 { text += "class: masking\n" }
    if rng.next(3) == 0 { text += "description: sets [[0, 1]]\n" }
    return text
  }
}

/// A small deterministic generator (SplitMix64), so the test is the same on every run.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func nextBits() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// A number in `0..<bound`.
  mutating func next(_ bound: Int) -> Int { Int(nextBits() % UInt64(max(bound, 1))) }
}
