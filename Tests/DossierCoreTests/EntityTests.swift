import Foundation
import XCTest
@testable import DossierCore

/// Actors, places, mentions, wiki-links and entity pages.
final class EntityTests: XCTestCase {
    private let entities = [
        "Content/actors/daesh.md": """
        ---
        name: Daesh
        aliases: [ISIS, IS, Islamic State, "Islamic State of Iraq and the Levant", "داعش"]
        kind: armed group
        summary: Salafi-jihadist group.
        ---
        Profile text.
        """,
        "Content/actors/pmu.md": "---\nname: Popular Mobilization Units\naliases: [PMU, Hashd al-Shaabi]\nkind: militia coalition\n---\n",
        "Content/actors/kataib-hezbollah.md": "---\nname: Kata'ib Hezbollah\npart_of: [pmu]\nkind: militia\n---\n",
        "Content/actors/shia-parties.md": "---\nname: Shi’a parties\nkind: party\n---\n",
        "Content/places/iraq.md": "---\nname: Iraq\nkind: country\n---\n",
        "Content/places/nineveh.md": "---\nname: Nineveh\nwithin: iraq\nkind: province\n---\n",
        "Content/places/mosul.md": "---\nname: Mosul\naliases: [al-Mawsil, \"الموصل\"]\nwithin: nineveh\nkind: city\n---\n",
    ]

    private func site(_ files: [String: String]) throws -> TestSite {
        try TestSite(entities.merging(files) { $1 })
    }

    private func body(_ site: TestSite, _ slug: String) throws -> String {
        let page = try XCTUnwrap(site.output("briefings/\(slug)/index.html"))
        let start = try XCTUnwrap(page.range(of: "<div class=\"body\">")).upperBound
        let end = try XCTUnwrap(page.range(of: "<aside class=\"briefing-aside\"")).lowerBound
        return String(page[start..<end])
    }

    private func links(in html: String, to url: String) -> Int {
        html.components(separatedBy: "href=\"\(url)\"").count - 1
    }

    func testTheAliasISMatchesNeitherIsNorTheInsideOfISIS() throws {
        let site = try site(["Content/briefings/a.md": briefing("A", extra: "linking: all", body: "This is what ISIS is. IS fighters (IS) left.")])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let html = try body(site, "a")
        XCTAssertTrue(html.contains("This is what <a href=\"/actors/daesh/\" title=\"Daesh\">ISIS</a> is."), html)
        XCTAssertTrue(html.contains("<a href=\"/actors/daesh/\" title=\"Daesh\">IS</a> fighters (<a href=\"/actors/daesh/\" title=\"Daesh\">IS</a>)"), html)
        XCTAssertEqual(links(in: html, to: "/actors/daesh/"), 3)
    }

    func testLongestNameWins() throws {
        let site = try site(["Content/briefings/a.md": briefing("A", body: "The Islamic State of Iraq and the Levant grew.")])
        try site.build()
        assertContains(try body(site, "a"), ">Islamic State of Iraq and the Levant</a> grew.")
    }

    func testApostrophesPossessivesAndLineBreaks() throws {
        let site = try site(["Content/briefings/a.md": briefing("A", extra: "linking: all", body: """
        Daesh’s fighters and Daesh's emirs. Shi'a parties met. Kata’ib
        Hezbollah moved.
        """)])
        try site.build()
        let html = try body(site, "a")
        XCTAssertEqual(links(in: html, to: "/actors/daesh/"), 2, html)
        assertContains(html, #"<a href="/actors/daesh/" title="Daesh">Daesh</a>’s"#)
        assertContains(html, ">Shi'a parties</a>")
        assertContains(html, ">Kata’ib\nHezbollah</a>")
    }

    func testMentionsInCodeLinksHeadingsAndAltTextAreNotLinked() throws {
        let site = try site(["Content/briefings/a.md": briefing("A", body: """
        ## Mosul under siege

        `Mosul` and [the city of Mosul](https://example.org) and ![Mosul skyline](/x.png)

            Mosul in a code block

        Finally Mosul.
        """)])
        try site.build()
        let html = try body(site, "a")
        XCTAssertEqual(links(in: html, to: "/places/mosul/"), 1, html)
        assertContains(html, #"Finally <a href="/places/mosul/" title="Mosul">Mosul</a>."#)
        assertContains(html, #"<h2 id="mosul-under-siege">Mosul under siege</h2>"#)
        assertContains(html, "<code>Mosul</code>")
        assertContains(html, #"alt="Mosul skyline""#)
    }

    func testLinkingModes() throws {
        let text = "Mosul, Mosul and Mosul."
        let site = try site([
            "site.yml": "linking: first",
            "Content/briefings/first.md": briefing("First", body: text),
            "Content/briefings/all.md": briefing("All", extra: "linking: all", body: text),
            "Content/briefings/none.md": briefing("None", extra: "linking: none", body: text),
        ])
        try site.build()
        XCTAssertEqual(links(in: try body(site, "first"), to: "/places/mosul/"), 1)
        XCTAssertEqual(links(in: try body(site, "all"), to: "/places/mosul/"), 3)
        XCTAssertEqual(links(in: try body(site, "none"), to: "/places/mosul/"), 0)
        // Every mention counts as a reference, linked or not.
        let mosul = try XCTUnwrap(site.output("places/mosul/index.html"))
        assertContains(mosul, ">None<")
        assertContains(mosul, "3 mentions")
    }

    func testANameSharedByAnActorAndAPlaceFollowsFrontMatterThenPrefersTheActor() throws {
        let site = try site([
            "Content/actors/iran.md": "---\nname: Iran\n---\n",
            "Content/places/iran.md": "---\nname: Iran\n---\n",
            "Content/briefings/place.md": briefing("Place", extra: "places: [iran]", body: "Iran."),
            "Content/briefings/neither.md": briefing("Neither", body: "Iran."),
        ])
        try site.build()
        assertContains(try body(site, "place"), #"href="/places/iran/""#)
        assertContains(try body(site, "neither"), #"href="/actors/iran/""#)
    }

    func testFrontMatterResolvesByAliasAndUnresolvedGetsAStub() throws {
        let site = try site(["Content/briefings/a.md": briefing("A", extra: "actors: [\"hashd AL-shaabi\", Mosil Brigade]\nplaces: [\"الموصل\"]")])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let warning = try XCTUnwrap(result.warnings.first { $0.id == "dossier.reference.unresolved" }, result.formatted)
        XCTAssertEqual(warning.file, "Content/briefings/a.md")
        XCTAssertEqual(warning.line, 4)
        let aside = try XCTUnwrap(site.output("briefings/a/index.html"))
        assertContains(aside, #"<a href="/actors/pmu/">Popular Mobilization Units</a>"#)
        assertContains(aside, #"<a href="/places/mosul/">Mosul</a>"#)
        assertContains(aside, #"<a href="/actors/mosil-brigade/" class="stub">Mosil Brigade</a>"#)
        assertContains(site.output("actors/mosil-brigade/index.html"), "No profile has been written")
        XCTAssertFalse(try site.build(strict: true).succeeded)
    }

    func testUnknownParentAndCyclesAreErrors() throws {
        let unknown = try site(["Content/places/tal-afar.md": "---\nname: Tal Afar\nwithin: ninevah\n---\n"])
        let result = try unknown.build()
        let error = try XCTUnwrap(result.errors.first, result.formatted)
        XCTAssertEqual(error.file, "Content/places/tal-afar.md")
        XCTAssertEqual(error.line, 3)
        XCTAssertTrue(error.formatted.contains("did you mean 'nineveh'?"), error.formatted)

        let cycle = try site([
            "Content/actors/a.md": "---\nname: A\npart_of: [b]\n---\n",
            "Content/actors/b.md": "---\nname: B\npart_of: [c]\n---\n",
            "Content/actors/c.md": "---\nname: C\npart_of: [a]\n---\n",
        ])
        let cycleResult = try cycle.build()
        let cycleError = try XCTUnwrap(cycleResult.errors.first { $0.id == "dossier.entity.cycle" }, cycleResult.formatted)
        XCTAssertTrue(cycleError.message.contains("a → b → c → a") || cycleError.message.contains("b → c → a → b")
                      || cycleError.message.contains("c → a → b → c"), cycleError.message)
    }

    func testWikiLinks() throws {
        let site = try site([
            "Content/briefings/a.md": briefing("A", body: "See [[mosul]], [[pmu|the militias]], [[ISIS]] and [[b]]."),
            "Content/briefings/b.md": briefing("The other briefing"),
            "Content/briefings/c.md": briefing("C", body: "Line one.\n\nBroken [[Mosull]] link."),
        ])
        let result = try site.build()
        let error = try XCTUnwrap(result.errors.first, result.formatted)
        XCTAssertEqual(error.file, "Content/briefings/c.md")
        XCTAssertEqual(error.line, 8)
        XCTAssertEqual(error.column, 8)
        XCTAssertTrue(error.formatted.contains("did you mean 'Mosul'?"), error.formatted)

        try site.remove("Content/briefings/c.md")
        XCTAssertTrue(try site.build().succeeded)
        let html = try body(site, "a")
        assertContains(html, #"<a href="/places/mosul/">Mosul</a>"#)
        assertContains(html, #"<a href="/actors/pmu/">the militias</a>"#)
        assertContains(html, #"<a href="/actors/daesh/">ISIS</a>"#)
        assertContains(html, #"<a href="/briefings/b/">The other briefing</a>"#)
    }

    /// "Appears with": most shared briefings first, then by name, then by file name (two
    /// entities may share a name); the same on every build.
    func testCompanionsAreOrderedByCountThenNameThenIndex() throws {
        let site = try TestSite([
            "Content/actors/hadi-b.md": "---\nname: Hadi\n---\n",
            "Content/actors/hadi-a.md": "---\nname: Hadi\n---\n",
            "Content/actors/abbas.md": "---\nname: Abbas\n---\n",
            "Content/actors/zaid.md": "---\nname: Zaid\n---\n",
            "Content/places/mosul.md": "---\nname: Mosul\n---\n",
            "Content/briefings/one.md": briefing("One", extra: "places: [mosul]\nactors: [hadi-b, hadi-a, abbas, zaid]"),
            "Content/briefings/two.md": briefing("Two", extra: "places: [mosul]\nactors: [zaid]"),
        ])
        for _ in 0..<3 {
            XCTAssertTrue(try site.build(write: true).succeeded)
            let mosul = try XCTUnwrap(site.output("places/mosul/index.html"))
            let order = ["/actors/zaid/", "/actors/abbas/", "/actors/hadi-a/", "/actors/hadi-b/"].map {
                mosul.range(of: "<li><a href=\"\($0)\"")?.lowerBound
            }
            XCTAssertFalse(order.contains(nil), mosul)
            XCTAssertEqual(order.compactMap { $0 }, order.compactMap { $0 }.sorted())
            try site.remove("Output")
        }
    }

    func testEntityPagesShowHierarchyReferencesAndCompanions() throws {
        let site = try site([
            "Content/briefings/old.md": briefing("Old", date: "2014-06-10", extra: "places: [mosul]", body: "Daesh took Mosul. Daesh again."),
            "Content/briefings/new.md": briefing("New", date: "2017-07-10", extra: "actors: [pmu]", body: "Mosul and Kata'ib Hezbollah."),
        ])
        XCTAssertTrue(try site.build().succeeded)
        let mosul = try XCTUnwrap(site.output("places/mosul/index.html"))
        assertContains(mosul, "Also known as")
        assertContains(mosul, "الموصل")
        assertContains(mosul, #"<li><a href="/places/iraq/">Iraq</a></li><li><a href="/places/nineveh/">Nineveh</a></li><li aria-current="page">Mosul</li>"#)
        XCTAssertLessThan(try XCTUnwrap(mosul.range(of: ">New<")).lowerBound, try XCTUnwrap(mosul.range(of: ">Old<")).lowerBound)
        assertContains(mosul, "Appears with")
        assertContains(mosul, #"<a href="/actors/daesh/">Daesh</a> <span class="count""#)

        let daesh = try XCTUnwrap(site.output("actors/daesh/index.html"))
        assertContains(daesh, "2 mentions")
        let pmu = try XCTUnwrap(site.output("actors/pmu/index.html"))
        assertContains(pmu, "<h2>Members</h2>")
        assertContains(pmu, #"<a href="/actors/kataib-hezbollah/">Kata&#39;ib Hezbollah</a>"#)
        assertContains(site.output("actors/kataib-hezbollah/index.html"), "<h2>Part of</h2>")
    }

    func testRollUpAlongTheHierarchy() throws {
        let site = try site([
            "Content/briefings/a.md": briefing("Mosul falls", date: "2014-06-10", extra: """
            places: [mosul]
            events:
              - date: 2014-06-10
                title: Daesh takes Mosul
                places: [mosul]
            """),
        ])
        try site.build()
        let nineveh = try XCTUnwrap(site.output("places/nineveh/index.html"))
        assertContains(nineveh, ">Mosul falls<")
        assertContains(nineveh, #"Concerns <a href="/places/mosul/">Mosul</a>"#)
        assertContains(nineveh, "Daesh takes Mosul")
        assertContains(site.output("places/iraq/index.html"), ">Mosul falls<")
        assertContains(site.output("places/nineveh/atom.xml"), "Mosul falls")
    }

    /// `reference-meta` is rendered once per distinct line and shared, so it must see only the
    /// line's own values: a name from the briefing or the page renders nothing.
    func testReferenceLinesComeFromTheirOwnTemplateAndSeeOnlyTheirValues() throws {
        let site = try site([
            "Content/briefings/a.md": briefing("First", date: "2014-06-10", extra: "places: [mosul]", body: "Mosul. Mosul again."),
            "Content/briefings/b.md": briefing("Second", date: "2014-06-11", extra: "places: [mosul]", body: "Mosul and al-Mawsil."),
            "Content/briefings/c.md": briefing("Third", date: "2014-06-12", extra: "places: [nineveh]", body: "Nineveh once."),
            "Templates/reference-meta.mustache": """
            <p class="line">[{{#via}}via {{name}}{{/via}}{{^via}}direct{{/via}}|{{mentions}}|{{#plural}}many{{/plural}}|{{title}}{{site.title}}{{name}}]</p>
            """,
        ])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let nineveh = try XCTUnwrap(site.output("places/nineveh/index.html"))
        let lines = nineveh.components(separatedBy: "<p class=\"line\">").dropFirst().map { $0.prefix { $0 != "<" } }
        XCTAssertEqual(lines, ["[direct|1||]", "[via Mosul|2|many|]", "[via Mosul|2|many|]"], nineveh)
        // Outside entity pages there is no line, and the template is not used.
        XCTAssertFalse(try XCTUnwrap(site.output("briefings/index.html")).contains("class=\"line\""))
        // The built-in line is unchanged where `briefing-item` is overridden the old way.
        let overridden = try self.site([
            "Content/briefings/a.md": briefing("First", extra: "places: [mosul]", body: "Mosul."),
            "Templates/briefing-item.mustache": "{{{card}}}{{#reference}}<p class=\"old\">{{mentions}} mention{{#plural}}s{{/plural}}</p>{{/reference}}",
        ])
        try overridden.build()
        assertContains(overridden.output("places/mosul/index.html"), "<p class=\"old\">1 mention</p>")
    }

    func testIndexesGroupActorsByKindAndPlacesAsATree() throws {
        let site = try site(["Content/briefings/a.md": briefing("A")])
        try site.build()
        let actors = try XCTUnwrap(site.output("actors/index.html"))
        assertContains(actors, "<h2>armed group</h2>")
        assertContains(actors, "<h2>militia coalition</h2>")
        let places = try XCTUnwrap(site.output("places/index.html"))
        let tree = try XCTUnwrap(places.components(separatedBy: "class=\"tree\"").last)
        let iraq = try XCTUnwrap(tree.range(of: ">Iraq<")).lowerBound
        let nineveh = try XCTUnwrap(tree.range(of: ">Nineveh<")).lowerBound
        let mosul = try XCTUnwrap(tree.range(of: ">Mosul<")).lowerBound
        XCTAssertTrue(iraq < nineveh && nineveh < mosul)
    }

    func testBriefingPageListsFrontMatterAndMentionedEntities() throws {
        let site = try site(["Content/briefings/a.md": briefing("A", extra: "actors: [pmu]", body: "Daesh near al-Mawsil.")])
        try site.build()
        let page = try XCTUnwrap(site.output("briefings/a/index.html"))
        let aside = try XCTUnwrap(page.components(separatedBy: "briefing-aside").last)
        assertContains(aside, ">Daesh<")
        assertContains(aside, ">Popular Mobilization Units<")
        assertContains(aside, ">Mosul<")
    }
}

extension EntityTests {
    func testDecomposedTextStillMatchesComposedNames() throws {
        let site = try TestSite([
            "Content/places/tall-afar.md": "---\nname: Tall ‘Afar\naliases: [Telafer, Tal Afar, \"Télafer\"]\n---\n",
            "Content/briefings/a.md": briefing("A", body: "Te\u{0301}lafer was cleared."),
        ])
        try site.build()
        assertContains(site.output("briefings/a/index.html"), #"<a href="/places/tall-afar/" title="Tall ‘Afar">Télafer</a>"#)
    }
}
