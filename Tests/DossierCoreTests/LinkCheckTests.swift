import Foundation
import XCTest
@testable import DossierCore

final class LinkCheckTests: XCTestCase {
    private func check(_ files: [String: String], baseURL: String? = nil) throws -> BuildResult {
        let site = try TestSite(files)
        var options = BuildOptions(paths: site.paths)
        options.writeOutput = false
        options.checkLinks = true
        options.baseURL = baseURL
        let result = try Pipeline.build(options)
        XCTAssertFalse(FileManager.default.fileExists(atPath: site.output.path), "check must not write the site")
        return result
    }

    func testValidLinksPass() throws {
        let result = try check([
            "Content/briefings/a.md": briefing("A", body: """
            ## Outlook

            [b](/briefings/b/) [frag](/briefings/b/#details) [self](#outlook) [rel](../b/) ![map](/img/map.svg)
            [ext](https://example.org/missing) [mail](mailto:desk@example.org) [[b]]
            """),
            "Content/briefings/b.md": briefing("B", body: "## Details\n\nText."),
            "Content/static/img/map.svg": "<svg/>",
        ], baseURL: "https://example.org/levant/")
        XCTAssertTrue(result.succeeded, result.formatted)
    }

    func testMissingPageIsReportedAtTheSourceLine() throws {
        let result = try check([
            "Content/briefings/a.md": briefing("A", body: "First line.\n\nSee [the other](/briefings/nowhere/)."),
        ])
        let error = try XCTUnwrap(result.errors.first { $0.id == "dossier.link.broken" }, result.formatted)
        XCTAssertEqual(error.file, "Content/briefings/a.md")
        XCTAssertEqual(error.line, 8)
        XCTAssertTrue(error.message.contains("/briefings/nowhere/"), error.message)
        XCTAssertTrue(error.message.contains("no such page"), error.message)
    }

    func testMissingFragmentIsReported() throws {
        let result = try check([
            "Content/briefings/a.md": briefing("A", body: "[x](/briefings/b/#no-such-heading) [y](#nor-here)"),
            "Content/briefings/b.md": briefing("B", body: "## Something else"),
        ])
        let messages = result.errors.map(\.message)
        XCTAssertTrue(messages.contains { $0.contains("no element with id 'no-such-heading'") }, result.formatted)
        XCTAssertTrue(messages.contains { $0.contains("no element with id 'nor-here'") }, result.formatted)
        XCTAssertTrue(result.errors.allSatisfy { $0.line == 6 }, result.formatted)
        XCTAssertTrue(result.errors.contains { $0.column == 36 }, result.formatted)
    }

    func testMissingAssetIsReported() throws {
        let result = try check([
            "Content/pages/about.md": "---\ntitle: About\n---\n![Desk photo](/images/desk.jpg)",
        ])
        let error = try XCTUnwrap(result.errors.first, result.formatted)
        XCTAssertEqual(error.file, "Content/pages/about.md")
        XCTAssertEqual(error.line, 4)
        XCTAssertTrue(error.message.hasPrefix("image '/images/desk.jpg'"), error.message)
    }

    func testBrokenLinkInATemplateIsReportedOnTheGeneratedPage() throws {
        let result = try check([
            "Content/briefings/a.md": briefing("A"),
            "Templates/footer.mustache": "<footer><a href=\"{{site.home}}colophon/\">Colophon</a></footer>",
        ])
        let error = try XCTUnwrap(result.errors.first { $0.id == "dossier.link.broken-in-theme" }, result.formatted)
        XCTAssertTrue(error.file.hasPrefix("Output/"), error.file)
        XCTAssertTrue(error.message.contains("/colophon/"), error.message)
    }

    func testRootedMarkdownLinksFollowASubPathBaseURL() throws {
        let site = try TestSite([
            "Content/briefings/a.md": briefing("A", body: "![map](/img/map.svg) [b](/briefings/b/)"),
            "Content/briefings/b.md": briefing("B"),
            "Content/static/img/map.svg": "<svg/>",
        ])
        try site.build(baseURL: "https://example.org/levant/")
        let page = try XCTUnwrap(site.output("briefings/a/index.html"))
        assertContains(page, #"<img src="/levant/img/map.svg" alt="map" />"#)
        assertContains(page, #"<a href="/levant/briefings/b/">b</a>"#)
    }
}
