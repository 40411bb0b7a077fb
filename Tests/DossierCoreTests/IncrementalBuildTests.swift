import Foundation
import XCTest
@testable import DossierCore

/// An incremental build must equal a clean build, byte for byte, after any change.
final class IncrementalBuildTests: XCTestCase {
    private func cleanTree(_ site: TestSite) throws -> [String: Data] {
        let clean = site.root.appendingPathComponent("Clean")
        try? FileManager.default.removeItem(at: clean)
        var options = BuildOptions(paths: SitePaths(root: site.root, output: clean))
        options.incremental = false
        let result = try Pipeline.build(options)
        XCTAssertTrue(result.succeeded, result.formatted)
        var tree: [String: Data] = [:]
        for case let relative as String in FileManager.default.enumerator(atPath: clean.path)! {
            var isDirectory: ObjCBool = false
            let full = clean.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
               !relative.hasPrefix(".") {
                tree[relative] = FileManager.default.contents(atPath: full)
            }
        }
        return tree
    }

    private func modificationTimes(_ site: TestSite) -> [String: Date] {
        var times: [String: Date] = [:]
        for path in site.outputTree().keys {
            let full = site.output.appendingPathComponent(path).path
            times[path] = (try? FileManager.default.attributesOfItem(atPath: full))?[.modificationDate] as? Date
        }
        return times
    }

    private func assertSameTree(_ incremental: [String: Data], _ clean: [String: Data], _ step: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        let visible = incremental.filter { !$0.key.hasPrefix(".") }
        let differing = Set(visible.keys).union(clean.keys).filter { visible[$0] != clean[$0] }.sorted()
        XCTAssertEqual(differing, [], "\(step): files differ from a clean build", file: file, line: line)
    }

    func testEverySortOfChangeGivesTheSameBytesAsACleanBuild() throws {
        try checkEverySortOfChange { site in try site.build() }
    }

    /// What `dossier serve` does: in-memory page, file, body and card caches kept across builds.
    func testEverySortOfChangeWithSessionCachesGivesTheSameBytesAsACleanBuild() throws {
        var builds: ServeLikeBuilds?
        try checkEverySortOfChange { site in
            if builds == nil { builds = ServeLikeBuilds(site) }
            return try builds!.build()
        }
    }

    private func checkEverySortOfChange(build: (TestSite) throws -> BuildResult) throws {
        let site = try TestSite([
            "site.yml": "title: Desk\nper_page: 2",
            "Content/briefings/2017-01-01-a.md": briefing("A", date: "2017-01-01", extra: "tags: [iraq]\nactors: [daesh]",
                                                         body: "Daesh in Mosul. See [[b]]."),
            "Content/briefings/2017-02-01-b.md": briefing("B", date: "2017-02-01", extra: "places: [mosul]", body: "Mosul."),
            "Content/briefings/2017-03-01-c.md": briefing("C", date: "2017-03-01", extra: "tags: [syria]"),
            "Content/actors/daesh.md": "---\nname: Daesh\naliases: [ISIS]\n---\nProfile.",
            "Content/places/mosul.md": "---\nname: Mosul\nwithin: iraq\n---\n",
            "Content/places/iraq.md": "---\nname: Iraq\n---\n",
        ])
        let steps: [(String, () throws -> Void)] = [
            ("retitle a briefing another body wiki-links to", { try site.write(["Content/briefings/2017-02-01-b.md": briefing("B retitled", date: "2017-02-01", extra: "places: [mosul]", body: "Mosul.")]) }),
            ("edit a body", { try site.write(["Content/briefings/2017-02-01-b.md": briefing("B", date: "2017-02-01", extra: "places: [mosul]", body: "Mosul and ISIS.")]) }),
            ("edit a title", { try site.write(["Content/briefings/2017-03-01-c.md": briefing("C renamed", date: "2017-03-01", extra: "tags: [syria]")]) }),
            ("add a briefing", { try site.write(["Content/briefings/2017-04-01-d.md": briefing("D", date: "2017-04-01", extra: "tags: [iraq]", body: "Iraq.")]) }),
            ("delete a briefing", { try site.remove("Content/briefings/2017-03-01-c.md") }),
            ("rename a briefing", {
                try FileManager.default.moveItem(at: site.root.appendingPathComponent("Content/briefings/2017-04-01-d.md"),
                                                 to: site.root.appendingPathComponent("Content/briefings/2017-04-01-e.md"))
            }),
            ("edit an entity", { try site.write(["Content/actors/daesh.md": "---\nname: Daesh\naliases: [ISIS, ISIL]\nkind: armed group\n---\nNew profile."]) }),
            ("add an entity", { try site.write(["Content/places/syria.md": "---\nname: Syria\n---\n"]) }),
            ("edit a template", { try site.write(["Templates/footer.mustache": "<footer>Desk footer</footer>"]) }),
            ("edit site.yml", { try site.write(["site.yml": "title: Desk two\nper_page: 3\nbase_url: https://example.org/d/"]) }),
            ("tighten a budget", { try site.write(["site.yml": "title: Desk two\nper_page: 3\nbase_url: https://example.org/d/\nbudgets:\n  max_front_matter_values: 60"]) }),
            ("remove the template", { try site.remove("Templates/footer.mustache") }),
        ]
        _ = try build(site)
        assertSameTree(site.outputTree(), try cleanTree(site), "first build")
        for (name, change) in steps {
            let before = site.outputTree()
            let timesBefore = modificationTimes(site)
            Thread.sleep(forTimeInterval: 0.02)
            try change()
            let result = try build(site)
            XCTAssertTrue(result.succeeded, "\(name): \(result.formatted)")
            let after = site.outputTree()
            assertSameTree(after, try cleanTree(site), "after '\(name)'")
            let timesAfter = modificationTimes(site)
            for (path, data) in after where before[path] == data && !path.hasPrefix(".") {
                XCTAssertEqual(timesBefore[path], timesAfter[path], "\(name): unchanged \(path) was rewritten")
            }
        }
    }

    func testUnchangedPagesAreNotRenderedAgain() throws {
        var files: [String: String] = [:]
        for index in 0..<20 { files["Content/briefings/b\(index).md"] = briefing("B\(index)", date: String(format: "2017-01-%02d", index + 1)) }
        let site = try TestSite(files)
        try site.build()
        try site.write(["Content/briefings/b3.md": briefing("B3", date: "2017-01-04", body: "A new sentence.")])
        let result = try site.build()
        // Only b3's page, and the files regenerated without templates (feeds, sitemap, assets), are written.
        XCTAssertLessThanOrEqual(result.written?.written ?? .max, 8, "\(result.written!)")
        assertContains(site.output("briefings/b3/index.html"), "A new sentence.")
    }

    func testASessionRebuildAfterOneEditReadsAndRendersOnlyThatBriefing() throws {
        var files: [String: String] = ["Content/actors/daesh.md": "---\nname: Daesh\n---\nProfile."]
        for index in 0..<20 {
            files["Content/briefings/b\(index).md"] = briefing("B\(index)", date: String(format: "2017-01-%02d", index + 1), body: "Daesh, \(index).")
        }
        let site = try TestSite(files)
        let builds = ServeLikeBuilds(site)
        let session = builds.session
        func build() throws { XCTAssertTrue(try builds.build().succeeded) }
        Thread.sleep(forTimeInterval: 0.06)  // files older than a timestamp tick are trusted by their stamp
        try build()
        XCTAssertEqual(session.misses.files, 21)
        try site.write(["Content/briefings/b3.md": briefing("B3", date: "2017-01-04", body: "Daesh, again.")])
        Thread.sleep(forTimeInterval: 0.06)
        try build()
        XCTAssertEqual(session.misses.files, 1)
        XCTAssertEqual(session.misses.bodies, 1)
        XCTAssertEqual(session.misses.fragments, 0)  // b3’s card (title, date, summary, tags) is unchanged
        assertContains(site.output("briefings/b3/index.html"), "again.")
        try build()
        XCTAssertEqual(session.misses.files, 0)
    }

    /// A file read within a timestamp tick of its last save is read again by the next build,
    /// even with an unchanged stamp: a second save in that tick, of the same size, would keep
    /// the stamp (the kernel's clock for file times is coarse) and go unseen.
    func testAFileSavedJustBeforeARebuildIsReadAgainByTheNextOne() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A", body: "First text.")])
        let builds = ServeLikeBuilds(site)
        let session = builds.session
        func build() throws { XCTAssertTrue(try builds.build().succeeded) }
        try build()  // right after the file was written
        XCTAssertEqual(session.misses.files, 1)
        Thread.sleep(forTimeInterval: 0.06)
        try build()  // nothing changed, but the last read was too close to the save to trust
        XCTAssertEqual(session.misses.files, 1)
        try build()
        XCTAssertEqual(session.misses.files, 0)
    }

    /// Related briefings are reused in `serve` only while every briefing's entities and tags are
    /// the same; swapping one actor for another (same counts) must still change them.
    func testSessionRebuildRecomputesRelatedBriefingsWhenAnEntityIsSwapped() throws {
        let site = try TestSite([
            "Content/actors/x.md": "---\nname: Xavier\n---\n",
            "Content/actors/y.md": "---\nname: Yusuf\n---\n",
            "Content/briefings/a.md": briefing("Alpha", date: "2017-01-01", extra: "actors: [x]"),
            "Content/briefings/b.md": briefing("Bravo", date: "2017-01-02", extra: "actors: [x]"),
            "Content/briefings/c.md": briefing("Charlie", date: "2017-01-03", extra: "actors: [y]"),
        ])
        let builds = ServeLikeBuilds(site)
        XCTAssertTrue(try builds.build().succeeded)
        XCTAssertFalse(site.output("briefings/a/index.html")!.contains("Charlie"))
        try site.write(["Content/briefings/c.md": briefing("Charlie", date: "2017-01-03", extra: "actors: [x]")])
        XCTAssertTrue(try builds.build().succeeded)
        assertContains(site.output("briefings/a/index.html"), "Charlie")
    }

    /// Wiki-links written with entities or escapes have no `[[` in the source, yet depend on the
    /// linked briefing's title and existence like any other.
    func testSessionRebuildSeesEscapedWikiLinksToARetitledOrDeletedBriefing() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("Alpha", date: "2017-01-01", body: "See &#91;&#91;b]] and \\[\\[b]]."),
            "Content/briefings/b.md": briefing("Bravo", date: "2017-01-02"),
        ])
        let builds = ServeLikeBuilds(site)
        func build() throws -> BuildResult { try builds.build() }
        XCTAssertTrue(try build().succeeded)
        assertContains(site.output("briefings/a/index.html"), ">Bravo</a>")
        try site.write(["Content/briefings/b.md": briefing("Bravo renamed", date: "2017-01-02")])
        XCTAssertTrue(try build().succeeded)
        assertContains(site.output("briefings/a/index.html"), ">Bravo renamed</a>")
        try site.remove("Content/briefings/b.md")
        let result = try build()
        XCTAssertEqual(result.errors.filter { $0.id == "dossier.wikilink.unresolved" }.count, 2, result.formatted)
    }

    func testRetitlingABriefingRendersAgainOnlyTheBodiesThatLinkToIt() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("Alpha", date: "2017-01-01", body: "See [[b]]."),
            "Content/briefings/b.md": briefing("Bravo", date: "2017-01-02"),
            "Content/briefings/c.md": briefing("Charlie", date: "2017-01-03", body: "See [[d]]."),
            "Content/briefings/d.md": briefing("Delta", date: "2017-01-04"),
            "Content/pages/about.md": "---\ntitle: About\n---\nSee [[a|the first]].\n",
        ])
        let builds = ServeLikeBuilds(site)
        XCTAssertTrue(try builds.build().succeeded)
        try site.write(["Content/briefings/b.md": briefing("Bravo renamed", date: "2017-01-02")])
        Thread.sleep(forTimeInterval: 0.06)
        XCTAssertTrue(try builds.build().succeeded)
        XCTAssertEqual(builds.session.misses.bodies, 1)  // a's body; b's own body is unchanged
        assertContains(site.output("briefings/a/index.html"), ">Bravo renamed</a>")
        assertContains(site.output("briefings/c/index.html"), ">Delta</a>")
        // A new briefing and a new link to it.
        try site.write(["Content/briefings/c.md": briefing("Charlie", date: "2017-01-03", body: "See [[d]] and [[e]]."),
                        "Content/briefings/e.md": briefing("Echo", date: "2017-01-05")])
        XCTAssertTrue(try builds.build().succeeded)
        assertContains(site.output("briefings/c/index.html"), ">Echo</a>")
    }

    func testDeletingTheCacheOnlyMakesTheNextBuildFull() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A")])
        try site.build()
        let cache = site.output.appendingPathComponent(".dossier-cache")
        XCTAssertTrue(FileManager.default.fileExists(atPath: cache.path))
        try FileManager.default.removeItem(at: cache)
        try site.write(["Content/briefings/a.md": briefing("A2")])
        XCTAssertTrue(try site.build().succeeded)
        assertContains(site.output("briefings/a/index.html"), "A2")
    }

    func testAHandEditedOutputFileIsRenderedAgain() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A")])
        try site.build()
        try Data("tampered".utf8).write(to: site.output.appendingPathComponent("briefings/a/index.html"))
        try site.build()
        assertContains(site.output("briefings/a/index.html"), "<h1>A</h1>")
    }

    /// After a commit in place, the stamps of the kept files are the ones checked when they
    /// were reused (they are not read again): the next build still reuses them, and still
    /// notices a hand edit.
    func testFilesKeptByACommitInPlaceAreReusedAndHandEditsStillNoticed() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A", body: "First."),
                                 "Content/briefings/b.md": briefing("B", date: "2017-06-23", body: "Second.")])
        try site.build()
        try site.write(["Content/briefings/a.md": briefing("A", body: "First, longer.")])
        let edited = try site.build()
        XCTAssertEqual(edited.written?.inPlace, true)
        XCTAssertTrue(edited.filesReused?.contains("briefings/b/index.html") ?? false)

        let again = try site.build()
        XCTAssertEqual(again.written?.written, 0)
        XCTAssertTrue(again.filesReused?.contains("briefings/b/index.html") ?? false)

        let page = site.output.appendingPathComponent("briefings/b/index.html")
        let original = try Data(contentsOf: page)
        try Data("tampered".utf8).write(to: page)
        let repaired = try site.build()
        XCTAssertFalse(repaired.filesReused?.contains("briefings/b/index.html") ?? true)
        XCTAssertEqual(try Data(contentsOf: page), original)
    }

    /// A page edited in place, keeping its size and given back its modification time, is still
    /// noticed (by its change time) and made again.
    func testAnOutputFileEditedWithItsSizeAndTimeKeptIsRenderedAgain() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A")])
        try site.build()
        let path = site.output.appendingPathComponent("briefings/a/index.html").path
        var before = stat()
        XCTAssertEqual(stat(path, &before), 0)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var tampered = original
        tampered[tampered.count - 2] = UInt8(ascii: "X")
        try tampered.write(to: URL(fileURLWithPath: path))
        var times = [before.st_atim, before.st_mtim]
        XCTAssertEqual(utimensat(AT_FDCWD, path, &times, 0), 0)
        var after = stat()
        XCTAssertEqual(stat(path, &after), 0)
        XCTAssertEqual([after.st_size, after.st_mtim.tv_sec, after.st_mtim.tv_nsec, Int(after.st_ino)],
                       [before.st_size, before.st_mtim.tv_sec, before.st_mtim.tv_nsec, Int(before.st_ino)])
        let result = try site.build()
        XCTAssertFalse(result.filesReused?.contains("briefings/a/index.html") ?? true)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), original)
    }

    /// A feed is kept from the previous build while nothing it shows changed: the build does not
    /// escape its entries again. Any change to what it shows, or a hand edit, makes it again.
    func testFeedsThatShowNothingNewAreKeptFromThePreviousBuild() throws {
        let site = try TestSite([
            "site.yml": "title: Desk\nauthor: Desk A",
            "Content/briefings/a.md": briefing("A", date: "2017-01-01", extra: "tags: [iraq]\nactors: [daesh]", body: "Daesh."),
            "Content/briefings/b.md": briefing("B", date: "2017-02-01", extra: "tags: [syria]", body: "Raqqa."),
            "Content/actors/daesh.md": "---\nname: Daesh\n---\n",
        ])
        let feeds = ["actors/daesh/atom.xml", "atom.xml", "tags/iraq/atom.xml", "tags/syria/atom.xml"]
        func reusedFeeds(_ result: BuildResult) -> [String] {
            XCTAssertTrue(result.succeeded, result.formatted)
            return (result.filesReused ?? []).filter { $0.hasSuffix("atom.xml") }
        }
        XCTAssertEqual(reusedFeeds(try site.build()), [])
        XCTAssertEqual(reusedFeeds(try site.build()), feeds)

        try site.write(["Content/briefings/b.md": briefing("B", date: "2017-02-01", extra: "tags: [syria]", body: "Raqqa, again.")])
        XCTAssertEqual(reusedFeeds(try site.build()), ["actors/daesh/atom.xml", "tags/iraq/atom.xml"])
        assertContains(site.output("tags/syria/atom.xml"), "Raqqa, again.")
        assertContains(site.output("atom.xml"), "Raqqa, again.")

        try Data("tampered".utf8).write(to: site.output.appendingPathComponent("tags/iraq/atom.xml"))
        XCTAssertEqual(reusedFeeds(try site.build()), ["actors/daesh/atom.xml", "atom.xml", "tags/syria/atom.xml"])
        assertContains(site.output("tags/iraq/atom.xml"), "<title>A</title>")

        try site.write(["site.yml": "title: Desk\nauthor: Desk B"])
        XCTAssertEqual(reusedFeeds(try site.build()), [], "every feed names the author")
        assertContains(site.output("actors/daesh/atom.xml"), "<name>Desk B</name>")
        XCTAssertEqual(site.outputTree().filter { !$0.key.hasPrefix(".") }, try cleanTree(site))
    }
}

/// Every value a page shows, changed one at a time: each rebuild (with the on-disk page cache,
/// and with the in-memory caches `serve` keeps) must equal a clean build. The render cache keys
/// pages by digests of these values (`PageKeys`), so a value missing from a key shows up here
/// as a stale page. Each step changes one value of the previous step's site.
final class PageKeyCoverageTests: XCTestCase {
    /// The site's editable values; `files` turns them into content.
    private struct Values {
        var daesh = "aliases: [ISIS]\nkind: armed group\nsummary: A group."
        var pmu = "kind: militia"
        var pmuProfile = "Profile."
        var mosul = "within: nineveh\nkind: city"
        var nineveh = "within: iraq"
        var cell = "part_of: [kataib]"
        var tagB = "iraq"
        var iraq = "name: Iraq\nkind: country"
        var eventTitle = "Offensive opens"
        var sourceTitle = "Field report"
        var dateA = "2017-01-01"
        var eventDate = "2016-10"
        var sourceDate = "2017-01-01"
        var summaryA = "First."
        var tagA = "iraq"
        var actorsA = "daesh, pmu"
        var actorsB = "kataib"
        var eventsB = ""
        var bodyB = "Near Mosul. Daesh."
        var updatedC = ""
        var placesC = "syria"
        var bodyC = "Daesh and the PMU in Syria."

        var files: [String: String] {
            [
                "site.yml": "title: Desk\nper_page: 2",
                "Content/briefings/2017-01-01-a.md": """
                    ---
                    title: A
                    date: \(dateA)
                    summary: \(summaryA)
                    tags: [\(tagA)]
                    actors: [\(actorsA)]
                    places: [mosul]
                    events:
                      - date: \(eventDate)
                        title: \(eventTitle)
                        actors: [cell, badr]
                        places: [mosul]
                    sources:
                      - title: \(sourceTitle)
                        url: https://example.org/report
                        date: \(sourceDate)
                    ---
                    Daesh in Mosul. See [[b]].
                    """,
                "Content/briefings/2017-02-01-b.md": "---\ntitle: B\ndate: 2017-02-01\ntags: [\(tagB)]\nactors: [\(actorsB)]\nplaces: [mosul]\n\(eventsB)---\n\(bodyB)",
                "Content/briefings/2017-03-01-c.md": "---\ntitle: C\ndate: 2017-03-01\n\(updatedC)tags: [syria]\nactors: [daesh, pmu]\nplaces: [\(placesC)]\n---\n\(bodyC)",
                "Content/actors/daesh.md": "---\nname: Daesh\n\(daesh)\n---\nProfile.",
                "Content/actors/pmu.md": "---\nname: PMU\n\(pmu)\n---\n\(pmuProfile)",
                "Content/actors/kataib.md": "---\nname: Kataib\npart_of: [pmu]\n---\n",
                "Content/actors/badr.md": "---\nname: Badr\npart_of: [pmu]\n---\n",
                "Content/actors/cell.md": "---\nname: Cell\n\(cell)\n---\n",
                "Content/places/nineveh.md": "---\nname: Nineveh\n\(nineveh)\n---\n",
                "Content/places/iraq.md": "---\n\(iraq)\n---\n",
                "Content/places/syria.md": "---\nname: Syria\nkind: country\n---\n",
                "Content/places/mosul.md": "---\nname: Mosul\n\(mosul)\n---\n",
            ]
        }
    }

    func testChangingAnyShownValueRendersTheSameAsACleanBuild() throws {
        let steps: [(String, (inout Values) -> Void)] = [
            ("entity summary", { $0.daesh = "aliases: [ISIS]\nkind: armed group\nsummary: Another." }),
            ("alias respelled", { $0.daesh = "aliases: [ISIL]\nkind: armed group\nsummary: Another." }),
            ("entity category", { $0.pmu = "kind: coalition" }),
            ("entity profile", { $0.pmuProfile = "A new profile." }),
            ("event title", { $0.eventTitle = "Offensive begins" }),
            ("source title", { $0.sourceTitle = "Field notes" }),
            ("summary", { $0.summaryA = "Changed." }),
            // Dates that change what is shown but not the order of any list.
            ("date, same order", { $0.dateA = "2017-01-02" }),
            ("event date, same order", { $0.eventDate = "2016-11" }),
            ("event date precision", { $0.eventDate = "2016-11-05" }),
            ("source date", { $0.sourceDate = "2017-01-05" }),
            ("event added", { $0.eventsB = "events:\n  - date: 2017\n    title: Year event\n    places: [iraq]\n" }),
            ("mention count", { $0.bodyB = "Near Mosul, and Mosul again. Daesh." }),
            ("via", { $0.actorsB = "badr" }),
            // Mosul already leads Daesh's list, so only its count changes.
            ("appears-with count", { $0.placesC = "syria, mosul" }),
            ("updated date", { $0.updatedC = "updated: 2017-04-01\n" }),
            ("reading time", { $0.bodyC = String(repeating: "Daesh and the PMU in Syria. ", count: 200) }),
            ("ancestor", { $0.nineveh = "within: syria" }),
            ("hierarchy", { $0.mosul = "within: syria\nkind: city" }),
            ("event via", { $0.cell = "part_of: []" }),
            ("tag spelling", { $0.tagB = "Iraq" }),
            ("entity renamed", { $0.iraq = "name: Republic of Iraq\nkind: country" }),
        ]
        for useSession in [false, true] {
            var values = Values()
            let site = try TestSite(values.files)
            let builds = ServeLikeBuilds(site)
            func build() throws -> BuildResult { useSession ? try builds.build() : try site.build() }
            XCTAssertTrue(try build().succeeded)
            for (name, change) in steps {
                let before = values.files
                change(&values)
                XCTAssertEqual(values.files.filter { before[$0.key] != $0.value }.count, 1, name)
                Thread.sleep(forTimeInterval: 0.01)
                try site.write(values.files)
                let result = try build()
                XCTAssertTrue(result.succeeded, "\(name): \(result.formatted)")
                let clean = site.root.appendingPathComponent("Clean")
                try? FileManager.default.removeItem(at: clean)
                var options = BuildOptions(paths: SitePaths(root: site.root, output: clean))
                options.incremental = false
                XCTAssertTrue(try Pipeline.build(options).succeeded)
                let expected = visibleFiles(in: clean), actual = visibleFiles(in: site.output)
                let differing = Set(expected.keys).union(actual.keys).filter { expected[$0] != actual[$0] }.sorted()
                XCTAssertEqual(differing, [], "after changing the \(name)\(useSession ? " (session caches)" : "")")
            }
        }
    }
}
