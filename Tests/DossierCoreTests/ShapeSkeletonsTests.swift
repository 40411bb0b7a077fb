import Foundation
import Mustache
import XCTest
@testable import DossierCore

/// `ShapeSkeletons` must give exactly what swift-mustache gives, for every shape of context.
final class ShapeSkeletonsTests: XCTestCase {
    private let template = """
        {{% CONTENT_TYPE: HTML}}
        <p title="{{title}}">{{{html}}}|{{#flag}}yes {{count}}{{/flag}}{{^flag}}no{{/flag}}|{{#summary}}<em>{{summary}}</em>{{/summary}}|{{inner.url}}|{{html}}|{{{title}}}|{{#title}}T{{/title}}{{^title}}F{{/title}}</p>
        """

    private func library() throws -> MustacheLibrary {
        _ = HTMLEscaping.registered
        var library = MustacheLibrary()
        try library.register(template, named: "card")
        return library
    }

    func testEveryShapeRendersAsMustacheDoes() throws {
        let library = try library()
        let skeletons = ShapeSkeletons(templates: ["card"])
        let titles = ["Plain", "Mosul & <Raqqa>", "\"quoted\" 'single'", "", "Daesh\u{2019}s \u{1}&0\u{1} trap"]
        for (round, title) in titles.enumerated() {
            for flag in [true, false] {
                for summary: Any in [false, "A <summary>", "s"] {
                    for html in [HTMLFragment("<b>x</b>"), HTMLFragment("")] {
                        let context: [String: Any] = [
                            "title": title, "flag": flag, "count": round * 7, "summary": summary, "html": html,
                            "inner": ["url": "/a?b=1&c=\(round)"],
                        ]
                        let expected = library.render(context, withTemplate: "card")
                        let fast = skeletons.render(context, template: "card", library: library)
                        if title.contains("\u{1}") {
                            // A value that looks like a placeholder must not be taken for one.
                            XCTAssertEqual(fast ?? expected, expected, "\(context)")
                        } else {
                            XCTAssertEqual(fast, expected, "\(context)")
                        }
                    }
                }
            }
        }
    }

    func testContextsWithListsAndOtherTemplatesRenderTheOrdinaryWay() throws {
        let library = try library()
        let skeletons = ShapeSkeletons(templates: ["card"])
        XCTAssertNil(skeletons.render(["title": "x", "tags": ["a", "b"]], template: "card", library: library))
        XCTAssertNil(skeletons.render(["title": "x"], template: "other", library: library))
    }
}
