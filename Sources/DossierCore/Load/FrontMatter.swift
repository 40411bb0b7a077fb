import Foundation
import Yams

/// A value read from front matter together with where it was written.
public struct Located<Value> {
    public var value: Value
    public var line: Int
    public var column: Int
}

extension Located: Sendable where Value: Sendable {}
extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}

/// Typed, positioned access to a front-matter mapping. Every scalar is read as the string the
/// user wrote (no YAML 1.1 guessing: `title: no` is "no"); type errors become diagnostics.
struct FrontMatter {
    let path: String
    /// Added to Yams' 1-based line numbers to get file lines.
    let lineOffset: Int
    private(set) var entries: [(key: Located<String>, node: Node)] = []
    private(set) var readKeys: Set<String> = []

    /// Maximum number of YAML nodes walked; anchors are refused before any expansion anyway.
    static let nodeBudget = 20_000

    init?(yaml: String?, path: String, firstLine: Int, diagnostics: inout Diagnostics) {
        self.path = path
        self.lineOffset = firstLine - 1
        guard let yaml, !yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        // The parser owns the anchors (nodes hold them weakly): keep it alive while checking.
        let parser: Parser
        let root: Node?
        do {
            parser = try Parser(yaml: yaml)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            diagnostics.append(Self.diagnostic(for: error, yaml: yaml, path: path, lineOffset: lineOffset))
            return nil
        } catch {
            diagnostics.error("dossier.frontmatter.invalid-yaml", path, line: firstLine, "invalid YAML: \(error)")
            return nil
        }
        guard let root else { return }
        guard case let .mapping(mapping) = root else {
            let mark = root.mark
            diagnostics.error("dossier.frontmatter.not-a-mapping", path, line: (mark?.line ?? 1) + lineOffset,
                              column: mark?.column ?? 1, "front matter must be a mapping of keys to values")
            return nil
        }
        if let problem = withExtendedLifetime(parser, { Self.firstAnchorOrOverBudget(root) }) {
            diagnostics.error("dossier.frontmatter.anchor", path, line: (problem.mark?.line ?? 1) + lineOffset,
                              column: problem.mark?.column ?? 1, problem.message)
            return nil
        }
        for (key, value) in mapping {
            guard case let .scalar(scalar) = key else { continue }
            let mark = scalar.mark
            entries.append((Located(value: scalar.string, line: (mark?.line ?? 1) + lineOffset,
                                    column: mark?.column ?? 1), value))
        }
    }

    // MARK: Typed accessors

    mutating func node(_ key: String) -> (key: Located<String>, node: Node)? {
        readKeys.insert(key)
        return entries.first { $0.key.value == key }
    }

    func position(of node: Node) -> (line: Int, column: Int) {
        ((node.mark?.line ?? 1) + lineOffset, node.mark?.column ?? 1)
    }

    /// A plain string value; a list or mapping where a string belongs is an error.
    mutating func string(_ key: String, required: Bool = false, diagnostics: inout Diagnostics) -> Located<String>? {
        guard let entry = node(key) else {
            if required {
                diagnostics.error("dossier.frontmatter.missing-\(key)", path, line: max(lineOffset, 1),
                                  "missing required '\(key)' in front matter")
            }
            return nil
        }
        return scalarString(entry.node, key: key, diagnostics: &diagnostics)
    }

    func scalarString(_ node: Node, key: String, diagnostics: inout Diagnostics) -> Located<String>? {
        let (line, column) = position(of: node)
        guard case let .scalar(scalar) = node else {
            diagnostics.error("dossier.frontmatter.type", path, line: line, column: column,
                              "'\(key)' must be a single value, not a \(Self.describe(node))")
            return nil
        }
        if scalar.style == .plain, scalar.string == "~" || scalar.string == "null" || scalar.string.isEmpty {
            return nil
        }
        return Located(value: scalar.string, line: line, column: column)
    }

    /// A list of strings; a single string is accepted as a one-item list.
    mutating func stringList(_ key: String, diagnostics: inout Diagnostics) -> [Located<String>] {
        guard let entry = node(key) else { return [] }
        return Self.stringList(entry.node, key: key, reader: self, diagnostics: &diagnostics)
    }

    static func stringList(_ node: Node, key: String, reader: FrontMatter, diagnostics: inout Diagnostics) -> [Located<String>] {
        switch node {
        case .scalar:
            return reader.scalarString(node, key: key, diagnostics: &diagnostics).map { [$0] } ?? []
        case let .sequence(sequence):
            return sequence.compactMap { reader.scalarString($0, key: "\(key)[]", diagnostics: &diagnostics) }
        default:
            let (line, column) = reader.position(of: node)
            diagnostics.error("dossier.frontmatter.type", reader.path, line: line, column: column,
                              "'\(key)' must be a list of strings, not a \(describe(node))")
            return []
        }
    }

    mutating func bool(_ key: String, diagnostics: inout Diagnostics) -> Bool? {
        guard let value = string(key, diagnostics: &diagnostics) else { return nil }
        switch value.value.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            diagnostics.error("dossier.frontmatter.type", path, line: value.line, column: value.column,
                              "'\(key)' must be true or false, not '\(value.value)'")
            return nil
        }
    }

    mutating func date(_ key: String, required: Bool = false, diagnostics: inout Diagnostics) -> Located<SiteDate>? {
        guard let value = string(key, required: required, diagnostics: &diagnostics) else { return nil }
        guard let date = SiteDate(parsing: value.value), date.precision == .day else {
            diagnostics.error("dossier.frontmatter.invalid-date", path, line: value.line, column: value.column,
                              "'\(key)' is not a valid date: '\(value.value)' (expected YYYY-MM-DD)")
            return nil
        }
        return Located(value: date, line: value.line, column: value.column)
    }

    /// Warns about keys nobody read, so typos like `tittle:` do not pass silently.
    func reportUnknownKeys(diagnostics: inout Diagnostics) {
        for entry in entries where !readKeys.contains(entry.key.value) {
            diagnostics.warning("dossier.frontmatter.unknown-key", path, line: entry.key.line, column: entry.key.column,
                                "unknown front matter key '\(entry.key.value)'")
        }
    }

    // MARK: Safety and errors

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar: return "string"
        case .sequence: return "list"
        case .mapping: return "mapping"
        case .alias: return "alias"
        }
    }

    /// Walks the composed tree without expanding anything twice; anchors are refused because
    /// aliases let a few hundred bytes expand to gigabytes ("billion laughs").
    private static func firstAnchorOrOverBudget(_ root: Node) -> (mark: Mark?, message: String)? {
        var stack: [Node] = [root]
        var visited = 0
        while let node = stack.popLast() {
            visited += 1
            if visited > nodeBudget {
                return (node.mark, "front matter has more than \(nodeBudget) values (budget exceeded)")
            }
            switch node {
            case let .alias(alias):
                return (alias.mark, "YAML aliases are not allowed in front matter")
            case let .scalar(scalar):
                if scalar.anchor != nil { return (scalar.mark, "YAML anchors are not allowed in front matter") }
            case let .sequence(sequence):
                if sequence.anchor != nil { return (sequence.mark, "YAML anchors are not allowed in front matter") }
                stack.append(contentsOf: sequence.reversed())
            case let .mapping(mapping):
                if mapping.anchor != nil { return (mapping.mark, "YAML anchors are not allowed in front matter") }
                for (key, value) in mapping.reversed() {
                    stack.append(value)
                    stack.append(key)
                }
            }
        }
        return nil
    }

    static func diagnostic(for error: YamlError, yaml: String, path: String, lineOffset: Int) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            if problem.contains("nesting level") {
                return Diagnostic(.error, id: "dossier.frontmatter.too-deep", file: path, line: mark.line + lineOffset,
                                  column: mark.column, "front matter is nested too deeply (nesting depth budget exceeded)")
            }
            let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            // libyaml reports an unclosed bracket at the end of the input; the opening is more useful.
            let lineCount = yaml.split(separator: "\n", omittingEmptySubsequences: false).count
            let position = mark.line > lineCount ? (context?.mark ?? mark) : mark
            return Diagnostic(.error, id: "dossier.frontmatter.invalid-yaml", file: path,
                              line: position.line + lineOffset, column: position.column, "invalid YAML: \(detail)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let lines = duplicates.map { key in
                duplicateLines(of: key, in: yaml).map { String($0 + lineOffset) }.joined(separator: " and ")
            }
            let described = zip(duplicates, lines).map { "'\($0)' (lines \($1))" }.joined(separator: ", ")
            return Diagnostic(.error, id: "dossier.frontmatter.duplicate-key", file: path,
                              line: context.mark.line + lineOffset, column: context.mark.column,
                              "duplicate key \(described) in front matter")
        default:
            return Diagnostic(.error, id: "dossier.frontmatter.invalid-yaml", file: path, line: 1 + lineOffset,
                              "invalid YAML: \(error)")
        }
    }

    /// 1-based YAML lines that start the key `key:` at any indentation.
    private static func duplicateLines(of key: String, in yaml: String) -> [Int] {
        yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            let trimmed = line.drop { $0 == " " || $0 == "-" }
            let unquoted = trimmed.hasPrefix("\"\(key)\"") || trimmed.hasPrefix("'\(key)'")
            return trimmed.hasPrefix("\(key):") || unquoted ? index + 1 : nil
        }
    }
}
