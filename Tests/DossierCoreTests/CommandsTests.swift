import Foundation
import XCTest
@testable import DossierCore

/// `dossier new`, `dossier init` and the diagnostic output formats.
final class CommandsTests: XCTestCase {
    func testNewBriefingWritesADatedDraftAndNeverOverwrites() throws {
        let site = try TestSite(["Content/briefings/.keep": ""])
        let content = site.root.appendingPathComponent("Content")
        let date = try XCTUnwrap(SiteDate(parsing: "2017-10-20"))
        let url = try Scaffold.newBriefing(title: "Raqqa: what next?", date: date, content: content)
        XCTAssertEqual(url.lastPathComponent, "2017-10-20-raqqa-what-next.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.contains("title: \"Raqqa: what next?\""))
        XCTAssertTrue(text.contains("draft: true"))
        XCTAssertThrowsError(try Scaffold.newBriefing(title: "Raqqa: what next?", date: date, content: content))
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), text)
        let result = try site.build(drafts: true)
        XCTAssertTrue(result.succeeded, result.formatted)
        assertContains(site.output("briefings/raqqa-what-next/index.html"), "Raqqa: what next?")
    }

    func testNewBriefingQuotesATitleWithQuotesBackslashesAndCombiningMarks() throws {
        let site = try TestSite(["Content/briefings/.keep": ""])
        let content = site.root.appendingPathComponent("Content")
        let date = try XCTUnwrap(SiteDate(parsing: "2017-10-21"))
        // `"` + U+0301 is one Character, which Character-wise escaping would leave raw.
        let title = "The \"Caliphate\"\u{301} and C:\\Files"
        let url = try Scaffold.newBriefing(title: title, date: date, content: content)
        let result = try site.build(drafts: true)
        XCTAssertTrue(result.succeeded, result.formatted)
        let slug = url.deletingPathExtension().lastPathComponent.dropFirst("2017-10-21-".count)
        let page = try XCTUnwrap(site.output("briefings/\(slug)/index.html"))
        assertContains(page, "<h1>The &quot;Caliphate&quot;\u{301} and C:\\Files</h1>")
    }

    func testInitWritesASiteThatBuildsCleanlyAndRefusesNonEmptyFolders() throws {
        let site = try TestSite([:])
        let today = try XCTUnwrap(SiteDate(parsing: "2026-11-25"))
        let files = try Scaffold.initSite(at: site.root, title: "Desk", today: today)
        XCTAssertFalse(files.isEmpty)
        let result = try site.build(strict: true)
        XCTAssertTrue(result.succeeded, result.formatted)
        assertContains(site.output("briefings/first-briefing/index.html"), #"<a href="/actors/example-group/""#)
        var options = BuildOptions(paths: site.paths)
        options.writeOutput = false
        options.checkLinks = true
        options.strict = true
        XCTAssertTrue(try Pipeline.build(options).succeeded)
        XCTAssertThrowsError(try Scaffold.initSite(at: site.root, today: today))
    }

    func testDiagnosticFormats() {
        let diagnostic = Diagnostic(.error, id: "dossier.place.unknown", file: "Content/briefings/a,b.md", line: 12, column: 3,
                                    "unknown place 'Mosil'\n100%", notes: ["did you mean 'Mosul'?"])
        XCTAssertEqual(DiagnosticFormat.text.render(diagnostic),
                       "Content/briefings/a,b.md:12:3: error: unknown place 'Mosil'\\n100% (did you mean 'Mosul'?)")
        XCTAssertEqual(DiagnosticFormat.github.render(diagnostic),
                       "::error file=Content/briefings/a%2Cb.md,line=12,col=3,title=dossier.place.unknown::unknown place 'Mosil'%0A100%25; did you mean 'Mosul'?")
        let json = DiagnosticFormat.json.render(diagnostic)
        let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        XCTAssertEqual(object?["file"] as? String, "Content/briefings/a,b.md")
        XCTAssertEqual(object?["line"] as? Int, 12)
        XCTAssertEqual(object?["column"] as? Int, 3)
        XCTAssertEqual(object?["severity"] as? String, "error")
        XCTAssertEqual(object?["message"] as? String, "unknown place 'Mosil'\n100%")
        XCTAssertEqual(object?["notes"] as? [String], ["did you mean 'Mosul'?"])
    }
}
