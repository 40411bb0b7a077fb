import DossierCore
@testable import DossierServer
import Foundation
import XCTest

/// A whole rebuild in `serve` reads again only the files the watcher reported since the last
/// whole rebuild that succeeded; these tests hand the rebuilder its change sets directly and
/// compare what it serves with a clean build.
final class RebuildChangeSetTests: XCTestCase {
    private func path(_ site: PreviewFixture, _ relative: String) -> String {
        site.root.appendingPathComponent(relative).path
    }

    private func rebuild(_ rebuilder: Rebuilder, _ site: PreviewFixture, _ relative: [String]) -> RebuildOutcome {
        rebuilder.queue.sync { rebuilder.rebuildOnQueue(changes: ChangeSet(paths: Set(relative.map { path(site, $0) }))) }
    }

    private func served(_ rebuilder: Rebuilder) -> [String: Data] {
        var files: [String: Data] = [:]
        for (path, entry) in rebuilder.current?.entries ?? [:] {
            if case let .bytes(data, _) = entry { files[path] = data }
        }
        return files
    }

    private func assertServesCleanBuild(_ rebuilder: Rebuilder, _ site: PreviewFixture,
                                        file: StaticString = #filePath, line: UInt = #line) {
        let (result, clean) = Pipeline.render(site.buildOptions)
        XCTAssertTrue(result.succeeded, "\(result.diagnostics.map(\.formatted))", file: file, line: line)
        let expected = Dictionary((clean?.files ?? []).map { ($0.path, $0.contents) }, uniquingKeysWith: { a, _ in a })
        let actual = served(rebuilder)
        XCTAssertEqual(Set(actual.keys), Set(expected.keys), file: file, line: line)
        for (path, data) in expected where actual[path] != data {
            XCTFail("\(path) differs from a clean build", file: file, line: line)
        }
        var servedStatic: Set<String> = []
        for (path, entry) in rebuilder.current?.entries ?? [:] {
            if case .staticFile = entry { servedStatic.insert(path) }
        }
        XCTAssertEqual(servedStatic, Set((clean?.staticFiles ?? []).map(\.outputPath)), "static files", file: file, line: line)
    }

    private func start(_ site: PreviewFixture) -> Rebuilder {
        let rebuilder = Rebuilder(options: site.buildOptions, boot: "test", hub: EventHub(), report: { _ in })
        XCTAssertTrue(rebuilder.queue.sync { rebuilder.rebuildOnQueue() }.succeeded)
        return rebuilder
    }

    /// Files written more than the loader's 50 ms "racily clean" margin ago.
    private func settle() { Thread.sleep(forTimeInterval: 0.1) }

    func testTheContentFolderIsListedAgainOnlyWhenAReportedChangeNeedsIt() throws {
        let site = try PreviewFixture()
        settle()
        let rebuilder = start(site)
        try site.write("Content/briefings/2017-06-22-first.md", briefing("First briefing", date: "2017-06-21", body: "Moved a day."))
        // Not reported: a new file (a watcher always reports one; this shows the listing is
        // kept), and an edit to a listed file (every listed file is still stamped).
        try site.write("Content/briefings/2018-03-03-unreported.md", briefing("Unreported", date: "2018-03-03"))
        try site.write("Content/briefings/2016-01-05-second.md", briefing("Second briefing", date: "2016-01-05", body: "Seen anyway."))
        settle()
        // A front-matter edit, saved through a temporary file: a whole rebuild.
        let saved = ["Content/briefings/2017-06-22-first.md", "Content/briefings/2017-06-22-first.md.tmp",
                     "Content/briefings/.2017-06-22-first.md.swp", "Content/briefings/2017-06-22-first.md~"]
        XCTAssertFalse(rebuild(rebuilder, site, saved).bodyEdit)
        XCTAssertTrue(String(decoding: served(rebuilder)["briefings/first/index.html"]!, as: UTF8.self).contains("Moved a day."))
        XCTAssertTrue(String(decoding: served(rebuilder)["briefings/second/index.html"]!, as: UTF8.self).contains("Seen anyway."))
        XCTAssertNil(served(rebuilder)["briefings/unreported/index.html"])
        // A change the watcher could not account for (a folder event) lists everything.
        _ = rebuilder.queue.sync { rebuilder.rebuildOnQueue(changes: .everything) }
        assertServesCleanBuild(rebuilder, site)
    }

    /// The watcher ignores editors' backup files; the walker skips them too, so a rebuild that
    /// keeps the last listing serves what a clean build publishes.
    func testAnEditorsBackupFileIsNotPublishedByEither() throws {
        let site = try PreviewFixture()
        settle()
        let rebuilder = start(site)
        try FileManager.default.copyItem(atPath: path(site, "Content/static/logo.svg"), toPath: path(site, "Content/static/logo.svg~"))
        try site.write("Content/briefings/2016-01-05-second.md", briefing("Second briefing", date: "2016-01-06"))
        settle()
        XCTAssertTrue(rebuild(rebuilder, site, ["Content/briefings/2016-01-05-second.md"]).succeeded)
        assertServesCleanBuild(rebuilder, site)
        XCTAssertNotNil(rebuilder.current?.entries["logo.svg"])
        XCTAssertNil(rebuilder.current?.entries["logo.svg~"])
    }

    /// A hard link made from outside the content folder: writes through it change a listed
    /// file, and no watch reports them.
    func testAFileWrittenThroughALinkFromOutsideIsReadAgain() throws {
        let site = try PreviewFixture()
        settle()
        let rebuilder = start(site)
        let outside = path(site, "elsewhere.md")
        try FileManager.default.linkItem(atPath: path(site, "Content/briefings/2017-06-22-first.md"), toPath: outside)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: outside))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(briefing("First briefing", body: "Written through the link.").utf8))
        try handle.close()
        try site.write("Content/briefings/2016-01-05-second.md", briefing("Second briefing", date: "2016-01-06"))
        settle()
        XCTAssertTrue(rebuild(rebuilder, site, ["Content/briefings/2016-01-05-second.md"]).succeeded)
        assertServesCleanBuild(rebuilder, site)
        XCTAssertTrue(String(decoding: served(rebuilder)["briefings/first/index.html"]!, as: UTF8.self).contains("Written through the link."))
    }

    func testAWholeRebuildReadsWhatABodyEditChangedBefore() throws {
        let site = try PreviewFixture()
        settle()
        let rebuilder = start(site)
        try site.write("Content/briefings/2017-06-22-first.md", briefing("First briefing", body: "Patched body."))
        settle()
        XCTAssertTrue(rebuild(rebuilder, site, ["Content/briefings/2017-06-22-first.md"]).bodyEdit)
        try site.write("Content/briefings/2016-01-05-second.md", briefing("Second briefing", date: "2016-01-06", body: "The second body."))
        settle()
        XCTAssertFalse(rebuild(rebuilder, site, ["Content/briefings/2016-01-05-second.md"]).bodyEdit)
        assertServesCleanBuild(rebuilder, site)
    }

    func testAFailedRebuildsFilesAreReadAgainByTheNext() throws {
        let site = try PreviewFixture()
        settle()
        let rebuilder = start(site)
        try site.write("Content/briefings/2017-06-22-first.md", briefing("First briefing", date: "2017-06-20", body: "Edited with the error."))
        try site.write("Content/briefings/2016-01-05-second.md", "---\ntitle: [unclosed\n---\nBroken.\n")
        settle()
        let changes = ["Content/briefings/2017-06-22-first.md", "Content/briefings/2016-01-05-second.md"]
        XCTAssertFalse(rebuild(rebuilder, site, changes).succeeded)
        try site.write("Content/briefings/2016-01-05-second.md", briefing("Second briefing", date: "2016-01-05", body: "Fixed."))
        settle()
        XCTAssertTrue(rebuild(rebuilder, site, ["Content/briefings/2016-01-05-second.md"]).succeeded)
        assertServesCleanBuild(rebuilder, site)
    }

    func testNewAndRemovedFilesAreListedAgain() throws {
        let site = try PreviewFixture()
        settle()
        let rebuilder = start(site)
        try site.write("Content/briefings/2018-02-02-third.md", briefing("Third briefing", date: "2018-02-02"))
        XCTAssertTrue(rebuild(rebuilder, site, ["Content/briefings/2018-02-02-third.md"]).succeeded)
        XCTAssertNotNil(served(rebuilder)["briefings/third/index.html"])
        try FileManager.default.removeItem(atPath: path(site, "Content/briefings/2016-01-05-second.md"))
        XCTAssertTrue(rebuild(rebuilder, site, ["Content/briefings/2016-01-05-second.md"]).succeeded)
        assertServesCleanBuild(rebuilder, site)
    }

    /// A file reached through a symbolic link, or with a second hard link, changes when another
    /// path is written: such a folder is listed and stamped again on every rebuild.
    func testLinkedFilesAreReadAgainWhenTheirTargetChanges() throws {
        for hard in [false, true] {
            let site = try PreviewFixture()
            let target = path(site, "Content/briefings/2016-01-05-second.md")
            let link = path(site, "Content/briefings/2016-01-07-linked.md")
            if hard {
                try FileManager.default.linkItem(atPath: target, toPath: link)
            } else {
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "2016-01-05-second.md")
            }
            settle()
            let rebuilder = start(site)
            // Written in place: a rename would replace the hard link's shared file.
            try site.write("Content/briefings/2016-01-05-second.md", briefing("Second briefing", date: "2016-01-05", body: "Through the link."),
                           atomic: false)
            settle()
            XCTAssertTrue(rebuild(rebuilder, site, ["Content/briefings/2016-01-05-second.md"]).succeeded)
            let page = String(decoding: served(rebuilder)["briefings/linked/index.html"] ?? Data(), as: UTF8.self)
            XCTAssertTrue(page.contains("Through the link."), hard ? "hard link" : "symbolic link")
            assertServesCleanBuild(rebuilder, site)
        }
    }
}
