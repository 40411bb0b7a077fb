import Foundation
import XCTest
@testable import DossierCore

/// A build that changed few files renames them into the output folder; one that changed many
/// swaps in a whole new folder. Either way the result is a clean build's.
final class InPlaceCommitTests: XCTestCase {
    private func site(briefings: Int) throws -> TestSite {
        var files = ["Content/actors/daesh.md": "---\nname: Daesh\n---\n"]
        for index in 0..<briefings {
            files["Content/briefings/b\(index).md"] = briefing("Briefing \(index)", date: "2017-02-\(10 + index % 18)",
                                                               extra: "tags: [t\(index % 3)]", body: "Daesh, part \(index).")
        }
        return try TestSite(files)
    }

    private func inode(_ url: URL) -> UInt64 {
        var info = stat()
        return stat(url.path, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    private func cleanTree(_ site: TestSite) throws -> [String: Data] {
        try site.withCleanBuild(tree)
    }

    /// Files and folders under `folder`, bookkeeping dot-files left out.
    private func tree(_ folder: URL) -> [String: Data] {
        var tree: [String: Data] = [:]
        for case let relative as String in FileManager.default.enumerator(atPath: folder.path)! where !relative.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            let full = folder.appendingPathComponent(relative).path
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            tree[relative] = isDirectory.boolValue ? Data("folder".utf8) : FileManager.default.contents(atPath: full)
        }
        return tree
    }

    func testAFewChangedFilesAreMovedInAndAChangeToEveryPageSwapsTheFolder() throws {
        let site = try site(briefings: 120)
        XCTAssertTrue(try site.build().succeeded)
        let folder = inode(site.output)
        let untouched = inode(site.output.appendingPathComponent("briefings/b7/index.html"))

        try site.write(["Content/briefings/b3.md": briefing("Briefing 3", date: "2017-02-13", extra: "tags: [t0]",
                                                            body: "Daesh, part 3, rewritten.")])
        let small = try site.build()
        XCTAssertTrue(small.succeeded, small.formatted)
        XCTAssertLessThan(small.written?.written ?? 0, 20)
        XCTAssertEqual(inode(site.output), folder, "committed in place: the folder is the same one")
        XCTAssertEqual(inode(site.output.appendingPathComponent("briefings/b7/index.html")), untouched)
        XCTAssertEqual(tree(site.output), try cleanTree(site))

        try site.write(["Templates/footer.mustache": "<footer>Every page changes</footer>"])
        let large = try site.build()
        XCTAssertTrue(large.succeeded, large.formatted)
        XCTAssertGreaterThan(large.written?.written ?? 0, 100)
        XCTAssertNotEqual(inode(site.output), folder, "swapped: a new folder")
        XCTAssertEqual(tree(site.output), try cleanTree(site))
    }

    func testFilesAndFoldersNoBuildMadeAreRemovedInPlace() throws {
        let site = try site(briefings: 3)
        XCTAssertTrue(try site.build().succeeded)
        let folder = inode(site.output)
        try site.write(["Output/notes.txt": "put here by hand", "Output/briefings/b1/draft.html": "by hand",
                        "Output/empty/deeper/x.txt": "by hand"])
        try site.remove("Content/briefings/b2.md")
        XCTAssertTrue(try site.build().succeeded)
        XCTAssertEqual(inode(site.output), folder)
        XCTAssertNil(site.output("notes.txt"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("empty").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("briefings/b2").path))
        XCTAssertEqual(tree(site.output), try cleanTree(site))
        XCTAssertNotNil(site.output(OutputWriter.markerName))
    }

    /// A file in the way of a new folder (or a folder in the way of a new file) is found before
    /// anything is renamed, and the whole folder is swapped instead.
    func testAFileWhereTheNewSiteNeedsAFolderIsSwappedAway() throws {
        let site = try site(briefings: 3)
        XCTAssertTrue(try site.build().succeeded)
        var folder = inode(site.output)
        try site.write(["Output/briefings/b9": "a file by hand, where the new briefing's folder goes"])
        try site.write(["Content/briefings/b9.md": briefing("Briefing 9", extra: "tags: [t0]")])
        var result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        XCTAssertNotEqual(inode(site.output), folder)
        assertContains(site.output("briefings/b9/index.html"), "Briefing 9")
        XCTAssertEqual(tree(site.output), try cleanTree(site))

        folder = inode(site.output)
        try site.remove("Output/tags/t0/atom.xml")
        try site.write(["Output/tags/t0/atom.xml/x": "a folder by hand, where a feed goes"])
        try site.write(["Content/briefings/b9.md": briefing("Briefing 9, retitled", extra: "tags: [t0]")])
        result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        XCTAssertNotEqual(inode(site.output), folder)
        assertContains(site.output("tags/t0/atom.xml"), "Briefing 9, retitled")
        XCTAssertEqual(tree(site.output), try cleanTree(site))
    }

    func testAPreviousFileThatVanishedDuringTheBuildFailsTheCommit() throws {
        let site = try site(briefings: 2)
        XCTAssertTrue(try site.build().succeeded)
        let staging = StagingFolder(output: site.output)
        staging.reusePrevious("briefings/b0/index.html")
        staging.reusePrevious("briefings/gone/index.html")
        staging.add("briefings/b1/index.html", text: "<p>new</p>")
        XCTAssertThrowsError(try staging.commit()) { error in
            XCTAssertTrue("\(error)".contains("briefings/gone/index.html vanished during the build"), "\(error)")
        }
        assertNotContains(site.output("briefings/b1/index.html"), "<p>new</p>")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: site.root.path).sorted(), ["Content", "Output"])
    }

    /// A commit in place saves the output's listing; the next one reads only the folders whose
    /// stamps changed, so a file put in any folder by hand is still found and removed.
    func testTheNextCommitReadsOnlyTheFoldersThatChanged() throws {
        FileStamp.racyNanoseconds = 0
        defer { FileStamp.racyNanoseconds = 2_000_000_000 }
        let site = try site(briefings: 30)
        XCTAssertTrue(try site.build().succeeded)
        XCTAssertFalse(FileManager.default.fileExists(atPath: site.output.appendingPathComponent(OutputListing.fileName).path),
                       "a swapped-in folder has no saved listing")
        try site.write(["Content/briefings/b3.md": briefing("Briefing 3", date: "2017-02-13", extra: "tags: [t0]", body: "Daesh, again.")])
        XCTAssertEqual(try site.build().written?.inPlace, true)

        var saved = OutputListing.load(in: site.output.path)
        let total = saved.folders.count
        XCTAssertGreaterThan(total, 30)
        let unchanged = try XCTUnwrap(saved.list(site.output.path))
        XCTAssertLessThan(unchanged.read, 5, "only the folders the commit wrote into are read again")

        try Data("stray".utf8).write(to: site.output.appendingPathComponent("briefings/b7/stray.txt"))
        try FileManager.default.createDirectory(at: site.output.appendingPathComponent("tags/t1/extra"), withIntermediateDirectories: false)
        try site.write(["Content/briefings/b4.md": briefing("Briefing 4", date: "2017-02-14", extra: "tags: [t1]", body: "Daesh, anew.")])
        let next = try site.build()
        XCTAssertEqual(next.written?.inPlace, true)
        XCTAssertFalse(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("briefings/b7/stray.txt").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("tags/t1/extra").path))
        XCTAssertEqual(tree(site.output), try cleanTree(site))
    }

    /// Names as the file system spells them, for comparisons that `String` equality would blur.
    private func rawListing(_ folder: URL) throws -> [InPlaceCommit.Name] {
        var saved = OutputListing()
        let listing = try XCTUnwrap(saved.list(folder.path))
        return listing.files.union(listing.folders).filter { $0.bytes.first != UInt8(ascii: ".") }.sorted()
    }

    private func cleanListing(_ site: TestSite) throws -> [InPlaceCommit.Name] {
        try site.withCleanBuild(rawListing)
    }

    /// "café" composed and decomposed are one `String` but two names on Linux.
    func testNamesAreComparedAsTheFileSystemSpellsThem() throws {
        let site = try site(briefings: 2)
        let decomposed = "cafe\u{301}", composed = "caf\u{E9}"
        try site.write(["Content/static/\(decomposed)/a.txt": "A", "Content/static/\(decomposed).txt": "B"])
        XCTAssertTrue(try site.build().succeeded)
        try FileManager.default.moveItem(atPath: site.root.path + "/Content/static/\(decomposed)",
                                         toPath: site.root.path + "/Content/static/\(composed)")
        try FileManager.default.moveItem(atPath: site.root.path + "/Content/static/\(decomposed).txt",
                                         toPath: site.root.path + "/Content/static/\(composed).txt")
        try site.write(["Content/briefings/b1.md": briefing("Briefing 1 edited")])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        XCTAssertEqual(try rawListing(site.output), try cleanListing(site))

        // A stale file whose name is not UTF-8 is deleted too.
        let bad = Array(site.output.path.utf8) + Array("/bad".utf8) + [0xFF] + Array(".html".utf8) + [0]
        let descriptor = bad.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        close(descriptor)
        try site.write(["Content/briefings/b1.md": briefing("Briefing 1 edited again")])
        XCTAssertTrue(try site.build().succeeded)
        XCTAssertEqual(try rawListing(site.output), try cleanListing(site))
    }

    /// Symbolic links inside or as the output folder are replaced by real folders, whatever the
    /// size of the change, and cache files are never written through a planted link.
    func testSymbolicLinksInTheOutputAreReplacedNotFollowed() throws {
        let site = try site(briefings: 2)
        XCTAssertTrue(try site.build().succeeded)
        let manager = FileManager.default
        let copy = site.root.appendingPathComponent("actors-copy")
        try manager.copyItem(at: site.output.appendingPathComponent("actors"), to: copy)
        try manager.removeItem(at: site.output.appendingPathComponent("actors"))
        try manager.createSymbolicLink(at: site.output.appendingPathComponent("actors"), withDestinationURL: copy)
        let victims = ["victim-session", "victim-cache"].map { site.root.appendingPathComponent($0) }
        for victim in victims { try Data("keep me".utf8).write(to: victim) }
        for (name, victim) in zip([SessionCacheFile.fileName + ".partial", RenderCache.fileName], victims) {
            try? manager.removeItem(at: site.output.appendingPathComponent(name))
            try manager.createSymbolicLink(at: site.output.appendingPathComponent(name), withDestinationURL: victim)
        }
        try site.write(["Content/briefings/b1.md": briefing("Briefing 1 edited")])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        for victim in victims { XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "keep me") }
        let actors = try manager.attributesOfItem(atPath: site.output.path + "/actors")[.type] as? FileAttributeType
        XCTAssertEqual(actors, .typeDirectory)
        XCTAssertEqual(tree(site.output), try cleanTree(site))
        XCTAssertEqual(try manager.attributesOfItem(atPath: site.output.path + "/" + RenderCache.fileName)[.type] as? FileAttributeType,
                       .typeRegular)

        // The output folder itself as a link: a one-file change replaces it as a whole change would.
        let real = site.root.appendingPathComponent("Real")
        try manager.moveItem(at: site.output, to: real)
        try manager.createSymbolicLink(at: site.output, withDestinationURL: real)
        try site.write(["Content/briefings/b1.md": briefing("Briefing 1 edited twice")])
        XCTAssertTrue(try site.build().succeeded)
        XCTAssertEqual(try manager.attributesOfItem(atPath: site.output.path)[.type] as? FileAttributeType, .typeDirectory)
        assertContains(site.output("briefings/b1/index.html"), "Briefing 1 edited twice")
    }

    func testAnInterruptBeforeTheCommitStopsItAndOneAfterItIsReported() throws {
        let site = try site(briefings: 2)
        XCTAssertTrue(try site.build().succeeded)
        let before = tree(site.output)
        let interrupted = StagingFolder(output: site.output)
        XCTAssertFalse(StagingFolder.discardAllActive(), "nothing committed yet, not even a staging folder made")
        interrupted.add("briefings/b1/index.html", text: "<p>new</p>")
        XCTAssertThrowsError(try interrupted.commit())
        XCTAssertEqual(tree(site.output), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: site.root.path).sorted(), ["Content", "Output"])

        let finished = StagingFolder(output: site.output)
        finished.add("briefings/b1/index.html", text: "<p>new</p>")
        finished.reusePrevious("briefings/b0/index.html")
        _ = try finished.commit()
        XCTAssertTrue(finished.discard(), "a handler that comes after the commit learns the site is in place")
    }
}
