import Foundation
import XCTest
@testable import DossierCore

/// Random but seeded sequences of saves, each patched in or rebuilt as `serve` would, compared
/// with a clean build after every save (titles, summaries, bodies, wiki-links, tags, `updated`
/// dates, actors and places, two files at once), under templates that read card values and cards with line breaks.
final class ServeEditSequenceTests: XCTestCase {
    struct State {
        var title: String
        var summary: String
        var body: String
        var date: String
        var tags: String
        var eventTitle: String? = nil
        var updated: String? = nil
        var entities = "actors: [daesh]"
    }

    private func text(_ s: State, _ index: Int) -> String {
        let summary = (s.summary.isEmpty ? "" : "\nsummary: \"\(s.summary)\"") + (s.updated.map { "\nupdated: \($0)" } ?? "")
        let extra = "tags: [\(s.tags)]\n\(s.entities)\(summary)\nevents:\n  - date: 2017-0\(index % 9 + 1)\n    title: \(s.eventTitle ?? "Event \(index)")\n    places: [mosul]"
        return briefing(s.title, date: s.date, extra: extra, body: s.body)
    }

    /// `site.yml` and the entities every sequence's briefings name.
    private func siteFiles(perPage: Int) -> [String: String] {
        [
            "site.yml": "title: Fuzz\nper_page: \(perPage)\n",
            "Content/actors/daesh.md": "---\nname: Daesh\naliases: [ISIS]\n---\nProfile.\n",
            "Content/actors/pmu.md": "---\nname: PMU\n---\nMilitias.\n",
            "Content/places/iraq.md": "---\nname: Iraq\n---\nA country.\n",
            "Content/places/mosul.md": "---\nname: Mosul\nwithin: iraq\n---\nA city.\n",
            "Content/places/kirkuk.md": "---\nname: Kirkuk\nwithin: iraq\n---\nA city.\n",
        ]
    }

    /// Saves that changed tags and were patched in (`TagEdit`), over every sequence run.
    private var tagsPatched = 0

    private func run(seed: UInt64, templates: [String: String], perPage: Int, steps: Int = 30) throws {
        var rng = SplitMix(state: seed)
        var files = siteFiles(perPage: perPage)
        for (name, t) in templates { files["Templates/\(name).mustache"] = t }
        var states: [State] = []
        let count = 9
        for i in 0..<count {
            let s = State(title: "T\(i)", summary: i % 3 == 0 ? "" : "S\(i)", body: "ISIS in Mosul \(i).",
                          date: "2017-0\(i % 3 + 1)-0\(i % 4 + 1)", tags: i % 2 == 0 ? "Iraq" : "Syria, Iraq")
            states.append(s)
            files["Content/briefings/b\(i).md"] = text(s, i)
        }
        let site = try TestSite(files)
        let serve = ServeRenders(site)
        XCTAssertTrue(serve.rebuild().succeeded)
        let titles = ["T0", "T1", "Alpha", "Zulu", "Mid", "T4 & <b>", "", "T8"]
        for step in 0..<steps {
            var changed: [Int] = []
            let n = Int.random(in: 1...2, using: &rng)
            var wholeRebuild = false
            var retagged = false
            for _ in 0..<n {
                let i = Int.random(in: 0..<count, using: &rng)
                switch Int.random(in: 0..<13, using: &rng) {
                case 0..<4: states[i].title = titles.randomElement(using: &rng)!.isEmpty ? "T\(i)" : titles.randomElement(using: &rng)!
                case 4..<6: states[i].summary = ["", "S", "Other summary", "S\(i)"].randomElement(using: &rng)!
                case 6..<8: states[i].body = ["ISIS in Mosul \(i).", "ISIS in Mosul \(i). More words here.", "ISIS in Mosul \(i). See [[b\((i + 1) % count)]]."].randomElement(using: &rng)!
                case 8:
                    retagged = true
                    states[i].tags = ["Iraq", "Syria, Iraq", "Kurds", "iraq, Kurds", ""].randomElement(using: &rng)!
                case 9: states[i].eventTitle = [nil, "Event 0", "Alpha event", "Zulu event"].randomElement(using: &rng)!
                case 11: states[i].entities = ["actors: [daesh]", "actors: [daesh, pmu]", "actors: [PMU]\nplaces: [kirkuk]",
                                               "actors: [daesh]\nplaces: [iraq, mosul]"].randomElement(using: &rng)!
                case 10: states[i].updated = [nil, "2017-03-05", "2017-02-01", "2017-05-01"].randomElement(using: &rng)!
                default: wholeRebuild = true
                }
                changed.append(i)
            }
            for i in Set(changed) { try site.write(["Content/briefings/b\(i).md": text(states[i], i)]) }
            var how = "whole"
            if !wholeRebuild, serve.patch(Set(changed).map { "Content/briefings/b\($0).md" }) != nil {
                how = "patched"
                if retagged { tagsPatched += 1 }
            } else {
                if !serve.rebuild().succeeded { continue }
            }
            let actual = serve.files
            let expected = try site.withCleanBuild { visibleFiles(in: $0) }
            let differing = Set(expected.keys).union(actual.keys).filter { expected[$0] != actual[$0] }.sorted()
            XCTAssertEqual(differing, [], "seed \(seed) step \(step) (\(how)) changed \(changed)")
            if !differing.isEmpty { return }
        }
    }

    func testDefaultTemplates() throws {
        for seed in 1...2 { try run(seed: UInt64(seed), templates: [:], perPage: 3) }
        XCTAssertGreaterThan(tagsPatched, 0, "no tag edit was patched in")
    }

    func testItemTemplatesReadingCardValues() throws {
        let templates = [
            "briefing-item": "<li>{{#summary}}<i>{{summary}}</i>{{/summary}}{{{card}}}</li>",
            "event-item": "<li>{{#briefing}}<b>{{title}}</b>{{/briefing}}{{{card}}}</li>",
        ]
        for seed in 10...11 { try run(seed: UInt64(seed), templates: templates, perPage: 2) }
    }

    func testCardsWithNewlinesAndEmptyEventCards() throws {
        let templates = [
            "briefing-card": "<h3>{{title}}</h3>\n",
            "event-card": "{{^publication}}<span>{{title}} ({{briefing.title}})</span>\n{{/publication}}",
            "briefing-item": "  {{{card}}}\n  <p>{{url}}</p>",
        ]
        for seed in 20...21 { try run(seed: UInt64(seed), templates: templates, perPage: 1) }
    }

    struct Layout {
        var title = "T"
        var summary = ""
        var sources: [String] = []
        var slugLine = false
        var order = 0
        var body = "ISIS in Mosul."
    }

    /// A briefing whose front-matter blocks come in a rotating order (moving their lines).
    private func laidOut(_ s: Layout, _ i: Int) -> String {
        var lines: [String] = []
        lines.append("title: \"\(s.title)\"")
        lines.append("date: 2017-0\(i % 3 + 1)-0\(i % 4 + 1)")
        if !s.summary.isEmpty { lines.append("summary: \"\(s.summary)\"") }
        var blocks: [String] = []
        blocks.append("tags: [Iraq]")
        blocks.append("actors: [daesh]")
        blocks.append("events:\n  - date: 2017-0\(i % 9 + 1)\n    title: Event \(i)\n    places: [mosul]")
        if !s.sources.isEmpty {
            blocks.append("sources:\n" + s.sources.map { "  - \($0)" }.joined(separator: "\n"))
        }
        if s.slugLine { blocks.append("slug: b\(i)") }
        for _ in 0..<(s.order % max(1, blocks.count)) { blocks.append(blocks.removeFirst()) }
        return "---\n" + (lines + blocks).joined(separator: "\n") + "\n---\n" + s.body + "\n"
    }

    private func runMovingLines(seed: UInt64, steps: Int = 40) throws {
        var rng = SplitMix(state: seed)
        var files = siteFiles(perPage: 2)
        var states: [Layout] = []
        let count = 5
        for i in 0..<count {
            var s = Layout()
            s.title = "T\(i)"
            states.append(s)
            files["Content/briefings/b\(i).md"] = laidOut(s, i)
        }
        let site = try TestSite(files)
        let serve = ServeRenders(site)
        let first = serve.rebuild()
        XCTAssertTrue(first.succeeded, first.formatted)
        let sourceChoices = ["title: Notes\n    url: https://example.org/a", "title: \"Caf\u{E9}\"", "title: \"Cafe\u{301}\"",
                             "title: Wire\n    url: /actors/daesh/\n    date: 2017-01-02", "title: Wire\n    date: 2017-01"]
        var patched = 0
        for step in 0..<steps {
            let i = Int.random(in: 0..<count, using: &rng)
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: states[i].title = ["T\(i)", "Alpha", "Caf\u{E9}", "Cafe\u{301}", "Zz"].randomElement(using: &rng)!
            case 1: states[i].summary = ["", "S", "Other"].randomElement(using: &rng)!
            case 2, 3: states[i].sources = (0..<Int.random(in: 0...2, using: &rng)).map { _ in sourceChoices.randomElement(using: &rng)! }
            case 4: states[i].order += 1
            case 5: states[i].slugLine.toggle()
            case 6: states[i].body = ["ISIS in Mosul.", "ISIS in Mosul. More.", "ISIS in Mosul.\n\nMore lines."].randomElement(using: &rng)!
            default: break
            }
            try site.write(["Content/briefings/b\(i).md": laidOut(states[i], i)])
            var how = "whole"
            if Int.random(in: 0..<5, using: &rng) != 0, serve.patch(["Content/briefings/b\(i).md"]) != nil {
                how = "patched"
                patched += 1
            } else if !serve.rebuild().succeeded {
                XCTFail("rebuild failed at step \(step) \(serve.rebuild().formatted)")
                return
            }
            let actual = serve.files
            let expected = try site.withCleanBuild { visibleFiles(in: $0) }
            let differing = Set(expected.keys).union(actual.keys).filter { expected[$0] != actual[$0] }.sorted()
            XCTAssertEqual(differing, [], "seed \(seed) step \(step) (\(how)) b\(i)")
            if !differing.isEmpty { return }
        }
        XCTAssertGreaterThan(patched, 5)
    }

    /// Titles (one spelled in two Unicode normalizations), summaries, sources, a `slug:` line and
    /// blocks moved around, each save patched in or rebuilt.
    func testSourcesTitlesAndMovedLines() throws {
        try runMovingLines(seed: 1)
    }
}
