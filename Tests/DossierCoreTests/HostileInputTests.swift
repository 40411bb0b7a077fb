import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import DossierCore
@testable import DossierMarkdown

/// Hostile content: whatever a file holds, the build ends quickly with a clear error or a safe
/// page — no hang, no crash, no huge output, no write outside Output/, no live script.
/// The catalogue of these inputs is docs/hostile-input.md.
final class HostileInputTests: XCTestCase {
    private static let x = "Content/briefings/x.md"

    // MARK: Helpers

    /// Builds a good site first, then writes `bad` over it: that build must fail and leave the
    /// first Output/ byte-identical. Returns the failing result.
    @discardableResult
    private func failingBuild(_ bad: [String: String], good: [String: String] = [x: briefing("Good")],
                              file: StaticString = #filePath, line: UInt = #line) throws -> BuildResult {
        let site = try TestSite(good)
        let first = try site.build()
        XCTAssertTrue(first.succeeded, "good version must build: \(first.formatted)", file: file, line: line)
        let before = site.outputTree()
        try site.write(bad)
        let result = try site.build()
        XCTAssertFalse(result.succeeded, "bad input was accepted", file: file, line: line)
        XCTAssertTrue(before == site.outputTree(), "a failed build changed Output/", file: file, line: line)
        return result
    }

    /// The error whose message names `budget`, at `path` (and `line`, when given).
    @discardableResult
    private func expectBudgetError(_ result: BuildResult, _ budget: String, _ path: String = x, line: Int? = nil,
                                   file: StaticString = #filePath, testLine: UInt = #line) -> Diagnostic? {
        let match = result.errors.first {
            $0.file == path && $0.message.contains("(budget \(budget)") && (line == nil || $0.line == line)
        }
        XCTAssertNotNil(match, "expected a '\(budget)' error at \(path):\(line.map(String.init) ?? "*"); got:\n\(result.formatted)",
                        file: file, line: testLine)
        return match
    }

    private func expectError(_ result: BuildResult, _ path: String, line: Int? = nil, column: Int? = nil, mentions: [String],
                             file: StaticString = #filePath, testLine: UInt = #line) {
        let match = result.errors.contains {
            $0.file == path && (line == nil || $0.line == line) && (column == nil || $0.column == column)
                && mentions.allSatisfy($0.message.localizedCaseInsensitiveContains)
        }
        XCTAssertTrue(match, "expected an error at \(path):\(line.map(String.init) ?? "*"):\(column.map(String.init) ?? "*") "
                          + "mentioning \(mentions); got:\n\(result.formatted)", file: file, line: testLine)
    }

    private func body(_ text: String) -> String { briefing("Hostile", body: text) }

    // MARK: Budgets

    func testFileLargerThanMaxFileBytesIsRefusedBeforeReading() throws {
        let result = try failingBuild(["site.yml": "budgets:\n  max_file_bytes: 2000\n",
                                       Self.x: body(String(repeating: "Long text. ", count: 300))])
        let error = expectBudgetError(result, "max_file_bytes = 2000", line: 1)
        XCTAssertEqual(error?.id, "dossier.budget.file-bytes")
    }

    func testDefaultFileBudgetIsFiveMegabytes() throws {
        XCTAssertEqual(Budgets().maxFileBytes, 5_000_000)
        let result = try failingBuild([Self.x: body(String(repeating: "a", count: 5_000_001))])
        expectBudgetError(result, "max_file_bytes = 5000000", line: 1)
    }

    func testFrontMatterLargerThanItsBudgetIsRefused() throws {
        let tags = (0..<40).map { "tag\($0)" }.joined(separator: ", ")
        let result = try failingBuild(["site.yml": "budgets: {max_front_matter_bytes: 100}\n",
                                       Self.x: briefing("A", extra: "tags: [\(tags)]")])
        expectBudgetError(result, "max_front_matter_bytes = 100", line: 1)
    }

    func testFrontMatterWithTooManyValuesIsRefused() throws {
        let tags = (0..<40).map { "t\($0)" }.joined(separator: ", ")
        let result = try failingBuild(["site.yml": "budgets:\n  max_front_matter_values: 20\n",
                                       Self.x: briefing("A", extra: "tags: [\(tags)]")])
        expectBudgetError(result, "max_front_matter_values = 20", line: 4)
    }

    /// The walk for anchors and budgets is skipped when the text alone rules them out
    /// (`FrontMatter.isPlainAndSmall`); on random small YAML, with tight budgets, that must never
    /// skip a walk that would have found something.
    func testSkippingTheFrontMatterWalkNeverHidesAProblem() throws {
        var budgets = Budgets()
        budgets.maxNesting = 3
        budgets.maxFrontMatterValues = 60
        let pieces = ["a", "b: ", "- ", "? ", ": ", "[", "]", "{", "}", ", ", "\n", "  ", "&x ", "*x", "\"q\"", "c:\n  "]
        var rng = SplitMix(state: 5)
        var skipped = 0
        for _ in 0..<20_000 {
            let yaml = (0..<Int.random(in: 1...12, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            guard let found = FrontMatter.walkFindsProblem(yaml, budgets: budgets),
                  FrontMatter.isPlainAndSmall(yaml, budgets: budgets) else { continue }
            skipped += 1
            XCTAssertFalse(found, yaml.debugDescription)
        }
        XCTAssertGreaterThan(skipped, 1_000)
        XCTAssertFalse(FrontMatter.isPlainAndSmall("a: &x 1\nb: *x", budgets: Budgets()))
        XCTAssertFalse(FrontMatter.isPlainAndSmall(String(repeating: "[", count: 201), budgets: Budgets()))
    }

    /// `isPlainAndSmall` counts indicators eight bytes at a time; its verdict must flip exactly
    /// where a byte-by-byte count says, and an `&` or `*` anywhere must rule it out.
    func testFrontMatterIndicatorsAreCountedAsByteByByte() {
        let pieces = ["a", "b: ", "- ", "? ", ":", "[", "{", "&", "*", "é", "\n", "  ", "title: Mosul", "-x-"]
        var rng = SplitMix(state: 17)
        for _ in 0..<5_000 {
            let yaml = (0..<Int.random(in: 0...30, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let expected = FrontMatter.indicatorCount(Array(yaml.utf8))
            for nesting in [0, 1, 5].map({ (expected ?? 0) - 1 + $0 }) where nesting >= 0 {
                var budgets = Budgets()
                budgets.maxNesting = nesting
                XCTAssertEqual(FrontMatter.isPlainAndSmall(yaml, budgets: budgets), expected.map { $0 <= nesting } ?? false,
                               "\(yaml.debugDescription) nesting \(nesting)")
            }
        }
    }

    func testFrontMatterNestedDeeperThanMaxNestingIsRefused() throws {
        let result = try failingBuild(["site.yml": "budgets:\n  max_nesting: 3\n",
                                       Self.x: briefing("A", extra: "events:\n  - date: 2014\n    title: [[[[deep]]]]")])
        expectBudgetError(result, "max_nesting = 3", line: 6)
    }

    func testMarkdownNestedDeeperThanMaxNestingIsRefusedAtItsLine() throws {
        let quotes = "First paragraph.\n\n" + String(repeating: "> ", count: 300) + "deep"
        let result = try failingBuild([Self.x: body(quotes)])
        let error = expectBudgetError(result, "max_nesting = 200", line: 8)
        XCTAssertEqual(error?.id, "dossier.budget.nesting")
        // Nesting within the budget is fine.
        let site = try TestSite([Self.x: body(String(repeating: "> ", count: 50) + "fine")])
        XCTAssertTrue(try site.build().succeeded)
    }

    func testOutputLargerThanTheRatioAllowsIsRefusedAfterRendering() throws {
        // 100 columns × 400 rows stays inside max_table_cells, but every short row is padded to
        // 100 cells: ~1 KB of Markdown would become ~450 KB of HTML.
        let table = "|" + String(repeating: "a|", count: 100) + "\n|" + String(repeating: "-|", count: 100) + "\n"
            + String(repeating: "x\n", count: 400)
        let result = try failingBuild([Self.x: body(table)])
        let error = expectBudgetError(result, "max_output_ratio = 40", line: 6)
        XCTAssertEqual(error?.id, "dossier.budget.output-ratio")
        // A generous ratio lets the same page through.
        let site = try TestSite(["site.yml": "budgets: {max_output_ratio: 1000}\n", Self.x: body(table)])
        let result2 = try site.build()
        XCTAssertTrue(result2.succeeded, result2.formatted)
    }

    func testReferenceLinkExpansionIsRefusedBeforeParsing() throws {
        let markdown = "[a]: https://example.org/" + String(repeating: "x", count: 5_000) + "\n\n"
            + String(repeating: "[a] ", count: 2_000)
        let start = Date()
        let result = try failingBuild([Self.x: body(markdown)])
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
        let error = expectBudgetError(result, "max_output_ratio = 40", line: 6)
        XCTAssertTrue(error?.message.contains("[a]") ?? false)
    }

    func testTableWithTooManyRowsIsRefusedBeforeParsing() throws {
        let table = "| one |\n|---|\n" + String(repeating: "| row |\n", count: 60_000)
        let start = Date()
        let result = try failingBuild([Self.x: body(table)])
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
        let error = expectBudgetError(result, "max_table_cells = 50000", line: 6)
        XCTAssertEqual(error?.id, "dossier.budget.table-cells")
        // A reasonable table renders.
        let site = try TestSite([Self.x: body("| a | b |\n|---|:-:|\n| 1 | 2 |\n")])
        XCTAssertTrue(try site.build().succeeded)
        assertContains(site.output("briefings/x/index.html"), "<td align=\"center\">2</td>")
    }

    func testBudgetsAreReadFromSiteYAMLAndUnknownOnesWarn() throws {
        let yaml = """
            title: Budgets
            budgets:
              max_file_bytes: 1_000_000
              max_front_matter_bytes: 4096
              max_front_matter_values: 500
              max_nesting: 64
              max_output_ratio: 12.5
              max_table_cells: 1000
              max_page_seconds: 2.5
              max_fle_bytes: 3
            """
        var diagnostics = Diagnostics()
        let config = SiteConfig.load(text: yaml, path: "site.yml", baseURLOverride: nil, diagnostics: &diagnostics)
        XCTAssertEqual(config.budgets.maxFileBytes, 1_000_000)
        XCTAssertEqual(config.budgets.maxFrontMatterBytes, 4096)
        XCTAssertEqual(config.budgets.maxFrontMatterValues, 500)
        XCTAssertEqual(config.budgets.maxNesting, 64)
        XCTAssertEqual(config.budgets.maxOutputRatio, 12.5)
        XCTAssertEqual(config.budgets.maxTableCells, 1000)
        XCTAssertEqual(config.budgets.maxPageSeconds, 2.5)
        XCTAssertFalse(diagnostics.hasErrors, diagnostics.all.map(\.formatted).joined(separator: "\n"))
        let warning = diagnostics.warnings.first { $0.message.contains("max_fle_bytes") }
        XCTAssertEqual(warning?.line, 10)
        XCTAssertEqual(warning?.column, 3)
        XCTAssertTrue(warning?.notes.contains { $0.contains("max_file_bytes") } ?? false, "\(String(describing: warning))")
    }

    func testBadBudgetValuesAreErrorsInSiteYAML() throws {
        for value in ["0", "-5", "lots", "1.5", "[1]"] {
            var diagnostics = Diagnostics()
            _ = SiteConfig.load(text: "budgets:\n  max_nesting: \(value)\n", path: "site.yml", baseURLOverride: nil,
                                diagnostics: &diagnostics)
            XCTAssertTrue(diagnostics.errors.contains { $0.line == 2 && $0.message.contains("max_nesting") },
                          "value \(value): \(diagnostics.all.map(\.formatted))")
        }
        let result = try failingBuild(["site.yml": "budgets: {max_page_seconds: never}\n"])
        expectError(result, "site.yml", line: 1, mentions: ["max_page_seconds", "never"])
    }

    // MARK: The watchdog

    func testWatchdogCallsItsActionWhenAStepOverrunsItsBudget() throws {
        let fired = Locked<[Watchdog.Expiry]>([])
        let watchdog = Watchdog(onExpiry: { expiry in fired.mutate { $0.append(expiry) } })
        // An artificial slow step: 0.5 s against a 0.1 s budget.
        watchdog.watch(file: "Content/briefings/slow.md", line: 5, seconds: 0.1) { Thread.sleep(forTimeInterval: 0.5) }
        XCTAssertEqual(fired.value.count, 1)
        XCTAssertEqual(fired.value.first?.file, "Content/briefings/slow.md")
        XCTAssertEqual(fired.value.first?.diagnostic.formatted,
                       "Content/briefings/slow.md:5:1: error: rendering took longer than 0.1 s (budget max_page_seconds = 0.1)")
        // A step within its budget, and a finished one, never fire.
        watchdog.watch(file: "fast.md", line: 1, seconds: 5) { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(fired.value.count, 1)
    }

    /// The watching thread sleeps until the earliest deadline and is woken only for an earlier
    /// one: a short watch begun while a long one is pending must still fire on time.
    func testWatchdogWakesForAnEarlierDeadline() throws {
        let fired = Locked<[String]>([])
        let watchdog = Watchdog(onExpiry: { expiry in fired.mutate { $0.append(expiry.file) } })
        let long = watchdog.begin(file: "long.md", line: 1, seconds: 30)
        Thread.sleep(forTimeInterval: 0.05)  // the thread now waits for the long deadline
        watchdog.watch(file: "short.md", line: 1, seconds: 0.1) { Thread.sleep(forTimeInterval: 0.5) }
        XCTAssertEqual(fired.value, ["short.md"])
        watchdog.end(long)
    }

    func testWatchdogWatchesManyRendersAtOnce() throws {
        let fired = Locked<[String]>([])
        let watchdog = Watchdog(onExpiry: { expiry in fired.mutate { $0.append(expiry.file) } })
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let slow = index % 4 == 0
            watchdog.watch(file: "f\(index).md", line: 1, seconds: slow ? 0.05 : 10) {
                Thread.sleep(forTimeInterval: slow ? 0.3 : 0.01)
            }
        }
        XCTAssertEqual(Set(fired.value), ["f0.md", "f4.md"])
    }

    func testARenderOverMaxPageSecondsFailsTheBuildAndCallsTheWatchdogAction() throws {
        let fired = Locked<[Watchdog.Expiry]>([])
        let previous = Watchdog.shared.setAction { expiry in fired.mutate { $0.append(expiry) } }
        defer { Watchdog.shared.setAction(previous) }
        // Ordinary prose that takes far more than a millisecond to render in any build. A megabyte
        // of it, so that the watching thread has tens of milliseconds to be scheduled before the
        // render ends: with a quarter of it, the action was once missed on a machine busy compiling.
        let prose = String(repeating: "The offensive on the western bank continued through the night. ", count: 16_000)
        let result = try failingBuild(["site.yml": "budgets:\n  max_page_seconds: 0.001\n", Self.x: body(prose)])
        expectBudgetError(result, "max_page_seconds = 0.001", line: 6)
        XCTAssertTrue(fired.value.contains { $0.file == Self.x }, "watchdog action not called: \(fired.value)")
    }

    // MARK: URLs

    func testUnsafeSourceURLsAreErrorsAtTheirValue() throws {
        let urls = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\\tscript:alert(1)",
                    "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "file:///etc/passwd",
                    "data:image/svg+xml,<svg onload=alert(1)>"]
        for url in urls {
            let extra = "sources:\n  - title: S\n    url: \"\(url)\""
            let result = try failingBuild([Self.x: briefing("A", extra: extra)])
            expectError(result, Self.x, line: 6, column: 10, mentions: ["URL"])
        }
        // http(s), mailto and relative URLs are published.
        let site = try TestSite([Self.x: briefing("A", extra: "sources:\n  - title: S\n    url: https://example.org/a?b=1&c=2")])
        XCTAssertTrue(try site.build().succeeded)
        assertContains(site.output("briefings/x/index.html"), "href=\"https://example.org/a?b=1&amp;c=2\"")
    }

    func testURLPolicy() {
        for bad in ["javascript:x", "JAVASCRIPT:x", "\tjavascript:x", "java\nscript:x", "vbscript:x", "data:text/html,x",
                    "file:///etc/passwd", "jav&#x61;script:x".replacingOccurrences(of: "&#x61;", with: "a"), "\u{1}http://x",
                    // A colon, or a letter of the scheme, followed by a combining mark.
                    "javascript:\u{301}alert(1)", "data:\u{301}text/html,x", "java\u{301}script:x", ":x",
                    "javascript://x", "x:y", "JavaScript:x/y", "data:", "ht%74p://x"] {
            XCTAssertNil(URLPolicy.safeLink(bad), bad)
        }
        for good in ["https://example.org", "http://a/b", "mailto:a@example.org", "/briefings/x/", "../x", "#top", "x.html",
                     "notes/a:b.html", "?q=a:b", "#a:b", "HTTPS://example.org", "FTP://x", "a#b:c", "x", "https:"] {
            XCTAssertEqual(URLPolicy.safeLink(good), good)
        }
        // Surrounding whitespace is trimmed (printable ASCII takes a shorter path than this).
        XCTAssertEqual(URLPolicy.safeLink("  https://example.org/a \n"), "https://example.org/a")
        XCTAssertNil(URLPolicy.safeLink(" \t"))
        XCTAssertNotNil(URLPolicy.safeImageSource("data:image/png;base64,iVBOR"))
        XCTAssertNil(URLPolicy.safeImageSource("data:image/svg+xml,<svg/onload=alert(1)>"))
        XCTAssertNil(URLPolicy.safeImageSource("data:text/html,x"))
    }

    func testMarkdownLinksNeverCarryScriptURLs() throws {
        let markdown = """
            [a](javascript:alert(1)) [b](vbscript:x) [c](file:///etc/passwd) ![d](data:text/html,x)
            [e](JAVASCRIPT:alert(1)) <javascript:alert(1)> [f](&#106;avascript:alert(1))

            [g]: javascript:alert(2)

            [g]
            """
        for rawHTML in [false, true] {
            let site = try TestSite(["site.yml": "raw_html: \(rawHTML)\n", Self.x: body(markdown)])
            let result = try site.build()
            XCTAssertTrue(result.succeeded, result.formatted)
            let page = try XCTUnwrap(site.output("briefings/x/index.html"))
            let attributes = page.matches(of: /(?i)(href|src)\s*=\s*"([^"]*)"/).map { String($0.output.2) }
            for value in attributes {
                let lowered = value.lowercased()
                for scheme in ["javascript:", "vbscript:", "file:", "data:text"] {
                    XCTAssertFalse(lowered.hasPrefix(scheme), "raw_html \(rawHTML): live \(value)")
                }
            }
        }
    }

    func testRawHTMLIsDisarmed() throws {
        let markdown = """
            <div onclick="alert(1)" style="x">ok</div>

            <a href="&#106avascript:alert(1)">numeric reference without ';'</a>
            <a href="&#x6A;avascript&colon;alert(1)">hex and named references</a>
            <a href="java&Tab;script:alert(1)">tab</a>
            <img src=x onerror=alert(1)><img src="x"onerror="alert(1)">
            <svg><a><animate attributeName=href values=javascript:alert(1) /><text>click</text></a></svg>
            <script>alert(1)</script><iframe srcdoc="<script>alert(1)</script>"></iframe>
            <math><mi xlink:href="javascript:alert(1)">x</mi></math>
            <a href="https://example.org/?a=1&amp;b=2">kept</a>
            <a title='quote"\u{301} onmouseover=alert(1) x='>a quote and a combining mark are one Character</a>
            """
        let site = try TestSite(["site.yml": "raw_html: true\n", Self.x: body(markdown)])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let page = try XCTUnwrap(site.output("briefings/x/index.html"))
        let main = String(page[page.range(of: "<article")!.lowerBound...])
        for live in ["<script", "<iframe", "<svg", "<math", "<animate"] {
            XCTAssertFalse(main.lowercased().contains(live), "live \(live) in:\n\(main.prefix(3000))")
        }
        // No event handler or style attribute inside a real tag (escaped text and quoted values
        // may mention them). Matched scalar by scalar, as a browser reads: `"` + U+0301 is one
        // Character but closes a value all the same.
        let liveAttribute = /(?i)<[a-z][a-z0-9-]*(?:\s*[^\s"'=<>\/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]*))?)*?\s*(?:on[a-z]+|style)\s*=/
        XCTAssertNil(main.firstMatch(of: liveAttribute.matchingSemantics(.unicodeScalar)), "live attribute in:\n\(main.prefix(3000))")
        assertContains(main, "title=\"quote&quot;\u{301} onmouseover=alert(1) x=\"")
        let attributes = main.matches(of: /(?i)(href|src)\s*=\s*"([^"]*)"/).map { String($0.output.2) }
        for value in attributes {
            let decoded = HTMLSanitizer.decodeEntities(value).lowercased().filter { !$0.isWhitespace }
            XCTAssertFalse(decoded.hasPrefix("javascript:"), "live URL \(value)")
        }
        assertContains(main, "href=\"https://example.org/?a=1&amp;b=2\"")
        assertContains(main, "<div>ok</div>")
    }

    // MARK: Escaping

    func testStringsAreEscapedForHTMLJSONAndXML() throws {
        let title = #"<script>alert("t")</script> & 'q' </title>"#
        let summary = #"S</script><!-- "quoted" & 'single' ]]> \u2028"#
        let site = try TestSite([
            Self.x: "---\ntitle: '\(title.replacingOccurrences(of: "'", with: "''"))'\ndate: 2017-06-22\n"
                + "summary: '\(summary.replacingOccurrences(of: "'", with: "''"))'\ntags: ['<b>tag</b>', '\"><img src=x>']\n"
                + "---\nBody & <b>bold</b> text.\n",
            "Content/actors/evil.md": "---\nname: '<img src=x onerror=alert(1)>'\naliases: ['\"><svg>']\n---\nProfile.\n",
        ])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let tree = site.outputTree()
        for (path, data) in tree where path.hasSuffix(".html") {
            let text = String(decoding: data, as: UTF8.self)
            XCTAssertFalse(text.contains("<script>alert"), "unescaped title in \(path)")
            XCTAssertFalse(text.contains("<img src=x"), "unescaped name in \(path)")
            XCTAssertFalse(text.contains("\"><svg>") || text.contains("\"><img"), "attribute break-out in \(path)")
            XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" },
                           "control character in \(path)")
        }
        assertContains(site.output("briefings/x/index.html"), "&lt;script&gt;alert(")
        // Feeds and the sitemap are well-formed XML with the strings intact.
        for (path, data) in tree where path.hasSuffix(".xml") {
            let parser = XMLParser(data: data)
            XCTAssertTrue(parser.parse(), "\(path) is not well-formed: \(String(describing: parser.parserError))")
        }
        let atom = try XCTUnwrap(site.output("atom.xml"))
        XCTAssertTrue(atom.contains("&lt;script&gt;alert(") || atom.contains("&lt;script>alert("), "title not escaped in atom.xml")
        // Every JSON file parses, and the search index (when there is one) holds the exact title.
        var foundTitle = false
        for (path, data) in tree where path.hasSuffix(".json") {
            // The index is fetched as its own file and shown with textContent only, so '</script>'
            // inside it is inert; what matters is that it parses back to the exact strings.
            let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            XCTAssertNotNil(object, "\(path) is not valid JSON")
            if let object, Self.strings(in: object).contains(title) { foundTitle = true }
        }
        if tree.keys.contains(where: { $0.hasSuffix(".json") }) {
            XCTAssertTrue(foundTitle, "the search index lost the title")
        }
    }

    /// A quote or bracket followed by a combining mark is one `Character`; escaping must still
    /// catch the quote, or a title could close the attribute it is written into.
    func testEscapingHoldsWhenACombiningMarkFollowsAQuoteOrBracket() throws {
        let mark = "\u{301}"
        let title = "Quote\"\(mark) autofocus onfocus=alert(1) x=\"y <\(mark)b> &\(mark) '\(mark)"
        // Double-quoted YAML, with the combining mark as an escape; built scalar by scalar, since
        // String's own replacing sees `"` + U+0301 as one character too.
        let yaml = { (text: String) -> String in
            var quoted = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": quoted += "\\\""
                case "\u{301}": quoted += "\\u0301"
                default: quoted.unicodeScalars.append(scalar)
                }
            }
            return quoted + "\""
        }
        let site = try TestSite([
            Self.x: "---\ntitle: \(yaml(title))\ndate: 2017-06-22\nsummary: \(yaml(title))\ntags: [\(yaml("t\"\(mark)ag"))]\n"
                + "actors: [\(yaml("A\"\(mark) onclick=x"))]\n---\nBody.\n",
        ])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        var checked = 0
        for (path, data) in site.outputTree() where path.hasSuffix(".html") {
            let bytes = Array(data)
            for index in bytes.indices.dropLast(2) where [0x22, 0x27, 0x3C, 0x3E].contains(bytes[index]) {
                XCTAssertFalse(bytes[index + 1] == 0xCC && bytes[index + 2] == 0x81,
                               "raw \(UnicodeScalar(bytes[index])) before a combining mark in \(path)")
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 5)
        let page = try XCTUnwrap(site.output("briefings/x/index.html"))
        assertContains(page, "content=\"Quote&quot;\(mark) autofocus onfocus=alert(1) x=&quot;y &lt;\(mark)b&gt; &amp;\(mark) &#39;\(mark)\"")
    }

    /// Every string in a parsed JSON value, without recursion.
    private static func strings(in object: Any) -> [String] {
        var found: [String] = []
        var stack: [Any] = [object]
        while let value = stack.popLast() {
            if let string = value as? String { found.append(string) }
            if let array = value as? [Any] { stack += array }
            if let dictionary = value as? [String: Any] { stack += Array(dictionary.values) }
        }
        return found
    }

    // MARK: Paths

    func testStaticFileNamesThatCannotBePublishedSafelyAreErrors() throws {
        let names = ["a%2e%2e.png", "%2e%2e", "back\\slash.png", "con.png", "AUX", "lpt1.txt", "Com3.tar.gz", "trailing.",
                     String(repeating: "x", count: 240) + ".png", "ctrl\u{1}.png", "quote\".png", "a b.png", "x<y>.png"]
        let result = try failingBuild(Dictionary(uniqueKeysWithValues: names.map { ("Content/static/\($0)", "data") }))
        for name in names {
            let path = "Content/static/\(name)"
            XCTAssertTrue(result.errors.contains { $0.id == "dossier.static.unsafe-name" && $0.file == path },
                          "\(name): \(result.formatted)")
        }
        // A NUL can never be part of a file name on POSIX systems, and '..' is never a file's name;
        // the checks refuse them anyway, for paths that come from anywhere else.
        for relative in ["a\u{0}.png", "../x.png", "a/../../x.png", "/etc/passwd", "a//b.png", "./x"] {
            XCTAssertNotNil(StaticPath.problem(relative), relative)
        }
        for relative in ["images/mosul-2017.jpg", "files/report_v2.pdf", "well/حلب.png", ".well-known/security.txt"] {
            XCTAssertNil(StaticPath.problem(relative), relative)
        }
    }

    func testSlugsTagsAndWikiLinksNeverLeaveOutput() throws {
        let site = try TestSite([
            Self.x: briefing("A", extra: #"tags: ["../../escape", "a/b", "%2e%2e", "..\\..\\win", "con", "\u0000"]"#,
                             body: "See [[../../etc/passwd]] and [[/tmp/x]].")
        ])
        let result = try site.build()
        expectError(result, Self.x, line: 6, mentions: ["wiki-link", "../../etc/passwd"])
        let fine = try TestSite([Self.x: briefing("A", extra: #"tags: ["../../escape", "a/b", "%2e%2e", "..\\..\\win"]"#)])
        let built = try fine.build()
        XCTAssertTrue(built.succeeded, built.formatted)
        let entries = Set(try FileManager.default.contentsOfDirectory(atPath: fine.root.path))
        XCTAssertTrue(entries.isSubset(of: ["Content", "Output", ".Output.dossier-cache"]), "\(entries)")
        for path in fine.outputTree().keys {
            XCTAssertFalse(path.split(separator: "/").contains { $0 == ".." || $0.contains("\\") || $0.contains("%") }, path)
        }
        XCTAssertTrue(fine.outputTree().keys.contains { $0.hasPrefix("tags/escape/") }, "\(fine.outputTree().keys.sorted())")
    }

    func testCaseOnlyAndNormalisationCollisionsAreErrors() throws {
        let result = try failingBuild(["Content/static/Foo.png": "1", "Content/static/foo.png": "2"])
        XCTAssertTrue(result.errors.contains { $0.id == "dossier.output.collision" && $0.message.contains("Foo.png") },
                      result.formatted)
        // Swift compares strings by canonical equivalence, so the two names cannot share a dictionary.
        let nfc = "caf\u{E9}.png", nfd = "cafe\u{301}.png"
        XCTAssertNotEqual(Array(nfc.utf8), Array(nfd.utf8))
        let site = try TestSite([Self.x: briefing("Good")])
        XCTAssertTrue(try site.build().succeeded)
        let before = site.outputTree()
        try site.writeData("Content/static/\(nfc)", Data("1".utf8))
        try site.writeData("Content/static/\(nfd)", Data("2".utf8))
        let names = try FileManager.default.contentsOfDirectory(atPath: site.root.appendingPathComponent("Content/static").path)
        XCTAssertEqual(names.count, 2, "the file system merged the names: \(names)")
        let unicode = try site.build()
        XCTAssertTrue(unicode.errors.contains { $0.id == "dossier.output.collision" }, unicode.formatted)
        XCTAssertTrue(before == site.outputTree(), "a failed build changed Output/")
    }

    /// The byte scan that checks output paths agrees with the plain definition on every short
    /// path over the characters that matter.
    func testSafeRelativePathsMatchTheirDefinition() {
        func reference(_ path: String) -> Bool {
            guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\"), !path.contains("\0") else { return false }
            return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
                !$0.isEmpty && $0 != "." && $0 != ".." && $0.utf8.count <= 255
            }
        }
        let alphabet = ["a", ".", "/", "\\", "\0", "é"]
        var paths = [""]
        for _ in 0..<5 { paths += paths.flatMap { path in alphabet.map { path + $0 } } }
        paths += [String(repeating: "a", count: 255), String(repeating: "a", count: 256), "x/" + String(repeating: "b", count: 256)]
        for path in Set(paths) {
            XCTAssertEqual(OutputWriter.isSafeRelativePath(path), reference(path), path.debugDescription)
        }
    }

    /// A static file named like a generated folder is found before anything is written, and a
    /// failed build leaves Output/ (its cache file included) byte-identical.
    func testAStaticFileWhereAGeneratedFolderGoesIsAnError() throws {
        let site = try TestSite([Self.x: briefing("Good")])
        XCTAssertTrue(try site.build().succeeded)
        let before = site.outputTree()
        XCTAssertNotNil(before[".dossier-cache"])
        try site.write(["Content/static/timeline": "not a folder"])
        let result = try site.build()
        XCTAssertTrue(result.errors.contains {
            $0.id == "dossier.output.collision" && $0.file.hasSuffix("static/timeline") && $0.message.contains("timeline/index.html")
        }, result.formatted)
        XCTAssertTrue(before == site.outputTree(), "a failed build changed Output/")
    }

    /// `serve` skips the path check when the output paths are those of a build that passed it;
    /// a new colliding file changes them, and the next rebuild reports it again after a fix.
    func testServeReportsAPathCollisionThatAppearsBetweenRebuilds() throws {
        let site = try TestSite([Self.x: briefing("Good")])
        let serve = ServeRenders(site)
        XCTAssertTrue(serve.rebuild().succeeded)
        XCTAssertTrue(serve.rebuild().succeeded)
        try site.write(["Content/static/timeline": "not a folder"])
        for _ in 0..<2 {
            let result = serve.rebuild()
            XCTAssertTrue(result.errors.contains { $0.id == "dossier.output.collision" }, result.formatted)
        }
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("Content/static/timeline"))
        XCTAssertTrue(serve.rebuild().succeeded)
    }

    // MARK: Symbolic links and special files

    private func symlink(_ site: TestSite, _ path: String, to destination: String) throws {
        let url = site.root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: destination)
    }

    private func buildWithLinks(_ links: [(String, String)], files: [String: String] = [:]) throws -> (TestSite, BuildResult) {
        let site = try TestSite([Self.x: briefing("Good")].merging(files) { $1 })
        let first = try site.build()
        XCTAssertTrue(first.succeeded, first.formatted)
        let before = site.outputTree()
        for (path, destination) in links { try symlink(site, path, to: destination) }
        let result = try site.build()
        XCTAssertTrue(before == site.outputTree() || result.succeeded, "a failed build changed Output/")
        return (site, result)
    }

    func testSymlinksLeadingOutsideTheContentFolderAreRefusedWithTheLinkNamed() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        try Data(briefing("Secret").utf8).write(to: outside.appendingPathComponent("secret.md"))
        let (site, result) = try buildWithLinks([
            ("Content/briefings/passwd.md", "/etc/passwd"),
            ("Content/briefings/secret.md", outside.appendingPathComponent("secret.md").path),
            ("Content/briefings/relative.md", "../../../" + outside.lastPathComponent + "/secret.md"),
            ("Content/static/etc", "/etc"),
        ])
        XCTAssertFalse(result.succeeded)
        for link in ["Content/briefings/passwd.md", "Content/briefings/secret.md", "Content/briefings/relative.md", "Content/static/etc"] {
            XCTAssertTrue(result.errors.contains { $0.file == link && $0.id == "dossier.content.symlink-outside" },
                          "\(link) not refused:\n\(result.formatted)")
        }
        XCTAssertNil(site.output("briefings/secret/index.html"))
        XCTAssertNil(site.output("etc/passwd"))
    }

    func testDanglingAndLoopingSymlinksAreClearErrors() throws {
        let (_, result) = try buildWithLinks([
            ("Content/briefings/gone.md", "nowhere.md"),
            ("Content/briefings/a.md", "b.md"),
            ("Content/briefings/b.md", "a.md"),
            ("Content/briefings/self.md", "self.md"),
            ("Content/briefings/sub/up", ".."),
            ("Content/static/root", "../../Content"),
        ])
        XCTAssertFalse(result.succeeded)
        expectError(result, "Content/briefings/gone.md", mentions: ["symbolic link", "nowhere.md"])
        for link in ["Content/briefings/a.md", "Content/briefings/b.md", "Content/briefings/self.md",
                     "Content/briefings/sub/up", "Content/static/root"] {
            expectError(result, link, mentions: ["loop"])
        }
    }

    func testSymlinksInsideTheContentFolderArePublishedAsPlainFiles() throws {
        let (site, result) = try buildWithLinks([
            ("Content/briefings/alias.md", "../shared/y.md"),
            ("Content/static/logo.png", "../shared/logo.png"),
        ], files: ["Content/shared/y.md": briefing("Shared", extra: "slug: shared"), "Content/shared/logo.png": "PNG"])
        XCTAssertTrue(result.succeeded, result.formatted)
        assertContains(site.output("briefings/shared/index.html"), "Shared")
        let logo = site.output.appendingPathComponent("logo.png").path
        let type = try FileManager.default.attributesOfItem(atPath: logo)[.type] as? FileAttributeType
        XCTAssertEqual(type, .typeRegular, "a symbolic link was published")
        XCTAssertEqual(site.output("logo.png"), "PNG")
    }

    func testAFIFOInTheContentFolderDoesNotHangTheBuild() throws {
        let site = try TestSite([Self.x: briefing("Good")])
        let fifo = site.root.appendingPathComponent("Content/briefings/pipe.md").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let start = Date()
        let result = try site.build()
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        expectError(result, "Content/briefings/pipe.md", mentions: ["not a regular file"])
    }

    func testControlCharactersAndNoncharactersAreErrorsAtTheirPosition() throws {
        let cases: [(String, Int, Int)] = [("a\u{1}b", 6, 2), ("\u{8}", 6, 1), ("x\u{1B}[31m", 6, 2), ("ok \u{7F}", 6, 4),
                                           ("\u{85}", 6, 1), ("ab\u{FFFE}", 6, 3), ("\u{10FFFF}", 6, 1)]
        for (text, line, column) in cases {
            let result = try failingBuild([Self.x: body(text)])
            expectError(result, Self.x, line: line, column: column, mentions: ["U+"])
        }
        // Tab, form feed and CR are text.
        let site = try TestSite([Self.x: body("a\tb\u{C}c\r\nd")])
        XCTAssertTrue(try site.build().succeeded)
    }

    func testHostileValuesCannotBreakUpOrForgeDiagnosticLines() throws {
        let forged = #"2017\nsrc/evil.swift:1:1: error: forged"#
        let result = try failingBuild([
            Self.x: briefing("A", extra: "updated: \"\(forged)\"\n\"bad\\rkey\": 1"),
            "site.yml": "linking: \"first\\nsecond\"\nbudgets: {\"max\\tnesting\": 3}\n",
        ])
        for diagnostic in result.diagnostics where diagnostic.file == Self.x || diagnostic.file == "site.yml" {
            XCTAssertFalse(diagnostic.formatted.contains { $0.isNewline }, diagnostic.formatted)
        }
        expectError(result, Self.x, line: 4, mentions: ["updated", "\\nsrc/evil.swift"])
        expectError(result, "site.yml", line: 1, mentions: ["first\\nsecond"])
    }

    // MARK: The output folder

    func testOutputFolderIsOnlyReplacedWhenItCarriesTheMarker() throws {
        let site = try TestSite([Self.x: briefing("A")])
        try site.writeData("Output/precious.txt", Data("mine".utf8))
        XCTAssertThrowsError(try site.build())
        XCTAssertEqual(site.output("precious.txt"), "mine")
        try site.remove("Output/precious.txt")
        XCTAssertTrue(try site.build().succeeded)
        XCTAssertTrue(FileManager.default.fileExists(atPath: site.output.appendingPathComponent(OutputWriter.markerName).path))
        // A marker alone does not protect a folder that is or holds the content.
        XCTAssertTrue(try site.build().succeeded)
    }

    func testOutputFolderThatIsContainsOrSitsInsideTheContentFolderIsRefused() throws {
        let site = try TestSite([Self.x: briefing("A")])
        let content = site.root.appendingPathComponent("Content")
        let cases: [(String, SitePaths)] = [
            ("output is the content folder", SitePaths(root: site.root, output: content)),
            ("output contains the content folder", SitePaths(root: site.root, content: site.root.appendingPathComponent("Output/Content"),
                                                             output: site.root.appendingPathComponent("Output"))),
            ("output inside the content folder", SitePaths(root: site.root, output: content.appendingPathComponent("site"))),
            ("output is the site root", SitePaths(root: site.root, output: site.root)),
        ]
        try site.writeData("Output/Content/briefings/x.md", Data(briefing("Inner").utf8))
        try site.writeData("Output/\(OutputWriter.markerName)", Data())
        for (name, paths) in cases {
            var options = BuildOptions(paths: paths)
            options.incremental = false
            XCTAssertThrowsError(try Pipeline.build(options), name)
        }
        // A symbolic link to the content folder is the content folder.
        try symlink(site, "Linked", to: "Content")
        var options = BuildOptions(paths: SitePaths(root: site.root, output: site.root.appendingPathComponent("Linked")))
        options.incremental = false
        XCTAssertThrowsError(try Pipeline.build(options))
        XCTAssertTrue(FileManager.default.fileExists(atPath: content.appendingPathComponent("briefings/x.md").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: site.root.appendingPathComponent("Output/Content/briefings/x.md").path))
    }

    // MARK: Encodings

    func testInvalidUTF8InSiteYAMLAndPagesIsAnErrorNotACrash() throws {
        let site = try TestSite([Self.x: briefing("A")])
        try site.writeData("site.yml", Data("title: \"ok".utf8) + Data([0xC0, 0x80]) + Data("\"\n".utf8))
        try site.writeData("Content/pages/about.md", Data("---\ntitle: About\n---\n".utf8) + Data([0xED, 0xB0, 0x80]))
        let result = try site.build()
        expectError(result, "site.yml", line: 1, column: 11, mentions: ["UTF-8"])
        expectError(result, "Content/pages/about.md", line: 4, column: 1, mentions: ["UTF-8"])
    }
}

/// A value shared with a callback on another thread.
final class Locked<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
    func mutate(_ body: (inout Value) -> Void) {
        lock.lock()
        body(&stored)
        lock.unlock()
    }
}
