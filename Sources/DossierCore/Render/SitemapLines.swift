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
        // Ranks stand for the dates: entity pages look up 200,000 references at 10,000 briefings.
        let modified = model.briefings.map(\.source.lastModified)
        let ranks = Aggregates.ranks(modified.count) { modified[$0] < modified[$1] }
        // The first of the newest, as `max()` picks.
        func newest(_ briefings: some Sequence<Int>) -> SiteDate? {
            var best = -1
            for index in briefings where best < 0 || ranks[index] > ranks[best] { best = index }
            return best < 0 ? nil : modified[best]
        }
        let newestOfAll = newest(modified.indices)
        var urls: [String] = []
        var dates: [SiteDate?] = []
        for job in PageJob.all(for: model) where job != .notFound {
            urls.append(job.url(in: model))
            switch job {
            case let .briefing(index): dates.append(modified[index])
            case let .entity(index): dates.append(newest(model.facts[index].references.lazy.map(\.briefing)))
            case let .tag(index): dates.append(newest(model.tags[index].briefings))
            case .page: dates.append(nil)
            default: dates.append(newestOfAll)
            }
        }
        let order = urls.indices.sorted { urls[$0] < urls[$1] }
        self.urls = order.map { urls[$0] }
        lines = order.map { line(urls[$0], lastmod: dates[$0]) }
    }

    /// Dates a briefing's page again, from its last modification.
    mutating func redate(briefing index: Int, in model: SiteModel) {
        set(model.briefings[index].url, present: true, lastmod: model.briefings[index].source.lastModified)
    }

    /// Dates an entity's page again, from the newest of the briefings it lists.
    mutating func redate(entity: Int, in model: SiteModel) {
        set(model.entities[entity].url, present: true,
            lastmod: Self.newest(model.facts[entity].references.lazy.map(\.briefing), in: model))
    }

    /// Dates a tag's page again, from its newest briefing, or takes it out when no briefing
    /// has the tag any more.
    mutating func redate(tag slug: String, in model: SiteModel) {
        let tag = model.tags.first { $0.slug == slug }
        set("/tags/\(slug)/", present: tag != nil, lastmod: tag.flatMap { Self.newest($0.briefings, in: model) })
    }

    /// The newest last modification among these briefings (the first of equals, as `init` picks).
    private static func newest(_ briefings: some Sequence<Int>, in model: SiteModel) -> SiteDate? {
        briefings.lazy.map { model.briefings[$0].source.lastModified }.max()
    }

    private func line(_ url: String, lastmod: SiteDate?) -> String {
        var line = "  <url><loc>\(Escape.xml(config.absolute(url)))</loc>"
        if let lastmod { line += "<lastmod>\(lastmod.description)</lastmod>" }
        return line + "</url>\n"
    }

    /// Puts the page at `url` in the sitemap with this date, or takes it out (`present` false).
    private mutating func set(_ url: String, present: Bool, lastmod: SiteDate?) {
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
