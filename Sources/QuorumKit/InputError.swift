/// A problem with what the user asked for: a bad option, a malformed spec, a set naming a
/// server outside the universe, a size no engine can handle.
///
/// Errors are values with a place and a message; the command line turns each into one line,
/// `FILE:LINE:COLUMN: error: MESSAGE`, and exit code 2.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file the problem is in, if it came from a file.
  public var file: String?
  /// The 1-based line in `file`, when known.
  public var line: Int?
  /// The 1-based column in `line`, when known.
  public var column: Int?
  /// What is wrong and, where it helps, what was expected.
  public var message: String

  public init(_ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
    self.message = message
    self.file = file
    self.line = line
    self.column = column
  }

  /// The one-line form: `FILE:LINE:COLUMN: MESSAGE`, with the parts that are known.
  public var description: String {
    var place = ""
    if let file { place = file }
    if let line { place += (place.isEmpty ? "line \(line)" : ":\(line)") }
    if let column, line != nil { place += ":\(column)" }
    return place.isEmpty ? message : "\(place): \(message)"
  }
}
