import Foundation

/// `site.yml`: every key optional.
public struct SiteConfig: Sendable {
    public var title = "Dossier"
    /// Always ends with '/'; "/" when no base URL is configured.
    public var baseURL = "/" {
        // Every internal link is prefixed with the base path: parse the URL once, not per link.
        didSet { (basePath, hasAbsoluteBase) = Self.parts(of: baseURL) }
    }
    public var description = ""
    public var language = "en"
    public var author = ""
    public var linking = LinkingMode.first
    public var perPage = 20
    public var rawHTML = false
    /// Limits for hostile or runaway content (`budgets:` in site.yml).
    public var budgets = Budgets()

    public init() {}

    /// The path part of `base_url` ("/levant/" for https://example.org/levant/), prefixed to every
    /// internal link so the site works under a sub-path.
    public private(set) var basePath = "/"

    /// True when `base_url` is absolute, so feeds can carry absolute URLs.
    public private(set) var hasAbsoluteBase = false

    private static func parts(of baseURL: String) -> (path: String, absolute: Bool) {
        let absolute = URL(string: baseURL)?.scheme.map { ["http", "https"].contains($0) } ?? false
        guard let url = URL(string: baseURL), url.scheme != nil else { return (baseURL.hasPrefix("/") ? baseURL : "/", absolute) }
        var path = url.path
        if !path.hasSuffix("/") { path += "/" }
        return (path, absolute)
    }

    /// The settings a rendered Markdown body or card depends on, for their cache keys: links are
    /// prefixed with the base path, raw HTML is kept or dropped, budgets stop runaway input. The
    /// title, description and the rest reach only pages, so changing them renders the pages
    /// again but no body and no card.
    var renderingSettings: String {
        "\(basePath)\u{0}\(rawHTML)\u{0}\(String(reflecting: budgets))"
    }

    /// `site-relative` like "/briefings/x/" → "/levant/briefings/x/".
    public func link(_ siteRelative: String) -> String {
        basePath + siteRelative.drop { $0 == "/" }
    }

    /// Absolute URL when the base is absolute; otherwise the rooted path.
    public func absolute(_ siteRelative: String) -> String {
        guard hasAbsoluteBase else { return link(siteRelative) }
        let base = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        return base + siteRelative.drop { $0 == "/" }
    }

    static let knownKeys: Set<String> = ["title", "base_url", "description", "language", "author", "linking",
                                         "per_page", "raw_html", "budgets"]

    /// Reads `site.yml`; a missing file gives the defaults.
    static func load(text: String?, path: String, baseURLOverride: String?, diagnostics: inout Diagnostics) -> SiteConfig {
        var config = SiteConfig()
        if let text, var reader = FrontMatter(yaml: text, path: path, firstLine: 1, diagnostics: &diagnostics) {
            if let value = reader.string("title", diagnostics: &diagnostics) { config.title = value.value }
            if let value = reader.string("base_url", diagnostics: &diagnostics) {
                config.baseURL = Self.checkedBaseURL(value, path: path, diagnostics: &diagnostics) ?? "/"
            }
            if let value = reader.string("description", diagnostics: &diagnostics) { config.description = value.value }
            if let value = reader.string("language", diagnostics: &diagnostics) { config.language = value.value }
            if let value = reader.string("author", diagnostics: &diagnostics) { config.author = value.value }
            if let value = reader.string("linking", diagnostics: &diagnostics) {
                if let mode = LinkingMode(rawValue: value.value) {
                    config.linking = mode
                } else {
                    diagnostics.error("dossier.config.linking", path, line: value.line, column: value.column,
                                      "linking must be first, all or none, not '\(value.value.shownInMessage)'")
                }
            }
            if let value = reader.string("per_page", diagnostics: &diagnostics) {
                if let number = Int(value.value), (1...1000).contains(number) {
                    config.perPage = number
                } else {
                    diagnostics.error("dossier.config.per-page", path, line: value.line, column: value.column,
                                      "per_page must be a whole number from 1 to 1000, not '\(value.value.shownInMessage)'")
                }
            }
            if let value = reader.bool("raw_html", diagnostics: &diagnostics) { config.rawHTML = value }
            if let entry = reader.node("budgets") {
                config.budgets = Budgets.read(entry.node, reader: reader, diagnostics: &diagnostics)
            }
            for entry in reader.entries where !knownKeys.contains(entry.key.value) {
                diagnostics.warning("dossier.config.unknown-key", path, line: entry.key.line, column: entry.key.column,
                                    "unknown site.yml key '\(entry.key.value.shownInMessage)'")
            }
        }
        if let baseURLOverride {
            let located = Located(value: baseURLOverride, line: 1, column: 1)
            config.baseURL = Self.checkedBaseURL(located, path: "--base-url", diagnostics: &diagnostics) ?? config.baseURL
        }
        return config
    }

    private static func checkedBaseURL(_ value: Located<String>, path: String, diagnostics: inout Diagnostics) -> String? {
        var text = value.value.trimmingCharacters(in: .whitespaces)
        if !text.hasSuffix("/") { text += "/" }
        if text.hasPrefix("/") { return text }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host != nil else {
            diagnostics.error("dossier.config.base-url", path, line: value.line, column: value.column,
                              "base_url must be an http(s) URL or a path starting with '/', not '\(value.value.shownInMessage)'")
            return nil
        }
        return text
    }
}
