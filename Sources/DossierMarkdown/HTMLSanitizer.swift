/// Cleans raw HTML kept with `raw_html: true`. cmark-gfm's tagfilter already disarms
/// `<script>`, `<style>`, `<iframe>` and a few others; this removes what it leaves live:
/// event-handler attributes, script URLs and tags that load or run code.
enum HTMLSanitizer {
    static let blockedTags: Set<String> = ["script", "style", "iframe", "frame", "frameset", "object", "embed",
                                           "applet", "base", "meta", "link", "form", "template", "noscript",
                                           "textarea", "title", "xmp", "plaintext", "noembed", "noframes", "math",
                                           // SVG can set an href from script-free markup (<animate>, <set>)
                                           "svg", "animate", "animatemotion", "animatetransform", "set", "use",
                                           "foreignobject", "handler", "listener", "portal", "isindex"]
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
                    var cleaned = value.map(escapeQuotes)
                    if urlAttributes.contains(lowerKey), let raw = value {
                        // Check the URL the browser will see, then write exactly that URL back, escaped:
                        // whatever entity tricks the source used, the checked and the published URL agree.
                        let decoded = decodeEntities(raw)
                        guard isSafeURLAttribute(lowerKey, decoded) else { continue }
                        cleaned = escapeAttribute(decoded)
                    }
                    tag += " " + key
                    if let cleaned { tag += "=\"" + cleaned + "\"" }
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

    static let imageAttributes: Set<String> = ["src", "poster", "srcset"]

    static func isSafeURLAttribute(_ key: String, _ decoded: String) -> Bool {
        if key == "srcset" {
            // "a.png 1x, b.png 2x": every candidate's URL must pass.
            return decoded.split(separator: ",").allSatisfy { candidate in
                let url = candidate.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.map(String.init) ?? ""
                return url.isEmpty || URLPolicy.safeImageSource(url) != nil
            }
        }
        return imageAttributes.contains(key) ? URLPolicy.safeImageSource(decoded) != nil : URLPolicy.safeLink(decoded) != nil
    }

    /// Escapes a decoded value for a double-quoted attribute.
    /// Quotes only, scalar by scalar: `String.replacingOccurrences` compares `Character`s and
    /// would miss a quote followed by a combining mark (`"` + U+0301), which then closed the
    /// attribute and let the rest of the value add attributes (`onmouseover=…`).
    static func escapeQuotes(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar == "\"" { result += "&quot;" } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    static func escapeAttribute(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Decodes character references the way a browser does in an attribute value: numeric ones
    /// with or without the closing ';' (`&#106avascript:` is "javascript:"), and the named ones
    /// that can hide a URL scheme. Unknown names stay literal; since the decoded value is
    /// re-escaped before it is written, they stay literal for the browser too.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        func isDigit(_ scalar: Unicode.Scalar, hex: Bool) -> Bool {
            ("0"..."9").contains(scalar) || (hex && (("a"..."f").contains(scalar) || ("A"..."F").contains(scalar)))
        }
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "&", index + 1 < scalars.count else {
                result.append(scalar)
                index += 1
                continue
            }
            if scalars[index + 1] == "#" {
                var cursor = index + 2
                let hex = cursor < scalars.count && (scalars[cursor] == "x" || scalars[cursor] == "X")
                if hex { cursor += 1 }
                var value: UInt32 = 0
                var digits = 0
                while cursor < scalars.count, isDigit(scalars[cursor], hex: hex) {
                    value = min(value &* (hex ? 16 : 10) &+ UInt32(String(scalars[cursor]), radix: 16)!, 0x110000)
                    digits += 1
                    cursor += 1
                }
                if digits > 0 {
                    if cursor < scalars.count, scalars[cursor] == ";" { cursor += 1 }
                    let decoded = value == 0 ? nil : Unicode.Scalar(value)
                    result.append(decoded ?? "\u{FFFD}")
                    index = cursor
                    continue
                }
            } else {
                var cursor = index + 1
                var name = ""
                while cursor < scalars.count, cursor - index <= 32, scalars[cursor].properties.isAlphabetic || isDigit(scalars[cursor], hex: false) {
                    name.unicodeScalars.append(scalars[cursor])
                    cursor += 1
                }
                if cursor < scalars.count, scalars[cursor] == ";", let decoded = namedReferences[name] ?? namedReferences[name.lowercased()] {
                    result.append(decoded)
                    index = cursor + 1
                    continue
                }
            }
            result.append(scalar)
            index += 1
        }
        return String(result)
    }

    static let namedReferences: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "colon": ":", "tab": "\t", "newline": "\n",
        "lpar": "(", "rpar": ")", "sol": "/", "bsol": "\\", "period": ".", "comma": ",", "excl": "!", "num": "#",
        "percnt": "%", "quest": "?", "equals": "=", "plus": "+", "semi": ";", "nbsp": "\u{A0}",
    ]
}

import CCmarkGFM

extension MarkdownDocument {
    /// Runs every raw HTML node through the sanitiser (only reached with `raw_html: true`).
    ///
    /// With raw HTML allowed cmark-gfm renders in its "unsafe" mode, which also stops blanking
    /// `javascript:` and friends in Markdown links and images: the URL policy does it instead.
    func sanitizeRawHTML() {
        var nodes: [OpaquePointer] = []
        var links: [OpaquePointer] = []
        forEachNode { node, entering in
            let type = cmark_node_get_type(node)
            if entering, type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE { nodes.append(node) }
            if entering, type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE { links.append(node) }
        }
        for node in nodes {
            guard let literal = cmark_node_get_literal(node) else { continue }
            cmark_node_set_literal(node, HTMLSanitizer.sanitize(String(cString: literal)))
        }
        for node in links {
            let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
            guard !url.isEmpty else { continue }
            let isImage = cmark_node_get_type(node) == CMARK_NODE_IMAGE
            let safe = isImage ? URLPolicy.safeImageSource(url) : URLPolicy.safeLink(url)
            if safe == nil { cmark_node_set_url(node, "") }
        }
    }

    /// The first node nested more than `limit` levels below the document (a paragraph is level 1,
    /// its text level 2), with its depth and 1-based position (the enclosing block's when cmark
    /// does not track inline positions). Walks with cmark's iterator and an explicit stack, so a
    /// 50,000-deep tree costs no recursion at all.
    public func firstNode(deeperThan limit: Int) -> (depth: Int, line: Int, column: Int)? {
        var path: [OpaquePointer] = []
        var blockLine = 1
        var blockColumn = 1
        var found: (depth: Int, line: Int, column: Int)?
        forEachNode { node, entering in
            guard found == nil else { return }
            if entering {
                let parent = cmark_node_parent(node)
                while let top = path.last, top != parent { path.removeLast() }
                let line = Int(cmark_node_get_start_line(node))
                if line > 0 {
                    blockLine = line
                    blockColumn = max(Int(cmark_node_get_start_column(node)), 1)
                }
                if path.count > limit { found = (path.count, blockLine, blockColumn) }
                path.append(node)
            } else {
                while let top = path.last, top != node { path.removeLast() }
                if !path.isEmpty { path.removeLast() }
            }
        }
        return found
    }

    /// How deep the deepest node sits below the document.
    public func maximumDepth() -> Int {
        var path: [OpaquePointer] = []
        var deepest = 0
        forEachNode { node, entering in
            if entering {
                let parent = cmark_node_parent(node)
                while let top = path.last, top != parent { path.removeLast() }
                deepest = max(deepest, path.count)
                path.append(node)
            } else {
                while let top = path.last, top != node { path.removeLast() }
                if !path.isEmpty { path.removeLast() }
            }
        }
        return deepest
    }
}
