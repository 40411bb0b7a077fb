@testable import DossierCore
import Foundation
import XCTest

/// The session cache keeps bodies' HTML in a store of its own (`Output/.dossier-cache-bodies`),
/// which a build appends to instead of copying it into a new session file.
final class BodyStoreTests: XCTestCase {
    private func site(_ count: Int = 4, topic: String = "Mosul") throws -> TestSite {
        var files = ["Content/actors/daesh.md": "---\nname: Daesh\naliases: [ISIS]\n---\nThe group that held \(topic)."]
        for index in 0..<count {
            files["Content/briefings/b\(index).md"] = briefing(
                "Briefing \(index)", body: "ISIS held \(topic) in part \(index). " + String(repeating: "Prose about the front line. ", count: 40))
        }
        return try TestSite(files)
    }

    private func bytes(_ site: TestSite, _ name: String) throws -> Data {
        try Data(contentsOf: site.output.appendingPathComponent(name))
    }

    private func assertSameAsACleanBuild(_ site: TestSite, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(visibleFiles(in: site.output), try site.withCleanBuild(visibleFiles(in:)), file: file, line: line)
    }

    /// An edited body appends only its own HTML (its card, unchanged, stays where it was),
    /// and the session file holds no HTML at all.
    func testAnEditAppendsOnlyItsBodyAndTheSessionFileHoldsNoHTML() throws {
        let site = try site()
        let built = try site.build()
        XCTAssertEqual(built.htmlStoreFresh, true)
        let first = try bytes(site, BodyStore.fileName)
        XCTAssertEqual(built.htmlStoreBytes, first.count)
        assertContains(String(decoding: first, as: UTF8.self), "</a> held Mosul in part 3")

        try site.write(["Content/briefings/b2.md": briefing("Briefing 2", body: "A new finding about Raqqa.")])
        let edited = try site.build()
        XCTAssertEqual(edited.bodiesRendered, 1)
        let after = try bytes(site, BodyStore.fileName)
        XCTAssertEqual(after.prefix(first.count), first, "the store is appended to, not written again")
        let added = String(decoding: after.dropFirst(first.count), as: UTF8.self)
        XCTAssertEqual(added, "<p>A new finding about Raqqa.</p>\n")
        XCTAssertEqual(edited.htmlStoreFresh, false)
        XCTAssertEqual(edited.htmlStoreBytes, added.utf8.count)
        let session = String(decoding: try bytes(site, SessionCacheFile.fileName), as: UTF8.self)
        assertNotContains(session, "</a> held Mosul")
        assertNotContains(session, "<p>A new finding")
        assertNotContains(session, "<article class=\"briefing-item\">")
        assertContains(String(decoding: after, as: UTF8.self), "<article class=\"briefing-item\">")
        try assertSameAsACleanBuild(site)

        let again = try site.build()
        XCTAssertEqual(again.bodiesRendered, 0)
        XCTAssertEqual(again.htmlStoreBytes, 0)
        XCTAssertEqual(try bytes(site, BodyStore.fileName), after)
    }

    /// Settings that only pages show (the title) render the pages again but no body and no
    /// card: nothing is added to the store. The base URL prefixes every link, so it renders
    /// them all again.
    func testOnlySettingsThatReachBodiesAndCardsRenderThemAgain() throws {
        let site = try site()
        let first = try site.build()
        try site.write(["site.yml": "title: Levant Monitor\ndescription: Weekly notes\n"])
        let retitled = try site.build()
        XCTAssertEqual(retitled.bodiesRendered, 0, retitled.formatted)
        XCTAssertEqual(retitled.htmlStoreBytes, 0)
        assertContains(site.output("briefings/b1/index.html"), "Levant Monitor")
        try assertSameAsACleanBuild(site)

        try site.write(["site.yml": "title: Levant Monitor\nbase_url: https://example.org/levant/\n"])
        let moved = try site.build()
        XCTAssertEqual(moved.bodiesRendered, first.bodiesRendered)
        let store = String(decoding: try bytes(site, BodyStore.fileName), as: UTF8.self)
        assertContains(store, "href=\"/levant/briefings/b1/\"")  // a card
        assertContains(store, "href=\"/levant/actors/daesh/\"")  // a body's mention
        try assertSameAsACleanBuild(site)
    }

    /// A card read from the store is read once, however many pages show it.
    func testACardIsReadFromTheStoreOnce() throws {
        let site = try site(2)
        XCTAssertTrue(try site.build().succeeded)
        let session = SessionCacheFile.load(in: site.output, identity: BuildIdentity.current)
        let card = try XCTUnwrap(session.fragments.committed.values.first)
        let first = card.html
        assertContains(first, "href=\"/briefings/b")  // a briefing card or an event card
        try Data(repeating: 0x20, count: try bytes(site, BodyStore.fileName).count)
            .write(to: site.output.appendingPathComponent(BodyStore.fileName))
        XCTAssertEqual(card.html, first, "read from the store again")
        XCTAssertEqual(session.savedBodies?.file.damaged, false)
    }

    /// Edits leave old bodies behind in the store; once they are most of it, the next build
    /// writes a fresh store holding only the bodies in use.
    func testAStoreMostlyOfOldBodiesIsWrittenAfresh() throws {
        let site = try site(2)
        XCTAssertTrue(try site.build().succeeded)
        let fresh = try bytes(site, BodyStore.fileName).count
        var sizes: [Int] = [], afresh: [Bool] = []
        for round in 0..<12 {
            let body = "Round \(round). " + String(repeating: "A revised analysis. ", count: 60)
            try site.write(["Content/briefings/b1.md": briefing("Briefing 1", body: body)])
            let result = try site.build()
            XCTAssertEqual(result.bodiesRendered, 1, result.formatted)
            assertContains(site.output("briefings/b1/index.html"), "Round \(round). A revised")
            sizes.append(try bytes(site, BodyStore.fileName).count)
            afresh.append(result.htmlStoreFresh ?? false)
        }
        XCTAssertLessThan(sizes.max() ?? 0, 3 * fresh, "\(sizes)")
        XCTAssertTrue(zip(sizes, sizes.dropFirst()).contains { $1 < $0 }, "no build wrote a fresh store: \(sizes)")
        XCTAssertEqual(afresh.indices.filter { afresh[$0] }, sizes.indices.dropFirst().filter { sizes[$0] < sizes[$0 - 1] })
        try assertSameAsACleanBuild(site)
        XCTAssertEqual(try site.build().bodiesRendered, 0)
    }

    /// A store that is not the one the session file was saved with — grown, replaced by another
    /// site's, or gone — is not trusted: the build renders every body again, correctly.
    func testAStoreThatChangedBetweenBuildsIsNotTrusted() throws {
        let other = try site(3, topic: "Raqqa")
        XCTAssertTrue(try other.build().succeeded)
        let foreign = try bytes(other, BodyStore.fileName)
        let changes: [(String, (URL) throws -> Void)] = [
            ("grown", { url in
                let handle = try FileHandle(forWritingTo: url)
                try handle.seekToEnd()
                try handle.write(contentsOf: Data("<p>Planted</p>".utf8))
                try handle.close()
            }),
            ("replaced", { url in try foreign.write(to: url) }),
            ("removed", { url in try FileManager.default.removeItem(at: url) }),
        ]
        for (change, apply) in changes {
            let site = try site()
            let full = try site.build()
            XCTAssertTrue(full.succeeded)
            try apply(site.output.appendingPathComponent(BodyStore.fileName))
            let rebuilt = try site.build()
            XCTAssertTrue(rebuilt.succeeded, rebuilt.formatted)
            XCTAssertEqual(rebuilt.bodiesRendered, full.bodiesRendered, change)
            try assertSameAsACleanBuild(site)
            XCTAssertEqual(try site.build().bodiesRendered, 0, change)
        }
    }

    /// A build interrupted after its pages were rendered (Ctrl-C) leaves the store as it was,
    /// so the build after it still starts from the previous build's cache.
    func testAnInterruptedBuildLeavesTheStoreAsItWas() throws {
        let site = try site()
        XCTAssertTrue(try site.build().succeeded)
        let store = try bytes(site, BodyStore.fileName)
        try site.write(["Content/briefings/b1.md": briefing("Briefing 1", body: "Saved just before Ctrl-C.")])
        var options = BuildOptions(paths: site.paths)
        options.progress = ProgressReporter(step: 1) { done, total in
            if done == total { _ = StagingFolder.discardAllActive() }
        }
        XCTAssertThrowsError(try Pipeline.build(options))
        XCTAssertEqual(try bytes(site, BodyStore.fileName), store)
        let next = try site.build()
        XCTAssertEqual(next.bodiesRendered, 1, next.formatted)
        try assertSameAsACleanBuild(site)
    }

    /// The caches are written (and the store appended to) as the first step of a commit, and
    /// only by a build that was neither interrupted nor failed.
    func testACommitThatCannotHappenWritesNoCache() throws {
        let site = try site(1)
        XCTAssertTrue(try site.build().succeeded)
        for interrupted in [true, false] {
            let staging = StagingFolder(output: site.output)
            staging.add("late.html", text: "<p>late</p>")
            if interrupted { _ = staging.discard() } else { staging.add("../outside.html", text: "no") }
            var finished = false
            XCTAssertThrowsError(try staging.commit { finished = true })
            XCTAssertFalse(finished, interrupted ? "interrupted" : "failed")
        }
        let staging = StagingFolder(output: site.output)
        var finished = false
        _ = try staging.commit { finished = true }
        XCTAssertTrue(finished)
    }

    /// A store another build is appending to (it holds the lock) is not waited for: this
    /// build writes a fresh one, and the next build uses that.
    func testALockedStoreGetsAFreshOneInsteadOfAWait() throws {
        let site = try site()
        XCTAssertTrue(try site.build().succeeded)
        let path = site.output.appendingPathComponent(BodyStore.fileName).path
        let held = open(path, O_RDONLY)
        XCTAssertEqual(flock(held, LOCK_EX), 0)
        defer { close(held) }
        let before = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        try site.write(["Content/briefings/b1.md": briefing("Briefing 1", body: "Written while the store was locked.")])
        let edited = try site.build()
        XCTAssertEqual(edited.bodiesRendered, 1, edited.formatted)
        let after = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        XCTAssertNotEqual(before, after, "the locked store was appended to")
        try assertSameAsACleanBuild(site)
        XCTAssertEqual(try site.build().bodiesRendered, 0)
    }

    /// A build that replaces the whole output folder (a theme change renders every page) keeps
    /// the store it appended to, so the build after it still reuses every body.
    func testTheStoreSurvivesAWholeFolderSwap() throws {
        let site = try site(120)  // beyond what an in-place commit takes (`InPlaceCommit.allowed`)
        XCTAssertTrue(try site.build().succeeded)
        try site.write([
            "Templates/footer.mustache": "<footer>Desk footer</footer>",
            "Content/briefings/b0.md": briefing("Briefing 0", body: "Rewritten after the theme change."),
        ])
        let swapped = try site.build()
        XCTAssertEqual(swapped.written?.inPlace, false)
        XCTAssertEqual(swapped.bodiesRendered, 1)
        assertContains(String(decoding: try bytes(site, BodyStore.fileName), as: UTF8.self), "Rewritten after the theme change.")
        try assertSameAsACleanBuild(site)
        XCTAssertEqual(try site.build().bodiesRendered, 0)
    }
}
