import Foundation

/// A content file decoded to text, with its front matter split from its body.
struct SourceText {
    /// Path relative to the site root, used in diagnostics.
    var path: String
    /// The YAML between the `---` fences, or nil when the file has none.
    var frontMatter: String?
    /// File line of the first YAML line (the line after the opening fence).
    var frontMatterLine: Int
    var body: String
    /// File line where the body starts, so Markdown positions map to real lines.
    var bodyLine: Int

    /// Decodes UTF-8 (a BOM and CRLF accepted) and splits front matter. Problems become
    /// diagnostics; nil means the file cannot be used at all.
    static func decode(_ bytes: [UInt8], path: String, budgets: Budgets = Budgets(),
                       diagnostics: inout Diagnostics) -> SourceText? {
        var bytes = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if !UTF8Check.isClean(bytes), let problem = UTF8Check.firstProblem(in: bytes) {
            diagnostics.error("dossier.encoding.invalid-utf8", path, line: problem.line, column: problem.column,
                              problem.message)
            return nil
        }
        let hasCarriageReturn = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { memchr($0, 13, buffer.count) != nil } ?? false
        }
        if hasCarriageReturn {
            let text = String(decoding: bytes, as: UTF8.self)
                .replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            return split(text, path: path, budgets: budgets, diagnostics: &diagnostics)
        }
        // Each part is made from the file's bytes: a `String` of the whole text, sliced, would
        // copy every body twice.
        return bytes.withUnsafeBufferPointer { buffer in
            make(layout(buffer, budgets: budgets), count: buffer.count, budgets: budgets, path: path,
                 diagnostics: &diagnostics) { String(decoding: UnsafeBufferPointer(rebasing: buffer[$0]), as: UTF8.self) }
        }
    }

    static func split(_ text: String, path: String, budgets: Budgets = Budgets(),
                      diagnostics: inout Diagnostics) -> SourceText? {
        var text = text
        return text.withUTF8 { buffer in
            make(layout(buffer, budgets: budgets), count: buffer.count, budgets: budgets, path: path,
                 diagnostics: &diagnostics) { String(decoding: UnsafeBufferPointer(rebasing: buffer[$0]), as: UTF8.self) }
        }
    }

    /// Where the parts of a text lie, as UTF-8 offsets.
    private enum Layout {
        case noFrontMatter
        case unterminated
        case tooLarge(bytes: Int, lastLine: Int)
        case split(yaml: Range<Int>, body: Range<Int>, bodyLine: Int)
    }

    /// Finds the fences line by line; only the front matter is walked, the body is one range.
    private static func layout(_ bytes: UnsafeBufferPointer<UInt8>, budgets: Budgets) -> Layout {
        func lineEnd(from start: Int) -> Int {
            guard start < bytes.count, let base = bytes.baseAddress,
                  let found = memchr(base + start, 0x0A, bytes.count - start) else { return bytes.count }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
        /// Whether the line is `marker` followed by nothing but spaces and tabs.
        func isFence(_ start: Int, _ end: Int, _ marker: UInt8) -> Bool {
            var last = end
            while last > start, bytes[last - 1] == 0x20 || bytes[last - 1] == 0x09 { last -= 1 }
            return last - start == 3 && bytes[start] == marker && bytes[start + 1] == marker && bytes[start + 2] == marker
        }
        let firstEnd = lineEnd(from: 0)
        guard isFence(0, firstEnd, UInt8(ascii: "-")) else { return .noFrontMatter }
        guard firstEnd < bytes.count else { return .unterminated }
        let yamlStart = firstEnd + 1
        var lineStart = yamlStart
        var lineNumber = 2
        while true {
            let end = lineEnd(from: lineStart)
            if isFence(lineStart, end, UInt8(ascii: "-")) || isFence(lineStart, end, UInt8(ascii: ".")) {
                let yamlBytes = lineStart - yamlStart
                if yamlBytes > budgets.maxFrontMatterBytes { return .tooLarge(bytes: yamlBytes, lastLine: lineNumber - 1) }
                let yamlEnd = lineStart > yamlStart ? lineStart - 1 : yamlStart
                let bodyStart = min(end + 1, bytes.count)
                return .split(yaml: yamlStart..<yamlEnd, body: bodyStart..<bytes.count, bodyLine: lineNumber + 1)
            }
            guard end < bytes.count else { return .unterminated }
            lineStart = end + 1
            lineNumber += 1
        }
    }

    /// The parts laid out in a text of `count` bytes, each made by `text`.
    private static func make(_ layout: Layout, count: Int, budgets: Budgets, path: String, diagnostics: inout Diagnostics,
                             text: (Range<Int>) -> String) -> SourceText? {
        switch layout {
        case .noFrontMatter:
            return SourceText(path: path, frontMatter: nil, frontMatterLine: 1, body: text(0..<count), bodyLine: 1)
        case .unterminated:
            diagnostics.error("dossier.frontmatter.unterminated", path, line: 1, column: 1,
                              "front matter opened with '---' is never closed (add a '---' line after it)")
            return nil
        case let .tooLarge(bytes, lastLine):
            diagnostics.error("dossier.budget.front-matter-bytes", path, line: 1, column: 1,
                              "front matter is \(bytes) bytes (lines 2–\(lastLine)) \(budgets.label(.maxFrontMatterBytes))")
            return nil
        case let .split(yaml, body, bodyLine):
            return SourceText(path: path, frontMatter: text(yaml), frontMatterLine: 2, body: text(body), bodyLine: bodyLine)
        }
    }
}

/// Strict UTF-8 validation that reports where the first bad byte is.
enum UTF8Check {
    struct Problem {
        var line: Int
        var column: Int
        var message: String
    }

    /// True when `firstProblem` would find nothing: the common case, checked without keeping
    /// lines and columns, eight ASCII bytes at a time. (A false result only sends the text on to
    /// `firstProblem`, which has the last word.)
    static func isClean(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                if index + 8 <= buffer.count {
                    let word = UnsafeRawPointer(buffer.baseAddress! + index).loadUnaligned(as: UInt64.self)
                    // No high bit, and every byte above 0x1F and not 0x7F: plain printable ASCII.
                    let high = word & 0x8080_8080_8080_8080
                    let control = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
                    let delete = ((word ^ 0x7F7F_7F7F_7F7F_7F7F) &- 0x0101_0101_0101_0101) & ~(word ^ 0x7F7F_7F7F_7F7F_7F7F) & 0x8080_8080_8080_8080
                    if high | control | delete == 0 {
                        index += 8
                        continue
                    }
                }
                switch character(at: index, in: buffer) {
                case let .valid(length): index += length
                case .invalid: return false
                }
            }
            return true
        }
    }

    static func firstProblem(in bytes: ArraySlice<UInt8>) -> Problem? {
        bytes.withUnsafeBufferPointer { buffer in
            var line = 1
            var column = 1
            var index = 0
            while index < buffer.count {
                switch character(at: index, in: buffer) {
                case let .invalid(message):
                    return Problem(line: line, column: column, message: message)
                case let .valid(length):
                    if buffer[index] == 0x0A { line += 1; column = 1 } else { column += 1 }
                    index += length
                }
            }
            return nil
        }
    }

    private enum Decoded {
        case valid(length: Int)
        case invalid(String)
    }

    /// The character starting at `index`: its length in bytes, or why it is not text.
    private static func character(at index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Decoded {
        let byte = bytes[index]
        if byte == 0 { return .invalid("NUL byte in text file") }
        if byte < 0x80 {
            // Tab, line feed, carriage return and form feed are text; other C0 controls and
            // DEL are invalid in HTML and XML, and never meant.
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C || byte == 0x7F {
                return .invalid(String(format: "control character U+%04X in text file (remove it)", byte))
            }
            return .valid(length: 1)
        }
        let length: Int
        var minimum: UInt32
        var scalar: UInt32
        switch byte {
        case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(byte & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(byte & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(byte & 0x07)
        default: return .invalid(String(format: "invalid UTF-8 byte 0x%02X (save the file as UTF-8)", byte))
        }
        guard index + length <= bytes.count else { return .invalid("truncated UTF-8 sequence at end of file") }
        for offset in 1..<length {
            let continuation = bytes[index + offset]
            guard continuation & 0xC0 == 0x80 else { return .invalid("invalid UTF-8 sequence (save the file as UTF-8)") }
            scalar = scalar << 6 | UInt32(continuation & 0x3F)
        }
        if scalar < minimum { return .invalid("overlong UTF-8 encoding") }
        if (0xD800...0xDFFF).contains(scalar) || scalar > 0x10FFFF {
            return .invalid("UTF-8 encodes an invalid code point (surrogate or out of range)")
        }
        if (0x80...0x9F).contains(scalar) || scalar & 0xFFFE == 0xFFFE || (0xFDD0...0xFDEF).contains(scalar) {
            return .invalid(String(format: "control character or noncharacter U+%04X in text file (remove it)", scalar))
        }
        return .valid(length: length)
    }
}
