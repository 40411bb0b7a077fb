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
        let clean = site.root.appendingPathComponent("Clean")
        try? FileManager.default.removeItem(at: clean)
        defer { try? FileManager.default.removeItem(at: clean) }
        var options = BuildOptions(paths: SitePaths(root: site.root, output: clean))
        options.incremental = false
        XCTAssertTrue(try Pipeline.build(options).succeeded)
        return tree(clean)
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
}
