import Foundation

/// The one scheme check for every URL Dossier itself writes into a page or feed.
public enum URLPolicy {
    static let allowedSchemes: Set<String> = ["http", "https", "mailto", "ftp"]

    /// Returns the URL when it is safe to publish as a link: an allowed scheme, or a relative
    /// or rooted path. `javascript:`, `vbscript:`, `data:` and `file:` are refused.
    public static func safeLink(_ text: String) -> String? {
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

    /// Like `safeLink`, but also accepts `data:image/…` (not SVG, which can carry script) for `src`.
    public static func safeImageSource(_ text: String) -> String? {
        let squeezed = text.lowercased().filter { !$0.isWhitespace }
        if squeezed.hasPrefix("data:image/"), !squeezed.hasPrefix("data:image/svg") { return text }
        return safeLink(text)
    }
}
