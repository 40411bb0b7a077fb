import XCTest
@testable import DossierCore

/// `PlainYAML` reads the common front matter without Yams. Wherever it answers, its tree —
/// text, quoting, tags and every position — must be the one Yams builds; everywhere else it
/// must decline, so Yams reads the text and reports its errors.
final class PlainYAMLTests: XCTestCase {
    private static let tight: [Budgets] = [(3, 25), (2, 10), (4, 17), (1, 40)].map { nesting, values in
        var budgets = Budgets()
        budgets.maxNesting = nesting
        budgets.maxFrontMatterValues = values
        return budgets
    }

    /// One line per node, positions included, so a mismatch shows where the trees part.
    private func outline(_ node: YAMLNode?, depth: Int = 0) -> String {
        guard let node else { return "(no document)" }
        let pad = String(repeating: "  ", count: depth)
        let place = "@\(node.line):\(node.column)"
        switch node.content {
        case let .scalar(text, isPlain, isString):
            return "\(pad)\(text.debugDescription) \(isPlain ? "plain" : "quoted") \(isString ? "str" : "tagged") \(place)\n"
        case let .sequence(items):
            return "\(pad)seq \(place)\n" + items.map { outline($0, depth: depth + 1) }.joined()
        case let .mapping(pairs):
            return "\(pad)map \(place)\n" + pairs.map { outline($0.key, depth: depth + 1) + outline($0.value, depth: depth + 2) }.joined()
        case .alias:
            return "\(pad)alias \(place)\n"
        }
    }

    /// Compares the two readers on `yaml`; returns whether `PlainYAML` answered.
    @discardableResult
    private func assertAgrees(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        guard let plain = PlainYAML.read(yaml) else { return false }
        do {
            let yams = try YAMLNode.readByYams(yaml)
            if yams == nil, case let .mapping(pairs) = plain.content, pairs.isEmpty { return true }
            XCTAssertEqual(outline(plain), outline(yams), yaml.debugDescription, file: file, line: line)
            // The loader trusts this tree's budget count when the text alone cannot rule a problem out.
            for budgets in Self.tight {
                XCTAssertEqual(plain.isWithin(budgets), FrontMatter.walkFindsProblem(yaml, budgets: budgets) == false,
                               yaml.debugDescription, file: file, line: line)
            }
        } catch {
            XCTFail("PlainYAML read what Yams refuses (\(error)): \(yaml.debugDescription)", file: file, line: line)
        }
        return true
    }

    func testTheCommonFrontMatterIsReadWithoutYams() {
        let briefing = """
        title: "Why Halqaldim matters again"
        date: 2014-02-01
        summary: 'The press expected a dispute, it''s said.'   # a comment
        tags: ["air-campaign", migration, 'justice']
        actors: [Kelvious Battalion, "Reem al-Tamdimfar", Ḥalab ’s]
        places: []
        # a full-line comment

        events:
          - date: 2012-04-11
            title: "Reem al-Tamdimfar recruited \\"heavily\\" in Halqaldim"
            actors: ["x-reem-tamdimfar", "x-tariq-mirshar"]
            places:
            - t-halqaldim
        sources:
        - title: Field notes on Halqaldim, part 2
          url: https://example.org/sources/9975/0#top
          date: 2014-02-01
        nested:
          deeper: C# and F#
          list:
            - a
            - b
        """
        XCTAssertTrue(assertAgrees(briefing), "the common shapes must not fall back to Yams")
        XCTAssertTrue(assertAgrees("# only a comment\n\n"))
        XCTAssertTrue(assertAgrees("name: Daesh\naliases: [ISIS, ISIL, Islamic State]\ncase_sensitive: false"))
    }

    /// Valid YAML outside the subset, and invalid YAML: left to Yams, which reads or reports it.
    func testConstructsOutsideTheSubsetAreLeftToYams() {
        let declined = [
            "title: a\n  continued", "title: >\n  folded", "title: |\n  literal", "title: !!str tagged",
            "title: \"multi\n  line\"", "title: \"escape \\n\"", "title:", "title: # empty", "title:\ndate: 1",
            "title: a\ntitle: b", "title: a: b", "title: a:", "\"title\": quoted key", "? title\n: complex",
            "title: {a: b}", "tags: [a, b,]", "tags: [a, , b]", "tags: [a,\n  b]", "tags: [http://x]",
            "title:\ta", "title: a\u{85}b", "title: a\u{2028}b", "\u{FEFF}title: a", "  title: indented",
            "- a\n- b", "plain", "title: a\n...", "title: -a", "title: [a] b", "title: \"a\" b",
            "list:\n  - a\n   - b", "list:\n  - - a", "list:\n  -\n  - b", "map:\n  a: 1\n b: 2", "title: a\r\n",
            String(repeating: "k", count: 200) + ": long key",
        ]
        for yaml in declined {
            XCTAssertNil(PlainYAML.read(yaml), yaml.debugDescription)
        }
    }

    /// Front matter as large as the byte budget allows is read in time linear in its size: each
    /// column is counted on from the last node's, and many keys are checked against a set. (A
    /// review found a one-line list of 32,000 items taking seconds.) Eight times the size may
    /// take at most three times eight times as long; quadratic work takes sixty-four.
    func testLargeFrontMatterReadsInLinearTime() {
        func seconds(_ yaml: String) -> Double {
            (0..<3).map { _ in
                let start = DispatchTime.now().uptimeNanoseconds
                _ = PlainYAML.read(yaml)
                return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            }.min()!
        }
        let shapes: [(name: String, make: (Int) -> String)] = [
            ("flow list", { n in "tags: [" + (0..<n).map { "t\($0)" }.joined(separator: ", ") + "]" }),
            ("flow list beyond ASCII", { n in "tags: [" + (0..<n).map { "é\($0)" }.joined(separator: ", ") + "]" }),
            ("keys", { n in (0..<n).map { "k\($0): v" }.joined(separator: "\n") }),
            ("block list", { n in "tags:\n" + (0..<n).map { "  - t\($0)" }.joined(separator: "\n") }),
            ("quotes doubled", { n in "title: '" + String(repeating: "a''", count: n) + "'" }),
        ]
        for shape in shapes {
            let small = shape.make(1_000), large = shape.make(8_000)
            XCTAssertNotNil(PlainYAML.read(large), "\(shape.name): the reader must answer, or nothing is measured")
            let (short, long) = (seconds(small), seconds(large))
            XCTAssertLessThan(long / max(short, 1e-4), 3 * 8, "\(shape.name): \(short) s → \(long) s")
        }
    }

    /// The reader recurses, so it stops at `PlainYAML.deepest` levels and leaves deeper text to
    /// libyaml, whatever the nesting budget.
    func testDeepNestingIsLeftToYams() {
        func nested(_ depth: Int) -> String {
            (0..<depth).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n") + " leaf"
        }
        XCTAssertTrue(assertAgrees(nested(10)))
        XCTAssertNil(PlainYAML.read(nested(PlainYAML.deepest + 1), maxDepth: 1_000))
    }

    /// Random documents built from the shapes front matter takes, with pieces that sit on the
    /// subset's edges, then mutated: wherever `PlainYAML` answers, Yams must agree exactly.
    func testRandomDocumentsReadAsYamsReadsThem() {
        let words = ["Mosul", "al-Tamdimfar", "2014-02-01", "https://example.org/a?b=c", "a:b", "x# y", "C#",
                     "don't", "é", "Ω", "’", "😀", " ", "~", "null", "x", "12", "New Halqaldim"]
        let edges = ["a: b", "x #y", "\"q\"", "-", "- ", "[", "]", ",", "{", "}", "!", "|", ">", "%", "@", "`", "\\",
                     "\\\"", "\\n", "?", ":", "'", "''", "#", "\t", "\u{85}", "\u{A0}", ".", "&", "*"]
        let keys = ["title", "date", "tags", "actors", "events", "sources", "url", "a-b", "k_1", "x", "2014"]
        let edgeKeys = ["-k", "a b", "\"q\"", "? k", "k ", "<<"]
        var rng = SplitMix(state: 23)

        func scalar() -> String {
            let text = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                (Int.random(in: 0..<8, using: &rng) == 0 ? edges : words).randomElement(using: &rng)!
            }.joined()
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: return "\"" + text + "\""
            case 1: return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
            case 2: return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            default: return text
            }
        }
        func flowList() -> String {
            let items = (0..<Int.random(in: 0...4, using: &rng)).map { _ in scalar() }
            let separator = [",", ", ", " , ", ",  "].randomElement(using: &rng)!
            return "[" + (Bool.random(using: &rng) ? " " : "") + items.joined(separator: separator) + "]"
        }
        func inline() -> String {
            let value = Int.random(in: 0..<3, using: &rng) == 0 ? flowList() : scalar()
            return value + (Int.random(in: 0..<5, using: &rng) == 0 ? "  # note" : "")
        }
        func block(indent: Int, depth: Int) -> [String] {
            var lines: [String] = []
            let pad = String(repeating: " ", count: indent)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let key = (Int.random(in: 0..<12, using: &rng) == 0 ? edgeKeys : keys).randomElement(using: &rng)!
                switch depth < 2 ? Int.random(in: 0..<6, using: &rng) : 0 {
                case 0, 1, 2:
                    lines.append(pad + key + ":" + String(repeating: " ", count: Int.random(in: 1...2, using: &rng)) + inline())
                case 3, 4:
                    lines.append(pad + key + ":")
                    let itemIndent = indent + [0, 2, 4].randomElement(using: &rng)!
                    let itemPad = String(repeating: " ", count: itemIndent)
                    for _ in 0..<Int.random(in: 1...3, using: &rng) {
                        if Bool.random(using: &rng) {
                            lines.append(itemPad + "- " + inline())
                        } else {
                            var inner = block(indent: itemIndent + 2, depth: depth + 1)
                            inner[0] = itemPad + "- " + inner[0].dropFirst(itemIndent + 2)
                            lines += inner
                        }
                    }
                default:
                    lines.append(pad + key + ":")
                    lines += block(indent: indent + [2, 4].randomElement(using: &rng)!, depth: depth + 1)
                }
                if Int.random(in: 0..<8, using: &rng) == 0 {
                    lines.append(Bool.random(using: &rng) ? "" : String(repeating: " ", count: Int.random(in: 0...4, using: &rng)) + "# c")
                }
            }
            return lines
        }
        func mutate(_ yaml: String) -> String {
            var characters = Array(yaml)
            guard !characters.isEmpty else { return yaml }
            let index = Int.random(in: 0..<characters.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: characters.remove(at: index)
            case 1: characters.insert([" ", "\n", ":", "-", "\"", "'", "#", "[", "]", ",", "é"].randomElement(using: &rng)!, at: index)
            default: characters.insert(contentsOf: Array(" - x: y\n"), at: index)
            }
            return String(characters)
        }

        var answered = 0
        var declined = 0
        for round in 0..<20_000 {
            var yaml = block(indent: 0, depth: 0).joined(separator: "\n")
            if round % 3 == 0 {
                for _ in 0..<Int.random(in: 1...3, using: &rng) { yaml = mutate(yaml) }
            }
            if assertAgrees(yaml) { answered += 1 } else { declined += 1 }
        }
        // Both sides of the fence must be exercised, or the comparison proves little.
        print("PlainYAML answered \(answered), declined \(declined)")
        XCTAssertGreaterThan(answered, 3_000)
        XCTAssertGreaterThan(declined, 3_000)
    }
}
