@testable import DossierServer
import Foundation
import XCTest

/// Edits on disk → watcher → debounced rebuild → new snapshot → `reload` event.
final class WatchingTests: XCTestCase {
    #if os(Linux)
    private let watchMode = WatchMode.inotify
    #else
    private let watchMode = WatchMode.polling(interval: 0.05)
    #endif

    func testEditingABriefingRebuildsAndReloadsOpenPages() throws {
        let site = try PreviewFixture()
        try site.start(watch: watchMode)
        XCTAssertEqual(site.server.watcherKind, watchMode == .inotify ? "inotify" : "polling")
        let stream = try site.openEvents()
        try site.write("Content/briefings/2017-06-22-first.md", briefing("First briefing, revised", body: "Revised body."))
        let reload = try stream.events.next(named: "reload")
        try site.waitUntil("the revised page") { try site.get("/briefings/first/").text.contains("Revised body.") }
        // The reloaded page belongs to the build the event announced (or a later one).
        let token = buildToken(of: try site.get("/briefings/first/").text)
        XCTAssertTrue(reload.contains(token) || site.server.generation > 2, "\(reload) vs \(token)")

        // An in-place rewrite (no rename) is seen as well.
        try site.write("Content/briefings/2017-06-22-first.md", briefing("First briefing", body: "Third body."), atomic: false)
        _ = try stream.events.next(named: "reload")
        try site.waitUntil("the rewritten page") { try site.get("/briefings/first/").text.contains("Third body.") }
    }

    func testABodyEditIsAppliedWithoutAWholeRebuildAndOtherEditsRebuildEverything() throws {
        let site = try PreviewFixture()
        try site.start(watch: watchMode)
        let stream = try site.openEvents()
        try site.write("Content/briefings/2017-06-22-first.md", briefing("First briefing", body: "A new body."))
        _ = try stream.events.next(named: "reload")
        try site.waitUntil("the edited body") { try site.get("/briefings/first/").text.contains("A new body.") }
        try site.waitUntil("the rebuild's report") { site.outcomes.current.count == 2 }
        XCTAssertEqual(site.outcomes.current.last?.bodyEdit, true)
        XCTAssertTrue(try site.get("/atom.xml").text.contains("A new body."))

        // A new title is patched in too, lists included (`CardEdit`).
        try site.write("Content/briefings/2017-06-22-first.md", briefing("First briefing, retitled", body: "A new body."))
        _ = try stream.events.next(named: "reload")
        try site.waitUntil("the new title") { try site.get("/").text.contains("First briefing, retitled") }
        try site.waitUntil("the rebuild's report") { site.outcomes.current.count == 3 }
        XCTAssertEqual(site.outcomes.current.last?.bodyEdit, true)
        XCTAssertTrue(try site.get("/timeline/").text.contains("First briefing, retitled"))

        try site.write("Content/briefings/2017-06-22-first.md", briefing("First briefing, retitled", date: "2017-06-23", body: "A new body."))
        _ = try stream.events.next(named: "reload")
        try site.waitUntil("the new date") { try site.get("/briefings/first/").text.contains("2017-06-23") }
        try site.waitUntil("the rebuild's report") { site.outcomes.current.count == 4 }
        XCTAssertEqual(site.outcomes.current.last?.bodyEdit, false)
    }

    func testAfterAFailedRebuildABodyEditElsewhereStillShowsTheError() throws {
        let site = try PreviewFixture()
        try site.start(watch: watchMode)
        let stream = try site.openEvents()
        try site.write("Content/briefings/2017-06-22-first.md", "---\ntitle: No date\n---\nBody.\n")
        _ = try stream.events.next(named: "failed")
        // The second briefing's body changes, the first is still broken: the site must not reload.
        try site.write("Content/briefings/2016-01-05-second.md", briefing("Second briefing", date: "2016-01-05", body: "Edited."))
        let next = try stream.events.next()
        XCTAssertEqual(next.event, "failed")
        XCTAssertTrue(next.data.contains("2017-06-22-first.md"), next.data)
        XCTAssertEqual(site.outcomes.current.last?.succeeded, false)
    }

    func testFailedRebuildShowsDiagnosticsKeepsTheLastGoodSiteAndRecovers() throws {
        let site = try PreviewFixture()
        try site.start(watch: watchMode)
        let stream = try site.openEvents()
        let good = try site.get("/briefings/first/")
        // No date: an error with a position.
        try site.write("Content/briefings/2017-06-22-first.md", "---\ntitle: \"Broken <b>\"\n---\nBody.\n")
        let failed = try JSONSerialization.jsonObject(with: Data(try stream.events.next(named: "failed").utf8)) as? [String: Any]
        let diagnostics = try XCTUnwrap(failed?["diagnostics"] as? [String])
        XCTAssertTrue(diagnostics.contains { $0.hasPrefix("Content/briefings/2017-06-22-first.md:") && $0.contains("error:") },
                      "\(diagnostics)")
        XCTAssertTrue(diagnostics.allSatisfy { $0.range(of: #"^[^:]+:\d+:\d+: "#, options: .regularExpression) != nil })

        // The last good site is still served, byte for byte.
        let during = try site.get("/briefings/first/")
        XCTAssertEqual(during.status, 200)
        XCTAssertEqual(during.body, good.body)
        // A page opened now learns about the failure as soon as it connects.
        let late = try site.openEvents()
        let lateFailure = try JSONSerialization.jsonObject(with: Data(try late.events.next(named: "failed").utf8)) as? [String: Any]
        XCTAssertEqual(lateFailure?["diagnostics"] as? [String], diagnostics)

        try site.write("Content/briefings/2017-06-22-first.md", briefing("First briefing", body: "Fixed body."))
        _ = try stream.events.next(named: "reload")
        _ = try late.events.next(named: "reload")
        try site.waitUntil("the fixed page") { try site.get("/briefings/first/").text.contains("Fixed body.") }
    }

    func testNewSubfolderCreatedAfterStartIsWatched() throws {
        let site = try PreviewFixture()
        try site.start(watch: watchMode)
        try FileManager.default.createDirectory(at: site.root.appendingPathComponent("Content/briefings/2020/q1"),
                                                withIntermediateDirectories: true)
        try site.write("Content/briefings/2020/q1/2020-02-01-later.md", briefing("Later", date: "2020-02-01", body: "Version one."))
        try site.waitUntil("the new briefing") { try site.get("/briefings/later/").text.contains("Version one.") }
        // An in-place edit inside the new folder only produces an event on that folder's own watch.
        try site.write("Content/briefings/2020/q1/2020-02-01-later.md", briefing("Later", date: "2020-02-01", body: "Version two."),
                       atomic: false)
        try site.waitUntil("the edit in the new folder") { try site.get("/briefings/later/").text.contains("Version two.") }
    }

    func testTemplatesFolderAndSiteConfigAreWatched() throws {
        let site = try PreviewFixture()
        try site.start(watch: watchMode)
        try site.write("site.yml", "title: Renamed Site\n")
        try site.waitUntil("the new title") { try site.get("/").text.contains("Renamed Site") }
        // Templates/ does not exist at start: creating it is noticed through the site root.
        try site.write("Templates/assets/style.css", "body { color: red; }\n")
        try site.waitUntil("the override") { try site.get("/assets/style.css").text == "body { color: red; }\n" }
        try site.write("Templates/assets/style.css", "body { color: blue; }\n", atomic: false)
        try site.waitUntil("the edited override") { try site.get("/assets/style.css").text == "body { color: blue; }\n" }
    }

    func testPollingFallback() throws {
        let site = try PreviewFixture()
        try site.start(watch: .polling(interval: 0.05))
        XCTAssertEqual(site.server.watcherKind, "polling")
        try site.write("Content/briefings/2016-01-05-second.md", briefing("Second briefing", date: "2016-01-05", body: "Polled."))
        try site.waitUntil("the polled edit") { try site.get("/briefings/second/").text.contains("Polled.") }
    }

    func testPollingReportsChangedFilesAndAFolderChangeAloneAsAnything() {
        let before = ["/s/Content/briefings": "d 4096 1.0 7", "/s/Content/briefings/a.md": "f 10 1.0 8",
                      "/s/Content/briefings/b.md": "f 12 1.0 9"]
        var saved = before
        saved["/s/Content/briefings/a.md"] = "f 11 2.0 10"  // an atomic save: new inode, and the folder changes
        saved["/s/Content/briefings"] = "d 4096 2.0 7"
        XCTAssertEqual(PollingWatcher.changes(from: before, to: saved), ChangeSet(paths: ["/s/Content/briefings/a.md"]))
        var added = before
        added["/s/Content/briefings/c.md"] = "f 1 2.0 11"
        added["/s/Content/briefings/b.md"] = nil
        XCTAssertEqual(PollingWatcher.changes(from: before, to: added),
                       ChangeSet(paths: ["/s/Content/briefings/b.md", "/s/Content/briefings/c.md"]))
        var touched = before
        touched["/s/Content/briefings"] = "d 4096 3.0 7"
        XCTAssertEqual(PollingWatcher.changes(from: before, to: touched), .everything)
    }

    func testDebouncerTurnsABurstIntoOneAction() throws {
        let queue = DispatchQueue(label: "test.debounce")
        let count = Locked(0)
        let debouncer = Debouncer(delay: 0.05, queue: queue) { count.withLock { $0 += 1 } }
        for _ in 0..<50 { debouncer.signal() }
        let deadline = Date().addingTimeInterval(5)
        while count.current == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        XCTAssertEqual(count.current, 1)
        // Nothing else was pending: a few more quiet periods pass without another action.
        Thread.sleep(forTimeInterval: 0.15)
        XCTAssertEqual(count.current, 1)
        debouncer.signal()
        while count.current == 1 && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        XCTAssertEqual(count.current, 2)
    }

    private func buildToken(of html: String) -> String {
        guard let range = html.range(of: #"data-build="[^"]+""#, options: .regularExpression) else { return "?" }
        return String(html[range].dropFirst("data-build=\"".count).dropLast())
    }
}
