import Foundation

/// One problem found in a site, positioned in a file the user wrote.
public struct Diagnostic: Sendable, Hashable, Comparable {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// Stable identifier, e.g. `dossier.frontmatter.missing-date`, for tooling and docs.
    public var id: String
    public var severity: Severity
    /// Path relative to the site root, e.g. `Content/briefings/x.md`.
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    /// Extra hints, e.g. "did you mean 'Mosul'?" — appended to the message when printed.
    public var notes: [String]

    public init(
        _ severity: Severity, id: String, file: String, line: Int = 1, column: Int = 1,
        _ message: String, notes: [String] = []
    ) {
        self.id = id
        self.severity = severity
        self.file = file
        self.line = max(line, 1)
        self.column = max(column, 1)
        self.message = message
        self.notes = notes
    }

    /// `file:line:column: severity: message (notes)` — the format editors and CI understand.
    /// Line breaks inside names the user wrote are shown as `\n`, so one diagnostic is one line.
    public var formatted: String {
        var text = "\(file):\(line):\(column): \(severity.rawValue): \(Self.oneLine(message))"
        if !notes.isEmpty { text += " (" + notes.map(Self.oneLine).joined(separator: "; ") + ")" }
        return text
    }

    private static func oneLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\n")
    }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.message) < (rhs.file, rhs.line, rhs.column, rhs.message)
    }
}

/// Collects diagnostics from every stage; content problems are gathered, never thrown.
public struct Diagnostics: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public mutating func append(_ diagnostic: Diagnostic) {
        all.append(diagnostic)
    }

    public mutating func append(contentsOf other: [Diagnostic]) {
        all.append(contentsOf: other)
    }

    public mutating func error(_ id: String, _ file: String, line: Int = 1, column: Int = 1,
                               _ message: String, notes: [String] = []) {
        all.append(Diagnostic(.error, id: id, file: file, line: line, column: column, message, notes: notes))
    }

    public mutating func warning(_ id: String, _ file: String, line: Int = 1, column: Int = 1,
                                 _ message: String, notes: [String] = []) {
        all.append(Diagnostic(.warning, id: id, file: file, line: line, column: column, message, notes: notes))
    }

    public var hasErrors: Bool { all.contains { $0.severity == .error } }
    public var errors: [Diagnostic] { all.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { all.filter { $0.severity == .warning } }

    /// Sorted by file and position, duplicates removed, so output is deterministic.
    public var sorted: [Diagnostic] {
        Array(Set(all)).sorted()
    }
}

/// A failure that stops a build before or after content checks: I/O or usage problems.
public struct BuildFailure: LocalizedError, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}
