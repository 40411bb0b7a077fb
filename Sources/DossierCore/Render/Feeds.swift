import Foundation

/// Atom feeds, the sitemap and robots.txt: XML written directly, every value escaped.
struct FeedWriter {
    let model: SiteModel
    /// Keeps escaped entries between the builds of `serve`.
    var cache: SessionCache?
    static let entriesPerFeed = 20

    var config: SiteConfig { model.config }

    private typealias Feed = (path: String, title: String, pageURL: String, briefings: [Int])

    private func siteFeed() -> Feed { ("/atom.xml", config.title, "/", Array(model.briefings.indices)) }

    private func entityFeed(_ index: Int) -> Feed {
        let entity = model.entities[index]
        return (entity.url + "atom.xml", "\(config.title): \(entity.name)", entity.url, model.facts[index].references.map(\.briefing))
    }

    private func tagFeed(_ index: Int) -> Feed {
        let tag = model.tags[index]
        let url = "/tags/\(tag.slug)/"
        return (url + "atom.xml", "\(config.title): \(tag.name)", url, tag.briefings)
    }

    /// The site's feed, then one per entity and one per tag.
    private func feedList() -> [Feed] {
        [siteFeed()] + model.entities.indices.map(entityFeed) + model.tags.indices.map(tagFeed)
    }

    /// Only the feeds whose entries include one of `briefings`, and the feeds of `tags` and
    /// `entities`: what changes when nothing but those briefings' bodies changed (`BodyEdit`), or
    /// their tags or entities (`TagEdit`, `EntityEdit`: the tags and entities whose lists changed).
    func feeds(carrying briefings: Set<Int>, tags: Set<String> = [], entities: Set<Int> = []) -> [OutputFile] {
        var files: [OutputFile] = []
        var feeds: [(feed: Feed, always: Bool)] = []
        // The site's feed carries the newest briefings, which have the lowest indices.
        if briefings.contains(where: { $0 < Self.entriesPerFeed }) { feeds.append((siteFeed(), false)) }
        for index in model.facts.indices {
            let always = entities.contains(index)
            if always || model.facts[index].references.contains(where: { briefings.contains($0.briefing) }) {
                feeds.append((entityFeed(index), always))
            }
        }
        for index in model.tags.indices {
            let always = tags.contains(model.tags[index].slug)
            if always || model.tags[index].briefings.contains(where: briefings.contains) { feeds.append((tagFeed(index), always)) }
        }
        for (feed, always) in feeds {
            let latest = feed.briefings.sorted().prefix(Self.entriesPerFeed)
            guard always || latest.contains(where: briefings.contains) else { continue }
            var entries = [String?](repeating: nil, count: model.briefings.count)
            for index in latest { entries[index] = cachedEntry(index) }
            let xml = self.feed(path: feed.path, title: feed.title, pageURL: feed.pageURL, briefings: feed.briefings,
                                entries: entries)
            files.append(OutputFile(path: String(feed.path.dropFirst()), text: xml))
        }
        return files
    }

    /// Every feed, the sitemap and robots.txt. A feed whose key (`feedKeys`) is the one
    /// `pages` recorded for its path in the previous build is not written again: `serve` gets
    /// the bytes back, `dossier build` keeps the previous build's file. Escaping the entries
    /// (every briefing's HTML, once per build) was a quarter of a build with nothing changed.
    ///
    /// With a staging folder, each feed is written there as soon as it is made, straight from
    /// its text, and comes back as its path (as `SiteRenderer` returns pages): the feeds of a
    /// 10,000-briefing site are a hundred megabytes, which a copy into `Data` first paid for.
    func files(reusing pages: RenderCache? = nil, staging: StagingFolder? = nil) -> [OutputFile] {
        let feeds = feedList()
        let latest = feeds.map { Array($0.briefings.sorted().prefix(Self.entriesPerFeed)) }
        // A briefing's entry is the same in every feed that carries it: escape it once, and only
        // for the feeds that are not the same as in the previous build.
        let keyed = pages != nil
        let entryKeys: [Fingerprint?] = {
            var keys = [Fingerprint?](repeating: nil, count: model.briefings.count)
            guard keyed else { return keys }
            for list in latest { for index in list where keys[index] == nil { keys[index] = entryKey(index) } }
            return keys
        }()
        let feedKeys = keyed ? self.feedKeys(feeds, latest: latest, entryKeys: entryKeys) : nil
        let paths = feeds.map { String($0.path.dropFirst()) }
        let reused: [RenderCache.Reuse?] = feeds.indices.map { index in
            feedKeys.flatMap { pages?.reuse(paths[index], fingerprint: $0[index]) }
        }
        var needed = Set<Int>()
        for index in feeds.indices where reused[index] == nil { needed.formUnion(latest[index]) }
        let wanted = needed.sorted()
        let entrySlots = ResultSlots<String>(count: model.briefings.count)
        DispatchQueue.concurrentPerform(iterations: wanted.count) { position in
            entrySlots.set(wanted[position], cachedEntry(wanted[position], key: entryKeys[wanted[position]]))
        }
        let entries = entrySlots.values
        let feedSlots = ResultSlots<OutputFile>(count: feeds.count)
        let allFeeds = feeds
        DispatchQueue.concurrentPerform(iterations: allFeeds.count) { index in
            var file: OutputFile
            switch reused[index] {
            case let .bytes(data)?:
                file = OutputFile(path: paths[index], contents: data)
            case .previousFile?:
                file = OutputFile(path: paths[index], contents: Data(), reusePrevious: true)
            case nil:
                let feed = allFeeds[index]
                let xml = self.feed(path: feed.path, title: feed.title, pageURL: feed.pageURL, briefings: feed.briefings,
                                    entries: entries)
                if let staging {
                    staging.add(paths[index], text: xml)
                    file = OutputFile(path: paths[index], contents: Data())
                } else {
                    file = OutputFile(path: paths[index], text: xml)
                }
            }
            if let staging, reused[index] != nil { file = staging.stage(file) }
            if let pages, let feedKeys {
                // A staged file's bytes are in the staging folder, not in `file`.
                pages.record(paths[index], fingerprint: feedKeys[index], data: file.reusePrevious || staging != nil ? nil : file.contents)
            }
            feedSlots.set(index, file)
        }
        let others = [
            sitemap(),
            OutputFile(path: "robots.txt", text: "User-agent: *\nAllow: /\n\nSitemap: \(config.absolute("/sitemap.xml"))\n"),
        ]
        return feedSlots.values.compactMap { $0 } + others.map { staging?.stage($0) ?? $0 }
    }

    /// An entry is a function of the briefing's feed fields, its body and the base URL.
    private func entryKey(_ index: Int) -> Fingerprint {
        let briefing = model.briefings[index]
        let source = briefing.source
        var key = Fingerprint()
        key.combine(config.baseURL)
        key.combine(briefing.url)
        key.combine(source.title)
        key.combine(source.date.rfc3339)
        key.combine(source.lastModified.rfc3339)
        key.combine(source.summary)
        for tag in briefing.tags { key.combine(tag) }
        key.combine(byte: 0xFE)
        key.combine(briefing.body.fragment.digest)
        return key
    }

    /// Everything `feed(path:title:pageURL:briefings:entries:)` writes, for each feed: the site's
    /// settings, the feed's names and its entries (with an empty feed, the site's newest date).
    private func feedKeys(_ feeds: [Feed], latest: [[Int]], entryKeys: [Fingerprint?]) -> [Fingerprint] {
        var settings = Fingerprint()
        settings.combine(config.language)
        settings.combine(config.author)
        settings.combine(config.title)
        settings.combine(config.absolute("/"))
        let newest = model.briefings.map(\.source.lastModified).max()?.rfc3339 ?? "-"
        return feeds.indices.map { index in
            var key = settings
            key.combine(feeds[index].path)
            key.combine(feeds[index].title)
            key.combine(feeds[index].pageURL)
            key.combine(UInt64(latest[index].count))
            for briefing in latest[index] { key.combine(entryKeys[briefing] ?? entryKey(briefing)) }
            if latest[index].isEmpty { key.combine(newest) }
            return key
        }
    }

    private func cachedEntry(_ index: Int, key: Fingerprint? = nil) -> String {
        // A saved cache leaves entries out: escaping the few thousand that feeds carry takes
        // milliseconds, and holding them to the end of a build would raise its peak memory.
        guard let cache, !cache.persistent else { return entry(index) }
        let key = key ?? entryKey(index)
        if let entry = cache.feedEntries.reuse(key) { return entry }
        let entry = entry(index)
        cache.feedEntries.record(key, entry)
        return entry
    }

    /// One `<entry>` element, escaped and indented for the feed.
    private func entry(_ index: Int) -> String {
        let briefing = model.briefings[index]
        let source = briefing.source
        let url = config.absolute(briefing.url)
        var xml = """
          <entry>
            <id>\(Escape.xml(url))</id>
            <title>\(Escape.xml(source.title))</title>
            <link rel="alternate" type="text/html" href="\(Escape.xml(url))"/>
            <published>\(source.date.rfc3339)</published>
            <updated>\(source.lastModified.rfc3339)</updated>

        """
        if !source.summary.isEmpty { xml += "    <summary>\(Escape.xml(source.summary))</summary>\n" }
        for tag in briefing.tags {
            xml += "    <category term=\"\(Escape.xml(tag))\"/>\n"
        }
        xml += "    <content type=\"html\">\(Escape.xml(absolutize(briefing.body.html)))</content>\n  </entry>\n"
        return xml
    }

    /// RFC 4287 feed of the newest briefings among `briefings` (indices are newest first already).
    private func feed(path: String, title: String, pageURL: String, briefings: [Int], entries: [String?]) -> String {
        let latest = briefings.sorted().prefix(Self.entriesPerFeed)
        let updated = latest.map { model.briefings[$0].source.lastModified }.max()
            ?? model.briefings.map(\.source.lastModified).max() ?? SiteDate(year: 1970, month: 1, day: 1)
        let author = config.author.isEmpty ? config.title : config.author
        var xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="\(Escape.xml(config.language))">
          <id>\(Escape.xml(config.absolute(path)))</id>
          <title>\(Escape.xml(title))</title>
          <updated>\(updated.rfc3339)</updated>
          <author><name>\(Escape.xml(author))</name></author>
          <link rel="self" type="application/atom+xml" href="\(Escape.xml(config.absolute(path)))"/>
          <link rel="alternate" type="text/html" href="\(Escape.xml(config.absolute(pageURL)))"/>
          <generator>Dossier</generator>

        """
        for index in latest { xml += entries[index] ?? entry(index) }
        xml += "</feed>\n"
        return xml
    }

    /// Feed readers resolve links against the feed, not the page: make rooted links absolute.
    private func absolutize(_ html: String) -> String {
        guard config.hasAbsoluteBase else { return html }
        let root = config.absolute("/")
        return Self.absolutize(html, origin: Array(root.dropLast(config.basePath.count).utf8))
    }

    /// `html` with every `href="/` and `src="/` (not `//`) pointing into `origin`.
    static func absolutize(_ html: String, origin: [UInt8]) -> String {
        var html = html
        return html.withUTF8 { source in
            var result: [UInt8] = []
            result.reserveCapacity(source.count + 256)
            var runStart = 0  // bytes copied as they are, a run at a time
            var cursor = 0
            // Each `="/` (memchr finds the `=`, rare outside attributes) preceded by `href` or `src`.
            while cursor < source.count, let found = memchr(source.baseAddress! + cursor, 0x3D, source.count - cursor) {
                let equals = UnsafeRawPointer(found) - UnsafeRawPointer(source.baseAddress!)
                cursor = equals + 1
                guard equals + 2 < source.count, source[equals + 1] == 0x22, source[equals + 2] == 0x2F,
                      source.hasBytes("href", endingAt: equals) || source.hasBytes("src", endingAt: equals) else { continue }
                let slash = equals + 2
                result.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<slash]))
                // Keep protocol-relative "//host" links as they are.
                if !(slash + 1 < source.count && source[slash + 1] == 0x2F) { result += origin }
                result.append(0x2F)
                cursor = slash + 1
                runStart = cursor
            }
            result.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart...]))
            return String(decoding: result, as: UTF8.self)
        }
    }

    func sitemap() -> OutputFile {
        SitemapLines(model: model).file()
    }
}
