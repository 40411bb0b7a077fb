import Foundation

/// How diagnostics are printed: for people, for programs, or for GitHub Actions annotations.
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    case text, json, github

    public func render(_ diagnostic: Diagnostic) -> String {
        switch self {
        case .text:
            return diagnostic.formatted
        case .json:
            var object = "{\"severity\":\(Self.json(diagnostic.severity.rawValue)),\"id\":\(Self.json(diagnostic.id))"
            object += ",\"file\":\(Self.json(diagnostic.file)),\"line\":\(diagnostic.line),\"column\":\(diagnostic.column)"
            object += ",\"message\":\(Self.json(diagnostic.message)),\"notes\":["
            object += diagnostic.notes.map(Self.json).joined(separator: ",") + "]}"
            return object
        case .github:
            let message = ([diagnostic.message] + diagnostic.notes).joined(separator: "; ")
            return "::\(diagnostic.severity.rawValue) file=\(Self.property(diagnostic.file)),line=\(diagnostic.line),"
                + "col=\(diagnostic.column),title=\(Self.property(diagnostic.id))::\(Self.data(message))"
        }
    }

    private static func json(_ text: String) -> String { Escape.json(text) }

    /// Workflow-command escaping: the message part.
    private static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Workflow-command escaping: property values also escape ':' and ','.
    private static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
