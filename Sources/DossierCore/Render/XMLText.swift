/// Escaping for the contexts Dossier writes text into outside Mustache.
public enum Escape {
    /// XML/HTML text and double-quoted attribute values. Control characters XML 1.0 forbids are dropped.
    public static func xml(_ text: String) -> String {
        // Most text needs no escaping at all; check the bytes before building anything.
        let needsWork = text.utf8.contains { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 < 0x20 || $0 == 0xEF }
        guard needsWork else { return text }
        var text = text
        return text.withUTF8 { source in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(source.count + source.count / 8)
            // Bytes kept as they are are copied a run at a time (feeds escape whole bodies).
            var runStart = 0
            var index = 0
            func replace(_ replacement: StaticString, width: Int) {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index]))
                bytes.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                index += width
                runStart = index
            }
            while index < source.count {
                switch source[index] {
                case 0x26: replace("&amp;", width: 1)
                case 0x3C: replace("&lt;", width: 1)
                case 0x3E: replace("&gt;", width: 1)
                case 0x22: replace("&quot;", width: 1)
                case 0x27: replace("&#39;", width: 1)
                case 0x09, 0x0A, 0x0D: index += 1
                case 0..<0x20: replace("", width: 1)
                // U+FFFE and U+FFFF (EF BF BE/BF) are not allowed in XML: dropped.
                case 0xEF where index + 2 < source.count && source[index + 1] == 0xBF
                    && (source[index + 2] == 0xBE || source[index + 2] == 0xBF):
                    replace("", width: 3)
                default: index += 1
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart...]))
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// A JSON string literal, safe to embed in HTML `<script>` as well (`<`, `>`, `&` escaped).
    /// Works on the UTF-8 bytes and copies unescaped runs whole: the search index writes the
    /// title, summary and URL of every briefing through here.
    static func json(_ text: String) -> String {
        var text = text
        return text.withUTF8 { source in
            var bytes: [UInt8] = [0x22]
            bytes.reserveCapacity(source.count + 2)
            var runStart = 0
            var index = 0
            func escape(_ replacement: StaticString, width: Int) {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index]))
                bytes.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                index += width
                runStart = index
            }
            func unicode(_ value: UInt32, width: Int) {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<index]))
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(ascii: "u"))
                for shift in stride(from: 12, through: 0, by: -4) {
                    let digit = UInt8(value >> UInt32(shift) & 0xF)
                    bytes.append(digit < 10 ? 0x30 + digit : 0x57 + digit)
                }
                index += width
                runStart = index
            }
            while index < source.count {
                let byte = source[index]
                switch byte {
                case 0x22: escape("\\\"", width: 1)
                case 0x5C: escape("\\\\", width: 1)
                case 0x0A: escape("\\n", width: 1)
                case 0x0D: escape("\\r", width: 1)
                case 0x09: escape("\\t", width: 1)
                case 0x3C, 0x3E, 0x26, 0..<0x20: unicode(UInt32(byte), width: 1)
                // U+2028 and U+2029 (E2 80 A8/A9) end a line in JavaScript source.
                case 0xE2 where index + 2 < source.count && source[index + 1] == 0x80
                    && (source[index + 2] == 0xA8 || source[index + 2] == 0xA9):
                    unicode(source[index + 2] == 0xA8 ? 0x2028 : 0x2029, width: 3)
                default: index += 1
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart...]))
            bytes.append(0x22)
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
