import Foundation
import XCTest
@testable import DossierCore

final class SearchIndexTests: XCTestCase {
    /// `Escape.json` works on bytes; the scalar-by-scalar rule it must agree with is spelled out here.
    func testJSONEscapingAgreesWithTheScalarRule() {
        func reference(_ text: String) -> String {
            var result = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": result += "\\\""
                case "\\": result += "\\\\"
                case "\n": result += "\\n"
                case "\r": result += "\\r"
                case "\t": result += "\\t"
                case "<", ">", "&", "\u{2028}", "\u{2029}", "\u{0}"..."\u{1F}":
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: result.unicodeScalars.append(scalar)
                }
            }
            return result + "\""
        }
        let texts = ["", "plain", "quote \" and \\ backslash", "tab\tline\nreturn\r", "<script>&amp;</script>",
                     "\u{1}\u{1F}\u{7F}", "line\u{2028}para\u{2029}end", "\u{2027}\u{202A}€", "Kata’ib Hezbollah",
                     "داعش في الموصل", "emoji 🇮🇶 and e\u{301}", String(repeating: "a<b ", count: 300)]
        for text in texts {
            XCTAssertEqual(Escape.json(text), reference(text), text)
        }
    }

    func testDecimalsAppendAsTheirDigits() {
        for value: UInt64 in [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12_345, 4_294_967_295, 10_000_000_000_000_000_000, .max] {
            var bytes = Array("x".utf8)
            SearchIndex.appendDecimal(value, to: &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "x\(value)")
        }
    }

    // MARK: A tiny site and a reader for what the build wrote under search/

    private func makeSite() throws -> TestSite {
        try TestSite([
            "site.yml": "title: Test desk\nbase_url: https://example.org/levant/\n",
            "Content/actors/daesh.md": """
                ---
                name: Daesh
                aliases: [ISIS, ISIL, "Islamic State", "داعش"]
                kind: armed group
                summary: Salafi-jihadist group.
                ---
                Daesh grew out of al-Qaeda in Iraq.
                """,
            "Content/places/mosul.md": """
                ---
                name: Mosul
                aliases: [al-Mawsil, "الموصل"]
                kind: city
                summary: Iraq's second city.
                ---
                Mosul sits on both banks of the Tigris.
                """,
            "Content/places/tal-afar.md": "---\nname: Tall ‘Afar\naliases: [Tal Afar, \"تلعفر\"]\nkind: city\n---\nA Turkmen city.\n",
            "Content/briefings/2017-07-12-mosul-victory.md": briefing(
                "Mosul’s liberation", date: "2017-07-12",
                extra: "summary: The battle for the city ended.\ntags: [iraq, Counter-Terrorism]\nactors: [daesh]\nplaces: [mosul]",
                body: "Daesh’s hold on the Old City is over; fighting moved west towards Tall ‘Afar.\n\nThe Ñandú brigade & friends."),
            "Content/briefings/2016-10-17-offensive.md": briefing(
                "The offensive begins", date: "2016-10-17", body: "Forces gathered south of the city. Zürich talks stalled."),
            "Content/pages/about.md": "---\ntitle: About the desk\n---\nWe write about Iraq and Syria.\n",
        ])
    }

    private struct Index {
        let files: [String: Data]
        let manifest: [String: Any]

        init(site: TestSite) throws {
            files = site.outputTree().filter { $0.key.hasPrefix("search/") }
            let data = try XCTUnwrap(files["search/index.json"], "search/index.json missing")
            manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        }

        var shards: [[Any]] { manifest["shards"] as? [[Any]] ?? [] }
        var chunk: Int { manifest["chunk"] as? Int ?? 0 }

        func json(_ name: String) throws -> Any {
            let data = try XCTUnwrap(files["search/" + name], "search/\(name) missing")
            return try JSONSerialization.jsonObject(with: data)
        }

        /// The shard a term lives in: the longest shard key that is a prefix of the term.
        func shardFile(for term: String) -> String? {
            shards.filter { term.hasPrefix($0[0] as! String) }
                .max { ($0[0] as! String).unicodeScalars.count < ($1[0] as! String).unicodeScalars.count }?[1] as? String
        }

        /// Decoded postings of an exact term: document id → score bits.
        func postings(_ term: String) throws -> [Int: Int] {
            guard let file = shardFile(for: term), let shard = try json(file) as? [String: [Int]],
                  let list = shard[term] else { return [:] }
            var result: [Int: Int] = [:]
            var id = 0
            for value in list {
                id += value >> 5
                result[id] = value & 31
            }
            return result
        }

        func document(_ id: Int) throws -> [String: Any] {
            let docs = try XCTUnwrap(try json("docs-\(id / chunk).json") as? [[String: Any]])
            return docs[id % chunk]
        }

        /// Titles of the documents a query term matches exactly, after normalisation.
        func titles(matching text: String) throws -> [String] {
            let terms = SearchText.tokens(text)
            XCTAssertEqual(terms.count, 1, "expected one token in \(text)")
            return try postings(terms[0]).keys.sorted().map { try document($0)["t"] as? String ?? "?" }
        }
    }

    // MARK: Tests

    func testManifestAndDocumentsArePublished() throws {
        let site = try makeSite()
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let index = try Index(site: site)
        XCTAssertEqual(index.manifest["version"] as? Int, 1)
        XCTAssertEqual(index.manifest["base"] as? String, "/levant/")
        // 3 entities (actors and places) + 2 briefings + 1 page.
        XCTAssertEqual(index.manifest["count"] as? Int, 6)
        XCTAssertEqual(index.manifest["entities"] as? Int, 3)
        XCTAssertFalse(index.shards.isEmpty)
        for shard in index.shards {
            XCTAssertNotNil(index.files["search/\(shard[1] as! String)"], "shard file \(shard[1]) missing")
            XCTAssertEqual(index.files["search/\(shard[1] as! String)"]?.count, shard[2] as? Int)
        }

        var documents: [[String: Any]] = []
        for id in 0..<6 { documents.append(try index.document(id)) }
        XCTAssertEqual(documents.map { $0["k"] as? String }, ["actor", "place", "place", "briefing", "briefing", "page"])
        let daesh = documents[0]
        XCTAssertEqual(daesh["t"] as? String, "Daesh")
        XCTAssertEqual(daesh["u"] as? String, "actors/daesh/")
        XCTAssertEqual(daesh["c"] as? String, "armed group")
        XCTAssertEqual(daesh["a"] as? [String], ["ISIS", "ISIL", "Islamic State", "داعش"])
        let newest = documents[3]
        XCTAssertEqual(newest["t"] as? String, "Mosul’s liberation")
        XCTAssertEqual(newest["u"] as? String, "briefings/mosul-victory/")
        XCTAssertEqual(newest["d"] as? String, "2017-07-12")
        XCTAssertEqual(newest["s"] as? String, "The battle for the city ended.")
        XCTAssertEqual(documents[5]["u"] as? String, "about/")

        // The search page points the client at the manifest under the base path.
        assertContains(site.output("search/index.html"), #"data-index="/levant/search/index.json""#)
        assertContains(site.output("search/index.html"), #"id="search-status""#)
        assertContains(site.output("assets/search.js"), "function tokens(text)")
    }

    func testNamesAliasesAndTextAreIndexedWithTheirFields() throws {
        let site = try makeSite()
        XCTAssertTrue(try site.build().succeeded)
        let index = try Index(site: site)

        // An alias finds the entity as a name match, and briefings that list the entity.
        let isis = try index.postings("isis")
        XCTAssertEqual(isis[0].map { $0 & 16 }, 16, "ISIS is a name of Daesh")
        XCTAssertEqual(isis[3].map { $0 & 8 }, 8, "the briefing lists Daesh, so its aliases are its metadata")
        XCTAssertEqual(try index.titles(matching: "ISIS"), ["Daesh", "Mosul’s liberation"])

        // Title beats text: the briefing has "Mosul" in its title, the city has it as its name.
        let mosul = try index.postings("mosul")
        XCTAssertEqual(mosul[1].map { $0 & 16 }, 16)
        XCTAssertEqual(mosul[3].map { $0 & 16 }, 16)
        XCTAssertNil(mosul[4], "the offensive briefing never names Mosul")

        // Possessives and body text; the body count sits in the low bits.
        XCTAssertEqual(try index.postings("daesh")[3].map { $0 & 3 }, 1)
        XCTAssertEqual(try index.titles(matching: "offensive"), ["The offensive begins"])
        XCTAssertEqual(try index.titles(matching: "syria"), ["About the desk"])
        // Tags by name, split like any text.
        XCTAssertEqual(try index.postings("terrorism")[3].map { $0 & 8 }, 8)
        // HTML entities are decoded, tags dropped.
        XCTAssertEqual(try index.titles(matching: "friends"), ["Mosul’s liberation"])
        XCTAssertTrue(try index.postings("amp").isEmpty)
    }

    func testDiacriticsApostrophesAndArabicAreFolded() throws {
        let site = try makeSite()
        XCTAssertTrue(try site.build().succeeded)
        let index = try Index(site: site)

        XCTAssertEqual(try index.titles(matching: "Ñandú"), ["Mosul’s liberation"])
        XCTAssertEqual(try index.titles(matching: "nandu"), ["Mosul’s liberation"])
        XCTAssertEqual(try index.titles(matching: "ZURICH"), ["The offensive begins"])
        // "Tall ‘Afar" with a curly quote is the words "tall" and "afar".
        XCTAssertEqual(try index.titles(matching: "Afar"), ["Tall ‘Afar", "Mosul’s liberation"])
        XCTAssertEqual(try index.titles(matching: "ʿAfar"), ["Tall ‘Afar", "Mosul’s liberation"])
        XCTAssertEqual(try index.postings("afar")[2].map { $0 & 16 }, 16)

        // Arabic-script aliases, with and without harakat, tatweel or hamza on the alef.
        XCTAssertEqual(try index.titles(matching: "الموصل"), ["Mosul", "Mosul’s liberation"])
        XCTAssertEqual(try index.titles(matching: "المَوْصِل"), ["Mosul", "Mosul’s liberation"])
        XCTAssertEqual(try index.titles(matching: "الموصـــل"), ["Mosul", "Mosul’s liberation"])
        XCTAssertEqual(try index.titles(matching: "داعش"), ["Daesh", "Mosul’s liberation"])
        // The briefing names Tall ‘Afar in its text, so the city's aliases find it too.
        XCTAssertEqual(try index.titles(matching: "تلعفر"), ["Tall ‘Afar", "Mosul’s liberation"])
    }

    /// The same cases the browser test runs through assets/search.js, so both sides agree.
    /// The byte-wise tokenizer against a plain scalar-by-scalar one (the implementation it
    /// replaced), on random text built from the pieces that have special rules.
    func testTokensEqualAScalarByScalarTokenizerOnRandomText() {
        func reference(_ text: String) -> [String] {
            let scalars = Array(text.decomposedStringWithCompatibilityMapping.lowercased().unicodeScalars)
            var tokens: [String] = []
            var current = String.UnicodeScalarView()
            func flush() {
                if !current.isEmpty && current.count <= SearchText.maxTokenLength { tokens.append(String(current)) }
                current = String.UnicodeScalarView()
            }
            var index = 0
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                if SearchText.isDropped(scalar) { continue }
                if SearchText.isApostrophe(scalar) {
                    if !current.isEmpty, index < scalars.count, scalars[index] == "s",
                       index + 1 >= scalars.count || !SearchText.isWordScalar(scalars[index + 1]) {
                        index += 1
                    }
                    continue
                }
                let mapped = SearchText.map(scalar)
                if SearchText.isWordScalar(mapped) { current.append(mapped) } else { flush() }
            }
            flush()
            return tokens
        }
        let pieces = ["Daesh", "ISIS", "s", "S", "'", "`", "’", "ʼ", " ", "\n", "-", ".", "ſ", "ｓ", "Ｓ", "é", "e\u{301}",
                      "\u{301}", "ß", "İ", "ﬁ", "ΣΟΦΟΣ", "ς", "الموصل", "\u{64E}", "ـ", "٣", "۴", "أ", "ى", "中文", "😀",
                      "\u{A0}", "&", "x2", "Ⅻ", "①", "Kata’ib", String(repeating: "a", count: 41)]
        var generator = SplitMix(state: 108)  // seeded, so a failure reproduces
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 1...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            XCTAssertEqual(SearchText.tokens(text), reference(text), text.debugDescription)
        }
    }

    /// Scoring normalises a body's text while taking it out of the HTML, a piece at a time
    /// (between tags and entities); its tokens must be those of the whole plain text normalised.
    func testNormalisingInPiecesGivesTheSameTokens() {
        func tokens(_ bytes: [UInt8]) -> [String] {
            var tokens: [String] = []
            SearchText.forEachToken(normalized: bytes) { tokens.append(String(decoding: $0, as: UTF8.self)) }
            return tokens
        }
        let pieces = ["<p>", "</p>", "<em>", "</em>", "<a href=\"/x/\">", "</a>", "<!-- c -->", "&amp;", "&nbsp;", "&#x3A3;",
                      "&lt;", "&bogus;", "Daesh", "’s", "é", "e", "\u{301}", "\u{327}", "Σ", "ΟΦΟΣ", "İ", "ﬁ", "الموصل",
                      "\u{64E}", "ـ", "Kata", "ib", " ", "\n", "Ⅻ", "ｓ"]
        var generator = SplitMix(state: 109)  // seeded, so a failure reproduces
        for _ in 0..<3_000 {
            let html = (0..<Int.random(in: 1...14, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let twoPasses = SearchText.normalizedUTF8(String(decoding: SearchIndex.plainTextUTF8(fromHTML: html), as: UTF8.self))
            XCTAssertEqual(tokens(SearchIndex.normalizedPlainText(fromHTML: html)), tokens(twoPasses), html.debugDescription)
        }
    }

    /// The plain text is taken out of the HTML with memchr and eight bytes at a time; the way it
    /// was first written, a byte at a time with a `String` per entity, must give the same bytes.
    func testPlainTextMatchesTheByteAtATimeExtraction() {
        func reference(_ html: String) -> [UInt8] {
            let bytes = Array(html.utf8)
            var out: [UInt8] = []
            var index = 0
            let count = bytes.count
            func isNameByte(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte) }
            let blocks = SearchIndex.blockTags
            while index < count {
                let byte = bytes[index]
                if byte == 0x3C {
                    if index + 3 < count, bytes[index + 1] == 0x21, bytes[index + 2] == 0x2D, bytes[index + 3] == 0x2D {
                        var end = index + 4
                        while end + 2 < count, !(bytes[end] == 0x2D && bytes[end + 1] == 0x2D && bytes[end + 2] == 0x3E) { end += 1 }
                        index = end + 3
                        out.append(0x20)
                        continue
                    }
                    var nameStart = index + 1
                    if nameStart < count, bytes[nameStart] == 0x2F { nameStart += 1 }
                    var nameEnd = nameStart
                    while nameEnd < count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
                    var end = nameEnd
                    while end < count, bytes[end] != 0x3E { end += 1 }
                    if blocks.contains(String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self).lowercased()) { out.append(0x20) }
                    index = end + 1
                    continue
                }
                if byte == 0x26 {
                    var end = index + 1
                    while end < count, end - index <= 10, bytes[end] != 0x3B, bytes[end] != 0x26, bytes[end] != 0x3C { end += 1 }
                    let names: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " "]
                    if end < count, bytes[end] == 0x3B {
                        let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                        var decoded = names[name]
                        if decoded == nil, name.hasPrefix("#") {
                            let digits = name.dropFirst()
                            let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                            decoded = value.flatMap(Unicode.Scalar.init).map { String($0) }
                        }
                        if let decoded {
                            out += Array(decoded.utf8)
                            index = end + 1
                            continue
                        }
                    }
                }
                let start = index
                index += 1
                while index < count, bytes[index] != 0x3C, bytes[index] != 0x26 { index += 1 }
                out += bytes[start..<index]
            }
            return out
        }
        let pieces = ["<p>", "</p>", "<em>", "</EM>", "<a href=\"/x/\">", "</a>", "<br/>", "<!-- c -->", "<!--", "-->", "<", ">",
                      "&amp;", "&quot;", "&#39;", "&lt;", "&gt;", "&nbsp;", "&apos;", "&#x3A3;", "&#1114112;", "&bogus;", "&;", "&",
                      ";", "Daesh", "é", " ", "\n", "text of eight+ bytes", "<h2 id=\"x\">", "<td>", "<li>", "<LI>", "<img src=\"/i\">",
                      "<sup>", "<Address>", "<span>", "</SPAN>"]
        var generator = SplitMix(state: 110)  // seeded, so a failure reproduces
        for _ in 0..<3_000 {
            let html = (0..<Int.random(in: 0...16, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            XCTAssertEqual(SearchIndex.plainTextUTF8(fromHTML: html), reference(html), html.debugDescription)
        }
    }

    /// A full build keeps a document's terms as bytes (`ScoredTerms`); what it saves and reads
    /// back must be what the string form gives.
    func testScoredTermsAgreeWithTheirStrings() throws {
        let pairs: [(String, UInt32)] = [("daesh", 3), ("mosul", 65_539), ("الموصل", 1), ("é", 0), ("x", 4_000_000_000)]
        let scored = ScoredTerms(pairs)
        XCTAssertEqual(scored.blob, SearchTermBlob.encode(pairs))
        let decoded = try XCTUnwrap(ScoredTerms(blob: scored.blob))
        XCTAssertEqual(decoded.pairs.map(\.0), pairs.map(\.0))
        XCTAssertEqual(decoded.pairs.map(\.1), pairs.map(\.1))
        XCTAssertEqual(ScoredTerms([]).blob, SearchTermBlob.encode([]))
        XCTAssertNil(ScoredTerms(blob: Array(scored.blob.dropLast())))
        XCTAssertNil(ScoredTerms(blob: scored.blob + [0]))
        let document = SearchIndex.Document(kind: "briefing", title: "Mosul after Daesh", url: "b/", date: nil, summary: "",
                                            category: "", aliases: [], fields: [(.title, "Mosul after Daesh")],
                                            body: HTMLFragment("<p>Daesh left <em>Mosul</em> &amp; Raqqa.</p>"))
        XCTAssertEqual(SearchIndex.scoredTerms(document).pairs.map(\.0), SearchIndex.score(document).map(\.0))
    }

    func testTermCounterCountsLikeADictionary() {
        var generator = SplitMix(state: 111)  // seeded, so a failure reproduces
        for size in [0, 1, 50, 5_000] {
            var counter = TermCounter()
            var expected: [String: UInt32] = [:]
            for _ in 0..<size {
                let term = String(repeating: ["a", "é", "ب", "1"].randomElement(using: &generator)!,
                                  count: Int.random(in: 1...12, using: &generator)) + String(Int.random(in: 0..<700, using: &generator))
                let add = UInt32.random(in: 1...5, using: &generator)
                var bytes = Array(term.utf8)
                bytes.withUnsafeMutableBufferPointer { counter.update(UnsafeBufferPointer($0)) { $0 += add } }
                expected[term, default: 0] += add
            }
            let terms = counter.terms { $0 * 2 }
            XCTAssertEqual(terms.count, expected.count)
            XCTAssertEqual(Dictionary(terms, uniquingKeysWith: { _, _ in 0 }), expected.mapValues { $0 * 2 })
        }
    }

    func testNormalizationMatchesTheSharedCases() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("browser/normalization-cases.json")
        let cases = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[Any]])
        XCTAssertGreaterThan(cases.count, 10)
        for entry in cases {
            let input = try XCTUnwrap(entry[0] as? String)
            let expected = try XCTUnwrap(entry[1] as? [String])
            XCTAssertEqual(SearchText.tokens(input), expected, "tokens of \(input)")
            // Normalising only the non-ASCII runs gives what normalising the whole text would.
            let piecewise = String(String.UnicodeScalarView(SearchText.normalizedScalars(input)))
            let whole = input.decomposedStringWithCompatibilityMapping.lowercased()
            XCTAssertEqual(piecewise.replacingOccurrences(of: "ς", with: "σ"), whole.replacingOccurrences(of: "ς", with: "σ"))
        }
    }

    func testOutputIsDeterministicAcrossBuilds() throws {
        let site = try makeSite()
        XCTAssertTrue(try site.build().succeeded)
        let first = try Index(site: site).files
        XCTAssertTrue(try site.build().succeeded)
        let second = try Index(site: site).files
        XCTAssertEqual(first, second)
        XCTAssertNotNil(first["search/index.json"])
        XCTAssertNotNil(first["search/docs-0.json"])
        XCTAssertTrue(first.keys.contains { $0.hasPrefix("search/terms") }, "no term shard written")

        // Terms inside a shard are sorted by code point.
        for (path, data) in first where path.hasPrefix("search/terms") {
            let text = String(decoding: data, as: UTF8.self)
            let keys = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
            let positions = keys.map { key in text.range(of: SearchIndex.JSON.string(key) + ":")!.lowerBound }
            let order = zip(keys, positions).sorted { $0.1 < $1.1 }.map(\.0)
            XCTAssertEqual(order, order.sorted(by: SearchIndex.codePointOrder), path)
        }
    }

    func testSmallBudgetSplitsByPrefixAndEveryTermIsInItsShard() throws {
        let words = ["a", "al", "alef", "aleppo", "anbar", "b", "baghdad", "basra", "the", "them", "then", "there",
                     "these", "thin", "tho", "zu", "الموصل", "الرقة", "داعش"]
        var entries = words.map { word in
            SearchIndex.ShardEntry(scalars: word.unicodeScalars.map(\.value),
                                   fragment: Array((SearchIndex.JSON.string(word) + ":[" + String(repeating: "1,", count: 10) + "1]").utf8))
        }
        entries.sort { $0.scalars.lexicographicallyPrecedes($1.scalars) }
        let shards = SearchIndex.split(entries[...], depth: 0, prefix: [], budget: 80)
        XCTAssertGreaterThan(shards.count, 4)
        let keys = shards.map { String(String.UnicodeScalarView($0.key.compactMap(Unicode.Scalar.init))) }
        XCTAssertEqual(Set(keys).count, keys.count, "shard keys are unique")
        var seen: Set<String> = []
        for word in words {
            let holding = shards.filter { shard in shard.entries.contains { $0.scalars == word.unicodeScalars.map(\.value) } }
            XCTAssertEqual(holding.count, 1, "\(word) is in exactly one shard")
            let longest = keys.filter { word.hasPrefix($0) }.max { $0.count < $1.count }
            let holdingKey = holding.first.map { String(String.UnicodeScalarView($0.key.compactMap(Unicode.Scalar.init))) }
            XCTAssertEqual(holdingKey, longest, "\(word) is in the shard of its longest prefix key")
            seen.insert(word)
        }
        XCTAssertEqual(seen.count, words.count)
        XCTAssertEqual(SearchIndex.shardFileName([]), "terms.json")
        XCTAssertEqual(SearchIndex.shardFileName("th".unicodeScalars.map(\.value)), "terms-th.json")
        XCTAssertEqual(SearchIndex.shardFileName("ال".unicodeScalars.map(\.value)), "terms-_627__644_.json")
    }

    func testEmptySiteWritesAnEmptyIndex() throws {
        let site = try TestSite(["site.yml": "title: Empty\n", "Content/briefings/.keep": ""])
        let result = try site.build()
        XCTAssertTrue(result.succeeded, result.formatted)
        let index = try Index(site: site)
        XCTAssertEqual(index.manifest["count"] as? Int, 0)
        XCTAssertTrue(index.shards.isEmpty)
    }

    /// Index build time on a big site (docs/search.md):
    /// `DOSSIER_SEARCH_BENCH=/tmp/big-site swift test --filter testIndexTimingOnALargeSite`
    func testIndexTimingOnALargeSite() throws {
        guard let folder = ProcessInfo.processInfo.environment["DOSSIER_SEARCH_BENCH"] else {
            throw XCTSkip("set DOSSIER_SEARCH_BENCH to a site folder to time the index")
        }
        var diagnostics = Diagnostics()
        let content = ContentLoader.load(paths: SitePaths(root: URL(fileURLWithPath: folder)), includeDrafts: false,
                                         baseURL: nil, diagnostics: &diagnostics)
        let model = Resolver.resolve(content, diagnostics: &diagnostics)
        var clock = Date()
        let documents = SearchIndex(model: model).documents()
        print("  documents: \(Date().timeIntervalSince(clock)) s")
        clock = Date()
        _ = SearchIndex.scoreAll(documents)
        print("  tokens and scores: \(Date().timeIntervalSince(clock)) s")
        let start = Date()
        let files = SearchIndex(model: model).files()
        let seconds = Date().timeIntervalSince(start)
        let bytes = files.reduce(0) { $0 + $1.contents.count }
        print("search index: \(model.briefings.count) briefings, \(files.count) files, \(bytes) bytes in \(seconds) s")
    }

    func testPlainTextFromRenderedHTML() {
        let html = #"<p>Daesh<a href="/x/">’s</a> <em>hold</em> &amp; more<!-- <b>raw</b> --></p><ul><li>one</li><li>two</li></ul><p>&#x41;&#66;&lt;c&gt;</p>"#
        XCTAssertEqual(SearchText.tokens(SearchIndex.plainText(fromHTML: html)),
                       ["daesh", "hold", "more", "one", "two", "ab", "c"])
    }
}

/// `serve` updates postings document by document; the entries must equal a rebuild's.
final class SearchPostingsTests: XCTestCase {
    func testUpdatingChangedDocumentsGivesTheSameEntriesAsARebuild() {
        var generator = SplitMix(state: 112)  // seeded, so a failure reproduces
        let vocabulary = (0..<60).map { "t\($0)" } + ["é", "ﺍ", "a", "ab", "abc"]
        func document() -> [(String, UInt32)] {
            Array(Set((0..<Int.random(in: 0...8, using: &generator)).map { _ in vocabulary.randomElement(using: &generator)! }))
                .map { ($0, UInt32.random(in: 0...31, using: &generator)) }
        }
        func digest(_ terms: [(String, UInt32)]) -> Fingerprint {
            var key = Fingerprint()
            for (term, score) in terms.sorted(by: { $0.0 < $1.0 }) { key.combine(term); key.combine(UInt64(score)) }
            return key
        }
        func rendered(_ entries: [SearchIndex.ShardEntry]) -> [[UInt8]] { entries.map(\.fragment) }
        let postings = SearchPostings()
        var terms = (0..<200).map { _ in document() }
        _ = postings.entries(digests: terms.map(digest), terms: terms)
        for round in 0..<60 {
            var changed: Set<Int> = []
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let id = Int.random(in: 0..<terms.count, using: &generator)
                terms[id] = document()
                changed.insert(id)
            }
            // Every other round names the changed documents, as a body edit in `serve` does.
            let updated = round % 2 == 0 ? postings.entries(digests: terms.map(digest), terms: terms)
                : postings.replacing(changed.map { (id: $0, digest: digest(terms[$0]), terms: terms[$0]) })!
            let scratch = SearchPostings().entries(digests: terms.map(digest), terms: terms)
            XCTAssertEqual(rendered(updated), rendered(scratch), "round \(round)")
        }
    }
}
