import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import DossierCore

/// Timeline, indexes, pagination, tags, related briefings, feeds and files for static hosts.
final class SitePagesTests: XCTestCase {
    private func xml(_ text: String?, file: StaticString = #filePath, line: UInt = #line) throws -> XMLDocument {
        let text = try XCTUnwrap(text, "file missing", file: file, line: line)
        return try XMLDocument(data: Data(text.utf8))
    }

    private func strings(_ document: XMLDocument, _ xpath: String) throws -> [String] {
        try document.nodes(forXPath: xpath).compactMap(\.stringValue)
    }

    func testPartialDatesSortAndDisplayAtTheirPrecision() throws {
        XCTAssertEqual(SiteDate(parsing: "2014")?.display, "2014")
        XCTAssertEqual(SiteDate(parsing: "2014-06")?.display, "June 2014")
        XCTAssertEqual(SiteDate(parsing: "2014-06-10")?.display, "10 June 2014")
        XCTAssertNil(SiteDate(parsing: "2017-02-30"))
        XCTAssertNil(SiteDate(parsing: "2014-13"))
        // Exactly written dates take a shorter path than the rest; both agree.
        for bad in ["0000", "2014-00", "2014-06-00", "2016-02-30", "2015-02-29", "201a", "2014/06", "2014-6-10", "2014-06-10x"] {
            XCTAssertNil(SiteDate(parsing: bad), bad)
        }
        XCTAssertEqual(SiteDate(parsing: "2016-02-29")?.description, "2016-02-29")
        XCTAssertEqual(SiteDate(parsing: " 2014-06 ")?.description, "2014-06")
        XCTAssertEqual(SiteDate(parsing: "2014-06-10T08:30")?.rfc3339, "2014-06-10T08:30:00Z")
        let dates = ["2014-06-10", "2015", "2014", "2014-06", "2014-05-31"].compactMap(SiteDate.init(parsing:))
        XCTAssertEqual(dates.sorted().map(\.description), ["2014", "2014-05-31", "2014-06", "2014-06-10", "2015"])

        let site = try TestSite([
            "Content/briefings/a.md": briefing("A", date: "2017-07-10", extra: """
            events:
              - date: 2014-06-10
                title: Mosul falls
              - date: 2014
                title: A year of losses
              - date: 2014-06
                title: June offensive
              - date: 2016-10-17
                title: Offensive begins
            """),
        ])
        try site.build()
        let page = try XCTUnwrap(site.output("timeline/index.html"))
        let order = ["A year of losses", "June offensive", "Mosul falls", "Offensive begins", "Briefing published"]
        let positions = order.map { page.range(of: $0)?.lowerBound }
        XCTAssertFalse(positions.contains(nil), "missing timeline entries")
        XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted())
        assertContains(page, "During 2014")
        assertContains(page, "<h3>June 2014</h3>")
        assertContains(page, "10 June 2014")
    }

    /// The timeline sorts by `packedDay`, then time of day: the same order as `SiteDate.<`.
    func testPackedDaysThenTimesOrderDatesAsTheyCompare() {
        let texts = ["0001", "2014", "2014-01", "2014-06", "2014-12", "2014-06-01", "2014-06-10", "2014-06-30", "2014-12-31",
                     "2014-06-10T08:00:00Z", "2014-06-10T21:15", "2014-06-10T08:00:00+02:00", "2015", "2015-01-01", "9999-12-31"]
        let dates = texts.map { SiteDate(parsing: $0)! }
        for a in dates {
            for b in dates {
                let packed = (a.packedDay, a.time ?? "") < (b.packedDay, b.time ?? "")
                XCTAssertEqual(packed, a < b, "\(a) and \(b)")
                XCTAssertEqual(a.packedDay == b.packedDay && a.time == b.time, a == b, "\(a) and \(b)")
            }
        }
    }

    func testAnUndatedSourceShowsNoDate() throws {
        let site = try TestSite([
            "Content/briefings/src.md": briefing("Sources", date: "2017-04-01", extra: """
                sources:
                  - title: Undated report
                    url: https://example.org/a
                  - title: Dated report
                    date: 2017-03-01
                """),
        ])
        XCTAssertTrue(try site.build().succeeded)
        let page = site.output("briefings/src/index.html")
        assertContains(page, "<li><a href=\"https://example.org/a\" rel=\"noopener\">Undated report</a></li>")
        assertContains(page, "<li>Dated report, <time datetime=\"2017-03-01\">1 March 2017</time></li>")
    }

    func testPaginationEdges() throws {
        func site(count: Int) throws -> TestSite {
            var files = ["site.yml": "per_page: 3"]
            for index in 0..<count {
                files["Content/briefings/b\(index).md"] = briefing("Briefing \(index)", date: String(format: "2017-01-%02d", index + 1))
            }
            return try TestSite(files)
        }
        let exact = try site(count: 3)
        try exact.build()
        XCTAssertEqual(exact.output("briefings/index.html")?.components(separatedBy: "class=\"briefing-item\"").count, 4)
        XCTAssertNil(exact.output("briefings/page/2/index.html"))
        assertNotContains(exact.output("briefings/index.html"), "rel=\"next\"")

        let oneMore = try site(count: 4)
        try oneMore.build()
        let first = try XCTUnwrap(oneMore.output("briefings/index.html"))
        let second = try XCTUnwrap(oneMore.output("briefings/page/2/index.html"))
        assertContains(first, #"<a rel="next" href="/briefings/page/2/">"#)
        assertNotContains(first, "rel=\"prev\"")
        assertContains(second, #"<a rel="prev" href="/briefings/">"#)
        assertContains(second, "Briefing 0")
        assertNotContains(second, "Briefing 3")
        XCTAssertEqual(second.components(separatedBy: "class=\"briefing-item\"").count, 2)
        XCTAssertNil(oneMore.output("briefings/page/3/index.html"))
    }

    func testTagSpellingsThatMakeOneSlugAreOneTag() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("A", extra: "tags: [Counter-Terrorism]"),
            "Content/briefings/b.md": briefing("B", extra: "tags: [counter terrorism, \"Kurds/KRG\", \"Ṣaḥwa\", \"الحشد\"]"),
        ])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let tag = try XCTUnwrap(site.output("tags/counter-terrorism/index.html"))
        assertContains(tag, ">A<")
        assertContains(tag, ">B<")
        XCTAssertNotNil(site.output("tags/kurds-krg/index.html"))
        XCTAssertNotNil(site.output("tags/sahwa/index.html"))
        assertContains(site.output("tags/index.html"), "Ṣaḥwa")
        let arabic = try XCTUnwrap(site.output("tags/index.html")).components(separatedBy: "href=\"/tags/t-").count
        XCTAssertEqual(arabic, 2, "an all-Arabic tag gets a stable ASCII slug")
    }

    func testRelatedBriefingsRankRareSharedEntitiesHigher() throws {
        let site = try TestSite([
            "Content/briefings/target.md": briefing("Target", extra: "tags: [iraq]\nactors: [rare]\nplaces: [common]"),
            "Content/briefings/shares-rare.md": briefing("Shares rare", extra: "actors: [rare]"),
            "Content/briefings/shares-common.md": briefing("Shares common", extra: "places: [common]"),
            "Content/briefings/shares-tag.md": briefing("Shares tag", extra: "tags: [iraq]\nplaces: [common]"),
            "Content/briefings/f1.md": briefing("F1", extra: "places: [common]\ntags: [iraq]"),
            "Content/briefings/unrelated.md": briefing("Unrelated"),
            "Content/actors/rare.md": "---\nname: Rare Actor\n---\n",
            "Content/places/common.md": "---\nname: Common Place\n---\n",
        ])
        try site.build()
        let page = try XCTUnwrap(site.output("briefings/target/index.html"))
        let related = try XCTUnwrap(page.components(separatedBy: "id=\"related-heading\"").last)
        let rare = try XCTUnwrap(related.range(of: "Shares rare")).lowerBound
        let common = try XCTUnwrap(related.range(of: "Shares common")).lowerBound
        XCTAssertLessThan(rare, common)
        assertContains(related, "Shares tag")
        assertNotContains(related, "Unrelated")
        // Two entries sharing two features outrank one that shares one common feature.
        XCTAssertLessThan(try XCTUnwrap(related.range(of: "Shares tag")).lowerBound, common)
    }

    func testSiteFeedIsValidAtomWithAbsoluteURLsInDateOrder() throws {
        var files = ["site.yml": "title: Levant Monitor\nbase_url: https://example.org/levant/\nauthor: The desk"]
        for index in 0..<25 {
            files["Content/briefings/b\(index).md"] = briefing("Briefing \(index)", date: String(format: "2016-%02d-10", index % 12 + 1).replacingOccurrences(of: "2016", with: String(2000 + index)),
                                                             extra: "summary: Summary \(index) & more", body: "See [[b0]].")
        }
        let site = try TestSite(files)
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let feed = try xml(site.output("atom.xml"))
        let root = try XCTUnwrap(feed.rootElement())
        XCTAssertEqual(root.name, "feed")
        XCTAssertEqual(root.uri, "http://www.w3.org/2005/Atom")
        for required in ["id", "title", "updated", "author"] {
            XCTAssertEqual(root.elements(forName: required).count, 1, "feed lacks \(required)")
        }
        let entries = root.elements(forName: "entry")
        XCTAssertEqual(entries.count, 20)
        var previous: String?
        for entry in entries {
            for required in ["id", "title", "updated", "link", "content"] {
                XCTAssertFalse(entry.elements(forName: required).isEmpty, "entry lacks \(required)")
            }
            let link = try XCTUnwrap(entry.elements(forName: "link").first)
            let href = try XCTUnwrap(link.attributes?.first { $0.name == "href" }?.stringValue, link.xmlString)
            XCTAssertTrue(href.hasPrefix("https://example.org/levant/briefings/"), href)
            let updated = try XCTUnwrap(entry.elements(forName: "updated").first?.stringValue)
            if let previous { XCTAssertGreaterThanOrEqual(previous, updated) }
            previous = updated
            let content = try XCTUnwrap(entry.elements(forName: "content").first?.stringValue)
            XCTAssertTrue(content.contains("href=\"https://example.org/levant/briefings/b0/\""), content)
        }
        XCTAssertEqual(try strings(feed, "/*[local-name()='feed']/*[local-name()='entry'][1]/*[local-name()='title']"), ["Briefing 24"])
    }

    /// Feeds make rooted links absolute by finding each `="/` (`FeedWriter.absolutize`); the
    /// first way, trying both attributes at every `h` and `s`, must agree on any text.
    func testFeedLinksAreMadeAbsoluteAsByTheBytewiseScan() {
        func reference(_ html: String, origin: [UInt8]) -> String {
            let source = Array(html.utf8)
            let patterns = [Array("href=\"/".utf8), Array("src=\"/".utf8)]
            var result: [UInt8] = []
            var index = 0
            while index < source.count {
                guard let pattern = patterns.first(where: { index + $0.count <= source.count && Array(source[index..<index + $0.count]) == $0 }) else {
                    result.append(source[index])
                    index += 1
                    continue
                }
                result += pattern.dropLast()
                if !(index + pattern.count < source.count && source[index + pattern.count] == 0x2F) { result += origin }
                result.append(0x2F)
                index += pattern.count
            }
            return String(decoding: result, as: UTF8.self)
        }
        let origin = Array("https://example.org".utf8)
        XCTAssertEqual(FeedWriter.absolutize(#"<a href="/a/">x</a><img src="/i.png"><a href="//cdn/x">"#, origin: origin),
                       #"<a href="https://example.org/a/">x</a><img src="https://example.org/i.png"><a href="//cdn/x">"#)
        let pieces = ["href=\"/", "src=\"/", "=\"/", "href", "src", "=", "\"", "/", "//", "h", "s", "a", "é", " "]
        var generator = SplitMix(state: 113)  // seeded, so a failure reproduces
        for _ in 0..<3000 {
            let html = (0..<Int.random(in: 0...24, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            XCTAssertEqual(FeedWriter.absolutize(html, origin: origin), reference(html, origin: origin), html)
        }
    }

    func testEntityAndTagFeedsExistAndAreAnnounced() throws {
        let site = try TestSite([
            "site.yml": "base_url: https://example.org/",
            "Content/briefings/a.md": briefing("A", extra: "tags: [iraq]\nactors: [daesh]\nplaces: [mosul]"),
            "Content/actors/daesh.md": "---\nname: Daesh\n---\n",
            "Content/places/mosul.md": "---\nname: Mosul\n---\n",
        ])
        try site.build()
        for path in ["actors/daesh/", "places/mosul/", "tags/iraq/"] {
            let feed = try xml(site.output(path + "atom.xml"))
            XCTAssertEqual(feed.rootElement()?.elements(forName: "entry").count, 1, path)
            assertContains(site.output(path + "index.html"),
                           #"<link rel="alternate" type="application/atom+xml" title="Dossier: "#)
            assertContains(site.output(path + "index.html"), "href=\"https://example.org/\(path)atom.xml\"")
        }
    }

    /// A list's date in the sitemap is the newest last modification among its briefings, which
    /// need not be the newest briefing's: an older one may have been updated later.
    func testSitemapDatesListsByTheirNewestModificationAndSortsByURL() throws {
        let site = try TestSite([
            "site.yml": "base_url: https://example.org/\n",
            "Content/actors/daesh.md": "---\nname: Daesh\n---\nA group.\n",
            "Content/places/mosul.md": "---\nname: Mosul\n---\nA city.\n",
            "Content/briefings/old.md": briefing("Old", date: "2016-03-01", extra: "updated: 2018-02-03\ntags: [iraq]\nactors: [daesh]"),
            "Content/briefings/new.md": briefing("New", date: "2017-06-22", extra: "tags: [iraq, syria]\nactors: [daesh]\nplaces: [mosul]"),
            "Content/briefings/mid.md": briefing("Mid", date: "2017-01-15", extra: "tags: [syria]"),
        ])
        try site.build()
        let sitemap = try xml(site.output("sitemap.xml"))
        func lastmod(_ path: String) throws -> [String] {
            try strings(sitemap, "//*[local-name()='url'][*[local-name()='loc']='https://example.org\(path)']/*[local-name()='lastmod']")
        }
        XCTAssertEqual(try lastmod("/actors/daesh/"), ["2018-02-03"])
        XCTAssertEqual(try lastmod("/places/mosul/"), ["2017-06-22"])
        XCTAssertEqual(try lastmod("/tags/iraq/"), ["2018-02-03"])
        XCTAssertEqual(try lastmod("/tags/syria/"), ["2017-06-22"])
        XCTAssertEqual(try lastmod("/"), ["2018-02-03"])
        XCTAssertEqual(try lastmod("/briefings/mid/"), ["2017-01-15"])
        let locations = try strings(sitemap, "//*[local-name()='loc']")
        XCTAssertEqual(locations, locations.sorted())
        XCTAssertEqual(Set(locations).count, locations.count)
    }

    func testSitemapRobotsNotFoundCanonicalAndOpenGraph() throws {
        let site = try TestSite([
            "site.yml": "base_url: https://example.org/levant/",
            "Content/briefings/a.md": briefing("A", date: "2017-06-22", extra: "updated: 2017-07-01\ntags: [iraq]"),
            "Content/pages/about.md": "---\ntitle: About\n---\nUs.",
        ])
        try site.build()
        let sitemap = try xml(site.output("sitemap.xml"))
        let locations = try strings(sitemap, "//*[local-name()='loc']")
        XCTAssertTrue(locations.contains("https://example.org/levant/briefings/a/"))
        XCTAssertTrue(locations.contains("https://example.org/levant/about/"))
        XCTAssertTrue(locations.contains("https://example.org/levant/tags/iraq/"))
        XCTAssertFalse(locations.contains { $0.contains("404") })
        XCTAssertTrue(locations.allSatisfy { $0.hasPrefix("https://example.org/levant/") })
        let lastmod = try strings(sitemap, "//*[local-name()='url'][*[local-name()='loc']='https://example.org/levant/briefings/a/']/*[local-name()='lastmod']")
        XCTAssertEqual(lastmod, ["2017-07-01"])
        assertContains(site.output("robots.txt"), "Sitemap: https://example.org/levant/sitemap.xml")
        assertContains(site.output("404.html"), "Page not found")
        let page = try XCTUnwrap(site.output("briefings/a/index.html"))
        assertContains(page, #"<link rel="canonical" href="https://example.org/levant/briefings/a/">"#)
        assertContains(page, #"<meta property="og:type" content="article">"#)
        assertContains(page, #"<meta property="og:url" content="https://example.org/levant/briefings/a/">"#)
    }

    func testHomePageShowsLatestKeyEntitiesAndRecentEvents() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("Oldest", date: "2015-01-01", extra: "actors: [daesh]"),
            "Content/briefings/b.md": briefing("Newest", date: "2017-01-01", extra: """
            actors: [daesh]
            places: [mosul]
            events:
              - date: 2016-10-17
                title: Offensive begins
            """),
            "Content/actors/daesh.md": "---\nname: Daesh\n---\n",
            "Content/places/mosul.md": "---\nname: Mosul\n---\n",
        ])
        try site.build()
        let home = try XCTUnwrap(site.output("index.html"))
        XCTAssertLessThan(try XCTUnwrap(home.range(of: "Newest")).lowerBound, try XCTUnwrap(home.range(of: "Oldest")).lowerBound)
        assertContains(home, "Key actors")
        assertContains(home, #"<a href="/actors/daesh/">Daesh</a>"#)
        assertContains(home, "Offensive begins")
    }
}

extension SitePagesTests {
    func testXMLEscapingCoversMarkupQuotesAndForbiddenCharacters() {
        XCTAssertEqual(Escape.xml("plain text, é and ’"), "plain text, é and ’")
        XCTAssertEqual(Escape.xml("a < b & \"c\" > 'd'"), "a &lt; b &amp; &quot;c&quot; &gt; &#39;d&#39;")
        XCTAssertEqual(Escape.xml("bell\u{07}tab\tline\nend\u{FFFE}\u{FFFF}!"), "belltab\tline\nend!")
    }

    /// The reading time's word count works eight bytes at a time; it must agree with counting
    /// byte by byte, wherever the words and the chunk boundaries fall.
    func testWordCountAgreesWithAByteByByteCount() {
        func reference(_ text: String) -> Int {
            var count = 0, inWord = false
            for byte in text.utf8 {
                let isSpace = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
                if !isSpace && !inWord { count += 1 }
                inWord = !isSpace
            }
            return count
        }
        var rng = SplitMix(state: 99)
        let pieces = ["a", "word", " ", "  ", "\n", "\t", "\r\n", "é", "داعش", "\u{0B}", "x y", "\u{A0}"]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...30, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            XCTAssertEqual(BodyRenderer.wordCount(text), reference(text), text.debugDescription)
        }
        XCTAssertEqual(BodyRenderer.wordCount("sixteen letters. then nine more words follow here to cross chunks"), 11)
    }

    func testDoubleBracketsAreFoundWherever() {
        for text in ["[[", "x[[y", "a[b[[", String(repeating: "[a", count: 40) + "[["] {
            XCTAssertTrue(BodyRenderer.containsDoubleBracket(text), text)
        }
        for text in ["", "[", "a[b[c", "[ [", "]]", String(repeating: "[a", count: 40) + "["] {
            XCTAssertFalse(BodyRenderer.containsDoubleBracket(text), text)
        }
    }
}
