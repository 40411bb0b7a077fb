import Foundation

/// `sitemap.xml` as one line per page, in URL order. `serve` keeps the lines of its last build
/// so that a tag edit (`TagEdit`) replaces the lines of a few tag pages instead of writing the
/// whole sitemap again: 11,000 pages' dates and URLs took about 50 ms at 10,000 briefings.
struct SitemapLines: Sendable {
    private var urls: [String] = []
    private var lines: [String] = []
    private let config: SiteConfig

    init(model: SiteModel) {
        config = model.config
        var entries: [(url: String, lastmod: SiteDate?)] = []
        let newest = model.briefings.map(\.source.lastModified).max()
        for job in PageJob.all(for: model) where job != .notFound {
            switch job {
            case let .briefing(index): entries.append((job.url(in: model), model.briefings[index].source.lastModified))
            case let .entity(index):
                entries.append((job.url(in: model), model.facts[index].references.map { model.briefings[$0.briefing].source.lastModified }.max()))
            case let .tag(index): entries.append((job.url(in: model), Self.lastModified(of: model.tags[index], in: model)))
            case .page: entries.append((job.url(in: model), nil))
            default: entries.append((job.url(in: model), newest))
            }
        }
        entries.sort { $0.url < $1.url }
        urls = entries.map(\.url)
        lines = entries.map { line($0.url, lastmod: $0.lastmod) }
    }

    /// A tag page's date: its newest briefing's.
    static func lastModified(of tag: Tag, in model: SiteModel) -> SiteDate? {
        tag.briefings.map { model.briefings[$0].source.lastModified }.max()
    }

    private func line(_ url: String, lastmod: SiteDate?) -> String {
        var line = "  <url><loc>\(Escape.xml(config.absolute(url)))</loc>"
        if let lastmod { line += "<lastmod>\(lastmod.description)</lastmod>" }
        return line + "</url>\n"
    }

    /// Puts the page at `url` in the sitemap with this date, or takes it out (`present` false).
    mutating func set(_ url: String, present: Bool, lastmod: SiteDate?) {
        var low = 0, high = urls.count
        while low < high {
            let middle = (low + high) / 2
            if urls[middle] < url { low = middle + 1 } else { high = middle }
        }
        let found = low < urls.count && urls[low] == url
        switch (found, present) {
        case (true, true): lines[low] = line(url, lastmod: lastmod)
        case (true, false):
            urls.remove(at: low)
            lines.remove(at: low)
        case (false, true):
            urls.insert(url, at: low)
            lines.insert(line(url, lastmod: lastmod), at: low)
        case (false, false): break
        }
    }

    func file() -> OutputFile {
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        xml.reserveCapacity(lines.reduce(xml.utf8.count + 12) { $0 + $1.utf8.count })
        for line in lines { xml += line }
        xml += "</urlset>\n"
        return OutputFile(path: "sitemap.xml", text: xml)
    }
}
