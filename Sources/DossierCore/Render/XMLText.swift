/// Escaping for the contexts Dossier writes text into outside Mustache.
public enum Escape {
    /// XML/HTML text and double-quoted attribute values. Control characters XML 1.0 forbids are dropped.
    public static func xml(_ text: String) -> String {
        // Most text needs no escaping at all; check the bytes before building anything.
        let needsWork = text.utf8.contains { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 < 0x20 || $0 == 0xEF }
        guard needsWork else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        let source = Array(text.utf8)
        // U+FFFE and U+FFFF (EF BF BE/BF) are not allowed in XML: drop them.
        var index = 0
        while index < source.count {
            let byte = source[index]
            switch byte {
            case 0x26: bytes += Array("&amp;".utf8)
            case 0x3C: bytes += Array("&lt;".utf8)
            case 0x3E: bytes += Array("&gt;".utf8)
            case 0x22: bytes += Array("&quot;".utf8)
            case 0x27: bytes += Array("&#39;".utf8)
            case 0x09, 0x0A, 0x0D: bytes.append(byte)
            case 0..<0x20: break
            case 0xEF where index + 2 < source.count && source[index + 1] == 0xBF
                && (source[index + 2] == 0xBE || source[index + 2] == 0xBF):
                index += 2
            default: bytes.append(byte)
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON string literal, safe to embed in HTML `<script>` as well (`<`, `>`, `&` escaped).
    static func json(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                result += String(format: "\\u%04x", scalar.value)
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
