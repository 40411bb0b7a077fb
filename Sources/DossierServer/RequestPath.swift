import Foundation

/// A request path decoded exactly once and checked segment by segment. Anything that could
/// name a file outside the site (dot segments, encoded separators, backslashes, NUL and other
/// control bytes, invalid UTF-8) is refused before any lookup, and lookups then only ever go to
/// the snapshot's dictionary — never to the file system by a path built from the request.
struct RequestPath: Equatable {
    var segments: [String]
    var trailingSlash: Bool

    enum Rejection: Error, Equatable {
        case notAbsolute, backslash, encodedSeparator, badEscape, controlCharacter, invalidUTF8, dotSegment
    }

    /// `raw` is the percent-encoded path of the request target, without the query.
    static func decode(_ raw: String) throws(Rejection) -> RequestPath {
        let bytes = Array(raw.utf8)
        guard bytes.first == UInt8(ascii: "/") else { throw .notAbsolute }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            var byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                    throw .badEscape
                }
                byte = high << 4 | low
                // An encoded '/' or '\' would become a separator only after decoding: refuse it
                // rather than let it change how the path splits (`/%2f..`, `/..%5c`).
                if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\") { throw .encodedSeparator }
                index += 3
            } else {
                index += 1
            }
            if byte == UInt8(ascii: "\\") { throw .backslash }
            if byte < 0x20 || byte == 0x7F { throw .controlCharacter }  // NUL included
            decoded.append(byte)
        }
        let text = String(decoding: decoded, as: UTF8.self)
        guard text.utf8.elementsEqual(decoded) else { throw .invalidUTF8 }  // repairs mean it was invalid
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let segments = parts.filter { !$0.isEmpty }.map(String.init)
        if segments.contains(where: { $0 == "." || $0 == ".." }) { throw .dotSegment }
        return RequestPath(segments: segments, trailingSlash: parts.count > 1 && parts.last == "")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Unreserved and sub-delimiter characters stay; everything else is percent-encoded.
    private static let segmentAllowed = CharacterSet(charactersIn:
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@")

    /// The path re-encoded from its segments: safe in a `Location` header (empty segments are
    /// gone, so `//evil.example/` can never come back out as a protocol-relative URL).
    static func encode(_ segments: [String], trailingSlash: Bool) -> String {
        let body = segments.map { $0.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? "" }
            .joined(separator: "/")
        if body.isEmpty { return "/" }
        return "/" + body + (trailingSlash ? "/" : "")
    }
}

/// Where a decoded request path leads in a snapshot.
enum Lookup: Equatable {
    case file(String)
    case redirect(String)
    case notFound

    /// `basePath` is the site's path prefix ("/" or e.g. "/levant/").
    static func find(_ path: RequestPath, basePath: String, has: (String) -> Bool) -> Lookup {
        let prefix = basePath.split(separator: "/").map(String.init)
        guard path.segments.starts(with: prefix) else { return .notFound }
        let inside = Array(path.segments.dropFirst(prefix.count))
        if inside.isEmpty && !prefix.isEmpty && !path.trailingSlash {
            return .redirect(RequestPath.encode(path.segments, trailingSlash: true))  // "/levant" → "/levant/"
        }
        let key = inside.joined(separator: "/")
        if inside.isEmpty || path.trailingSlash {
            let index = key.isEmpty ? "index.html" : key + "/index.html"
            return has(index) ? .file(index) : .notFound
        }
        if has(key) { return .file(key) }
        if has(key + "/index.html") { return .redirect(RequestPath.encode(path.segments, trailingSlash: true)) }
        return .notFound
    }
}
