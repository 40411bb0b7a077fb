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
        let pages = RenderCache()
        let session = SessionCache()
        try checkEverySortOfChange { site in
            var options = BuildOptions(paths: site.paths)
            options.cache = pages
            options.session = session
            let result = try Pipeline.build(options)
            if result.succeeded {
                pages.commit()
                session.commit()
            }
            return result
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
        try build(site)
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
        let session = SessionCache()
        var options = BuildOptions(paths: site.paths)
        options.session = session
        options.cache = RenderCache()
        XCTAssertTrue(try Pipeline.build(options).succeeded)
        session.commit()
        options.cache!.commit()
        XCTAssertEqual(session.misses.files, 21)
        try site.write(["Content/briefings/b3.md": briefing("B3", date: "2017-01-04", body: "Daesh, again.")])
        XCTAssertTrue(try Pipeline.build(options).succeeded)
        XCTAssertEqual(session.misses.files, 1)
        XCTAssertEqual(session.misses.bodies, 1)
        XCTAssertEqual(session.misses.fragments, 0)  // b3’s card (title, date, summary, tags) is unchanged
        assertContains(site.output("briefings/b3/index.html"), "again.")
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
}
