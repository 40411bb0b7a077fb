import Foundation
import XCTest
@testable import DossierCore

final class PipelineTests: XCTestCase {
    func testBuildsEveryBriefingPageWithPrettyURLs() throws {
        let site = try TestSite([
            "Content/briefings/2017-06-22-mosul-endgame.md": briefing("Mosul endgame", body: "## Where it stands\n\nBody."),
            "Content/briefings/2016/2016-10-17-offensive.md": briefing("The offensive begins", date: "2016-10-17"),
        ])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        assertContains(site.output("briefings/mosul-endgame/index.html"), "<h1>Mosul endgame</h1>")
        assertContains(site.output("briefings/mosul-endgame/index.html"), #"<h2 id="where-it-stands">Where it stands</h2>"#)
        assertContains(site.output("briefings/offensive/index.html"), "The offensive begins")
        assertContains(site.output("index.html"), "Mosul endgame")
        XCTAssertNotNil(site.output(OutputWriter.markerName))
    }

    func testBuildingTwiceGivesByteIdenticalOutput() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("A", extra: "tags: [iraq, syria]\nactors: [daesh]", body: "Daesh in Mosul."),
            "Content/briefings/b.md": briefing("B", date: "2016-01-01", extra: "tags: [iraq]\nplaces: [mosul]"),
            "Content/actors/daesh.md": "---\nname: Daesh\n---\nProfile.",
            "Content/places/mosul.md": "---\nname: Mosul\n---\n",
        ])
        // The saved listing of the output folder records folders' times, not the site.
        func tree() -> [String: Data] { site.outputTree().filter { $0.key != OutputListing.fileName } }
        try site.build()
        let first = tree()
        try site.build()
        XCTAssertEqual(first, tree())
        XCTAssertGreaterThan(first.count, 10)
    }

    func testStaleFilesDoNotSurviveASuccessfulBuild() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A"), "Content/briefings/b.md": briefing("B")])
        try site.build()
        XCTAssertNotNil(site.output("briefings/b/index.html"))
        try site.remove("Content/briefings/b.md")
        try site.build()
        XCTAssertNil(site.output("briefings/b/index.html"))
        XCTAssertNotNil(site.output("briefings/a/index.html"))
    }

    func testFailedBuildLeavesPreviousOutputByteIdentical() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A")])
        try site.build()
        let before = site.outputTree()
        try site.write(["Content/briefings/a.md": "---\ntitle: A\n---\nno date"])
        let result = try site.build()
        XCTAssertFalse(result.succeeded)
        XCTAssertEqual(before, site.outputTree())
    }

    /// Pages are written into the staging folder while they render, so a failure found only at
    /// render time (a broken template) must still leave Output/ and the site root as they were.
    func testFailureFoundWhileRenderingLeavesNoStagingFolderAndOutputIntact() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A"), "Content/briefings/b.md": briefing("B")])
        try site.build()
        let before = site.outputTree()
        try site.write(["Templates/briefing.mustache": "{{> no-such-partial-}}{{#unclosed}}"])
        let result = try site.build()
        XCTAssertFalse(result.succeeded)
        XCTAssertEqual(before, site.outputTree())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: site.root.path).sorted(), ["Content", "Output", "Templates"])
        try site.remove("Templates/briefing.mustache")
        try site.write(["Content/briefings/b.md": briefing("B changed")])
        XCTAssertTrue(try site.build().succeeded)
        assertContains(site.output("briefings/b/index.html"), "B changed")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: site.root.path).sorted(), ["Content", "Output", "Templates"])
    }

    func testAStagingFolderLeftByAKilledBuildIsRemovedAndALiveOneKept() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A")])
        let prefix = ".Output.dossier-staging-"
        try site.write([
            prefix + "999999999/x.html": "killed, from before builds took locks (no such pid)",
            prefix + "1/x.html": "no lock file, and its pid runs",
            prefix + "777/x.html": "killed: its lock file is not held",
            prefix + "777.lock": "",
            prefix + "778/x.html": "running: its lock is held",
            prefix + "778.lock": "",
            prefix + "779-old/x.html": "an interrupted swap: maybe the only copy of a site",
        ])
        let held = open(site.root.appendingPathComponent(prefix + "778.lock").path, O_RDWR)
        XCTAssertEqual(flock(held, LOCK_EX | LOCK_NB), 0)
        defer { close(held) }
        XCTAssertTrue(try site.build().succeeded)
        let left = try FileManager.default.contentsOfDirectory(atPath: site.root.path).sorted()
        XCTAssertEqual(left, [prefix + "1", prefix + "778", prefix + "778.lock", prefix + "779-old", "Content", "Output"])
    }

    func testTheStagingFolderIsMadeWithTheFirstPageAndRemovedByAnInterruptHandler() throws {
        let site = try TestSite([:])
        let staging = StagingFolder(output: site.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: staging.url.path), "made before any page was rendered")
        staging.add("briefings/a/index.html", text: "<p>A</p>")
        XCTAssertTrue(FileManager.default.fileExists(atPath: staging.url.path + "/briefings/a/index.html"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: staging.url.path + ".lock"))
        StagingFolder.discardAllActive()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: site.root.path), [])
    }

    func testUnchangedFilesKeepTheirModificationTime() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A"), "Content/briefings/b.md": briefing("B")])
        try site.build()
        let path = site.output.appendingPathComponent("briefings/a/index.html").path
        let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.05)
        try site.write(["Content/briefings/b.md": briefing("B changed")])
        let result = try site.build()
        XCTAssertGreaterThan(result.written?.unchanged ?? 0, 0)
        let after = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        XCTAssertEqual(before, after)
    }

    func testRefusesToReplaceAFolderDossierDidNotMake() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A"), "Output/thesis.docx": "precious"])
        XCTAssertThrowsError(try site.build()) { error in
            XCTAssertTrue("\(error)".contains("not made by Dossier"))
        }
        XCTAssertEqual(site.output("thesis.docx"), "precious")
    }

    func testRefusesAnOutputFolderThatIsTheContentFolder() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A")])
        var options = BuildOptions(paths: SitePaths(root: site.root, output: site.root.appendingPathComponent("Content")))
        options.writeOutput = true
        XCTAssertThrowsError(try Pipeline.build(options))
        XCTAssertNotNil(FileManager.default.contents(atPath: site.root.appendingPathComponent("Content/briefings/a.md").path))
    }

    func testDraftsAreLeftOutUnlessAsked() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("Public"),
            "Content/briefings/b.md": briefing("Secret draft", extra: "draft: true"),
        ])
        try site.build()
        XCTAssertNil(site.output("briefings/b/index.html"))
        assertNotContains(site.output("index.html"), "Secret draft")
        try site.build(drafts: true)
        assertContains(site.output("briefings/b/index.html"), "Secret draft")
    }

    func testStaticFilesAreCopiedToTheSiteRoot() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("A"),
            "Content/static/images/map.svg": "<svg/>",
            "Content/static/CNAME": "briefings.example.org",
        ])
        try site.build()
        XCTAssertEqual(site.output("images/map.svg"), "<svg/>")
        XCTAssertEqual(site.output("CNAME"), "briefings.example.org")
    }

    func testSiteWithOnlyContentBuildsWithTheBuiltInTheme() throws {
        let site = try TestSite(["Content/briefings/a.md": briefing("A")])
        try site.build()
        assertContains(site.output("index.html"), "<!DOCTYPE html>")
        assertContains(site.output("assets/style.css"), "prefers-color-scheme: dark")
        assertContains(site.output("index.html"), ##"<a class="skip-link" href="#main">"##)
    }

    func testATemplateFileOverridesTheBuiltInOneOfTheSameName() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("A"),
            "Templates/footer.mustache": "<footer>Desk footer for {{site.title}}</footer>",
        ])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        assertContains(site.output("index.html"), "Desk footer for Dossier")
    }

    func testTemplateSyntaxErrorIsADiagnosticWithItsFile() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("A"),
            "Templates/footer.mustache": "<footer>{{#site}}unclosed</footer>",
        ])
        let result = try site.build()
        XCTAssertTrue(result.errors.contains { $0.file == "Templates/footer.mustache" }, result.formatted)

        // The position is the template's own, though Dossier puts its escaping line before it.
        try site.write(["Templates/footer.mustache": "<footer>\n<p>fine</p>\n  {{/nope}}\n</footer>\n"])
        let error = try XCTUnwrap(try site.build().errors.first { $0.file == "Templates/footer.mustache" })
        XCTAssertEqual(error.line, 3, error.formatted)
    }

    func testEditorLeftoversAreNeitherPublishedNorWarnedAbout() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("A"),
            "Content/briefings/a.md~": briefing("Backup"),
            "Content/briefings/4913": "",
            "Content/briefings/.a.md.swp": "swap",
            "Content/static/logo.svg": "<svg/>",
            "Content/static/logo.svg~": "<svg/>",
            "Content/static/notes.swx": "swap",
            "Content/static/.well-known/security.txt": "Contact: mailto:desk@example.org",
            "Templates/assets/style.css~": "body {}",
        ])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        XCTAssertTrue(result.diagnostics.isEmpty, result.formatted)
        let published = Set(site.outputTree().keys)
        XCTAssertTrue(published.contains("logo.svg"))
        XCTAssertTrue(published.contains(".well-known/security.txt"))
        for leftover in ["logo.svg~", "notes.swx", "assets/style.css~"] {
            XCTAssertFalse(published.contains(leftover), leftover)
        }
    }

    /// Swift prints a dictionary in hash order, which differs between processes; an item printed
    /// whole must come out the same in every build.
    func testAnItemPrintedWholeListsItsKeysInSortedOrder() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("A", extra: "tags: [iraq]"),
            "Templates/tags.mustache": "{{page}}\n{{#tags}}{{.}}{{/tags}}\n",
        ])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let expected = #"["canonical": "/tags/", "description": "", "fullTitle": "Tags · Dossier", "kind": "tags", "#
            + #""ogType": "website", "title": "Tags"]"# + "\n" + #"["count": 1, "name": "iraq", "url": "/tags/iraq/"]"# + "\n"
        XCTAssertEqual(site.output("tags/index.html"), expected.replacingOccurrences(of: "\"", with: "&quot;"))
    }

    func testAStandaloneTagOnATemplatesFirstLineLeavesNoBlankLine() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("A"),
            "Templates/footer.mustache": "{{#site}}\n<footer>For {{title}}</footer>\n{{/site}}\n",
        ])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let page = try XCTUnwrap(site.output("index.html"))
        assertContains(page, "</main>\n<footer>For Dossier</footer>\n")
    }

    func testSubPathBaseURLPrefixesEveryInternalLink() throws {
        let site = try TestSite([
            "site.yml": "base_url: https://example.org/levant/",
            "Content/briefings/a.md": briefing("A", extra: "tags: [iraq]\nactors: [daesh]", body: "Daesh and [[b]]."),
            "Content/briefings/b.md": briefing("B"),
            "Content/actors/daesh.md": "---\nname: Daesh\n---\n",
        ])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let page = try XCTUnwrap(site.output("briefings/a/index.html"))
        assertContains(page, #"href="/levant/actors/daesh/""#)
        assertContains(page, #"href="/levant/briefings/b/""#)
        assertContains(page, #"href="/levant/tags/iraq/""#)
        assertContains(page, #"href="/levant/assets/style.css""#)
        assertContains(page, #"<link rel="canonical" href="https://example.org/levant/briefings/a/">"#)
        let hrefs = page.components(separatedBy: "href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        for href in hrefs where href.hasPrefix("/") {
            XCTAssertTrue(href.hasPrefix("/levant/"), "link outside the sub-path: \(href)")
        }
    }

    func testUserStringsAreHTMLEscaped() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("<img src=x onerror=alert(1)>",
                                               extra: "summary: \"<script>alert(1)</script>\"\ntags: [\"<b>x</b>\"]"),
        ])
        try site.build()
        let page = try XCTUnwrap(site.output("briefings/a/index.html"))
        assertNotContains(page, "<img src=x")
        assertNotContains(page, "<script>alert")
        assertContains(page, "&lt;script&gt;")
    }
}
