import Foundation

/// URL-safe identifiers. Every path segment Dossier writes comes from here, so no content can
/// make a path leave `Output/`.
public enum Slug {
    /// True when `text` is already a valid slug: lowercase ASCII letters, digits, single hyphens.
    public static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= 120, !text.hasPrefix("-"), !text.hasSuffix("-") else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Makes a slug from any text: diacritics folded, other characters turned into hyphens.
    /// Returns an empty string when nothing usable is left (e.g. an all-Arabic tag); callers
    /// fall back to `hashed(_:)`.
    public static func make(_ text: String) -> String {
        // ASCII is its own canonical form and has no diacritics; the ICU transform is slow.
        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        let folded = isASCII ? text : text.precomposedStringWithCanonicalMapping
            .applyingTransform(.stripDiacritics, reverse: false)?.lowercased() ?? text.lowercased()
        // Built as bytes (every byte kept is ASCII), and only trailing hyphens trimmed: no
        // hyphen is written before the first letter, and only the cut at 100 can leave one last.
        var slug: [UInt8] = []
        slug.reserveCapacity(folded.utf8.count)
        var pendingHyphen = false
        for scalar in folded.unicodeScalars {
            var value = scalar.value
            if value >= 0x41 && value <= 0x5A { value += 0x20 }  // `lowercased()` of ASCII
            if (value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39) {
                if pendingHyphen, !slug.isEmpty { slug.append(0x2D) }
                pendingHyphen = false
                slug.append(UInt8(value))
            } else if value == 0x27 || value == 0x2019 {
                continue
            } else {
                pendingHyphen = true
            }
        }
        var end = min(slug.count, 100)
        while end > 0, slug[end - 1] == 0x2D { end -= 1 }
        return String(decoding: slug[..<end], as: UTF8.self)
    }

    /// A slug for text with no Latin letters at all: percent-free and stable.
    public static func makeOrHash(_ text: String) -> String { memo(text) }

    private static let memo = Memo { text in computeOrHash(text) }

    private static func computeOrHash(_ text: String) -> String {
        let slug = make(text)
        if !slug.isEmpty { return slug }
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in text.precomposedStringWithCanonicalMapping.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100000001b3
        }
        return "t-" + String(hash, radix: 36)
    }
}
