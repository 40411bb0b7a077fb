import Foundation
import XCTest
@testable import DossierCore
@testable import DossierMarkdown

/// After cmark's own `test/pathological_tests.py`: one generator per known reproducer shape
/// (cmark, cmark-gfm, Yams), each run at sizes growing ×10. Every run must end with a page or
/// a budget error, and time must grow no worse than linearly. Measured on Debian 12's
/// cmark-gfm 0.29.0.gfm.6, which lacks the 2023 fixes: the quadratic shapes are caught by the
/// budgets' pre-checks before cmark-gfm sees them.
final class PathologicalInputTests: XCTestCase {
    struct Generator: Sendable {
        var name: String
        /// Where the generated text goes.
        enum Place: Sendable { case body, frontMatter }
        var place: Place = .body
        /// Errors that are an acceptable answer besides budget errors (e.g. anchors refused).
        var alsoAccepted: Set<String> = []
        var make: @Sendable (Int) -> String
    }

    static let sizes = [1_000, 10_000, 100_000]

    /// `unit` repeated to about `size` bytes.
    static func repeating(_ unit: String, _ size: Int) -> String {
        String(repeating: unit, count: max(1, size / unit.utf8.count))
    }

    static let generators: [Generator] = [
        // cmark: emphasis and brackets
        Generator(name: "nested strong emphasis") { n in
            String(repeating: "*a **a ", count: n / 14) + "b" + String(repeating: " a** a*", count: n / 14)
        },
        Generator(name: "emphasis closers without openers") { repeating("a_ ", $0) },
        Generator(name: "emphasis openers without closers") { repeating("_a ", $0) },
        Generator(name: "mismatched openers and closers") { repeating("*a_ ", $0) },
        Generator(name: "openers and closers multiple of 3") { "a**b" + repeating("c* ", $0) },
        Generator(name: "link closers without openers") { repeating("a]", $0) },
        Generator(name: "link openers without closers") { repeating("[a", $0) },
        Generator(name: "link openers and emphasis closers") { repeating("[ a_", $0) },
        Generator(name: "pattern [ (]( repeated") { repeating("[ (](", $0) },
        Generator(name: "pattern ![[]() repeated") { repeating("![[]()", $0) },
        // `[[a]]` in the middle is a wiki-link to nothing: a content error, not a budget one.
        Generator(name: "nested brackets", alsoAccepted: ["dossier.wikilink.unresolved"]) { n in String(repeating: "[", count: n / 2) + "a" + String(repeating: "]", count: n / 2) },
        Generator(name: "wiki-link openers") { repeating("[[a ", $0) },
        // cmark: blocks
        Generator(name: "nested block quotes") { n in String(repeating: "> ", count: n / 2) + "a" },
        Generator(name: "nested lists on one line") { n in String(repeating: "- ", count: n / 2) + "a" },
        Generator(name: "deeply indented lists") { n in
            (0..<Int(Double(n).squareRoot())).map { String(repeating: "  ", count: $0) + "* a\n" }.joined()
        },
        Generator(name: "many list items with emphasis markers") { repeating("*\n", $0) },
        // cmark: code, links, raw HTML
        Generator(name: "backticks") { n in
            var text = ""
            var run = 1
            while text.utf8.count < n { text += "e" + String(repeating: "`", count: run); run += 1 }
            return text
        },
        Generator(name: "unclosed links A") { repeating("[a](<b", $0) },
        Generator(name: "unclosed links B") { repeating("[a](b", $0) },
        Generator(name: "unclosed link titles") { repeating("[a](b \"", $0) },
        Generator(name: "unclosed <!-- comments") { "</" + repeating("<!--", $0) },
        Generator(name: "many <? processing instructions") { repeating("x <?", $0) },
        Generator(name: "many <![CDATA[ openers") { repeating("x <![CDATA[", $0) },
        Generator(name: "many <!A declarations") { repeating("x <!A", $0) },
        Generator(name: "many <> pairs") { repeating("<>", $0) },
        Generator(name: "entities and backslashes") { repeating("&#\\&a", $0) },
        // link references
        Generator(name: "many link reference definitions") { n in
            (0..<(n / 10)).map { "[\($0)]: u\n" }.joined() + String(repeating: "[0] ", count: n / 40)
        },
        Generator(name: "link reference expansion") { n in
            "[a]: https://example.org/" + String(repeating: "x", count: n / 2) + "\n\n" + repeating("[a]", n / 2)
        },
        // cmark-gfm extensions
        Generator(name: "table with many rows") { n in "| a |\n|---|\n" + repeating("|a|\n", n) },
        Generator(name: "table with a wide header over short rows") { n in
            let columns = Int(Double(n).squareRoot())
            return "|" + String(repeating: "a|", count: columns) + "\n|" + String(repeating: "-|", count: columns) + "\n"
                + String(repeating: "x\n", count: columns)
        },
        Generator(name: "tables reproducer (aaa/bbb/-: repeated)") { repeating("aaa\nbbb\n-:\n", $0) },
        Generator(name: "long lines of ~~") { repeating("~~", $0) },
        Generator(name: "strikethrough openers") { repeating("~~a", $0) },
        Generator(name: "single tildes") { repeating("~a", $0) },
        Generator(name: "www. runs") { repeating("www.", $0) },
        Generator(name: "www.a runs") { repeating("www.a", $0) },
        Generator(name: "e-mail autolink runs") { repeating("a@", $0) },
        Generator(name: "URL autolink runs") { repeating("http://", $0) },
        Generator(name: "footnote references") { repeating("[^a]", $0) },
        Generator(name: "task list items") { repeating("- [ ] a\n", $0) },
        // YAML front matter
        Generator(name: "big YAML flow sequence", place: .frontMatter) { n in
            "tags: [" + String(repeating: "a, ", count: n / 3) + "a]"
        },
        Generator(name: "big YAML flow mapping", place: .frontMatter) { n in
            "extra: {" + (0..<(n / 10)).map { "k\($0): v" }.joined(separator: ", ") + "}"
        },
        Generator(name: "deep YAML flows", place: .frontMatter) { n in
            "tags: " + String(repeating: "[", count: n / 2) + String(repeating: "]", count: n / 2)
        },
        Generator(name: "long YAML scalar", place: .frontMatter) { n in "summary: " + String(repeating: "word ", count: n / 5) },
        Generator(name: "billion laughs YAML", place: .frontMatter, alsoAccepted: ["dossier.frontmatter.anchor"]) { n in
            var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            var level = 1
            while yaml.utf8.count < n {
                yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
                level += 1
            }
            return yaml + "tags: *a\(level - 1)"
        },
    ]

    /// Seconds a site with a trivial briefing takes, subtracted from every measurement.
    private static let baseline: Double = {
        let site = try! TestSite(["Content/briefings/x.md": briefing("Baseline")])
        return (0..<3).map { _ in measure(site).seconds }.min()!
    }()

    private static func measure(_ site: TestSite) -> (seconds: Double, result: BuildResult) {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try! site.build(write: false)
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, result)
    }

    private static func file(for generator: Generator, size: Int) -> String {
        let text = generator.make(size)
        switch generator.place {
        case .body: return briefing("Pathological", body: text)
        case .frontMatter: return "---\ntitle: Pathological\ndate: 2017-06-22\n\(text)\n---\nBody.\n"
        }
    }

    /// Runs one generator at every size; returns net seconds per size.
    private func run(_ generator: Generator, file: StaticString = #filePath, line: UInt = #line) throws -> [Double] {
        let site = try TestSite([:])
        var times: [Double] = []
        for size in Self.sizes {
            try site.write(["Content/briefings/x.md": Self.file(for: generator, size: size)])
            let (seconds, result) = Self.measure(site)
            times.append(max(seconds - Self.baseline, 0))
            let unexpected = result.errors.filter { error in
                !(error.id.hasPrefix("dossier.budget.") || generator.alsoAccepted.contains(error.id))
            }
            XCTAssertTrue(unexpected.isEmpty, "\(generator.name) at \(size): not a page or a budget error:\n"
                              + unexpected.prefix(5).map(\.formatted).joined(separator: "\n"), file: file, line: line)
            XCTAssertLessThan(seconds, 10, "\(generator.name) at \(size) took \(seconds) s", file: file, line: line)
        }
        return times
    }

    /// No worse than linear: the largest run may take at most 3 × (size ratio) times the
    /// smallest, judged only when the smaller run took long enough to measure.
    private func assertLinear(_ name: String, _ times: [Double], file: StaticString = #filePath, line: UInt = #line) {
        for (small, large) in [(0, times.count - 1), (times.count - 2, times.count - 1)] where small < large {
            let sizeRatio = Double(Self.sizes[large]) / Double(Self.sizes[small])
            let floor = small == 0 ? 0.005 : 0.03
            guard times[small] >= floor else { continue }
            XCTAssertLessThanOrEqual(times[large] / times[small], 3 * sizeRatio,
                                     "\(name): \(Self.sizes[small]) → \(Self.sizes[large]) bytes took "
                                         + String(format: "%.4f s → %.4f s", times[small], times[large]), file: file, line: line)
        }
    }

    func testEveryReproducerEndsWithAPageOrABudgetErrorInLinearTime() throws {
        _ = Self.baseline
        var report: [String] = []
        for generator in Self.generators {
            let times = try run(generator)
            assertLinear(generator.name, times)
            report.append(generator.name.padding(toLength: 44, withPad: " ", startingAt: 0)
                              + times.map { String(format: "%8.4f", $0) }.joined(separator: " "))
        }
        print("pathological inputs (net seconds at \(Self.sizes.map(String.init).joined(separator: ", ")) bytes; baseline "
              + String(format: "%.3f s", Self.baseline) + "):\n" + report.joined(separator: "\n"))
    }

    /// The quadratic shapes of gfm.6 at a size where they would run for seconds are refused in
    /// milliseconds, naming the budget.
    func testQuadraticShapesFailFastWithTheirBudget() throws {
        let cases: [(String, String, String)] = [
            ("pattern ![[]() repeated", String(repeating: "![[]()", count: 30_000), "max_page_seconds"),
            ("<? openers", String(repeating: "x <?", count: 50_000), "max_page_seconds"),
            ("<![CDATA[ openers", String(repeating: "x <![CDATA[", count: 20_000), "max_page_seconds"),
            ("reference expansion", "[a]: " + String(repeating: "x", count: 20_000) + "\n\n" + String(repeating: "[a]", count: 6_500),
             "max_output_ratio"),
            ("wide table", "|" + String(repeating: "a|", count: 2_500) + "\n|" + String(repeating: "-|", count: 2_500) + "\n"
                + String(repeating: "x\n", count: 200), "max_table_cells"),
            ("e-mail autolinks", String(repeating: "a@", count: 1_000_000), "max_page_seconds"),
            ("emphasis before links", String(repeating: "*a* [b](c) ", count: 30_000), "max_page_seconds"),
        ]
        // inlineHazards skips the opener scans of paragraphs without a '<'.
        XCTAssertTrue(MarkdownPrecheck.rescannedOpeners.allSatisfy { $0.open.first == UInt8(ascii: "<") })
        for (name, body, budget) in cases {
            let site = try TestSite(["Content/briefings/x.md": briefing("Q", body: body)])
            let (seconds, result) = Self.measure(site)
            XCTAssertTrue(result.errors.contains { $0.message.contains("(budget \(budget) = ") && $0.line == 6 },
                          "\(name): \(result.formatted)")
            XCTAssertLessThan(seconds, 3, "\(name) took \(seconds) s")
        }
    }

    /// The precheck's bracket and `@` counts skip eight bytes at a time; byte by byte, at any
    /// alignment of the paragraph, they must come out the same.
    func testBracketAndAtSignCountsMatchAByteByByteCount() {
        func reference(_ bytes: [UInt8], _ range: Range<Int>) -> MarkdownPrecheck.BracketCounts {
            var counts = MarkdownPrecheck.BracketCounts()
            var index = range.lowerBound
            while index < range.upperBound {
                if bytes[index] == 0x21, index + 1 < range.upperBound, bytes[index + 1] == 0x5B {
                    counts.imageOpeners += 1
                    if counts.firstImage == nil { counts.firstImage = index }
                    index += 2
                    continue
                }
                if "*_~".utf8.contains(bytes[index]) {
                    if index == range.lowerBound || bytes[index - 1] != bytes[index] {
                        counts.emphasisRuns += 1
                        if counts.firstEmphasis == nil { counts.firstEmphasis = index }
                    }
                    index += 1
                    continue
                }
                if bytes[index] == 0x5D {
                    counts.pairs += Double(counts.imageOpeners)
                    counts.emphasisPairs += Double(counts.emphasisRuns)
                }
                if bytes[index] == 0x40, index > range.lowerBound, (Character(Unicode.Scalar(bytes[index - 1])).isASCII && (Character(Unicode.Scalar(bytes[index - 1])).isLetter
                    || Character(Unicode.Scalar(bytes[index - 1])).isNumber || ".-_+".utf8.contains(bytes[index - 1]))) {
                    counts.atSigns += 1
                    if counts.firstAt == nil { counts.firstAt = index }
                }
                index += 1
            }
            return counts
        }
        let pieces = ["![", "]", "@", "a@", " @", "!", "[", "x", "text ", "é", "\u{A1}", "Z", "-", "*", "**", "_", "~~", "*a*"]
        var generator = SplitMix(state: 106)  // seeded, so a failure reproduces
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let bytes = Array(text.utf8)
            let start = Int.random(in: 0...bytes.count, using: &generator)
            let range = start..<Int.random(in: start...bytes.count, using: &generator)
            let counts = bytes.withUnsafeBufferPointer { MarkdownPrecheck.bracketsAndAtSigns($0, range) }
            XCTAssertEqual(counts, reference(bytes, range), "\(text) \(range)")
        }
    }

    /// Line ranges come from memchr, and a body is composed (NFC) only when a combining mark's
    /// lead byte is found eight bytes at a time; both must agree with a byte-by-byte pass.
    func testLineRangesAndTheCombiningMarkScanMatchAByteByByteScan() {
        let pieces = ["a", "\n", "\n\n", "é", "e\u{301}", "\u{35C}", "e\u{341}", "Mosul ", "\u{30C}x", "\r\n", "مو", "ﬁ"]
        var generator = SplitMix(state: 107)  // seeded, so a failure reproduces
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...24, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let bytes = Array(text.utf8)
            var expected: [Range<Int>] = [], start = 0
            for index in bytes.indices where bytes[index] == 0x0A {
                expected.append(start..<index)
                start = index + 1
            }
            expected.append(start..<bytes.count)
            XCTAssertEqual(MarkdownPrecheck.lineRanges(bytes), expected, text.debugDescription)
            let hasMarks = bytes.contains { $0 == 0xCC || $0 == 0xCD }
            // As bytes: `==` on strings compares them up to canonical equivalence.
            XCTAssertEqual(Array(BodyRenderer.composed(text).utf8), Array((hasMarks ? text.precomposedStringWithCanonicalMapping : text).utf8),
                           text.debugDescription)
        }
    }

    /// Found by scripts/fuzz.sh: 10,000 identical headings once took over 10 s because anchor
    /// ids were searched from "-1" for every heading; `AnchorNames` now remembers the next suffix.
    func testManyIdenticalHeadingsRenderInLinearTime() throws {
        let generator = Generator(name: "many identical headings") { Self.repeating("## B\n\n", $0) }
        assertLinear(generator.name, try run(generator))
    }

    // MARK: Recursion

    /// No Swift code walking the syntax tree or the front matter recurses: a 50,000-deep list or
    /// blockquote either renders (budget raised) or fails with the nesting budget.
    func testFiftyThousandDeepListsAndBlockquotesDoNotOverflowTheStack() throws {
        let depth = 50_000
        let shapes = [
            ("blockquote", String(repeating: "> ", count: depth) + "deep", "<blockquote>"),
            ("list", String(repeating: "- ", count: depth) + "deep", "<ul>"),
            ("emphasis", String(repeating: "*a ", count: depth) + "deep" + String(repeating: " a*", count: depth), "<em>"),
        ]
        for (name, markdown, tag) in shapes {
            // Default budgets: the nesting budget error.
            let limited = try TestSite(["Content/briefings/x.md": briefing("Deep", body: markdown)])
            let refused = try limited.build(write: false)
            XCTAssertTrue(refused.errors.contains { $0.id == "dossier.budget.nesting" } || refused.succeeded,
                          "\(name): \(refused.formatted.prefix(500))")
            // Budgets raised: every walk over the tree must survive and the page must be written.
            let site = try TestSite([
                "site.yml": "budgets: {max_nesting: 1000000, max_output_ratio: 1000, max_page_seconds: 60}\n",
                "Content/briefings/x.md": briefing("Deep", body: markdown),
            ])
            let result = try site.build()
            XCTAssertTrue(result.succeeded, "\(name): \(result.formatted.prefix(500))")
            let page = site.output("briefings/x/index.html") ?? ""
            XCTAssertGreaterThanOrEqual(page.components(separatedBy: tag).count - 1, name == "emphasis" ? 1 : depth / 2,
                                        "\(name): the page lost its nesting")
        }
    }

    func testTheTreeWalkMeasuresDepthWithoutRecursion() {
        let document = MarkdownDocument(markdown: String(repeating: "> ", count: 50_000) + "a")
        XCTAssertEqual(document.maximumDepth(), 50_002)  // blockquotes, the paragraph, its text
        XCTAssertEqual(document.firstNode(deeperThan: 200)?.depth, 201)
        XCTAssertNil(document.firstNode(deeperThan: 50_002))
    }

    func testDeepFrontMatterIsABudgetErrorNotACrash() throws {
        for depth in [300, 5_000, 50_000] {
            let yaml = "tags: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let site = try TestSite([
                "site.yml": "budgets: {max_front_matter_bytes: 1000000, max_nesting: 1000000}\n",
                "Content/briefings/x.md": "---\ntitle: Deep\ndate: 2017-06-22\n\(yaml)\n---\nBody.\n",
            ])
            let result = try site.build(write: false)
            XCTAssertTrue(result.succeeded || result.errors.allSatisfy { $0.id == "dossier.budget.nesting" || $0.id == "dossier.frontmatter.type" },
                          "depth \(depth): \(result.formatted)")
            let limited = try TestSite(["Content/briefings/x.md": "---\ntitle: Deep\ndate: 2017-06-22\n\(yaml)\n---\nBody.\n"])
            let refused = try limited.build(write: false)
            XCTAssertTrue(refused.errors.contains { $0.id.hasPrefix("dossier.budget.") && $0.line <= 4 }, "depth \(depth): \(refused.formatted)")
        }
    }
}
