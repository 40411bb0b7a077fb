import DossierMarkdown
import Foundation

/// What one Markdown body yields: its HTML with cross-links, and what it refers to.
struct RenderedBody: Sendable {
    /// The HTML with its fingerprint, hashed once here rather than on every page that shows it.
    var fragment: HTMLFragment
    var html: String { fragment.html }
    var headings: [MarkdownHeading]
    /// Entity index → number of mentions and wiki-links in the text.
    var mentions: [Int: Int]
    /// Briefing slugs the text wiki-links to.
    var linkedBriefings: [String]
    var wordCount: Int
    var diagnostics: [Diagnostic]
    /// Links and images the author wrote, positions relative to the body.
    var links: [MarkdownLink] = []
    /// The text has wiki-links (however they were written: `[[`, `&#91;&#91;`, `\[\[`), so the
    /// HTML depends on the briefings' and pages' slugs and titles.
    var hasWikiLinks = false
    /// The wiki-link targets looked up among briefings and pages: the HTML depends on what these
    /// resolve to, and on no other document. Nil when it depends on every document's slug (an
    /// unresolved wiki-link's "did you mean" looks at all of them).
    var documentTargets: [String]? = []
    /// Mentions found and the CPU time spent finding them, for the benchmark's figures.
    var mentionCount = 0
    var matchingNanoseconds: UInt64 = 0
}

/// Parses a body once, links mentions and wiki-links as real link nodes, renders HTML.
struct BodyRenderer: Sendable {
    let matcher: MentionMatcher
    let directory: EntityDirectory
    let config: SiteConfig
    /// Briefing and page slugs a wiki-link may target, with their URLs and titles.
    var documentURLs: [String: (url: String, title: String)]
    /// Each entity's link, as a mention links it: made once, not per mention (reading an
    /// `Entity` out of the directory copied all of its fields).
    private let mentionLinks: [(url: String, title: String)]

    init(matcher: MentionMatcher, directory: EntityDirectory, config: SiteConfig,
         documentURLs: [String: (url: String, title: String)]) {
        self.matcher = matcher
        self.directory = directory
        self.config = config
        self.documentURLs = documentURLs
        mentionLinks = directory.entities.map { (config.link($0.url), $0.name) }
    }

    struct Request {
        var markdown: String
        var file: String
        var bodyLine: Int
        var linking: LinkingMode
        /// Entities listed in front matter: they win when a name belongs to an actor and a place.
        var listed: Set<Int> = []
        /// The entity whose profile this is: never linked to itself.
        var owner: Int?
        /// Set, with `markdown` empty, for a body the loader left unread.
        var unread: UnreadBody?

        /// What caches key the body's text by.
        var markdownDigest: Fingerprint { unread?.digest ?? Fingerprint(of: markdown) }
    }

    /// The body of a file the loader left unread, if it still has the digest the loader was
    /// given for it.
    static func read(_ unread: UnreadBody, file: String, budgets: Budgets) -> String? {
        guard let bytes = ContentLoader.readBytes(unread.path, limit: budgets.maxFileBytes + 1, expected: 0) else { return nil }
        var diagnostics = Diagnostics()
        guard let source = SourceText.decode(bytes, path: file, budgets: budgets, diagnostics: &diagnostics),
              diagnostics.all.isEmpty, Fingerprint(of: source.body) == unread.digest else { return nil }
        return source.body
    }

    private static let wikiLink = try! NSRegularExpression(pattern: #"\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]+))?\]\]"#)

    func render(_ request: Request) -> RenderedBody {
        let budgets = config.budgets  // budget hooks: Watchdog.swift
        var request = request
        if let unread = request.unread {
            guard let markdown = Self.read(unread, file: request.file, budgets: budgets) else {
                return BodyBudget.refused(Diagnostic(.error, id: "dossier.content.changed", file: request.file, line: request.bodyLine,
                                                     column: 1, "the file changed while the site was being built; build again"))
            }
            request.markdown = markdown
            request.unread = nil
        }
        if let refused = BodyBudget.beforeParsing(request.markdown, file: request.file, bodyLine: request.bodyLine, budgets: budgets) { return refused }
        let watch = Watchdog.shared.begin(file: request.file, line: request.bodyLine, seconds: budgets.maxPageSeconds)
        defer { Watchdog.shared.end(watch) }
        let document = MarkdownDocument(markdown: Self.composed(request.markdown),
                                        options: MarkdownOptions(allowRawHTML: config.rawHTML))
        if let refused = BodyBudget.afterParsing(document, file: request.file, bodyLine: request.bodyLine, budgets: budgets) { return refused }
        var diagnostics: [Diagnostic] = []
        var mentions: [Int: Int] = [:]
        var linked: Set<Int> = []
        var linkedBriefings: [String] = []
        var words = 0
        var mentionCount = 0
        var matchingNanoseconds: UInt64 = 0
        var hasWikiLinks = false
        var documentTargets: [String]? = []
        let authored = document.authoredLinks(rootPrefix: config.basePath)

        for run in document.textRuns() {
            words += Self.wordCount(run.text)
            var links: [TextLink] = []
            let wikiLinks = run.context == .link ? [] : wikiLinks(in: run.text)
            if !wikiLinks.isEmpty { hasWikiLinks = true }
            let matchStart = DispatchTime.now().uptimeNanoseconds
            let found = matcher.matches(in: run.text)
            matchingNanoseconds += DispatchTime.now().uptimeNanoseconds - matchStart
            mentionCount += found.count
            let mentionsInRun = found.filter { match in
                !wikiLinks.contains { $0.range.overlaps(match.range) }
            }
            // Wiki-links and mentions are handled in reading order, so `first` links the first one met.
            var cursorWiki = 0
            var cursorMention = 0
            while cursorWiki < wikiLinks.count || cursorMention < mentionsInRun.count {
                let takeWiki = cursorMention >= mentionsInRun.count || (cursorWiki < wikiLinks.count &&
                    wikiLinks[cursorWiki].range.lowerBound < mentionsInRun[cursorMention].range.lowerBound)
                if takeWiki {
                    let wiki = wikiLinks[cursorWiki]
                    cursorWiki += 1
                    let (resolved, lookedUp) = resolveWikiLink(wiki.target)
                    if let lookedUp { documentTargets?.append(lookedUp) }
                    guard let resolved else {
                        documentTargets = nil
                        let (line, column) = position(of: wiki.range.lowerBound, in: run, bodyLine: request.bodyLine)
                        let suggestion = Suggestion.closest(to: wiki.target, in: directory.allNames + documentURLs.keys)
                        diagnostics.append(Diagnostic(.error, id: "dossier.wikilink.unresolved", file: request.file,
                                                      line: line, column: column,
                                                      "unresolved wiki-link '[[\(wiki.target)]]'",
                                                      notes: suggestion.map { ["did you mean '\($0)'?"] } ?? []))
                        continue
                    }
                    if case let .entity(index) = resolved {
                        mentions[index, default: 0] += 1
                        linked.insert(index)
                    } else if case let .document(slug, _) = resolved {
                        linkedBriefings.append(slug)
                    }
                    links.append(TextLink(range: wiki.range, url: url(for: resolved),
                                          label: wiki.label ?? defaultLabel(for: resolved, written: wiki.target)))
                    continue
                }
                let match = mentionsInRun[cursorMention]
                cursorMention += 1
                let entity = choose(match.entities, listed: request.listed)
                guard entity != request.owner else { continue }
                mentions[entity, default: 0] += 1
                guard run.context == .prose else { continue }
                switch request.linking {
                case .none: continue
                case .first: guard linked.insert(entity).inserted else { continue }
                case .all: break
                }
                links.append(TextLink(range: match.range, url: mentionLinks[entity].url, title: mentionLinks[entity].title))
            }
            if !links.isEmpty {
                document.insertLinks(links.sorted { $0.range.lowerBound < $1.range.lowerBound }, in: run)
            }
        }
        let headings = document.assignHeadingIDs(reserved: ["content", "main"])
        let html = document.renderHTML()
        if let refused = BodyBudget.afterRendering(html, markdown: request.markdown, file: request.file, bodyLine: request.bodyLine,
                                                   budgets: budgets, watch: watch) { return refused }
        return RenderedBody(fragment: HTMLFragment(html), headings: headings, mentions: mentions,
                            linkedBriefings: linkedBriefings, wordCount: words, diagnostics: diagnostics, links: authored,
                            hasWikiLinks: hasWikiLinks, documentTargets: documentTargets, mentionCount: mentionCount,
                            matchingNanoseconds: matchingNanoseconds)
    }

    /// Words for the reading time: runs of bytes between ASCII whitespace (fast, and exact
    /// enough for a minutes estimate).
    static func wordCount(_ text: String) -> Int {
        // Over the contiguous bytes when the string has them (text runs do): iterating the
        // UTF-8 view checks an index per byte.
        text.utf8.withContiguousStorageIfAvailable(wordCount(bytes:)) ?? wordCountByByte(text.utf8)
    }

    /// Eight bytes a step: a word starts where a byte that is not a space follows one that is
    /// (or the start), and those starts are counted as the high bits of a mask.
    static func wordCount(bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        var previousIsSpace: UInt64 = 1  // the start counts as a space
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = ByteLanes.load(bytes, at: offset)
            let spaces = ByteLanes.bytes(word, equalTo: 0x20) | ByteLanes.bytes(word, equalTo: 0x0A)
                | ByteLanes.bytes(word, equalTo: 0x09) | ByteLanes.bytes(word, equalTo: 0x0D)
            let afterSpace = spaces << 8 | previousIsSpace << 7
            count += (~spaces & ByteLanes.highs & afterSpace).nonzeroBitCount
            previousIsSpace = spaces >> 63
            offset += 8
        }
        return count + wordCountByByte(bytes[offset...], afterSpace: previousIsSpace != 0)
    }

    /// Byte by byte: the bytes `wordCount(bytes:)` leaves after its last step, and strings
    /// without contiguous storage.
    private static func wordCountByByte<Bytes: Sequence<UInt8>>(_ bytes: Bytes, afterSpace: Bool = true) -> Int {
        var count = 0
        var inWord = !afterSpace
        for byte in bytes {
            let isSpace = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
            if !isSpace && !inWord { count += 1 }
            inWord = !isSpace
        }
        return count
    }

    static func containsDoubleBracket(_ text: String) -> Bool {
        func contains<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
            var previous: UInt8 = 0
            for byte in bytes {
                if byte == 0x5B && previous == 0x5B { return true }
                previous = byte
            }
            return false
        }
        // memchr finds each '[' (most runs have none) far faster than a loop over the bytes.
        func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard var cursor = bytes.baseAddress.map(UnsafeRawPointer.init) else { return false }
            let end = cursor + bytes.count
            while cursor < end, let bracket = memchr(cursor, 0x5B, end - cursor) {
                let next = UnsafeRawPointer(bracket) + 1
                if next < end && next.load(as: UInt8.self) == 0x5B { return true }
                cursor = next
            }
            return false
        }
        return text.utf8.withContiguousStorageIfAvailable(find) ?? contains(text.utf8)
    }

    /// Names match in NFC. Text typed on most systems already is; decomposed text (common from
    /// macOS file names or some PDF copies) carries combining marks from U+0300–U+036F, whose
    /// UTF-8 lead bytes are 0xCC and 0xCD, so only such text pays for normalisation.
    static func composed(_ text: String) -> String {
        func hasMarks<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool { bytes.contains { $0 == 0xCC || $0 == 0xCD } }
        /// Eight bytes a step, then the rest one by one.
        func hasMarks(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var offset = 0
            while offset + 8 <= bytes.count {
                let word = ByteLanes.load(bytes, at: offset)
                if ByteLanes.bytes(word, equalTo: 0xCC) | ByteLanes.bytes(word, equalTo: 0xCD) != 0 { return true }
                offset += 8
            }
            return hasMarks(bytes[offset...])
        }
        let marked = text.utf8.withContiguousStorageIfAvailable(hasMarks(bytes:)) ?? hasMarks(text.utf8)
        return marked ? text.precomposedStringWithCanonicalMapping : text
    }

    private enum WikiTarget {
        case entity(Int)
        case document(slug: String, title: String)
    }

    /// `[[mosul]]` shows "Mosul": an id is shown as the entity's name, a slug as the title.
    private func defaultLabel(for target: WikiTarget, written: String) -> String {
        switch target {
        case let .entity(index):
            let entity = directory.entities[index]
            return written.trimmingWhitespace() == entity.id ? entity.name : written
        case let .document(_, title):
            return title
        }
    }

    /// What a wiki-link points to, and the slug looked up among briefings and pages (nil when an
    /// entity answered first).
    private func resolveWikiLink(_ target: String) -> (WikiTarget?, lookedUp: String?) {
        let trimmed = target.trimmingWhitespace()
        if let index = directory.lookup(trimmed).sorted(by: { directory.entities[$0].kind == .actor && directory.entities[$1].kind != .actor }).first,
           !directory.entities[index].isStub {
            return (.entity(index), nil)
        }
        if let document = documentURLs[trimmed] { return (.document(slug: trimmed, title: document.title), trimmed) }
        return (nil, trimmed)
    }

    private func url(for target: WikiTarget) -> String {
        switch target {
        case let .entity(index): return config.link(directory.entities[index].url)
        case let .document(slug, _): return config.link(documentURLs[slug]?.url ?? "/")
        }
    }

    private func wikiLinks(in text: String) -> [(range: Range<String.Index>, target: String, label: String?)] {
        guard Self.containsDoubleBracket(text) else { return [] }
        let nsText = text as NSString
        return Self.wikiLink.matches(in: text, range: NSRange(location: 0, length: nsText.length)).compactMap { match in
            guard let range = Range(match.range, in: text), let targetRange = Range(match.range(at: 1), in: text) else {
                return nil
            }
            let label = Range(match.range(at: 2), in: text).map { String(text[$0]) }
            return (range, String(text[targetRange]), label)
        }
    }

    /// An actor and a place may share a name; front matter decides, then actors win.
    private func choose(_ candidates: [Int], listed: Set<Int>) -> Int {
        guard candidates.count > 1 else { return candidates[0] }
        let preferred = candidates.filter(listed.contains)
        if preferred.count == 1 { return preferred[0] }
        let pool = preferred.isEmpty ? candidates : preferred
        return pool.first { directory.entities[$0].kind == .actor } ?? pool[0]
    }

    private func position(of index: String.Index, in run: TextRun, bodyLine: Int) -> (Int, Int) {
        let before = run.text[..<index]
        let newlines = before.filter { $0 == "\n" }.count
        let line = run.line + bodyLine - 1 + newlines
        if newlines == 0 { return (line, run.column + before.count) }
        return (line, before.count - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) } ?? 0))
    }
}
