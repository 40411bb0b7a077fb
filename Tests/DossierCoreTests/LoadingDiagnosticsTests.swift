import Foundation
import XCTest
@testable import DossierCore

/// Bad input in content files: every problem is an error with file, line and column, the build
/// fails, and a previously built Output/ is left byte-identical.
final class LoadingDiagnosticsTests: XCTestCase {
    private static let x = "Content/briefings/x.md"

    // MARK: Helpers

    /// Builds `good` (by default one good briefing per bad path), then writes `bad` over it and
    /// builds again: that build must fail and leave the first Output/ byte-identical.
    @discardableResult
    private func failingBuild(_ bad: [String: Data], good: [String: String]? = nil, strict: Bool = false,
                              inspect: (TestSite) -> Void = { _ in },
                              file: StaticString = #filePath, line: UInt = #line) throws -> BuildResult {
        let goodFiles = good ?? Dictionary(uniqueKeysWithValues: bad.keys.map { ($0, briefing("Good")) })
        let site = try TestSite(goodFiles)
        let first = try site.build()
        XCTAssertTrue(first.succeeded, "good version must build: \(first.formatted)", file: file, line: line)
        let before = site.outputTree()
        XCTAssertFalse(before.isEmpty, "good build wrote nothing", file: file, line: line)
        for (path, data) in bad { try site.writeData(path, data) }
        let result = try site.build(strict: strict)
        XCTAssertFalse(result.succeeded, "bad input was accepted: \(result.formatted)", file: file, line: line)
        XCTAssertTrue(before == site.outputTree(), "a failed build changed Output/", file: file, line: line)
        inspect(site)
        return result
    }

    private func failingBuild(_ path: String, _ text: String, file: StaticString = #filePath, line: UInt = #line,
                              inspect: (TestSite) -> Void = { _ in }) throws -> BuildResult {
        try failingBuild([path: Data(text.utf8)], inspect: inspect, file: file, line: line)
    }

    /// Asserts one error at `path:line[:column]` whose message mentions every word of `mentions`.
    @discardableResult
    private func expectError(_ result: BuildResult, _ path: String = x, line: Int, column: Int? = nil,
                             mentions: [String], severity: Diagnostic.Severity = .error,
                             file: StaticString = #filePath, testLine: UInt = #line) -> Diagnostic? {
        let match = result.diagnostics.first { diagnostic in
            diagnostic.severity == severity && diagnostic.file == path && diagnostic.line == line &&
                (column == nil || diagnostic.column == column) &&
                mentions.allSatisfy { diagnostic.message.localizedCaseInsensitiveContains($0) }
        }
        XCTAssertNotNil(match, """
            expected \(severity.rawValue) at \(path):\(line):\(column.map(String.init) ?? "*") mentioning \(mentions); got:
            \(result.formatted)
            """, file: file, line: testLine)
        return match
    }

    /// True when `text` contains `number` as a whole number ("4" in "lines 2 and 4", not in "14").
    private func mentionsNumber(_ text: String, _ number: Int) -> Bool {
        text.range(of: "(?<![0-9])\(number)(?![0-9])", options: .regularExpression) != nil
    }

    /// Every error points at a file the user wrote, not at an internal pseudo-path.
    private func assertErrorsNameContentFiles(_ result: BuildResult, file: StaticString = #filePath, line: UInt = #line) {
        for error in result.errors {
            XCTAssertTrue(error.file.hasPrefix("Content/"), "error not in a content file: \(error.formatted)", file: file, line: line)
        }
    }

    private func bytes(_ text: String, _ raw: [UInt8] = [], _ rest: String = "") -> Data {
        Data(text.utf8) + Data(raw) + Data(rest.utf8)
    }

    // MARK: 1–5 required fields and types

    /// Ids and slugs come from file names as Foundation would take the extension off.
    func testStemsAreNamesWithoutTheirExtension() {
        for path in ["/s/Content/briefings/a.md", "/s/Content/briefings/2017/a.b.md", "/s/noext", "/s/.hidden.md", "/s/.md",
                     "/s/Content/actors/al-nusra-front.md", "/s/Content/places/مosul.md"] {
            let url = URL(fileURLWithPath: path)
            XCTAssertEqual(ContentLoader.stem(of: url), url.deletingPathExtension().lastPathComponent, path)
        }
    }

    /// Files are read whole whatever size was expected, and never past the limit.
    func testFilesAreReadWholeAndNeverPastTheLimit() throws {
        let path = NSTemporaryDirectory() + "read-\(UUID().uuidString)"
        defer { unlink(path) }
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        for expected in [0, 10, 99_999, 100_000, 500_000] {
            XCTAssertEqual(ContentLoader.readBytes(path, limit: 1_000_000, expected: expected), bytes, "expected \(expected)")
        }
        XCTAssertEqual(ContentLoader.readBytes(path, limit: 5_001, expected: 100_000), Array(bytes[..<5_001]))
        XCTAssertNil(ContentLoader.readBytes(path + "-missing", limit: 10, expected: 0))
    }

    /// Paths in messages are relative to the site; the fast path for plain paths must name
    /// every file as Foundation's standardised path would.
    func testDisplayPathsMatchFoundationsStandardizedPaths() {
        let base = URL(fileURLWithPath: "/site")
        for path in ["/site/Content/briefings/a.md", "/site/./Content/../Content/b.md", "/site//Content/c.md",
                     "/elsewhere/x.md", "/site/Content/.hidden/d.md", "/site", "/site/Content/", "/sites/e.md"] {
            let url = URL(fileURLWithPath: path)
            let standard = url.standardizedFileURL.path
            let expected = standard.hasPrefix("/site/") ? String(standard.dropFirst(6)) : standard
            XCTAssertEqual(SitePaths.display(url, base: base), expected, path)
        }
    }

    func testMissingTitleIsAnError() throws {
        let result = try failingBuild(Self.x, "---\ndate: 2017-06-22\n---\nBody.\n")
        expectError(result, line: 1, mentions: ["missing", "title"])
    }

    func testMissingDateIsAnError() throws {
        let result = try failingBuild(Self.x, "---\ntitle: A\n---\nBody.\n")
        expectError(result, line: 1, mentions: ["missing", "date"])
    }

    func testImpossibleDateIsAnErrorAtTheValue() throws {
        let result = try failingBuild(Self.x, briefing("A", date: "2017-02-30"))
        expectError(result, line: 3, column: 7, mentions: ["date", "2017-02-30"])
    }

    func testDateThatDoesNotParseIsAnError() throws {
        let result = try failingBuild(Self.x, briefing("A", date: "June 2017"))
        expectError(result, line: 3, column: 7, mentions: ["date", "June 2017"])
    }

    func testListWhereAStringBelongsIsAnError() throws {
        let result = try failingBuild(Self.x, "---\ntitle: [a, b]\ndate: 2017-06-22\n---\nBody.\n")
        expectError(result, line: 2, column: 8, mentions: ["title", "list"])
    }

    // MARK: 6–7 YAML syntax and fences

    func testInvalidYAMLReportsTheRealFileLine() throws {
        let cases: [(text: String, line: Int, column: Int?)] = [
            // unclosed flow sequence on the last front-matter line
            ("---\ntitle: A\ndate: 2017-06-22\ntags: [a, b\n---\nBody.\n", 4, nil),
            // a continuation line indented under a scalar value
            ("---\ntitle: A\ndate: 2017-06-22\nsummary: x\n  tags: [a]\n---\nBody.\n", 5, 7),
            // a sequence item outdented out of its list
            ("---\ntitle: A\ntags:\n  - a\n - b\ndate: 2017-06-22\n---\nBody.\n", 5, nil),
        ]
        for (text, line, column) in cases {
            let result = try failingBuild(Self.x, text)
            expectError(result, line: line, column: column, mentions: ["YAML"])
        }
    }

    func testUnterminatedFrontMatterIsAnError() throws {
        let result = try failingBuild(Self.x, "---\ntitle: A\ndate: 2017-06-22\n\nBody without a closing fence.\n")
        expectError(result, line: 1, column: 1, mentions: ["front matter", "---"])
    }

    // MARK: 8 encoding

    func testInvalidUTF8IsAnErrorWithLineAndColumn() throws {
        let head = "---\ntitle: A\ndate: 2017-06-22\n---\nFirst line.\naé"   // bad bytes at 6:3
        let cases: [(name: String, raw: [UInt8], mentions: [String])] = [
            ("stray byte", [0xFF], ["UTF-8"]),
            ("overlong encoding", [0xC0, 0xAF], ["UTF-8"]),
            ("overlong 3-byte encoding", [0xE0, 0x80, 0xAF], ["overlong"]),
            ("UTF-16 surrogate", [0xED, 0xA0, 0x80], ["UTF-8"]),
            ("NUL byte", [0x00], ["NUL"]),
        ]
        for (name, raw, mentions) in cases {
            let result = try failingBuild([Self.x: bytes(head, raw, " tail.\n")])
            let found = expectError(result, line: 6, column: 3, mentions: mentions)
            if found == nil { XCTFail("case: \(name)") }
        }
    }

    /// The quick check (eight ASCII bytes at a time) must agree with the positional one on every
    /// input: a clean text is never sent on, and a bad byte is never let through. Random texts
    /// mix printable ASCII with every byte class the checks tell apart, at every offset.
    func testTheQuickUTF8CheckAgreesWithThePositionalOne() {
        let pieces: [[UInt8]] = [
            Array("plain ascii text ".utf8), [0x0A], [0x09], [0x0D], [0x0C], [0x00], [0x01], [0x1F], [0x7F], [0x20], [0x7E],
            Array("é".utf8), Array("’".utf8), Array("😀".utf8), [0xC2, 0x80], [0xC2, 0x9F], [0xC2, 0xA0], [0xEF, 0xBF, 0xBE],
            [0xEF, 0xB7, 0x90], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0x80],
            [0xE2, 0x80], [0xF0, 0x9F, 0x98],
        ]
        var generator = SplitMix(state: 102)  // seeded, so a failure reproduces
        var clean = 0
        for round in 0..<4_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                // Mostly long clean runs, so the eight-byte path is taken and left at every offset.
                bytes += Bool.random(using: &generator) ? Array(repeating: UInt8(ascii: "a"), count: Int.random(in: 0...19, using: &generator))
                    : pieces.randomElement(using: &generator)!
            }
            let slice = bytes[...]
            let expected = UTF8Check.firstProblem(in: slice) == nil
            if expected { clean += 1 }
            XCTAssertEqual(UTF8Check.isClean(slice), expected, "round \(round): \(bytes)")
            let shifted = ([UInt8(ascii: "x")] + bytes)[1...]
            XCTAssertEqual(UTF8Check.isClean(shifted), expected, "round \(round), not at index 0: \(bytes)")
        }
        XCTAssertGreaterThan(clean, 200, "the rounds should include clean texts too")
    }

    // MARK: 9–10 slugs

    /// ASCII file names and titles take byte-wise paths; they must agree with the general ones.
    func testDatePrefixesAndSlugsOnTheirFastPaths() {
        XCTAssertEqual(BriefingReader.stripDatePrefix("2017-06-22-mosul"), "mosul")
        XCTAssertEqual(BriefingReader.stripDatePrefix("2017-06-22-"), "2017-06-22-")
        XCTAssertEqual(BriefingReader.stripDatePrefix("2017-6-22-mosul"), "2017-6-22-mosul")
        XCTAssertEqual(BriefingReader.stripDatePrefix("2017-06-22mosul"), "2017-06-22mosul")
        XCTAssertEqual(BriefingReader.stripDatePrefix("mosul"), "mosul")
        XCTAssertEqual(BriefingReader.stripDatePrefix("2017-06-22-مosul"), "مosul")
        XCTAssertEqual(BriefingReader.stripDatePrefix("\u{0662}\u{0660}\u{0661}\u{0667}-06-22-mosul"), "mosul", "other scripts' digits, as \\d takes them")
        XCTAssertEqual(Slug.make("Mosul\u{2019}s Fall: What Next?"), "mosuls-fall-what-next")
        XCTAssertEqual(Slug.make("Café Déjà Vu"), "cafe-deja-vu")
        XCTAssertEqual(Slug.make("--ISIS  in  2017--"), "isis-in-2017")
        XCTAssertEqual(Slug.make(String(repeating: "a", count: 99) + " b"), String(repeating: "a", count: 99), "the cut leaves no hyphen")
    }

    /// `Slug.make` builds bytes and trims only the end; the way it was first written (strings,
    /// `trimmingCharacters`) must give the same slug for any text.
    func testSlugsMatchTheirStringByStringDefinition() {
        func reference(_ text: String) -> String {
            let folded = text.utf8.allSatisfy({ $0 < 0x80 }) ? text.lowercased() : text.precomposedStringWithCanonicalMapping
                .applyingTransform(.stripDiacritics, reverse: false)?.lowercased() ?? text.lowercased()
            var slug = ""
            var pendingHyphen = false
            for scalar in folded.unicodeScalars {
                if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                    if pendingHyphen, !slug.isEmpty { slug.append("-") }
                    pendingHyphen = false
                    slug.unicodeScalars.append(scalar)
                } else if scalar == "'" || scalar == "\u{2019}" {
                    continue
                } else {
                    pendingHyphen = true
                }
            }
            return String(slug.prefix(100)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        }
        let pieces = ["a", "Z", "9", "-", " ", "'", "\u{2019}", "_", "É", "ß", "İ", "م", "--", "x y", "Ⅻ", "ﬁ"]
        var generator = SplitMix(state: 103)  // seeded, so a failure reproduces
        for _ in 0..<3000 {
            let length = Int.random(in: 0...140, using: &generator)
            let text = (0..<length).map { _ in pieces.randomElement(using: &generator)! }.joined()
            XCTAssertEqual(Slug.make(text), reference(text), "\(Array(text.unicodeScalars.map(\.value)))")
        }
    }

    func testDuplicateSlugsFromFileNamesNameBothFiles() throws {
        let older = "Content/briefings/2017-01-01-x.md", newer = "Content/briefings/2018-01-01-x.md"
        let result = try failingBuild([newer: Data(briefing("Newer", date: "2018-01-01").utf8)],
                                      good: [older: briefing("Older", date: "2017-01-01")])
        let errors = result.errors.filter { $0.id.contains("slug") || $0.message.contains("slug") }
        XCTAssertTrue(errors.contains { [older, newer].contains($0.file) && $0.formatted.contains(older) && $0.formatted.contains(newer) },
                      "expected a duplicate-slug error naming both files; got:\n\(result.formatted)")
        assertErrorsNameContentFiles(result)
    }

    func testExplicitSlugEqualToAnotherFilesSlugNamesBothFiles() throws {
        let a = "Content/briefings/a.md", b = "Content/briefings/b.md"
        let result = try failingBuild([a: Data(briefing("A", extra: "slug: b").utf8)],
                                      good: [a: briefing("A"), b: briefing("B")])
        XCTAssertTrue(result.errors.contains { $0.formatted.contains(a) && $0.formatted.contains(b) && $0.message.contains("'b'") },
                      "expected a duplicate-slug error naming both files; got:\n\(result.formatted)")
        assertErrorsNameContentFiles(result)
    }

    func testUnsafeSlugsAreErrorsAndNothingIsWrittenOutsideOutput() throws {
        let fm = FileManager.default
        for slug in ["../../etc", "\"a/b\"", "\"UPPER case\"", "\"/tmp/dossier-escape\"", "..", "\"a\\\\b\""] {
            var rootEntries: [String] = []
            var parentEntries: Set<String> = []
            let result = try failingBuild(Self.x, briefing("A", extra: "slug: \(slug)"), inspect: { site in
                rootEntries = (try? fm.contentsOfDirectory(atPath: site.root.path)) ?? []
                let parent = site.root.deletingLastPathComponent()
                parentEntries = Set((try? fm.contentsOfDirectory(atPath: parent.path)) ?? [])
                XCTAssertFalse(fm.fileExists(atPath: site.root.appendingPathComponent("etc").path), slug)
                XCTAssertFalse(fm.fileExists(atPath: site.output.appendingPathComponent("briefings/a").path), slug)
            })
            expectError(result, line: 4, column: 7, mentions: ["slug"])
            XCTAssertEqual(Set(rootEntries), ["Content", "Output"], "files appeared beside Output/ for slug \(slug)")
            XCTAssertFalse(parentEntries.contains("etc"), "a folder 'etc' appeared next to the site for slug \(slug)")
            XCTAssertFalse(fm.fileExists(atPath: "/tmp/dossier-escape"), "wrote to /tmp/dossier-escape")
        }
    }

    // MARK: 11–13 YAML safety

    func testDuplicateFrontMatterKeysNameBothLines() throws {
        let result = try failingBuild(Self.x, "---\ntitle: A\ndate: 2017-06-22\ntitle: B\n---\nBody.\n")
        let error = result.errors.first { $0.file == Self.x && $0.message.localizedCaseInsensitiveContains("duplicate") }
        guard let error else { return XCTFail("no duplicate-key error; got:\n\(result.formatted)") }
        XCTAssertTrue(error.message.contains("title"), error.formatted)
        XCTAssertTrue(mentionsNumber(error.message, 2) && mentionsNumber(error.message, 4),
                      "message should name file lines 2 and 4: \(error.formatted)")
        XCTAssertTrue([2, 4].contains(error.line), error.formatted)
    }

    func testYAMLAnchorsAndAliasesAreRefusedQuickly() throws {
        var laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            laughs += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        // "billion laughs", and a small harmless-looking anchor that must be refused just the same
        for yaml in [laughs + "tags: *i\n", "tags: &t [iraq]\nplaces: *t\n"] {
            let start = Date()
            let result = try failingBuild(Self.x, "---\ntitle: A\ndate: 2017-06-22\n\(yaml)---\nBody.\n")
            XCTAssertLessThan(Date().timeIntervalSince(start), 5, "anchor expansion took too long")
            let error = result.errors.first { $0.file == Self.x && $0.line == 4 }
            XCTAssertTrue(error.map { $0.message.contains("anchor") || $0.message.contains("alias") } ?? false,
                          "expected an anchor/alias error at line 4; got:\n\(result.formatted)")
        }
    }

    func testDeepNestingIsAClearErrorNotACrash() throws {
        let start = Date()
        let deep = "---\ntitle: A\ndate: 2017-06-22\ntags: " + String(repeating: "[", count: 10_000) + "\n---\nBody.\n"
        let result = try failingBuild(Self.x, deep)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        let error = expectError(result, line: 4, mentions: ["nesting"])
        XCTAssertFalse(error?.message.contains("yaml_set_max_nest_level") ?? false,
                       "the message should not send users to a libyaml API: \(error?.formatted ?? "")")
    }

    // MARK: 14–15 reporting

    func testEveryErrorOfABuildIsReported() throws {
        let a = "Content/briefings/a.md", b = "Content/briefings/b.md", c = "Content/briefings/c.md"
        let result = try failingBuild([
            a: Data("---\ntitle: A\n---\nno date\n".utf8),
            b: Data(briefing("B", date: "2017-02-30").utf8),
            c: Data("---\ntitle: [c]\ndate: June\n---\n".utf8),
        ])
        expectError(result, a, line: 1, mentions: ["date"])
        expectError(result, b, line: 3, column: 7, mentions: ["2017-02-30"])
        expectError(result, c, line: 2, column: 8, mentions: ["title"])
        expectError(result, c, line: 3, column: 7, mentions: ["June"])
        XCTAssertEqual(Set(result.errors.map(\.file)), [a, b, c], result.formatted)
    }

    func testUnknownKeyIsAWarningAndAnErrorWhenStrict() throws {
        let site = try TestSite([Self.x: briefing("A", extra: "tittle: typo")])
        let lenient = try site.build()
        XCTAssertTrue(lenient.succeeded, lenient.formatted)
        expectError(lenient, line: 4, column: 1, mentions: ["tittle"], severity: .warning)
        let before = site.outputTree()
        XCTAssertNotNil(site.output("briefings/x/index.html"))
        let strict = try site.build(strict: true)
        XCTAssertFalse(strict.succeeded, strict.formatted)
        expectError(strict, line: 4, column: 1, mentions: ["tittle"])
        XCTAssertTrue(before == site.outputTree(), "a failed strict build changed Output/")
    }

    // MARK: 16–19 accepted input

    func testBOMAndCRLFAreAccepted() throws {
        let text = "---\r\ntitle: \"CRLF title\"\r\ndate: 2017-06-22\r\ntags: [iraq]\r\n---\r\nFirst paragraph.\r\n\r\nSecond\r\nparagraph.\r\n"
        let site = try TestSite([:])
        try site.writeData(Self.x, Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8))
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        XCTAssertTrue(result.warnings.isEmpty, result.formatted)
        let page = try XCTUnwrap(site.output("briefings/x/index.html"))
        assertContains(page, "<h1>CRLF title</h1>")
        assertContains(page, "<p>First paragraph.</p>")
        for (path, data) in site.outputTree() where path.hasSuffix(".html") || path.hasSuffix(".xml") || path.hasSuffix(".json") {
            let content = String(decoding: data, as: UTF8.self)
            XCTAssertFalse(content.contains("\r"), "carriage return in \(path)")
            XCTAssertFalse(content.contains("\u{FEFF}"), "byte order mark in \(path)")
        }
    }

    func testBOMAndCRLFKeepLineNumbersInErrors() throws {
        let text = "---\r\ntitle: A\r\ndate: 2017-02-30\r\n---\r\nBody.\r\n"
        let result = try failingBuild([Self.x: Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)])
        expectError(result, line: 3, column: 7, mentions: ["2017-02-30"])
    }

    func testYAML11LookalikesStayStrings() throws {
        let site = try TestSite([Self.x: "---\ntitle: no\ndate: 2017-06-22\nslug: 012\n---\nBody.\n"])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        assertContains(site.output("briefings/012/index.html"), "<h1>no</h1>")
        XCTAssertNil(site.output("briefings/12/index.html"))
        assertContains(site.output("briefings/index.html"), "briefings/012/")
    }

    func testISODateTimeIsAccepted() throws {
        let site = try TestSite([Self.x: briefing("Timed", date: "2017-06-22T10:30:00Z")])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        assertContains(site.output("briefings/x/index.html"), "<h1>Timed</h1>")
        assertContains(site.output("atom.xml"), "2017-06-22T10:30:00Z")
    }

    func testEventDatesAtYearAndMonthPrecisionAreAccepted() throws {
        let events = "events:\n  - date: 2014\n    title: The year it began\n  - date: 2014-06\n    title: The month it fell"
        let site = try TestSite([Self.x: briefing("Events", extra: events)])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let timeline = site.output("timeline/index.html")
        assertContains(timeline, "The year it began")
        assertContains(timeline, "The month it fell")
    }

    /// Event and source keys are looked up as Yams looks them up: by their text, quoted or not,
    /// and only when their tag is a string's. A key tagged `!!int` is not the key `date`.
    func testEventAndSourceKeysAreMatchedByTextAndStringTag() throws {
        let events = """
        events:
          - "date": 2014
            !!str title: Quoted and tagged keys
            'places': [mosul]
        sources:
          - "title": A quoted source key
            url: https://example.org/report
        """
        let site = try TestSite([Self.x: briefing("Keys", extra: events), "Content/places/mosul.md": "---\nname: Mosul\n---\n"])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        assertContains(site.output("timeline/index.html"), "Quoted and tagged keys")
        assertContains(site.output("places/mosul/index.html"), "Quoted and tagged keys")
        assertContains(site.output("briefings/x/index.html"), "A quoted source key")

        let tagged = "events:\n  - !!int date: 2014\n    title: Not dated"
        let refused = try failingBuild(Self.x, briefing("Tagged", extra: tagged))
        expectError(refused, line: 5, mentions: ["missing", "date"])
    }
}
