import Foundation

/// Reads the front matter nearly every file has straight into `YAMLNode`s: block mappings and
/// sequences whose values are one-line scalars (plain, single- or double-quoted) or one-line
/// flow lists. libyaml's events and Yams' tree were a tenth of a 10,000-briefing build.
///
/// Anything else gives nil, even when it is valid YAML, and the caller reads the text with Yams:
/// this reader answers only where it is sure what libyaml would make of the text (a randomised
/// test compares the two trees, positions included). So every error message still comes from
/// Yams, and a rare construct (a block scalar, a multi-line string, a tag, an escape other than
/// `\"` and `\\`) costs time, never a different meaning.
enum PlainYAML {
    /// The deepest nesting read here, whatever the budget: the reader recurses, and deeper
    /// front matter (never written by hand) is left to libyaml, which does not.
    static let deepest = 32

    /// `maxDepth` (at most `deepest`) bounds the recursion: a deeper document is left to Yams.
    static func read(_ yaml: String, maxDepth: Int = deepest) -> YAMLNode? {
        var text = yaml
        return text.withUTF8 { bytes in
            guard hasOnlyPlainCharacters(bytes) else { return nil }
            var reader = Reader(bytes: bytes, maxDepth: min(maxDepth, deepest))
            return reader.document()
        }
    }

    /// Line feeds, printable ASCII and UTF-8 outside the scalars libyaml refuses (C1 controls,
    /// U+FFFE, U+FFFF) or reads as line breaks (U+0085, U+2028, U+2029); no byte-order mark.
    /// Tabs are left to Yams: where they may stand is subtle.
    static func hasOnlyPlainCharacters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                if (byte < 0x20 && byte != 0x0A) || byte == 0x7F { return false }
            } else {
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                let third = index + 2 < bytes.count ? bytes[index + 2] : 0
                switch byte {
                case 0xC2 where next < 0xA0: return false
                case 0xE2 where next == 0x80 && (third == 0xA8 || third == 0xA9): return false
                case 0xEF where next == 0xBB && third == 0xBF: return false
                case 0xEF where next == 0xBF && third >= 0xBE: return false
                default: break
                }
            }
            index += 1
        }
        return true
    }
}

private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Byte offset where each line starts; a line ends at the next start minus one.
    let lineStarts: [Int]
    /// The deepest node read; a collection's children are one deeper than it.
    let maxDepth: Int
    /// The line being read, 0-based.
    var line = 0
    /// A byte offset whose column is known, on `columnLine`: nodes are made left to right, so
    /// each column is counted on from the last one, not from the line's start (a flow list of
    /// thousands of items on one line made that quadratic).
    var columnLine = -1, columnOffset = 0, column = 1

    static let space = UInt8(ascii: " ")
    static let maxKeyBytes = 128

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        var starts = [0]
        if let base = bytes.baseAddress {
            var offset = 0
            while offset < bytes.count, let found = memchr(base + offset, 0x0A, bytes.count - offset) {
                offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                starts.append(offset)
            }
        }
        lineStarts = starts
    }

    // MARK: Lines

    func start(of line: Int) -> Int { lineStarts[line] }
    func end(of line: Int) -> Int { line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : bytes.count }

    func indent(of line: Int) -> Int {
        var offset = start(of: line)
        let end = end(of: line)
        while offset < end, bytes[offset] == Self.space { offset += 1 }
        return offset - start(of: line)
    }

    /// Moves to the next line holding more than spaces and a comment; false at the end.
    mutating func skipToContent() -> Bool {
        while line < lineStarts.count {
            let first = start(of: line) + indent(of: line)
            if first < end(of: line), bytes[first] != UInt8(ascii: "#") { return true }
            line += 1
        }
        return false
    }

    func isItem(at offset: Int) -> Bool {
        bytes[offset] == UInt8(ascii: "-") && offset + 1 < end(of: line) && bytes[offset + 1] == Self.space
    }

    mutating func node(_ content: YAMLNode.Content, at offset: Int) -> YAMLNode {
        if columnLine != line || offset < columnOffset {
            (columnLine, columnOffset, column) = (line, start(of: line), 1)
        }
        for index in columnOffset..<offset where bytes[index] & 0xC0 != 0x80 { column += 1 }
        columnOffset = offset
        return YAMLNode(content: content, line: line + 1, column: column)
    }

    func string(_ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
    }

    // MARK: Block structure

    mutating func document() -> YAMLNode? {
        guard skipToContent() else { return YAMLNode(content: .mapping([]), line: 1, column: 1) }
        guard indent(of: line) == 0, let root = mapping(at: start(of: line), indent: 0, depth: 0) else { return nil }
        return skipToContent() ? nil : root
    }

    /// A block mapping whose first key starts at `offset` on the current line and whose other
    /// keys start lines indented by `indent`. Stops before the first line indented less.
    mutating func mapping(at offset: Int, indent: Int, depth: Int) -> YAMLNode? {
        guard depth < maxDepth else { return nil }
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        var keys: [String] = []
        /// The keys as a set once there are many (a duplicate is left to Yams, which names it).
        var keySet: Set<String>?
        var keyStart = offset
        let first = node(.mapping([]), at: offset)
        while true {
            guard let colon = keyEnd(at: keyStart) else { return nil }
            let keyText = string(keyStart, colon)
            if keySet?.contains(keyText) ?? keys.contains(keyText) { return nil }
            keys.append(keyText)
            if keySet != nil {
                keySet!.insert(keyText)
            } else if keys.count == 16 {
                keySet = Set(keys)
            }
            let key = node(.scalar(keyText, isPlain: true, isString: true), at: keyStart)
            var valueStart = colon + 1
            while valueStart < end(of: line), bytes[valueStart] == Self.space { valueStart += 1 }
            let value: YAMLNode?
            if valueStart < end(of: line) {
                value = inlineValue(at: valueStart)
                line += 1
            } else {
                line += 1
                value = blockValue(under: indent, depth: depth + 1)
            }
            guard let value else { return nil }
            pairs.append((key, value))
            guard skipToContent() else { break }
            let next = self.indent(of: line)
            if next < indent { break }
            guard next == indent, !isItem(at: start(of: line) + next) else { return nil }
            keyStart = start(of: line) + next
        }
        return YAMLNode(content: .mapping(pairs), line: first.line, column: first.column)
    }

    /// The collection on the lines after a key with nothing after its colon: a sequence
    /// (indented or level with the key) or a mapping indented under it. An empty value is Yams'.
    mutating func blockValue(under indent: Int, depth: Int) -> YAMLNode? {
        guard skipToContent() else { return nil }
        let next = self.indent(of: line)
        let first = start(of: line) + next
        if next >= indent, isItem(at: first) { return sequence(indent: next, depth: depth) }
        if next > indent { return mapping(at: first, indent: next, depth: depth) }
        return nil
    }

    /// A block sequence whose `- ` items start lines indented by `indent`.
    mutating func sequence(indent: Int, depth: Int) -> YAMLNode? {
        guard depth < maxDepth else { return nil }
        var items: [YAMLNode] = []
        let first = node(.sequence([]), at: start(of: line) + indent)
        while true {
            var content = start(of: line) + indent + 2
            while content < end(of: line), bytes[content] == Self.space { content += 1 }
            // An empty item, a comment or a nested `- ` is left to Yams: `inlineValue` refuses them.
            guard content < end(of: line) else { return nil }
            let item: YAMLNode?
            if keyEnd(at: content) != nil {
                item = mapping(at: content, indent: content - start(of: line), depth: depth + 1)
            } else {
                item = inlineValue(at: content)
                line += 1
            }
            guard let item else { return nil }
            items.append(item)
            guard skipToContent() else { break }
            let next = self.indent(of: line)
            if next < indent { break }
            guard next == indent else { return nil }
            if !isItem(at: start(of: line) + next) { break }
        }
        return YAMLNode(content: .sequence(items), line: first.line, column: first.column)
    }

    /// Where the colon of a plain key starting at `offset` is: letters, digits, `_` and `-`
    /// (not first), then `:` and a space or the line's end. Nil when the text is not such a key.
    func keyEnd(at offset: Int) -> Int? {
        let end = end(of: line)
        var index = offset
        while index < end, index - offset <= Self.maxKeyBytes {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") {
                guard index > offset, index + 1 == end || bytes[index + 1] == Self.space else { return nil }
                return index
            }
            guard Self.isWordByte(byte) || (byte == UInt8(ascii: "-") && index > offset) else { return nil }
            index += 1
        }
        return nil
    }

    /// Bytes a plain scalar in a flow list may not hold here: libyaml's versions differ on `:`.
    static func isFlowIndicator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: ":"),
             UInt8(ascii: "\""), UInt8(ascii: "'"):
            return true
        default:
            return false
        }
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || byte == UInt8(ascii: "_")
    }

    // MARK: Values on one line

    /// A scalar or flow list filling the rest of the current line, up to an optional comment.
    mutating func inlineValue(at offset: Int) -> YAMLNode? {
        let parsed: (node: YAMLNode, end: Int)?
        switch bytes[offset] {
        case UInt8(ascii: "\""), UInt8(ascii: "'"): parsed = quoted(at: offset)
        case UInt8(ascii: "["): parsed = flowSequence(at: offset)
        default: parsed = plain(at: offset, inFlow: false)
        }
        guard let parsed else { return nil }
        var index = parsed.end
        while index < end(of: line), bytes[index] == Self.space { index += 1 }
        guard index == end(of: line) || (bytes[index] == UInt8(ascii: "#") && index > parsed.end) else { return nil }
        return parsed.node
    }

    /// A scalar that starts with a letter, a digit or a character beyond ASCII and holds no
    /// `: `; in a flow list also no `,`, `[`, `]`, `{`, `}`, `#`, `:` or quote. Ends before a
    /// ` #` comment, its trailing spaces trimmed.
    mutating func plain(at offset: Int, inFlow: Bool) -> (node: YAMLNode, end: Int)? {
        let first = bytes[offset]
        guard Self.isWordByte(first) || first >= 0x80 else { return nil }
        let end = end(of: line)
        var index = offset
        while index < end {
            let byte = bytes[index]
            if inFlow {
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") { break }
                if Self.isFlowIndicator(byte) { return nil }
                index += 1
                continue
            }
            if byte == UInt8(ascii: ":"), index + 1 == end || bytes[index + 1] == Self.space { return nil }
            if byte == UInt8(ascii: "#"), bytes[index - 1] == Self.space { break }
            index += 1
        }
        var last = index
        while bytes[last - 1] == Self.space { last -= 1 }
        return (node(.scalar(string(offset, last), isPlain: true, isString: true), at: offset), last)
    }

    /// A single- or double-quoted scalar closed on the same line. `''` in single quotes and
    /// `\"` and `\\` in double quotes are read; any other escape is left to Yams.
    mutating func quoted(at offset: Int) -> (node: YAMLNode, end: Int)? {
        let quote = bytes[offset]
        let end = end(of: line)
        var index = offset + 1
        var runStart = index
        var unescaped: [UInt8]?
        while index < end {
            let byte = bytes[index]
            if byte == quote {
                guard quote == UInt8(ascii: "'"), index + 1 < end, bytes[index + 1] == quote else {
                    let text: String
                    if var built = unescaped {
                        built.append(contentsOf: bytes[runStart..<index])
                        text = String(decoding: built, as: UTF8.self)
                    } else {
                        text = string(offset + 1, index)
                    }
                    return (node(.scalar(text, isPlain: false, isString: true), at: offset), index + 1)
                }
                unescaped = unescaped ?? []
                unescaped!.append(contentsOf: bytes[runStart...index])
                index += 2
                runStart = index
                continue
            }
            if byte == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") {
                guard index + 1 < end else { return nil }
                let escaped = bytes[index + 1]
                guard escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "\\") else {
                    return nil
                }
                unescaped = unescaped ?? []
                unescaped!.append(contentsOf: bytes[runStart..<index])
                unescaped!.append(escaped)
                index += 2
                runStart = index
                continue
            }
            index += 1
        }
        return nil
    }

    /// `[a, "b", 'c']` on one line; an empty item or a trailing comma is left to Yams.
    mutating func flowSequence(at offset: Int) -> (node: YAMLNode, end: Int)? {
        let end = end(of: line)
        var items: [YAMLNode] = []
        var index = offset + 1
        func skipSpaces() { while index < end, bytes[index] == Self.space { index += 1 } }
        skipSpaces()
        if index < end, bytes[index] == UInt8(ascii: "]") {
            return (node(.sequence([]), at: offset), index + 1)
        }
        while index < end {
            let item: (node: YAMLNode, end: Int)?
            switch bytes[index] {
            case UInt8(ascii: "\""), UInt8(ascii: "'"): item = quoted(at: index)
            default: item = plain(at: index, inFlow: true)
            }
            guard let item else { return nil }
            items.append(item.node)
            index = item.end
            skipSpaces()
            guard index < end else { return nil }
            if bytes[index] == UInt8(ascii: "]") {
                return (node(.sequence(items), at: offset), index + 1)
            }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
            skipSpaces()
        }
        return nil
    }
}
