/// Escaping for the contexts Dossier writes text into outside Mustache.
public enum Escape {
    /// XML/HTML text and double-quoted attribute values. Control characters XML 1.0 forbids are dropped.
    public static func xml(_ text: String) -> String {
        // Most text needs no escaping at all; check the bytes before building anything.
        let needsWork = text.utf8.contains { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 < 0x20 || $0 == 0xEF }
        guard needsWork else { return text }
        var text = text
        return text.withUTF8 { source in
            var out = EscapedBytes(source)
            while let byte = out.next {
                switch byte {
                case 0x26: out.replace("&amp;", width: 1)
                case 0x3C: out.replace("&lt;", width: 1)
                case 0x3E: out.replace("&gt;", width: 1)
                case 0x22: out.replace("&quot;", width: 1)
                case 0x27: out.replace("&#39;", width: 1)
                case 0x09, 0x0A, 0x0D: out.keep()
                case 0..<0x20: out.replace("", width: 1)
                // U+FFFE and U+FFFF (EF BF BE/BF) are not allowed in XML: dropped.
                case 0xEF where out.followedBy(0xBF, 0xBE) || out.followedBy(0xBF, 0xBF): out.replace("", width: 3)
                default: out.keep()
                }
            }
            return out.finish()
        }
    }

    /// A JSON string literal, safe to embed in HTML `<script>` as well (`<`, `>`, `&` escaped).
    /// The search index writes the title, summary and URL of every briefing through here.
    static func json(_ text: String) -> String {
        var text = text
        return text.withUTF8 { source in
            var out = EscapedBytes(source, opening: "\"")
            while let byte = out.next {
                switch byte {
                case 0x22: out.replace("\\\"", width: 1)
                case 0x5C: out.replace("\\\\", width: 1)
                case 0x0A: out.replace("\\n", width: 1)
                case 0x0D: out.replace("\\r", width: 1)
                case 0x09: out.replace("\\t", width: 1)
                case 0x3C, 0x3E, 0x26, 0..<0x20: out.replace(unicode: UInt32(byte), width: 1)
                // U+2028 and U+2029 (E2 80 A8/A9) end a line in JavaScript source.
                case 0xE2 where out.followedBy(0x80, 0xA8): out.replace(unicode: 0x2028, width: 3)
                case 0xE2 where out.followedBy(0x80, 0xA9): out.replace(unicode: 0x2029, width: 3)
                default: out.keep()
                }
            }
            return out.finish(closing: "\"")
        }
    }
}

/// A text's UTF-8 bytes copied with some of them replaced. Bytes kept as they are are copied a
/// run at a time, not one by one: feeds escape whole bodies, the search index every title.
private struct EscapedBytes {
    private let source: UnsafeBufferPointer<UInt8>
    private var bytes: [UInt8] = []
    private var runStart = 0
    private var index = 0

    init(_ source: UnsafeBufferPointer<UInt8>, opening: StaticString = "") {
        self.source = source
        bytes.reserveCapacity(source.count + source.count / 8 + 2)
        append(opening)
    }

    /// The byte to look at, or nil at the end.
    var next: UInt8? { index < source.count ? source[index] : nil }

    /// True when the two bytes after the current one are these.
    func followedBy(_ first: UInt8, _ second: UInt8) -> Bool {
        index + 2 < source.count && source[index + 1] == first && source[index + 2] == second
    }

    mutating func keep() { index += 1 }

    /// Replaces the next `width` bytes.
    mutating func replace(_ replacement: StaticString, width: Int) {
        flushRun()
        append(replacement)
        skip(width)
    }

    /// Replaces the next `width` bytes by `\uXXXX` (lowercase hex).
    mutating func replace(unicode value: UInt32, width: Int) {
        flushRun()
        append("\\u")
        for shift in stride(from: 12, through: 0, by: -4) {
            let digit = UInt8(value >> UInt32(shift) & 0xF)
            bytes.append(digit < 10 ? 0x30 + digit : 0x57 + digit)
        }
        skip(width)
    }

    mutating func finish(closing: StaticString = "") -> String {
        flushRun()
        append(closing)
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func flushRun() {
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index]))
    }

    private mutating func skip(_ width: Int) {
        index += width
        runStart = index
    }

    private mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
