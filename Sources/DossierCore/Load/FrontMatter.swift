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
    private(set) var entries: [(key: Located<String>, node: YAMLNode)] = []
    private(set) var readKeys: Set<String> = []

    /// Budgets for values and nesting; the site's when the loader set them for this thread.
    let budgets = Budgets.current

    init?(yaml: String?, path: String, firstLine: Int, diagnostics: inout Diagnostics) {
        self.path = path
        self.lineOffset = firstLine - 1
        guard let yaml, !yaml.isBlank else { return }
        let isPlainAndSmall = Self.isPlainAndSmall(yaml, budgets: budgets)
        // Nearly every front matter is read without libyaml; the rest, and every error, is Yams'.
        // Its reader never yields an anchor or alias, so only the budgets are left to check.
        if let root = PlainYAML.read(yaml, maxDepth: budgets.maxNesting), isPlainAndSmall || root.isWithin(budgets) {
            take(root)
            return
        }
        // The parser owns the anchors (nodes hold them weakly): keep it alive while checking.
        let parser: Parser
        let root: Node?
        do {
            parser = try Self.yamsParser(yaml)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            diagnostics.append(Self.diagnostic(for: error, yaml: yaml, path: path, lineOffset: lineOffset, budgets: budgets))
            return nil
        } catch {
            diagnostics.error("dossier.frontmatter.invalid-yaml", path, line: firstLine, "invalid YAML: \(error)")
            return nil
        }
        guard let root else { return }
        guard case .mapping = root else {
            let mark = root.mark
            diagnostics.error("dossier.frontmatter.not-a-mapping", path, line: (mark?.line ?? 1) + lineOffset,
                              column: mark?.column ?? 1, "front matter must be a mapping of keys to values")
            return nil
        }
        if !isPlainAndSmall,
           let problem = withExtendedLifetime(parser, { Self.firstAnchorOrOverBudget(root, budgets: budgets) }) {
            diagnostics.error(problem.id, path, line: (problem.mark?.line ?? 1) + lineOffset,
                              column: problem.mark?.column ?? 1, problem.message)
            return nil
        }
        take(withExtendedLifetime(parser) { YAMLNode(root) })
    }

    /// Yams' parser as every reading of front matter sets it up. No implicit typing: every
    /// scalar is read as the string written, so the default resolver's regexes would only cost
    /// time. The encoding is given because Yams' default reads the process environment on every call.
    static func yamsParser(_ yaml: String) throws -> Parser {
        try Parser(yaml: yaml, resolver: .basic, encoding: .utf8)
    }

    /// Keeps the entries of the root, which both readers have checked is a mapping.
    private mutating func take(_ root: YAMLNode) {
        guard case let .mapping(pairs) = root.content else { return }
        for (key, value) in pairs {
            guard case let .scalar(text, _, _) = key.content else { continue }
            entries.append((Located(value: text, line: key.line + lineOffset, column: key.column), value))
        }
    }

    // MARK: Typed accessors

    mutating func node(_ key: String) -> (key: Located<String>, node: YAMLNode)? {
        readKeys.insert(key)
        return entries.first { $0.key.value == key }
    }

    func position(of node: YAMLNode) -> (line: Int, column: Int) {
        (node.line + lineOffset, node.column)
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

    func scalarString(_ node: YAMLNode, key: String, diagnostics: inout Diagnostics) -> Located<String>? {
        let (line, column) = position(of: node)
        guard case let .scalar(text, isPlain, _) = node.content else {
            diagnostics.error("dossier.frontmatter.type", path, line: line, column: column,
                              "'\(key)' must be a single value, not a \(node.kindName)")
            return nil
        }
        if isPlain, text == "~" || text == "null" || text.isEmpty {
            return nil
        }
        return Located(value: text, line: line, column: column)
    }

    /// A list of strings; a single string is accepted as a one-item list.
    mutating func stringList(_ key: String, diagnostics: inout Diagnostics) -> [Located<String>] {
        guard let entry = node(key) else { return [] }
        return Self.stringList(entry.node, key: key, reader: self, diagnostics: &diagnostics)
    }

    static func stringList(_ node: YAMLNode, key: String, reader: FrontMatter, diagnostics: inout Diagnostics) -> [Located<String>] {
        switch node.content {
        case .scalar:
            return reader.scalarString(node, key: key, diagnostics: &diagnostics).map { [$0] } ?? []
        case let .sequence(items):
            return items.compactMap { reader.scalarString($0, key: "\(key)[]", diagnostics: &diagnostics) }
        default:
            let (line, column) = reader.position(of: node)
            diagnostics.error("dossier.frontmatter.type", reader.path, line: line, column: column,
                              "'\(key)' must be a list of strings, not a \(node.kindName)")
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
                              "'\(key)' must be true or false, not '\(value.value.shownInMessage)'")
            return nil
        }
    }

    mutating func date(_ key: String, required: Bool = false, diagnostics: inout Diagnostics) -> Located<SiteDate>? {
        guard let value = string(key, required: required, diagnostics: &diagnostics) else { return nil }
        guard let date = SiteDate(parsing: value.value), date.precision == .day else {
            diagnostics.error("dossier.frontmatter.invalid-date", path, line: value.line, column: value.column,
                              "'\(key)' is not a valid date: '\(value.value.shownInMessage)' (expected YYYY-MM-DD)")
            return nil
        }
        return Located(value: date, line: value.line, column: value.column)
    }

    /// Warns about keys nobody read, so typos like `tittle:` do not pass silently.
    func reportUnknownKeys(diagnostics: inout Diagnostics) {
        for entry in entries where !readKeys.contains(entry.key.value) {
            diagnostics.warning("dossier.frontmatter.unknown-key", path, line: entry.key.line, column: entry.key.column,
                                "unknown front matter key '\(entry.key.value.shownInMessage)'")
        }
    }

    // MARK: Safety and errors

    /// True when the text alone shows that `firstAnchorOrOverBudget` would find nothing (nearly
    /// every front matter): walking the tree copies each node, and a node holds weak references,
    /// which made the walk a sixth of reading front matter. No `&` or `*` means no anchor and no
    /// alias. Every collection is opened by an indicator of its own (`[`, `{`, `-`, `?` or `:`),
    /// so nesting is at most their count. Every node is a scalar with a byte of its own, an empty
    /// scalar beside an indicator or separator (two at most per byte) or a collection, so a text
    /// of n bytes holds at most 4n + 1 of them.
    static func isPlainAndSmall(_ yaml: String, budgets: Budgets) -> Bool {
        guard let indicators = yaml.utf8.withContiguousStorageIfAvailable(indicatorCount) ?? indicatorCount(yaml.utf8) else {
            return false
        }
        return indicators <= budgets.maxNesting && 4 * yaml.utf8.count + 1 <= budgets.maxFrontMatterValues
    }

    /// The bytes `[`, `{`, `-`, `?` and `:`; nil when there is an `&` or a `*`. Eight bytes a
    /// step, the rest one at a time.
    private static func indicatorCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var indicators = 0
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = ByteLanes.load(bytes, at: offset)
            if ByteLanes.bytes(word, equalTo: UInt8(ascii: "&")) | ByteLanes.bytes(word, equalTo: UInt8(ascii: "*")) != 0 { return nil }
            indicators += (ByteLanes.bytes(word, equalTo: UInt8(ascii: "[")) | ByteLanes.bytes(word, equalTo: UInt8(ascii: "{"))
                | ByteLanes.bytes(word, equalTo: UInt8(ascii: "-")) | ByteLanes.bytes(word, equalTo: UInt8(ascii: "?"))
                | ByteLanes.bytes(word, equalTo: UInt8(ascii: ":"))).nonzeroBitCount
            offset += 8
        }
        return indicatorCount(bytes[offset...]).map { indicators + $0 }
    }

    static func indicatorCount<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Int? {
        var indicators = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "*"): return nil
            case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"): indicators += 1
            default: break
            }
        }
        return indicators
    }

    /// Whether the walk finds a problem in `yaml`; nil when it is not one YAML document. For
    /// tests of `isPlainAndSmall`.
    static func walkFindsProblem(_ yaml: String, budgets: Budgets) -> Bool? {
        guard let parser = try? yamsParser(yaml),
              let root = try? parser.singleRoot() else { return nil }
        return withExtendedLifetime(parser) { firstAnchorOrOverBudget(root, budgets: budgets) != nil }
    }

    /// Walks the composed tree without expanding anything twice; anchors are refused because
    /// aliases let a few hundred bytes expand to gigabytes ("billion laughs"). Iterative, with
    /// the depth of each node on the stack, so deep nesting costs no recursion.
    private static func firstAnchorOrOverBudget(_ root: Node, budgets: Budgets) -> (id: String, mark: Mark?, message: String)? {
        var stack: [(node: Node, depth: Int)] = [(root, 0)]
        stack.reserveCapacity(64)
        var visited = 0
        while let (node, depth) = stack.popLast() {
            visited += 1
            if visited > budgets.maxFrontMatterValues {
                return ("dossier.budget.front-matter-values", node.mark,
                        "front matter has more than \(budgets.maxFrontMatterValues) values \(budgets.label(.maxFrontMatterValues))")
            }
            if depth > budgets.maxNesting {
                return ("dossier.budget.nesting", node.mark,
                        "front matter is nested more than \(budgets.maxNesting) levels deep \(budgets.label(.maxNesting))")
            }
            switch node {
            case let .alias(alias):
                return ("dossier.frontmatter.anchor", alias.mark, "YAML aliases are not allowed in front matter")
            case let .scalar(scalar):
                if scalar.anchor != nil { return ("dossier.frontmatter.anchor", scalar.mark, "YAML anchors are not allowed in front matter") }
            case let .sequence(sequence):
                if sequence.anchor != nil { return ("dossier.frontmatter.anchor", sequence.mark, "YAML anchors are not allowed in front matter") }
                for child in sequence.reversed() { stack.append((child, depth + 1)) }
            case let .mapping(mapping):
                if mapping.anchor != nil { return ("dossier.frontmatter.anchor", mapping.mark, "YAML anchors are not allowed in front matter") }
                for (key, value) in mapping.reversed() {
                    stack.append((value, depth + 1))
                    stack.append((key, depth + 1))
                }
            }
        }
        return nil
    }

    static func diagnostic(for error: YamlError, yaml: String, path: String, lineOffset: Int,
                           budgets: Budgets = Budgets()) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            if problem.contains("nesting level") {
                // libyaml's own limit; Dossier's max_nesting is checked on the composed tree.
                return Diagnostic(.error, id: "dossier.budget.nesting", file: path, line: mark.line + lineOffset,
                                  column: mark.column,
                                  "front matter is nested too deeply for the YAML parser \(budgets.label(.maxNesting))")
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
            let described = zip(duplicates, lines).map { "'\($0.shownInMessage)' (lines \($1))" }.joined(separator: ", ")
            return Diagnostic(.error, id: "dossier.frontmatter.duplicate-key", file: path,
                              line: context.mark.line + lineOffset, column: context.mark.column,
                              "duplicate key \(described) in front matter")
        case let .reader(problem, offset, value, _):
            // libyaml's reader refuses characters YAML does not allow (a form feed, for one):
            // report them at their position, on one line like every other diagnostic.
            var line = 1
            var column = 1
            if let offset {
                for byte in yaml.utf8.prefix(offset) {
                    if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
                }
            }
            let character = value >= 0 ? String(format: " (U+%04X)", value) : ""
            return Diagnostic(.error, id: "dossier.frontmatter.invalid-yaml", file: path, line: line + lineOffset,
                              column: column, "invalid YAML: \(problem)\(character)")
        default:
            let description = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "unknown error"
            return Diagnostic(.error, id: "dossier.frontmatter.invalid-yaml", file: path, line: 1 + lineOffset,
                              "invalid YAML: \(description)")
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
