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
        let squeezed = trimmed.lowercased().filter { !$0.isWhitespace }
        if let colon = squeezed.firstIndex(of: ":") {
            let scheme = squeezed[..<colon]
            let isScheme = !scheme.isEmpty && scheme.allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
                && !scheme.contains("/")
            if isScheme { return allowedSchemes.contains(String(scheme)) ? trimmed : nil }
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
