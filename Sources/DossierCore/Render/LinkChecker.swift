import DossierMarkdown
import Foundation

/// Checks that every internal link, `#fragment` and asset reference of a rendered site
/// resolves. Links written in Markdown are reported at their source line; links the theme
/// made are reported at the line of the generated page.
struct LinkChecker {
    /// One rendered body: where it came from and the page it ends up on.
    struct Origin {
        var file: String
        var bodyLine: Int
        var pageURL: String
        var links: [MarkdownLink]
    }

    static func origins(of model: SiteModel) -> [Origin] {
        var origins = model.briefings.map {
            Origin(file: $0.source.file, bodyLine: $0.source.bodyLine, pageURL: $0.url, links: $0.body.links)
        }
        origins += model.pages.map {
            Origin(file: $0.source.file, bodyLine: $0.source.bodyLine, pageURL: $0.url, links: $0.body.links)
        }
        for (index, entity) in model.entities.enumerated() where !entity.isStub {
            origins.append(Origin(file: entity.file, bodyLine: entity.bodyLine, pageURL: entity.url,
                                  links: model.facts[index].profile?.links ?? []))
        }
        return origins
    }

    let config: SiteConfig
    private var files: Set<String> = []
    private var html: [String: Data] = [:]
    private var idCache: [String: Set<String>] = [:]

    init(config: SiteConfig, site: RenderedSite) {
        self.config = config
        for file in site.files {
            files.insert(file.path)
            if file.path.hasSuffix(".html") { html[file.path] = file.contents }
        }
        for file in site.staticFiles { files.insert(file.outputPath) }
    }

    mutating func check(bodies: [Origin], diagnostics: inout Diagnostics) {
        var authored: Set<String> = []
        for body in bodies {
            for link in body.links {
                authored.insert(body.pageURL + "\u{0}" + link.url)
                if let problem = problem(with: link.url, from: body.pageURL) {
                    diagnostics.error("dossier.link.broken", body.file, line: body.bodyLine + link.line - 1,
                                      column: link.column, "\(link.isImage ? "image" : "link") '\(link.url)': \(problem)")
                }
            }
        }
        for path in html.keys.sorted() {
            let pageURL = "/" + (path.hasSuffix("index.html") ? String(path.dropLast("index.html".count)) : path)
            for (url, line) in Self.references(in: html[path]!) where !authored.contains(pageURL + "\u{0}" + url) {
                if let problem = problem(with: url, from: pageURL) {
                    diagnostics.error("dossier.link.broken-in-theme", "Output/" + path, line: line,
                                      "link '\(url)' made by the theme: \(problem)")
                }
            }
        }
    }

    /// Nil when the reference resolves; otherwise what is wrong with it.
    mutating func problem(with url: String, from pageURL: String) -> String? {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("//") { return nil }
        if let colon = trimmed.firstIndex(of: ":"), !trimmed[..<colon].contains("/"), !trimmed[..<colon].contains("#") {
            return nil
        }
        var rest = Substring(trimmed)
        var fragment: String?
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: "?") { rest = rest[..<question] }
        let decoded = String(rest).removingPercentEncoding ?? String(rest)
        var sitePath: String
        if decoded.isEmpty {
            sitePath = pageURL
        } else if decoded.hasPrefix("/") {
            guard decoded.hasPrefix(config.basePath) else { return "outside the site's base path \(config.basePath)" }
            sitePath = "/" + decoded.dropFirst(config.basePath.count)
        } else {
            sitePath = Self.resolve(decoded, against: pageURL)
        }
        guard let target = outputFile(for: sitePath) else { return "no such page or file" }
        if let fragment, !fragment.isEmpty, target.hasSuffix(".html") {
            let id = fragment.removingPercentEncoding ?? fragment
            if !ids(in: target).contains(id) { return "no element with id '\(id)' on \(sitePath)" }
        }
        return nil
    }

    private func outputFile(for sitePath: String) -> String? {
        let relative = String(sitePath.drop { $0 == "/" })
        if relative.isEmpty || relative.hasSuffix("/") {
            return files.contains(relative + "index.html") ? relative + "index.html" : nil
        }
        if files.contains(relative) { return relative }
        return files.contains(relative + "/index.html") ? relative + "/index.html" : nil
    }

    private static func resolve(_ relative: String, against pageURL: String) -> String {
        var parts = pageURL.split(separator: "/").map(String.init)
        if !pageURL.hasSuffix("/") { parts = Array(parts.dropLast()) }
        for segment in relative.split(separator: "/", omittingEmptySubsequences: false) {
            switch segment {
            case "..": _ = parts.popLast()
            case ".", "": continue
            default: parts.append(String(segment))
            }
        }
        return "/" + parts.joined(separator: "/") + (relative.hasSuffix("/") ? "/" : "")
    }

    private mutating func ids(in path: String) -> Set<String> {
        if let cached = idCache[path] { return cached }
        var ids: Set<String> = []
        for (value, _) in Self.attributeValues(in: html[path] ?? Data(), names: [" id=\""]) { ids.insert(Self.unescape(value)) }
        idCache[path] = ids
        return ids
    }

    static func references(in data: Data) -> [(String, Int)] {
        attributeValues(in: data, names: [" href=\"", " src=\""]).map { (unescape($0.0), $0.1) }
    }

    /// Scans bytes for `name"value"` pairs, tracking line numbers; fast enough for whole sites.
    private static func attributeValues(in data: Data, names: [String]) -> [(String, Int)] {
        let patterns = names.map { Array($0.utf8) }
        var result: [(String, Int)] = []
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            let bytes = buffer.bindMemory(to: UInt8.self)
            var line = 1
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte == 0x0A { line += 1 }
                if byte == 0x20 {
                    for pattern in patterns where index + pattern.count <= count {
                        var matches = true
                        for offset in 1..<pattern.count where bytes[index + offset] != pattern[offset] {
                            matches = false
                            break
                        }
                        guard matches else { continue }
                        let start = index + pattern.count
                        var end = start
                        while end < count, bytes[end] != 0x22 { end += 1 }
                        result.append((String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self), line))
                        index = end
                        break
                    }
                }
                index += 1
            }
        }
        return result
    }

    private static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
