import Foundation

/// The one scheme check for every URL Dossier itself writes into a page or feed.
public enum URLPolicy {
    static let allowedSchemes: Set<String> = ["http", "https", "mailto", "ftp"]

    /// Returns the URL when it is safe to publish as a link: an allowed scheme, or a relative
    /// or rooted path. `javascript:`, `vbscript:`, `data:` and `file:` are refused.
    public static func safeLink(_ text: String) -> String? {
        if let verdict = printableASCIIVerdict(text) { return verdict ? text : nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            return nil
        }
        // Browsers ignore tabs/newlines and case inside a scheme, so compare a squeezed form.
        // Scalar by scalar: as `Character`s, a colon followed by a combining mark (":" + U+0301)
        // is not ":", and `javascript:́…` passed for a relative link.
        let squeezed = trimmed.lowercased().unicodeScalars.filter { !$0.properties.isWhitespace }
        if let colon = squeezed.firstIndex(of: ":") {
            // Anything before the first colon that is not a path, query or fragment is a scheme,
            // and only the allowed ones pass (whatever a browser would make of the others).
            let scheme = squeezed[..<colon]
            if !scheme.contains(where: { "/?#".unicodeScalars.contains($0) }) {
                return allowedSchemes.contains(String(String.UnicodeScalarView(scheme))) ? trimmed : nil
            }
        }
        return trimmed
    }

    /// `safeLink`'s verdict for text of printable ASCII without spaces (nearly every URL), read
    /// straight from its bytes: such text has nothing to trim, squeeze or reject as a control
    /// character. Nil for any other text.
    private static func printableASCIIVerdict(_ text: String) -> Bool? {
        guard !text.isEmpty else { return nil }
        var scheme: [UInt8] = []
        var verdict: Bool?  // decided by the first colon or path character
        for byte in text.utf8 {
            guard byte > 0x20 && byte < 0x7F else { return nil }
            guard verdict == nil else { continue }
            switch byte {
            case UInt8(ascii: ":"): verdict = allowedSchemes.contains(String(decoding: scheme, as: UTF8.self))
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"): verdict = true
            default: scheme.append(byte &- 0x41 < 26 ? byte + 0x20 : byte)
            }
        }
        return verdict ?? true
    }

    /// Like `safeLink`, but also accepts `data:image/…` (not SVG, which can carry script) for `src`.
    public static func safeImageSource(_ text: String) -> String? {
        let squeezed = text.lowercased().filter { !$0.isWhitespace }
        if squeezed.hasPrefix("data:image/"), !squeezed.hasPrefix("data:image/svg") { return text }
        return safeLink(text)
    }
}
