import Foundation
import XCTest
@testable import DossierCore

/// Random but seeded sequences of saves, each patched in or rebuilt as `serve` would, compared
/// with a clean build after every save (titles, summaries, bodies, wiki-links, tags, two files
/// at once), under templates that read card values and cards with line breaks.
final class ServeEditSequenceTests: XCTestCase {
    struct State {
        var title: String
        var summary: String
        var body: String
        var date: String
        var tags: String
    }

    private func text(_ s: State, _ index: Int) -> String {
        let summary = s.summary.isEmpty ? "" : "\nsummary: \"\(s.summary)\""
        let extra = "tags: [\(s.tags)]\nactors: [daesh]\(summary)\nevents:\n  - date: 2017-0\(index % 9 + 1)\n    title: Event \(index)\n    places: [mosul]"
        return briefing(s.title, date: s.date, extra: extra, body: s.body)
    }

    private func run(seed: UInt64, templates: [String: String], perPage: Int, steps: Int = 30) throws {
        var rng = SplitMix(state: seed)
        var files: [String: String] = [
            "site.yml": "title: Fuzz\nper_page: \(perPage)\n",
            "Content/actors/daesh.md": "---\nname: Daesh\naliases: [ISIS]\n---\nProfile.\n",
            "Content/actors/pmu.md": "---\nname: PMU\n---\nMilitias.\n",
            "Content/places/iraq.md": "---\nname: Iraq\n---\nA country.\n",
            "Content/places/mosul.md": "---\nname: Mosul\nwithin: iraq\n---\nA city.\n",
            "Content/places/kirkuk.md": "---\nname: Kirkuk\nwithin: iraq\n---\nA city.\n",
        ]
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
            for _ in 0..<n {
                let i = Int.random(in: 0..<count, using: &rng)
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<4: states[i].title = titles.randomElement(using: &rng)!.isEmpty ? "T\(i)" : titles.randomElement(using: &rng)!
                case 4..<6: states[i].summary = ["", "S", "Other summary", "S\(i)"].randomElement(using: &rng)!
                case 6..<8: states[i].body = ["ISIS in Mosul \(i).", "ISIS in Mosul \(i). More words here.", "ISIS in Mosul \(i). See [[b\((i + 1) % count)]]."].randomElement(using: &rng)!
                case 8: states[i].tags = ["Iraq", "Syria, Iraq", "Kurds"].randomElement(using: &rng)!
                default: wholeRebuild = true
                }
                changed.append(i)
            }
            for i in Set(changed) { try site.write(["Content/briefings/b\(i).md": text(states[i], i)]) }
            var how = "whole"
            if !wholeRebuild, serve.patch(Set(changed).map { "Content/briefings/b\($0).md" }) != nil {
                how = "patched"
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
}
