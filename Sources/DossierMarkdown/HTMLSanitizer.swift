/// Cleans raw HTML kept with `raw_html: true`. cmark-gfm's tagfilter already disarms
/// `<script>`, `<style>`, `<iframe>` and a few others; this removes what it leaves live:
/// event-handler attributes, script URLs and tags that load or run code.
enum HTMLSanitizer {
    static let blockedTags: Set<String> = ["script", "style", "iframe", "frame", "frameset", "object", "embed",
                                           "applet", "base", "meta", "link", "form", "template", "noscript",
                                           "textarea", "title", "xmp", "plaintext", "noembed", "noframes", "math"]
    static let urlAttributes: Set<String> = ["href", "src", "action", "formaction", "poster", "background", "cite",
                                             "xlink:href", "srcset", "data", "codebase", "longdesc", "usemap"]
    static let droppedAttributes: Set<String> = ["srcdoc", "style"]

    static func sanitize(_ html: String) -> String {
        let chars = Array(html.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < chars.count {
            let scalar = chars[index]
            guard scalar == "<", index + 1 < chars.count else {
                output.append(scalar)
                index += 1
                continue
            }
            let next = chars[index + 1]
            if next == "!" || next == "?" {
                // Comments, doctypes and processing instructions: keep up to the closing '>'.
                let end = chars[index...].firstIndex(of: ">") ?? chars.count - 1
                let chunk = String(String.UnicodeScalarView(chars[index...end]))
                output.append(contentsOf: (chunk.hasPrefix("<!--") ? chunk : "").unicodeScalars)
                index = end + 1
                continue
            }
            let closing = next == "/"
            var cursor = index + (closing ? 2 : 1)
            var name = ""
            while cursor < chars.count, chars[cursor].properties.isAlphabetic || ("0"..."9").contains(chars[cursor])
                || chars[cursor] == "-" || chars[cursor] == ":" {
                name.unicodeScalars.append(chars[cursor])
                cursor += 1
            }
            if name.isEmpty {
                output.append(contentsOf: "&lt;".unicodeScalars)
                index += 1
                continue
            }
            let (attributes, end) = parseAttributes(chars, from: cursor)
            let lowerName = name.lowercased()
            if blockedTags.contains(lowerName) {
                output.append(contentsOf: "&lt;".unicodeScalars)
                index += 1
                continue
            }
            var tag = "<" + (closing ? "/" : "") + name
            if !closing {
                for (key, value) in attributes {
                    let lowerKey = key.lowercased()
                    if lowerKey.hasPrefix("on") || droppedAttributes.contains(lowerKey) { continue }
                    var cleaned = value
                    if urlAttributes.contains(lowerKey), let raw = value {
                        let decoded = decodeEntities(raw)
                        let safe = lowerKey == "src" ? URLPolicy.safeImageSource(decoded) : URLPolicy.safeLink(decoded)
                        guard safe != nil, lowerKey != "srcset" || !decoded.lowercased().contains("script:") else { continue }
                        cleaned = raw
                    }
                    tag += " " + key
                    if let cleaned { tag += "=\"" + cleaned.replacingOccurrences(of: "\"", with: "&quot;") + "\"" }
                }
            }
            output.append(contentsOf: (tag + (end.selfClosing ? " />" : ">")).unicodeScalars)
            index = end.next
        }
        return String(output)
    }

    private static func parseAttributes(_ chars: [Unicode.Scalar], from start: Int)
        -> ([(String, String?)], (next: Int, selfClosing: Bool)) {
        var attributes: [(String, String?)] = []
        var cursor = start
        func skipSpace() { while cursor < chars.count, chars[cursor].properties.isWhitespace { cursor += 1 } }
        while cursor < chars.count {
            skipSpace()
            guard cursor < chars.count else { break }
            if chars[cursor] == ">" { return (attributes, (cursor + 1, false)) }
            if chars[cursor] == "/" {
                cursor += 1
                skipSpace()
                if cursor < chars.count, chars[cursor] == ">" { return (attributes, (cursor + 1, true)) }
                continue
            }
            var key = ""
            while cursor < chars.count, !chars[cursor].properties.isWhitespace, !"=>/".unicodeScalars.contains(chars[cursor]) {
                key.unicodeScalars.append(chars[cursor])
                cursor += 1
            }
            skipSpace()
            var value: String?
            if cursor < chars.count, chars[cursor] == "=" {
                cursor += 1
                skipSpace()
                var text = ""
                if cursor < chars.count, chars[cursor] == "\"" || chars[cursor] == "'" {
                    let quote = chars[cursor]
                    cursor += 1
                    while cursor < chars.count, chars[cursor] != quote {
                        text.unicodeScalars.append(chars[cursor])
                        cursor += 1
                    }
                    cursor += 1
                } else {
                    while cursor < chars.count, !chars[cursor].properties.isWhitespace, chars[cursor] != ">" {
                        text.unicodeScalars.append(chars[cursor])
                        cursor += 1
                    }
                }
                value = text
            }
            if !key.isEmpty { attributes.append((key, value)) }
        }
        return (attributes, (chars.count, false))
    }

    /// Enough entity decoding to see through `&#106;avascript:` and friends.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            guard let semi = after.prefix(12).firstIndex(of: ";") ?? after.prefix(12).firstIndex(where: { !$0.isLetter && !$0.isNumber && $0 != "#" && $0 != "x" && $0 != "X" }) else {
                result += "&"
                rest = after
                continue
            }
            let entity = after[..<semi]
            var decoded: Character?
            if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                decoded = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map(Character.init)
            } else if entity.hasPrefix("#") {
                decoded = UInt32(entity.dropFirst(1)).flatMap(Unicode.Scalar.init).map(Character.init)
            } else {
                decoded = ["colon": ":", "tab": "\t", "newline": "\n", "amp": "&", "lpar": "(", "rpar": ")"][String(entity)]
            }
            if let decoded {
                result.append(decoded)
                rest = after[after.index(after: semi)...].drop { $0 == ";" }
            } else {
                result += "&"
                rest = after
            }
        }
        return result + rest
    }
}

import CCmarkGFM

extension MarkdownDocument {
    /// Runs every raw HTML node through the sanitiser (only reached with `raw_html: true`).
    func sanitizeRawHTML() {
        var nodes: [OpaquePointer] = []
        forEachNode { node, entering in
            let type = cmark_node_get_type(node)
            if entering, type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE { nodes.append(node) }
        }
        for node in nodes {
            guard let literal = cmark_node_get_literal(node) else { continue }
            cmark_node_set_literal(node, HTMLSanitizer.sanitize(String(cString: literal)))
        }
    }
}
