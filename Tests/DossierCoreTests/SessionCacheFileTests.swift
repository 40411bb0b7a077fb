@testable import DossierCore
import DossierMarkdown
import Foundation
import XCTest

final class SessionCacheFileTests: XCTestCase {
    func testBinaryCodingRoundTrip() throws {
        let path = NSTemporaryDirectory() + "binary-\(UUID().uuidString)"
        defer { unlink(path) }
        var writer = try XCTUnwrap(BinaryWriter(path: path))
        let numbers = [0, 1, -1, 127, 128, -129, Int.max, Int.min, 1 << 40]
        for number in numbers { writer.write(number) }
        writer.write(UInt64.max)
        writer.write("Daesh’s “front”")
        writer.write(["", "a", String(repeating: "x", count: 3_000_000)])
        writer.write(true)
        XCTAssertTrue(writer.finish())
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        data.withUnsafeBytes { file in
            guard let bytes = BinaryReader.verified(file) else { return XCTFail("the fingerprint does not match") }
            var reader = BinaryReader(bytes)
            XCTAssertEqual(numbers.map { _ in reader.readInt() }, numbers)
            XCTAssertEqual(reader.readUInt64(), UInt64.max)
            XCTAssertEqual(reader.readString(), "Daesh’s “front”")
            XCTAssertEqual(reader.readStrings().map(\.count), [0, 1, 3_000_000])
            XCTAssertTrue(reader.readBool())
            XCTAssertTrue(reader.atEnd)
            XCTAssertFalse(reader.failed)
        }
    }

    /// The render cache's file names every page's key in hexadecimal and reads it back.
    func testFingerprintsRoundTripThroughTheirHexadecimalText() {
        for (high, low) in [(UInt64(0), UInt64(0)), (UInt64.max, UInt64(1)), (0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210)] {
            let fingerprint = Fingerprint(high: high, low: low)
            XCTAssertEqual(fingerprint.description, String(format: "%016llx%016llx", high, low))
            XCTAssertEqual(Fingerprint(hexBytes: Array(fingerprint.description.utf8)), fingerprint)
            XCTAssertEqual(Fingerprint(hexBytes: Array(fingerprint.description.uppercased().utf8)), fingerprint)
        }
        XCTAssertNil(Fingerprint(hexBytes: Array("0123456789abcdef0123456789abcdeg".utf8)))
        XCTAssertNil(Fingerprint(hexBytes: Array("0123".utf8)))
    }

    private func site(briefings: Int = 4) throws -> TestSite {
        var files = [
            "Content/actors/daesh.md": "---\nname: Daesh\naliases: [ISIS]\n---\nThe group that held Mosul.",
            "Content/places/mosul.md": "---\nname: Mosul\n---\n",
            "Content/pages/about.md": "---\ntitle: About\n---\nWho we are.",
        ]
        for index in 0..<briefings {
            files["Content/briefings/b\(index).md"] = briefing("Briefing \(index)", date: "2017-01-\(10 + index % 18)",
                                                               extra: "tags: [iraq]\nactors: [daesh]",
                                                               body: "## Part \(index)\n\nISIS holds Mosul. See [[b0]] and [a link](https://example.org/\(index)).")
        }
        return try TestSite(files)
    }

    /// Every file of a build from scratch into another folder, without the output's bookkeeping.
    private func cleanTree(_ site: TestSite) throws -> [String: Data] {
        try site.withCleanBuild(visibleFiles(in:))
    }

    func testTheNextBuildRendersOnlyTheBodiesThatChanged() throws {
        let site = try site()
        let first = try site.build()
        XCTAssertTrue(first.succeeded, first.formatted)
        XCTAssertEqual(first.bodiesReused, 0)
        XCTAssertEqual(first.bodiesRendered, 4 + 2 + 1, "four briefings, two entities, one page")
        XCTAssertNotNil(site.output(SessionCacheFile.fileName))

        XCTAssertEqual(first.frontMattersParsed, 4)
        let second = try site.build()
        XCTAssertEqual(second.bodiesRendered, 0)
        XCTAssertEqual(second.bodiesReused, 7)
        XCTAssertEqual(second.frontMattersParsed, 0)
        XCTAssertEqual(second.frontMattersReused, 4)
        XCTAssertEqual(first.searchDocumentsScored, 7, "four briefings, two entities, one page")
        XCTAssertEqual(second.searchDocumentsScored, 0)
        XCTAssertEqual(second.searchDocumentsReused, 7)
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))

        try site.write(["Content/briefings/b2.md": briefing("Briefing 2", date: "2017-01-12", extra: "tags: [iraq]\nactors: [daesh]",
                                                            body: "ISIS holds Mosul, and a new sentence.")])
        let third = try site.build()
        XCTAssertEqual(third.bodiesRendered, 1)
        XCTAssertEqual(third.frontMattersParsed, 0, "only the body changed")
        XCTAssertEqual(third.searchDocumentsScored, 1)
        assertContains(site.output("briefings/b2/index.html"), "a new sentence")
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))

        // Retitling b0 changes what the other bodies' wiki-links say, so they are rendered again.
        try site.write(["Content/briefings/b0.md": briefing("Briefing zero", date: "2017-01-10", extra: "tags: [iraq]\nactors: [daesh]",
                                                            body: "## Part 0\n\nISIS holds Mosul. See [[b0]] and [a link](https://example.org/0).")])
        let retitled = try site.build()
        XCTAssertEqual(retitled.bodiesRendered, 3, "b0, b1 and b3 link to b0; b2 no longer does")
        XCTAssertEqual(retitled.frontMattersParsed, 1)
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))

        // An alias decides what is a mention in every body.
        try site.write(["Content/actors/daesh.md": "---\nname: Daesh\naliases: [ISIS, ISIL]\n---\nThe group that held Mosul."])
        XCTAssertEqual(try site.build().bodiesRendered, 7)
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))
    }

    /// The next build moves the changed documents' postings in the index the previous one
    /// saved: terms only the edit removed leave the index, new ones join it, and the shards are
    /// those of a build from scratch.
    func testTheSearchIndexIsUpdatedForTheDocumentsThatChanged() throws {
        let site = try site(briefings: 6)
        try site.write(["Content/briefings/b3.md": briefing("Briefing 3", date: "2017-01-13", extra: "tags: [iraq]",
                                                            body: "The zanzibarian convoy left Mosul.")])
        let first = try site.build()
        XCTAssertTrue(first.succeeded, first.formatted)
        XCTAssertNil(first.searchDocumentsMoved, "no saved index yet")
        assertContains(site.output("search/terms.json"), "\"zanzibarian\":")

        try site.write(["Content/briefings/b3.md": briefing("Briefing 3", date: "2017-01-13", extra: "tags: [iraq]",
                                                            body: "The quetzalcoatlan convoy left Mosul. ISIS, ISIS, ISIS.")])
        let second = try site.build()
        XCTAssertEqual(second.searchDocumentsMoved, 1)
        XCTAssertEqual(second.searchDocumentsScored, 1)
        XCTAssertEqual(second.searchDocumentsReused, 6 + 2 + 1 - 1)
        assertNotContains(site.output("search/terms.json"), "zanzibarian")
        assertContains(site.output("search/terms.json"), "\"quetzalcoatlan\":")
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))

        // Another edit starts from the index the second build saved.
        try site.write(["Content/briefings/b1.md": briefing("Briefing 1", date: "2017-01-11", extra: "tags: [iraq]",
                                                            body: "Nothing about the convoy.")])
        XCTAssertEqual(try site.build().searchDocumentsMoved, 1)
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))

        // A new briefing gives every later document a new id: the index is made again.
        try site.write(["Content/briefings/b9.md": briefing("Briefing 9", date: "2017-02-01", body: "A quetzalcoatlan sequel.")])
        let added = try site.build()
        XCTAssertNil(added.searchDocumentsMoved)
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))
        XCTAssertEqual(try site.build().searchDocumentsMoved, 0, "nothing changed")
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))
    }

    /// Entity facts (references with their roll-up, events, who appears with whom) are saved
    /// without their profiles and reused by the next build while their inputs are unchanged.
    func testEntityFactsAreSavedAndReusedByTheNextBuild() throws {
        let site = try TestSite([
            "Content/places/iraq.md": "---\nname: Iraq\n---\n",
            "Content/places/mosul.md": "---\nname: Mosul\nwithin: iraq\n---\nA city on the Tigris.",
            "Content/actors/daesh.md": "---\nname: Daesh\n---\nA group.",
            "Content/briefings/a.md": briefing("A", date: "2017-01-10",
                                               extra: "places: [mosul]\nactors: [daesh]\nevents:\n  - date: 2017-01-09\n    title: A convoy leaves\n    places: [mosul]",
                                               body: "Daesh left Mosul. Daesh again."),
            "Content/briefings/b.md": briefing("B", date: "2017-01-11", extra: "places: [iraq]\nactors: [daesh]", body: "Iraq and Mosul."),
        ])
        XCTAssertTrue(try site.build().succeeded)
        try site.write(["Content/briefings/b.md": briefing("B", date: "2017-01-11", extra: "places: [iraq]\nactors: [daesh]",
                                                           body: "Iraq and Mosul, once more.")])
        let session = SessionCacheFile.load(in: site.output, identity: BuildIdentity.current)
        var options = BuildOptions(paths: site.paths)
        options.session = session
        let result = try Pipeline.build(options)
        XCTAssertTrue(result.succeeded, result.formatted)
        XCTAssertEqual(session.entityFacts.hits, 1, "the mentions did not change")
        assertContains(site.output("places/iraq/index.html"), "Concerns <a href=\"/places/mosul/\">Mosul</a>")
        assertContains(site.output("places/mosul/index.html"), "A city on the Tigris.")
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))

        try site.write(["Content/briefings/b.md": briefing("B", date: "2017-01-11", extra: "places: [iraq]\nactors: [daesh]",
                                                           body: "Iraq, Mosul and Daesh.")])
        let next = SessionCacheFile.load(in: site.output, identity: BuildIdentity.current)
        options.session = next
        XCTAssertTrue(try Pipeline.build(options).succeeded)
        XCTAssertEqual(next.entityFacts.hits, 0, "a new mention of Daesh")
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))
    }

    /// A briefing file whose stamp is the one the previous build recorded is not read; its
    /// body is read only when it must be rendered again, and the site is the same as a clean
    /// build's either way.
    func testUnchangedBriefingFilesAreNotReadAgain() throws {
        FileStamp.racyNanoseconds = 0
        defer { FileStamp.racyNanoseconds = 2_000_000_000 }
        let site = try site(briefings: 5)
        let first = try site.build()
        XCTAssertEqual(first.briefingsNotRead, 0)
        XCTAssertEqual(try site.build().briefingsNotRead, 5)

        try site.write(["Content/briefings/b2.md": briefing("Briefing 2", date: "2017-01-12", extra: "tags: [iraq]\nactors: [daesh]",
                                                            body: "ISIS holds Mosul, and a new sentence.")])
        let edited = try site.build()
        XCTAssertEqual(edited.briefingsNotRead, 4)
        XCTAssertEqual(edited.bodiesRendered, 1)
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))

        // Touching a file changes its stamp: it is read again, and nothing else changes.
        let touched = site.root.appendingPathComponent("Content/briefings/b3.md").path
        XCTAssertEqual(utimensat(AT_FDCWD, touched, nil, 0), 0)
        let afterTouch = try site.build()
        XCTAssertEqual(afterTouch.briefingsNotRead, 4)
        XCTAssertEqual(afterTouch.bodiesRendered, 0)

        // A new alias changes every body, so the unread bodies are read and rendered again.
        try site.write(["Content/actors/daesh.md": "---\nname: Daesh\naliases: [ISIS, Mosul]\n---\nThe group that held Mosul."])
        let realiased = try site.build()
        XCTAssertEqual(realiased.briefingsNotRead, 5)
        XCTAssertEqual(realiased.bodiesRendered, 5 + 2 + 1)
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))

        // Other budgets: every file is read again under them.
        try site.write(["site.yml": "title: Desk\nbudgets:\n  max_file_bytes: 900000\n"])
        XCTAssertEqual(try site.build().briefingsNotRead, 0)
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))
    }

    /// A body left unread whose file no longer has the recorded digest (it was saved during the
    /// build) is not rendered from the wrong text: the build fails and asks to be run again.
    func testAnUnreadBodyThatChangedDuringTheBuildIsAnError() throws {
        let site = try site(briefings: 1)
        let path = site.root.appendingPathComponent("Content/briefings/b0.md").path
        let config = SiteConfig()
        let renderer = BodyRenderer(matcher: MentionMatcher(patterns: []), directory: EntityDirectory(entities: []), config: config,
                                    documentURLs: [:])
        let request = BodyRenderer.Request(markdown: "", file: "Content/briefings/b0.md", bodyLine: 5, linking: .first,
                                           unread: UnreadBody(path: path, digest: Fingerprint()))
        let body = renderer.render(request)
        XCTAssertEqual(body.diagnostics.map(\.id), ["dossier.content.changed"])
        XCTAssertEqual(body.diagnostics.first?.line, 5)
    }

    /// Bodies read back from the file keep their HTML in the mapped file until a page uses it:
    /// a theme change renders every page again from saved bodies, as a clean build would.
    func testSavedBodiesRenderEveryPageAfterAThemeChange() throws {
        let site = try site(briefings: 3)
        XCTAssertTrue(try site.build().succeeded)
        try site.write(["Templates/footer.mustache": "<footer>Desk footer</footer>"])
        let themed = try site.build()
        XCTAssertEqual(themed.bodiesRendered, 0)
        XCTAssertEqual(themed.filesReused?.filter { $0.hasSuffix(".html") }, [])
        assertContains(site.output("briefings/b1/index.html"), "ISIS</a> holds")
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))
    }

    /// A stamp is trusted only once its times are older than a tick of a coarse clock: files
    /// saved just now are read again by the next build.
    func testFilesSavedJustNowAreReadAgain() throws {
        let site = try site(briefings: 3)
        XCTAssertTrue(try site.build().succeeded)
        XCTAssertEqual(try site.build().briefingsNotRead, 0)
    }

    /// Bodies' HTML is read from the previous build's store (`BodyStore`) when a page needs it.
    /// A store that another program truncated or overwrote in place meanwhile fails the build
    /// (nothing is written), instead of crashing it or rendering other bytes; the next build
    /// starts over.
    func testABodyStoreChangedInPlaceDuringTheBuildFailsItCleanly() throws {
        for truncating in [true, false] {
            let site = try site(briefings: 3)
            XCTAssertTrue(try site.build().succeeded)
            try site.write(["Templates/footer.mustache": "<footer>Every page again</footer>"])
            let session = SessionCacheFile.load(in: site.output, identity: BuildIdentity.current)
            let path = site.output.appendingPathComponent(BodyStore.fileName).path
            let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
            if truncating { try handle.truncate(atOffset: 0) } else { try handle.write(contentsOf: Data(repeating: 0x20, count: size)) }
            try handle.close()

            let before = visibleFiles(in: site.output)
            var options = BuildOptions(paths: site.paths)
            options.session = session
            let result = try Pipeline.build(options)
            XCTAssertEqual(result.errors.map(\.id), ["dossier.cache.changed"], "truncating: \(truncating)")
            XCTAssertEqual(visibleFiles(in: site.output), before)
            XCTAssertTrue(try site.build().succeeded)
            XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))
        }
    }

    /// The output paths that passed their check are remembered, so the next build with the
    /// same paths skips it; a new path that collides is still an error.
    func testCheckedOutputPathsAreSavedForTheNextBuild() throws {
        let site = try site(briefings: 2)
        XCTAssertTrue(try site.build().succeeded)
        XCTAssertEqual(SessionCacheFile.load(in: site.output, identity: BuildIdentity.current).checkedPaths.committed.count, 1)
        try site.write(["Content/static/briefings/b0/index.html": "<p>planted</p>"])
        let collided = try site.build()
        XCTAssertTrue(collided.errors.contains { $0.id == "dossier.output.collision" }, collided.formatted)
    }

    func testSavedPostingsAreReadBackFromTheirJSON() {
        let entry = SearchPostings.entry("mosul", [0 << 5 | 3, 7 << 5 | 1, 700 << 5 | 18])
        XCTAssertEqual(String(decoding: entry.fragment, as: UTF8.self), "\"mosul\":[3,225,22194]")
        XCTAssertEqual(SavedSearchPostings.postings(inFragment: entry.fragment), [0 << 5 | 3, 7 << 5 | 1, 700 << 5 | 18])
    }

    func testTheSavedCacheIsTheSameForTheSameSite() throws {
        let site = try site()
        try site.build()
        let first = try XCTUnwrap(FileManager.default.contents(atPath: SessionCacheFile.url(in: site.output).path))
        try site.build()
        XCTAssertEqual(FileManager.default.contents(atPath: SessionCacheFile.url(in: site.output).path), first)
    }

    /// The identity must be the same in every process of one installation, or no build would
    /// ever reuse a cache: `/proc/self/maps` reports a size of 0 and must be read to its end.
    func testTheIdentityNamesTheExecutableAndEveryLibraryThatShapesTheOutput() {
        let identity = BuildIdentity.compute()
        XCTAssertEqual(identity, BuildIdentity.compute())
        XCTAssertEqual(identity, BuildIdentity.current)
        XCTAssertTrue(identity.contains("libcmark-gfm"), identity)
        XCTAssertTrue(identity.contains("libFoundation"), identity)
    }

    func testAFileFromAnotherExecutableOrADamagedOneIsIgnored() throws {
        let site = try site()
        XCTAssertTrue(try site.build().succeeded)
        let url = SessionCacheFile.url(in: site.output)
        XCTAssertEqual(SessionCacheFile.load(in: site.output, identity: BuildIdentity.current).bodies.committed.count, 7)
        XCTAssertEqual(SessionCacheFile.load(in: site.output, identity: "another build").bodies.committed.count, 0)
        XCTAssertEqual(SessionCacheFile.load(in: site.output, identity: "").bodies.committed.count, 0)

        let whole = try Data(contentsOf: url)
        for cut in [whole.count - 1, whole.count / 2, 40] {
            try whole.prefix(cut).write(to: url)
            XCTAssertEqual(SessionCacheFile.load(in: site.output, identity: BuildIdentity.current).bodies.committed.count, 0,
                           "cut at \(cut) of \(whole.count) bytes")
        }
        for position in [0, 100, whole.count / 2, whole.count - 20, whole.count - 1] {
            var damaged = whole
            damaged[position] ^= 0x01
            try damaged.write(to: url)
            XCTAssertEqual(SessionCacheFile.load(in: site.output, identity: BuildIdentity.current).bodies.committed.count, 0,
                           "one bit flipped at \(position)")
        }
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site), "a flipped byte must not reach the site")

        try Data("dossier-session-cache 1 and then nonsense".utf8).write(to: url)
        let rebuilt = try site.build()
        XCTAssertEqual(rebuilt.bodiesRendered, 7)
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))
    }

    func testNoCacheRendersEverythingAndTheCheckCommandSavesNothing() throws {
        let site = try site()
        try site.build()
        var options = BuildOptions(paths: site.paths)
        options.incremental = false
        XCTAssertNil(try Pipeline.build(options).bodiesRendered, "no session cache at all")
        let before = try Data(contentsOf: SessionCacheFile.url(in: site.output))
        try site.write(["Content/briefings/b1.md": briefing("Briefing 1 again")])
        XCTAssertTrue(try site.build(write: false).succeeded)
        XCTAssertEqual(try Data(contentsOf: SessionCacheFile.url(in: site.output)), before)
    }

    private let fullFrontMatter = """
        ---
        title: "Mosul’s fall: what comes after"
        date: 2017-06-22T09:30:00+03:00
        updated: 2017-07-01
        summary: One sentence.
        tags: [iraq, "counter-terrorism"]
        actors: [daesh, ISIS]
        places: [mosul]
        linking: all
        slug: mosul-after
        events:
          - date: 2014
            title: A year
            actors: [daesh]
          - date: 2014-06
            title: A month
            places: [mosul]
          - date: 2014-06-10
            title: A day
        sources:
          - title: Dated
            url: https://example.org/a
            date: 2017-06-20
          - title: Undated
            url: https://example.org/b
        ---
        Body with ISIS in Mosul.

        """

    func testCheckReusesWhatTheBuildSavedAndStillReportsEveryProblem() throws {
        let site = try site()
        XCTAssertTrue(try site.build().succeeded)
        let saved = try Data(contentsOf: SessionCacheFile.url(in: site.output))
        var options = BuildOptions(paths: site.paths)
        options.writeOutput = false
        options.checkLinks = true
        let clean = Pipeline.render(options).0
        XCTAssertTrue(clean.succeeded, clean.formatted)
        XCTAssertEqual(clean.bodiesRendered, 0)
        XCTAssertEqual(clean.searchDocumentsScored, 0)

        try site.write(["Content/briefings/b2.md": briefing("Briefing 2", extra: "tags: [iraq]",
                                                            body: "See [[nowhere]] and [a page](/briefings/gone/).")])
        let broken = Pipeline.render(options).0
        XCTAssertEqual(broken.bodiesRendered, 1)
        options.incremental = false
        let uncached = Pipeline.render(options).0
        XCTAssertNil(uncached.bodiesRendered)
        XCTAssertEqual(broken.diagnostics, uncached.diagnostics)
        XCTAssertEqual(broken.errors.count, 2, broken.formatted)
        XCTAssertEqual(try Data(contentsOf: SessionCacheFile.url(in: site.output)), saved, "check writes nothing")
    }

    func testParsedFrontMatterSurvivesTheFileExactly() throws {
        let site = try site()
        try site.write(["Content/briefings/full.md": fullFrontMatter])
        let path = NSTemporaryDirectory() + "briefing-\(UUID().uuidString)"
        defer { unlink(path) }
        var diagnostics = Diagnostics()
        let source = try XCTUnwrap(SourceText.decode(Array(fullFrontMatter.utf8), path: "Content/briefings/full.md",
                                                     diagnostics: &diagnostics))
        var briefing = try XCTUnwrap(BriefingReader.read(source, stem: "full", diagnostics: &diagnostics))
        XCTAssertEqual(diagnostics.all, [])
        (briefing.body, briefing.bodyLine) = ("", 0)
        var writer = try XCTUnwrap(BinaryWriter(path: path))
        BriefingCoding.write(briefing, to: &writer)
        XCTAssertTrue(writer.finish())
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let read = data.withUnsafeBytes { file -> Briefing? in
            guard let bytes = BinaryReader.verified(file) else { return nil }
            var reader = BinaryReader(bytes)
            let briefing = BriefingCoding.read(&reader)
            return reader.atEnd && !reader.failed ? briefing : nil
        }
        XCTAssertEqual(read, briefing)

        XCTAssertTrue(try site.build().succeeded)
        XCTAssertTrue(try site.build().succeeded)
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site), "a build from the saved front matter")
        assertContains(site.output("briefings/mosul-after/index.html"), "Mosul’s fall: what comes after")
    }

    func testFrontMatterWithAWarningIsParsedAndReportedOnEveryBuild() throws {
        let site = try site()
        try site.write(["Content/briefings/b1.md": briefing("Briefing 1", extra: "colour: red\ntags: [iraq]")])
        for build in 1...2 {
            let result = try site.build()
            XCTAssertTrue(result.succeeded, result.formatted)
            XCTAssertEqual(result.frontMattersParsed, build == 1 ? 4 : 1, "only the one with a warning is parsed again")
            XCTAssertEqual(result.warnings.map(\.file), ["Content/briefings/b1.md"], "build \(build)")
        }
        try site.write(["Content/briefings/b1.md": briefing("Briefing 1, retitled", extra: "tags: [iraq]")])
        XCTAssertEqual(try site.build().warnings, [])
        assertContains(site.output("briefings/b1/index.html"), "Briefing 1, retitled")
        XCTAssertEqual(visibleFiles(in: site.output), try cleanTree(site))
    }
}
