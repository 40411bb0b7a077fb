import Foundation
import XCTest
@testable import DossierCore

/// The built-in theme's lists are joined in Swift (`JoinedLists`); a theme that overrides the
/// page or the item partial renders them with Mustache. Both must write the same bytes.
final class JoinedListsTests: XCTestCase {
    private let content: [String: String] = [
        "site.yml": "title: Desk & <Co>\nper_page: 2",
        "Content/briefings/2017-01-01-a.md": briefing(
            "Alpha", date: "2017-01-01",
            extra: "tags: [iraq]\nactors: [daesh]\nsummary: First.\nevents:\n  - date: 2016-10-17\n    title: Offensive on Mosul begins\n    actors: [daesh]\n    places: [mosul]",
            body: "Daesh in Mosul. Daesh again, and ISIS."),
        "Content/briefings/2017-02-01-b.md": briefing(
            "Bravo <b>", date: "2017-02-01",
            extra: "tags: [iraq, syria]\nplaces: [mosul]\nevents:\n  - date: 2017-01\n    title: Mosul's east bank retaken\n    places: [mosul]\n  - date: 2017\n    title: A year of fighting\n    places: [iraq]",
            body: "Mosul and Daesh."),
        "Content/briefings/2017-03-01-c.md": briefing(
            "Charlie", date: "2017-03-01",
            extra: "tags: [syria]\nupdated: 2017-03-05\nsummary: Raqqa & \"the north\".\nsources:\n  - title: Undated <note>\n  - title: A report\n    url: https://example.org/r?a=1&b=2\n    date: 2017-02\n  - title: Dated only\n    date: 2017-02-27",
            body: "Daesh moves towards Raqqa; Iraq watches."),
        "Content/briefings/2017-04-01-d.md": briefing("Delta", date: "2017-04-01", extra: "tags: [iraq]\nactors: [pmu]",
                                                     body: "The PMU and Daesh near Mosul."),
        "Content/actors/daesh.md": "---\nname: Daesh\naliases: [ISIS]\n---\nProfile.",
        "Content/actors/pmu.md": "---\nname: Popular Mobilization Units\naliases: [PMU]\n---\n",
        // Entity pages are rendered by shape: lists of aliases, breadcrumbs and co-occurring
        // entities in the shape with their lengths, values that need escaping in them.
        "Content/actors/kataib.md": "---\nname: Kata'ib Hezbollah\naliases: [KH, \"Kata'ib \\\"H\\\" & <co>\"]\nkind: militia & co\nsummary: A \\\"group\\\".\n---\nIts <em>profile</em>.",
        "Content/briefings/2017-05-01-e.md": briefing("Echo", date: "2017-05-01", extra: "actors: [kataib, pmu, daesh]\nplaces: [mosul]",
                                                     body: "KH and the PMU near Mosul."),
        "Content/places/mosul.md": "---\nname: Mosul\nwithin: nineveh\n---\n",
        "Content/places/nineveh.md": "---\nname: Nineveh\nwithin: iraq\n---\n",
        "Content/places/iraq.md": "---\nname: Iraq\n---\n",
        "Content/places/raqqa.md": "---\nname: Raqqa\n---\n",
    ]

    /// Every built-in template, as a site that copied the theme into `Templates/` would have it.
    private var copiedTheme: [String: String] {
        Dictionary(uniqueKeysWithValues: DefaultTheme.templates.map { ("Templates/\($0.key).mustache", $0.value) })
    }

    private func built(_ files: [String: String]) throws -> (site: TestSite, files: [String: Data]) {
        let site = try TestSite(files)
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        return (site, visibleFiles(in: site.output))
    }

    func testJoinedListsWriteWhatMustacheWrites() throws {
        let joined = try built(content)
        let rendered = try built(content.merging(copiedTheme) { _, theme in theme })
        XCTAssertEqual(Set(joined.files.keys), Set(rendered.files.keys))
        let differing = joined.files.keys.filter { joined.files[$0] != rendered.files[$0] }.sorted()
        XCTAssertEqual(differing, [])
        // The lists the joins replaced are really there: references with their lines, events
        // through a contained place, related briefings, list pages and the timeline.
        let iraq = joined.site.output("places/iraq/index.html")
        assertContains(iraq, "Concerns <a href=\"/places/mosul/\">Mosul</a>")
        assertContains(iraq, "<span class=\"event-via\">in <a href=\"/places/mosul/\">Mosul</a></span>")
        assertContains(joined.site.output("actors/daesh/index.html"), "3 mentions")
        assertContains(joined.site.output("briefings/page/2/index.html"), "Bravo &lt;b&gt;")
        assertContains(joined.site.output("timeline/index.html"), "Mosul&#39;s east bank retaken")
        assertContains(joined.site.output("briefings/b/index.html"), "<section class=\"related\"")
        assertContains(joined.site.output("briefings/c/index.html"),
                       "<ol><li>Undated &lt;note&gt;</li><li><a href=\"https://example.org/r?a=1&amp;b=2\" rel=\"noopener\">A report</a>")
        assertContains(joined.site.output("briefings/d/index.html"),
                       "<h2>Actors</h2><ul class=\"chips\"><li><a href=\"/actors/daesh/\">Daesh</a></li><li><a href=\"/actors/pmu/\">Popular Mobilization Units</a></li></ul>")
        assertContains(joined.site.output("places/mosul/index.html"),
                       "<h2>Within</h2><ul class=\"chips\"><li><a href=\"/places/nineveh/\">Nineveh</a></li></ul>")
        let kataib = joined.site.output("actors/kataib/index.html")
        assertContains(kataib, "<span class=\"alias\">KH</span><span class=\"alias\">Kata&#39;ib &quot;H&quot; &amp; &lt;co&gt;</span>")
        assertContains(kataib, "militia &amp; co")
        assertContains(joined.site.output("places/mosul/index.html"), "<ol><li><a href=\"/places/iraq/\">Iraq</a></li><li><a href=\"/places/nineveh/\">Nineveh</a></li>")
    }

    func testOnlyTheBuiltInTemplatesAreJoined() throws {
        var diagnostics = Diagnostics()
        let builtIn = TemplateSet.load(from: URL(fileURLWithPath: "/nonexistent-dossier-templates"),
                                       displayBase: URL(fileURLWithPath: "/"), diagnostics: &diagnostics)
        for site in JoinedLists.sites {
            XCTAssertNotNil(builtIn.joinedLists.site(site.template, site.section), "\(site.template) \(site.section)")
        }
        let copied = try TestSite(copiedTheme)
        let theme = TemplateSet.load(from: copied.root.appendingPathComponent("Templates"), displayBase: copied.root,
                                     diagnostics: &diagnostics)
        for site in JoinedLists.sites {
            XCTAssertNil(theme.joinedLists.site(site.template, site.section), "\(site.template) \(site.section)")
        }
        // Shapes likewise: every page and card of the built-in theme, none of a copied one.
        XCTAssertTrue(builtIn.shapeSkeletons.templates.isSuperset(of: ["briefing", "entity", "briefings", "briefing-card", "event-card"]))
        XCTAssertEqual(theme.shapeSkeletons.templates, [])
        XCTAssertTrue(TemplateSet.reachable(from: "entity", in: DefaultTheme.templates).isSuperset(of: ["layout", "header", "entity-list"]))
        XCTAssertEqual(TemplateSet.partialNames(in: "a {{> x}}{{<y }}{{ >z/w}}{{name}}{{#s}}{{/s}}"), ["x", "y", "z/w"])
        XCTAssertEqual(diagnostics.all.filter { $0.severity == .error }.count, 0)
    }

    func testAnOverriddenItemPartialIsUsedOnEveryList() throws {
        let custom = try built(content.merging([
            "Templates/briefing-item.mustache": "<p class=\"mine\">{{title}}{{#mentions}} ({{mentions}}){{/mentions}}</p>\n",
            "Templates/event-item.mustache":
                "<li class=\"my-event\">{{title}}{{#via}} via {{name}}{{/via}}{{#entities}} [{{name}}]{{/entities}}</li>",
        ]) { _, new in new })
        assertContains(custom.site.output("actors/daesh/index.html"), "<p class=\"mine\">Alpha (3)</p>")
        // The built-in event card's entities are joined, but an item partial still gets them as a list.
        assertContains(custom.site.output("places/iraq/index.html"),
                       "<li class=\"my-event\">Offensive on Mosul begins via Mosul [Daesh] [Mosul]</li>")
        assertContains(custom.site.output("timeline/index.html"), "<li class=\"my-event\">A year of fighting [Iraq]</li>")
        assertContains(custom.site.output("tags/iraq/index.html"), "<p class=\"mine\">Delta</p>")
        assertNotContains(custom.site.output("actors/daesh/index.html"), "class=\"briefing-item\"")
    }

    /// A page that calls a theme's own partial is not rendered by shape: the partial could
    /// transform a value (here `uppercased`, `plusone` on a number) that a placeholder stands
    /// for. Overriding one partial must give what copying the whole theme with it gives.
    func testAnOverriddenPartialGetsTheValuesThemselves() throws {
        let partials = [
            "Templates/entity-list.mustache": "<ul class=\"mine\">{{#.}}<li>{{uppercased(name)}}</li>{{/.}}</ul>",
            "Templates/pagination.mustache": "{{#pagination}}<p>{{plusone(current)}} of {{total}}</p>{{/pagination}}",
        ]
        let overridden = try built(content.merging(partials) { _, new in new })
        let copied = try built(content.merging(copiedTheme) { _, theme in theme }.merging(partials) { _, new in new })
        let differing = overridden.files.keys.filter { overridden.files[$0] != copied.files[$0] }.sorted()
        XCTAssertEqual(differing, [])
        assertContains(overridden.site.output("places/mosul/index.html"), "<ul class=\"mine\"><li>NINEVEH</li></ul>")
        assertContains(overridden.site.output("briefings/page/2/index.html"), "<p>3 of 3</p>")
    }

    /// An item's wrapper is the partial's text around the one card marker it shows.
    func testWrappersSplitAtTheOneMarker() throws {
        let marker = "\u{0}card\u{0}"
        let split = try XCTUnwrap(ItemWrappers.split("<li>Mosul’s \(marker) — é</li>", at: marker))
        XCTAssertEqual(split.prefix, "<li>Mosul’s ")
        XCTAssertEqual(split.suffix, " — é</li>")
        let atEnds = try XCTUnwrap(ItemWrappers.split(marker, at: marker))
        XCTAssertEqual([atEnds.prefix, atEnds.suffix], ["", ""])
        XCTAssertNil(ItemWrappers.split("<li></li>", at: marker))
        XCTAssertNil(ItemWrappers.split("\(marker)\(marker)", at: marker))
        XCTAssertNil(ItemWrappers.split("a\(marker)b\(marker)c", at: marker))
        XCTAssertNil(ItemWrappers.split("\u{0}car", at: marker))
    }
}
