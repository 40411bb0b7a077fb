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

    /// A list is part of the shape with its length and its elements' shapes: lists of strings
    /// and of contexts, empty or not, render as swift-mustache renders them, and a skeleton made
    /// for one list is filled with another list's values of the same shape.
    func testListsRenderAsMustacheDoes() throws {
        _ = HTMLEscaping.registered
        var library = MustacheLibrary()
        try library.register("""
            {{% CONTENT_TYPE: HTML}}
            <ul>{{#tags}}<li>{{.}}</li>{{/tags}}{{^tags}}<li>none</li>{{/tags}}</ul>|{{#refs}}<a href="{{url}}" title="{{count}}">{{{name}}}</a>{{#stub}}*{{/stub}}{{/refs}}|{{title}}
            """, named: "lists")
        let skeletons = ShapeSkeletons(templates: ["lists"])
        let tagLists: [[String]] = [[], ["a"], ["Mosul & <Raqqa>", "b"], ["\"q\"", "b"], ["x", "y", "z"]]
        let refLists: [[[String: Any]]] = [
            [],
            [["url": "/a?b=1&c=2", "count": 3, "name": "<b>A</b>", "stub": false]],
            [["url": "/b/", "count": 1, "name": "B", "stub": true], ["url": "/c/", "count": 12, "name": "C & D", "stub": false]],
        ]
        for tags in tagLists {
            for refs in refLists {
                // Typed arrays, and the same lists as `[Any]` (a shape reads that type directly).
                for context: [String: Any] in [["tags": tags, "refs": refs, "title": "T\(tags.count)"],
                                               ["tags": tags.map { $0 as Any }, "refs": refs.map { $0 as Any }, "title": "T"]] {
                    XCTAssertEqual(skeletons.render(context, template: "lists", library: library),
                                   library.render(context, withTemplate: "lists"), "\(context)")
                }
            }
        }
    }

    func testOtherValuesAndOtherTemplatesRenderTheOrdinaryWay() throws {
        let library = try library()
        let skeletons = ShapeSkeletons(templates: ["card"])
        XCTAssertNil(skeletons.render(["title": "x", "ratio": 0.5], template: "card", library: library))
        XCTAssertNil(skeletons.render(["title": "x", "tags": [0.5]], template: "card", library: library))
        XCTAssertNil(skeletons.render(["title": "x"], template: "other", library: library))
    }
}
