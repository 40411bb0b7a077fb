import DossierCore
@testable import DossierServer
import Foundation
import XCTest

/// Seeded sequences of saves through the server's own rebuild path (`Rebuilder`: patches, the
/// state made after whole rebuilds, the patched snapshot), each compared with a clean build:
/// actors and places over a hierarchy with several parents, names shared by an actor and a
/// place, aliases and a case-insensitive name, `updated` dates around the site's newest, titles,
/// tags and bodies, up to four files at once. Written from a review's fuzz.
final class ServePatchSequenceTests: XCTestCase {
    /// xorshift64*: a seeded generator, so that a failing sequence reproduces.
    private struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
    }

    private struct Saved {
        var title: String
        var tags: String
        var actors: String
        var places: String
        var updated: String?
        var body: String
        var day: Int

        var text: String {
            var front = "title: \"\(title)\"\ndate: \(String(format: "2017-%02d-%02d", day / 28 + 1, day % 28 + 1))\n"
            front += "tags: [\(tags)]\nactors: [\(actors)]\nplaces: [\(places)]\n"
            if let updated { front += "updated: \(updated)\n" }
            front += "events:\n  - date: 2017-03\n    title: Event\n    actors: [pmu]\n    places: [erbil]\n"
            return "---\n" + front + "---\n" + body + "\n"
        }
    }

    private static let entities: [String: String] = [
        "site.yml": "title: Sequences\nbase_url: https://example.org/desk/\nper_page: 4\n",
        "Content/actors/daesh.md": "---\nname: Daesh\naliases: [ISIS]\npart_of: [coalition, axis]\n---\nProfile.\n",
        "Content/actors/pmu.md": "---\nname: PMU\npart_of: [axis]\n---\nMilitias.\n",
        "Content/actors/coalition.md": "---\nname: Coalition\npart_of: [bloc]\n---\nA coalition.\n",
        "Content/actors/axis.md": "---\nname: Axis\npart_of: [bloc]\n---\nAn axis.\n",
        "Content/actors/bloc.md": "---\nname: Bloc\n---\nA bloc.\n",
        "Content/actors/georgia-person.md": "---\nname: Georgia\n---\nA person.\n",
        "Content/actors/kurds.md": "---\nname: Kurds\ncase_sensitive: false\n---\nA people.\n",
        "Content/places/iraq.md": "---\nname: Iraq\nwithin: [mideast]\n---\nA country.\n",
        "Content/places/nineveh.md": "---\nname: Nineveh\nwithin: [iraq]\n---\nA province.\n",
        "Content/places/mosul.md": "---\nname: Mosul\nwithin: [nineveh, iraq]\n---\nA city.\n",
        "Content/places/erbil.md": "---\nname: Erbil\nwithin: [iraq, kurdistan]\n---\nA city.\n",
        "Content/places/kurdistan.md": "---\nname: Kurdistan\nwithin: [mideast]\n---\nA region.\n",
        "Content/places/mideast.md": "---\nname: Middle East\n---\nA region.\n",
        "Content/places/georgia.md": "---\nname: Georgia\n---\nA country.\n",
    ]

    private func served(_ rebuilder: Rebuilder) -> [String: Data] {
        var files: [String: Data] = [:]
        for (path, entry) in rebuilder.current?.entries ?? [:] {
            if case let .bytes(data, _) = entry { files[path] = data }
        }
        return files
    }

    func testSavesThroughTheRebuilderGiveTheSameSiteAsACleanBuild() throws {
        var patched = 0
        for seed: UInt64 in [5, 6, 7] { patched += try run(seed: seed, count: 26, steps: 35) }
        XCTAssertGreaterThan(patched, 40, "too few saves were patched in to test the patches")
    }

    /// The number of saves that were patched in.
    private func run(seed: UInt64, count: Int, steps: Int) throws -> Int {
        var random = Seeded(state: seed &* 0x9E37_79B9_7F4A_7C15 | 1)
        let actors = ["", "daesh", "ISIS", "daesh, pmu", "coalition", "axis, bloc", "Georgia", "KURDS", "pmu"]
        let places = ["", "mosul", "iraq", "nineveh, mosul", "georgia", "mideast", "erbil", "kurdistan, erbil"]
        let bodies = ["ISIS holds Mosul.", "ISIS holds Mosul. More.", "Georgia spoke.", "Nothing here.", "Nothing at all."]
        let updates: [String?] = [nil, "2017-01-20", "2017-01-05", "2017-01-26"]
        var saved = (0..<count).map { index in
            Saved(title: "T\(index)", tags: ["Iraq", "Syria"][index % 2], actors: actors[index % actors.count],
                  places: places[index % places.count], updated: nil, body: bodies[index % bodies.count], day: index)
        }
        var files = Self.entities
        for index in 0..<count { files["Content/briefings/b\(index).md"] = saved[index].text }
        let site = try PreviewFixture(files)
        Thread.sleep(forTimeInterval: 0.1)  // past the file stamps' clock tick
        let rebuilder = Rebuilder(options: site.buildOptions, boot: "test", hub: EventHub(), report: { _ in })
        XCTAssertTrue(rebuilder.queue.sync { rebuilder.rebuildOnQueue() }.succeeded)
        var patched = 0
        for step in 0..<steps {
            var changed = Set<Int>()
            var log: [String] = []
            for _ in 0...Int.random(in: 0..<3, using: &random) {
                let index = Int.random(in: 0..<count, using: &random)
                switch Int.random(in: 0..<9, using: &random) {
                case 0...2: saved[index].actors = actors.randomElement(using: &random)!
                case 3, 4: saved[index].places = places.randomElement(using: &random)!
                case 5: saved[index].updated = updates.randomElement(using: &random)!
                case 6: saved[index].title = ["T\(index)", "Alpha \(index)", "Zed \(index)"].randomElement(using: &random)!
                case 7: saved[index].tags = ["Iraq", "Syria", "Kurds"].randomElement(using: &random)!
                default: saved[index].body = bodies.randomElement(using: &random)!
                }
                log.append("b\(index): \(saved[index])")
                changed.insert(index)
            }
            for index in changed { try site.write("Content/briefings/b\(index).md", saved[index].text) }
            Thread.sleep(forTimeInterval: 0.06)
            let paths = Set(changed.map { site.root.appendingPathComponent("Content/briefings/b\($0).md").path })
            let outcome = rebuilder.queue.sync { rebuilder.rebuildOnQueue(changes: ChangeSet(paths: paths)) }
            XCTAssertTrue(outcome.succeeded)
            if outcome.bodyEdit { patched += 1 }
            let (result, clean) = Pipeline.render(site.buildOptions)
            XCTAssertTrue(result.succeeded)
            let expected = Dictionary((clean?.files ?? []).map { ($0.path, $0.contents) }, uniquingKeysWith: { first, _ in first })
            let actual = served(rebuilder)
            let differing = Set(expected.keys).union(actual.keys).filter { expected[$0] != actual[$0] }.sorted()
            XCTAssertEqual(differing, [], "seed \(seed) step \(step) (\(outcome.bodyEdit ? "patched" : "whole")): \(log)")
            if !differing.isEmpty { break }
        }
        return patched
    }
}
