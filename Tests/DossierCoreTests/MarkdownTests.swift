import Foundation
import XCTest
import CCmarkGFM
@testable import DossierMarkdown

final class MarkdownTests: XCTestCase {
    /// ASCII headings take a byte-wise path to their anchor; it must agree with the general one.
    func testASCIIAnchorsMatchTheGeneralRule() {
        let ascii = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        for character in ascii { XCTAssertEqual(AnchorSlug.make(character), AnchorSlug.byProperties(character), "\(Array(character.utf8))") }
        var generator = SplitMix(state: 104)  // seeded, so a failure reproduces
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in ascii.randomElement(using: &generator)! }.joined()
            XCTAssertEqual(AnchorSlug.make(text), AnchorSlug.byProperties(text), "\(Array(text.utf8))")
        }
        XCTAssertEqual(AnchorSlug.make("What happened in Mosul? (2017)"), "what-happened-in-mosul-2017")
        XCTAssertEqual(AnchorSlug.make("Économie"), "économie")
    }

    /// Headings are found by entering only blocks that hold blocks; on random documents that
    /// must find what a walk over every node finds, in the same order.
    func testHeadingsAreFoundAsAFullWalkFindsThem() {
        let blocks = ["# Top", "## Second *em*", "Para with *em* and [link](x).", "> # Quoted\n> text", "- item\n  ## In item",
                      "1. one\n   > ### Deep", "| a | b |\n|---|---|\n| 1 | 2 |", "```\n# not a heading\n```",
                      "Note[^n].\n\n[^n]: ## Footnote heading", "<div>\n# html\n</div>", "Setext\n---", "    # indented code",
                      "- a\n  - b\n    #### Nested"]
        var generator = SplitMix(state: 61)
        var found = 0
        for _ in 0..<500 {
            let markdown = (0..<Int.random(in: 1...8, using: &generator)).map { _ in blocks.randomElement(using: &generator)! }
                .joined(separator: "\n\n")
            let document = MarkdownDocument(markdown: markdown)
            var walked: [OpaquePointer] = []
            document.forEachNode { node, entering in
                if entering, cmark_node_get_type(node) == CMARK_NODE_HEADING { walked.append(node) }
            }
            XCTAssertEqual(document.headingNodes(), walked, markdown)
            found += walked.count
        }
        XCTAssertGreaterThan(found, 1_000)
    }

    func testReservedAndRepeatedHeadingsGetNumberedIds() {
        let document = MarkdownDocument(markdown: "# Main\n\n## Content\n\n# Main\n\n# Main-1")
        XCTAssertEqual(document.assignHeadingIDs(reserved: ["content", "main"]).map(\.id),
                       ["main-1", "content-1", "main-2", "main-1-1"])
    }

    private func html(_ markdown: String, raw: Bool = false) -> String {
        let document = MarkdownDocument(markdown: markdown, options: MarkdownOptions(allowRawHTML: raw))
        document.assignHeadingIDs()
        return document.renderHTML()
    }

    func testGitHubExtensionsAreOn() {
        let out = html("""
        | a | b |
        |---|---|
        | 1 | 2 |

        ~~gone~~ www.example.org

        - [x] done
        - [ ] open

        Note[^1].

        [^1]: The note.
        """)
        XCTAssertTrue(out.contains("<table>"))
        XCTAssertTrue(out.contains("<del>gone</del>"))
        XCTAssertTrue(out.contains(#"<a href="http://www.example.org">"#))
        XCTAssertTrue(out.contains(#"type="checkbox""#))
        XCTAssertTrue(out.contains("footnotes"))
    }

    func testSafeModeDropsScriptsAndScriptURLs() {
        let out = html("""
        <script>alert(1)</script>

        Text <img src=x onerror=alert(1)> and [link](javascript:alert(1)) and ![i](vbscript:x)
        """)
        XCTAssertFalse(out.contains("<script"))
        XCTAssertFalse(out.contains("onerror"))
        XCTAssertFalse(out.contains("javascript:"))
        XCTAssertFalse(out.contains("vbscript:"))
    }

    func testRawHTMLModeKeepsMarkupButNoLiveCode() {
        let out = html("""
        <div class="box"><b>kept</b></div>

        <script>alert(1)</script>

        Inline <img src="x.png" onerror="alert(1)"> <a href="jav&#x61;script:alert(1)">x</a> <a href="https://ok.example/">ok</a>

        <iframe src="https://evil.example"></iframe>
        """, raw: true)
        XCTAssertTrue(out.contains(#"<div class="box"><b>kept</b></div>"#), out)
        XCTAssertFalse(out.contains("<script"), out)
        XCTAssertFalse(out.contains("onerror"), out)
        XCTAssertFalse(out.lowercased().contains("script:alert"), out)
        XCTAssertFalse(out.contains("<iframe"), out)
        XCTAssertTrue(out.contains(#"<img src="x.png">"#), out)
        XCTAssertTrue(out.contains(#"<a href="https://ok.example/">ok</a>"#), out)
    }

    func testHeadingsGetStableUniqueAnchors() {
        let out = html("# Mosul: the *endgame*\n\n## Outlook\n\n## Outlook\n\n### Ñandú `code`")
        XCTAssertTrue(out.contains(#"<h1 id="mosul-the-endgame">Mosul: the <em>endgame</em></h1>"#), out)
        XCTAssertTrue(out.contains(#"<h2 id="outlook">Outlook</h2>"#), out)
        XCTAssertTrue(out.contains(#"<h2 id="outlook-1">Outlook</h2>"#), out)
        XCTAssertTrue(out.contains(#"<h3 id="ñandú-code">"#), out)
    }

    func testTextRunsSpanSoftBreaksAndSkipCode() {
        let document = MarkdownDocument(markdown: "Kata’ib\nHezbollah and `Daesh` [Daesh](x)\n\n# Daesh")
        let runs = document.textRuns()
        XCTAssertEqual(runs.first?.text, "Kata’ib\nHezbollah and ")
        XCTAssertEqual(runs.first?.context, .prose)
        XCTAssertTrue(runs.contains { $0.text == "Daesh" && $0.context == .link })
        XCTAssertTrue(runs.contains { $0.text == "Daesh" && $0.context == .heading })
        XCTAssertFalse(runs.contains { $0.text.contains("`") })
    }

    func testInsertedLinksAreRealLinkNodes() {
        let document = MarkdownDocument(markdown: "Daesh <b>x</b> left Mosul.")
        let run = document.textRuns()[0]
        let range = run.text.range(of: "Daesh")!
        document.insertLinks([TextLink(range: range, url: "/actors/daesh/", title: "Daesh")], in: run)
        let out = document.renderHTML()
        XCTAssertTrue(out.contains(#"<a href="/actors/daesh/" title="Daesh">Daesh</a>"#), out)
        XCTAssertTrue(out.contains("raw HTML omitted"), out)
    }

    /// cmark-gfm parses inlines with a process-global table of the extensions' special
    /// characters, which every `cmark_parser_finish` sets and clears: without the lock in
    /// `CmarkRuntime`, parses running at once lose strikethrough and autolinks (818 of these
    /// 3,000 renders did). Documents of different sizes finish at different moments, so they
    /// overlap in every way.
    func testParallelRenderingMatchesSequential() {
        let sources = (1...6).map { size in
            (0..<size * 5).map {
                "Para \($0) with ~~strike~~, *a*~~b~~ and www.example.org/\($0), https://example.net/\($0) or "
                    + "desk\($0)@example.com.\n\n- [x] done \($0)\n\n| a |\n|---|\n| \($0) |\n"
            }.joined(separator: "\n")
        }
        let expected = sources.map { MarkdownDocument(markdown: $0).renderHTML() }
        for html in expected {
            XCTAssertTrue(html.contains("<del>strike</del>"), html)
            XCTAssertTrue(html.contains(#"<a href="http://www.example.org/0">"#), html)
            XCTAssertTrue(html.contains(#"<a href="https://example.net/0">"#), html)
            XCTAssertTrue(html.contains(#"<a href="mailto:desk0@example.com">"#), html)
        }
        let rounds = 3_000
        let results = UnsafeResults(count: rounds)
        DispatchQueue.concurrentPerform(iterations: rounds) { index in
            results.set(index, MarkdownDocument(markdown: sources[index % sources.count]).renderHTML())
        }
        let values = results.values
        let wrong = values.indices.filter { values[$0] != expected[$0 % sources.count] }
        XCTAssertEqual(wrong.count, 0, "parallel renders differ from sequential ones, first at \(wrong.first ?? -1)")
    }
}

private final class UnsafeResults: @unchecked Sendable {
    private var storage: [String]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: "", count: count) }
    func set(_ index: Int, _ value: String) { lock.lock(); storage[index] = value; lock.unlock() }
    var values: [String] { lock.lock(); defer { lock.unlock() }; return storage }
}
