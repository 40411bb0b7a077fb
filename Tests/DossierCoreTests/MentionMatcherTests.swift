import XCTest
@testable import DossierCore

final class MentionMatcherTests: XCTestCase {
    /// Entity lookup keys take a byte-wise path for ASCII text; it must fold exactly as the
    /// Unicode one does (lowercase, whitespace runs to one space, none at either end).
    func testTheASCIILookupKeyEqualsTheUnicodeOne() {
        let pieces = ["A", "z", "Q", "7", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "'", "-", "_", ".",
                      "\u{1F}", "\u{7F}", "ISIS", "Al-Nusra", "O'Brien"]
        var generator = SplitMix(state: 105)  // seeded, so a failure reproduces
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...9, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            XCTAssertEqual(EntityDirectory.asciiKey(text), EntityDirectory.unicodeKey(text), "\(Array(text.utf8))")
        }
        XCTAssertNil(EntityDirectory.asciiKey("Daesh\u{2019}s"))
        XCTAssertEqual(EntityDirectory.key("  Islamic\t\tSTATE \r\n"), "islamic state")
        XCTAssertEqual(EntityDirectory.key("Daesh\u{2019}s  Front"), "daesh's front")
    }

    private func pattern(_ text: String, _ entity: Int, ci: Bool = false) -> MentionPattern {
        MentionPattern(text: text, entity: entity, caseInsensitive: ci)
    }

    /// (matched substring, entities) pairs, which is what the assertions care about.
    private func found(_ patterns: [MentionPattern], in text: String) -> [(String, [Int])] {
        MentionMatcher(patterns: patterns).matches(in: text).map { (String(text[$0.range]), $0.entities) }
    }

    private func texts(_ patterns: [MentionPattern], in text: String) -> [String] {
        found(patterns, in: text).map(\.0)
    }

    /// Words whose first three letters open no name are skipped whole (`MentionMatcher.openings`);
    /// short names, names opening with punctuation and names whose letters fold to ASCII must
    /// still be found, and nothing may start inside a skipped word.
    func testWordsThatOpenNoNameAreSkippedWithoutLosingNames() {
        let p = [pattern("UN", 0), pattern("Mosul", 1), pattern("\u{212A}urdistan", 2, ci: true), pattern("al-Kagargar", 3),
                 pattern("Mos", 4)]
        XCTAssertEqual(texts(p, in: "UN unit MOSULI Mosul, almosul Mos kurdistan KURDISTANI al-Kagargar xal-Kagargar"),
                       ["UN", "Mosul", "Mos", "kurdistan", "al-Kagargar"])
        XCTAssertEqual(texts(p, in: "zzzz Mosul zzzMosul Mosul"), ["Mosul", "Mosul"])
    }

    /// Words of one or two letters are skipped by what follows them too (`MentionMatcher.openings`
    /// of short names), and whitespace runs, which a name spells as one space, are not decided.
    func testShortWordsAreSkippedWithoutLosingShortNames() {
        let p = [pattern("A", 0), pattern("of Mosul", 1), pattern("US", 2, ci: true), pattern("x y", 3)]
        XCTAssertEqual(texts(p, in: "a A, of  Mosul an us. US\tx\ny of ofMosul x  y A"),
                       ["A", "of  Mosul", "us", "US", "x\ny", "x  y", "A"])
        XCTAssertEqual(texts(p, in: "b, I of in to A"), ["A"])
    }

    // MARK: Rule 1: whole words

    func testWholeWordsOnly() {
        let p = [pattern("IS", 0)]
        XCTAssertEqual(texts(p, in: "this is"), [])
        XCTAssertEqual(texts(p, in: "ISIS"), [])
        XCTAssertEqual(texts([pattern("ISIS", 0)], in: "ISISx"), [])
        XCTAssertEqual(texts([pattern("ISIS", 0)], in: "xISIS"), [])
        XCTAssertEqual(texts(p, in: "IS fighters"), ["IS"])
        XCTAssertEqual(texts(p, in: "(IS)"), ["IS"])
        XCTAssertEqual(texts(p, in: "IS_x IS2 IS\u{301}"), [], "underscore, digit and combining mark are word scalars")
    }

    func testRangeIsInSearchedString() throws {
        let text = "Reports say (IS) withdrew."
        let match = try XCTUnwrap(MentionMatcher(patterns: [pattern("IS", 3)]).matches(in: text).first)
        XCTAssertEqual(text.unicodeScalars.distance(from: text.startIndex, to: match.range.lowerBound), 13)
        XCTAssertEqual(text.unicodeScalars.distance(from: text.startIndex, to: match.range.upperBound), 15)
        XCTAssertEqual(match.entities, [3])
    }

    // MARK: Rule 2: leftmost-longest, non-overlapping

    func testLongestWinsAtSameStart() {
        let p = [pattern("Islamic State", 0), pattern("Islamic State of Iraq and the Levant", 1)]
        XCTAssertEqual(found(p, in: "the Islamic State of Iraq and the Levant said").map(\.1), [[1]])
        XCTAssertEqual(texts(p, in: "the Islamic State said"), ["Islamic State"])
    }

    func testShorterUsedWhenLongerFailsBoundary() {
        let p = [pattern("Islamic State", 0), pattern("Islamic State of Iraq", 1)]
        XCTAssertEqual(found(p, in: "Islamic State of Iraqi origin").map(\.1), [[0]])
        XCTAssertEqual(found(p, in: "Islamic State of iraq").map(\.1), [[0]], "longer one fails its case check")
    }

    func testScanningResumesAfterMatch() {
        let p = [pattern("a b", 0), pattern("b c", 1), pattern("c", 2)]
        XCTAssertEqual(found(p, in: "a b c").map(\.1), [[0], [2]])
    }

    /// Leftmost wins over longest: "New York" starts before "York City", so it is chosen even
    /// though both have the same length and they overlap.
    func testLeftmostWinsOverlappingCandidates() {
        let p = [pattern("York City", 1), pattern("New York", 0)]
        XCTAssertEqual(texts(p, in: "in New York City today"), ["New York"])
    }

    // MARK: Rule 3: case

    func testCaseSensitiveByDefault() {
        XCTAssertEqual(texts([pattern("Daesh", 0)], in: "daesh DAESH Daesh"), ["Daesh"])
    }

    func testCaseInsensitiveOptIn() {
        XCTAssertEqual(texts([pattern("Daesh", 0, ci: true)], in: "daesh DAESH Daesh"), ["daesh", "DAESH", "Daesh"])
        XCTAssertEqual(texts([pattern("ÉLYSÉE", 0, ci: true)], in: "à l’élysée"), ["élysée"])
    }

    func testMixedSensitivityInOneMatcher() {
        let p = [pattern("IS", 0), pattern("hezbollah", 1, ci: true), pattern("Daesh", 2), pattern("daesh", 3, ci: true)]
        XCTAssertEqual(found(p, in: "IS is HEZBOLLAH; Daesh or DAESH").map(\.1), [[0], [1], [2, 3], [3]])
    }

    func testCaseFoldingBeyondASCII() {
        XCTAssertEqual(texts([pattern("Москва", 0, ci: true)], in: "в МОСКВА и москва"), ["МОСКВА", "москва"])
        XCTAssertEqual(texts([pattern("ΑΘΗΝΑ", 0, ci: true)], in: "Αθηνα"), ["Αθηνα"])
        XCTAssertEqual(texts([pattern("ＩＳ", 0, ci: true)], in: "ｉｓ fighters"), ["ｉｓ"], "fullwidth, beyond U+2000")
        XCTAssertEqual(texts([pattern("Москва", 0)], in: "МОСКВА"), [])
    }

    func testMultiScalarLowercaseKeptAsIs() {
        // "İ" lowercases to two scalars, so it folds to itself and only matches itself.
        let p = [pattern("İzmir", 0, ci: true)]
        XCTAssertEqual(texts(p, in: "İZMIR and izmir"), ["İZMIR"])
    }

    // MARK: Rules 4–5: apostrophes and possessives

    func testApostrophesAreEquivalent() {
        XCTAssertEqual(texts([pattern("Shi’a", 0)], in: "Shi'a militias"), ["Shi'a"])
        XCTAssertEqual(texts([pattern("Shi'a", 0)], in: "Shiʼa and Shi‘a"), ["Shiʼa", "Shi‘a"])
        XCTAssertEqual(texts([pattern("Kata'ib Hezbollah", 0)], in: "Kata’ib Hezbollah fired"), ["Kata’ib Hezbollah"])
    }

    func testPossessiveMatchesBareName() {
        let p = [pattern("Daesh", 0)]
        XCTAssertEqual(texts(p, in: "Daesh’s leader"), ["Daesh"])
        XCTAssertEqual(texts(p, in: "Daesh's leader"), ["Daesh"])
    }

    // MARK: Rule 6: whitespace

    func testWhitespaceRunsMatchOneSpace() {
        let p = [pattern("  Kata'ib \t Hezbollah ", 0)]
        XCTAssertEqual(texts(p, in: "Kata’ib\nHezbollah"), ["Kata’ib\nHezbollah"])
        XCTAssertEqual(texts(p, in: "Kata’ib \t\n Hezbollah"), ["Kata’ib \t\n Hezbollah"])
        XCTAssertEqual(texts(p, in: "Kata’ib\u{00A0}Hezbollah"), ["Kata’ib\u{00A0}Hezbollah"])
        XCTAssertEqual(texts(p, in: "Kata’ibHezbollah"), [])
        XCTAssertEqual(texts(p, in: "Kata'ib\r\n\u{3000}Hezbollah\u{2029}"), ["Kata'ib\r\n\u{3000}Hezbollah"])
    }

    // MARK: Rule 7: NFC

    func testPatternIsNFCNormalized() {
        let decomposed = "Homs Cafe\u{301}"          // e + combining acute
        XCTAssertEqual(texts([pattern(decomposed, 0)], in: "at Homs Caf\u{E9} now"), ["Homs Caf\u{E9}"])
    }

    // MARK: Rule 8: empty and duplicate patterns

    func testEmptyPatternsIgnored() {
        let matcher = MentionMatcher(patterns: [pattern("", 0), pattern(" \n\t", 1)])
        XCTAssertTrue(matcher.isEmpty)
        XCTAssertEqual(matcher.matches(in: "anything at all"), [])
        XCTAssertTrue(MentionMatcher(patterns: []).isEmpty)
        XCTAssertFalse(MentionMatcher(patterns: [pattern("x", 0)]).isEmpty)
    }

    func testDuplicatesMergeEntities() {
        let p = [pattern("Hezbollah", 7), pattern("Hezbollah ", 2), pattern("Hezbollah", 7), pattern("Party of God", 2)]
        XCTAssertEqual(found(p, in: "Hezbollah").map(\.1), [[2, 7]])
    }

    // MARK: Rule 9: Arabic

    func testArabicWholeWord() {
        let p = [pattern("الموصل", 0)]
        XCTAssertEqual(texts(p, in: "سقطت الموصل في"), ["الموصل"])
        XCTAssertEqual(texts(p, in: "سقطت والموصلية في"), [])
        XCTAssertEqual(texts(p, in: "سقطت الموصلي"), [])
    }

    // MARK: Edges

    func testMultiByteNeighbours() {
        let p = [pattern("Daesh", 0), pattern("Homs", 1)]
        XCTAssertEqual(found(p, in: "🚀 Daesh—Homs…🚀").map(\.0), ["Daesh", "Homs"])
        XCTAssertEqual(found(p, in: "é Daeshé").map(\.0), [])
    }

    func testEmptyText() {
        XCTAssertEqual(MentionMatcher(patterns: [pattern("Daesh", 0)]).matches(in: ""), [])
    }

    func testTextIsExactlyPattern() {
        XCTAssertEqual(texts([pattern("Daesh", 0)], in: "Daesh"), ["Daesh"])
    }

    func testMatchAtStartAndEnd() {
        let text = "Daesh fought Hezbollah"
        let matches = MentionMatcher(patterns: [pattern("Daesh", 0), pattern("Hezbollah", 1)]).matches(in: text)
        XCTAssertEqual(matches.map(\.entities), [[0], [1]])
        XCTAssertEqual(matches.first?.range.lowerBound, text.startIndex)
        XCTAssertEqual(matches.last?.range.upperBound, text.endIndex)
    }

    // MARK: Scale

    /// Deterministic distinct "words" so generated inputs have known answers.
    private static func word(_ n: Int) -> String {
        let letters = Array("bcdfghjklmnpqrstvwxz")
        var n = n, out = ""
        repeat { out.append(letters[n % letters.count]); n /= letters.count } while n > 0
        return "q" + out + "o"
    }

    func testManyPatterns() {
        // 1,500 patterns: single words plus two-word names built from them, some case-insensitive.
        var patterns: [MentionPattern] = []
        for i in 0..<1_000 { patterns.append(pattern(Self.word(i), i, ci: i % 3 == 0)) }
        for i in 0..<500 { patterns.append(pattern(Self.word(i) + " " + Self.word(i + 1), 1_000 + i)) }
        let matcher = MentionMatcher(patterns: patterns)
        XCTAssertEqual(matcher.matches(in: Self.word(42) + " " + Self.word(43)).map(\.entities), [[1_042]])
        XCTAssertEqual(matcher.matches(in: Self.word(700) + " and " + Self.word(999).uppercased()).map(\.entities),
                       [[700], [999]])
        XCTAssertEqual(matcher.matches(in: Self.word(701).uppercased()), [], "case-sensitive pattern")
        XCTAssertEqual(matcher.matches(in: Self.word(5) + "x " + Self.word(5_000)), [])
        for i in stride(from: 0, to: 1_000, by: 37) {
            XCTAssertEqual(matcher.matches(in: "(" + Self.word(i) + ")").map(\.entities), [[i]])
        }
    }

    func testLargeInputCounts() {
        var patterns: [MentionPattern] = []
        for i in 0..<1_500 { patterns.append(pattern(Self.word(i), i)) }
        let matcher = MentionMatcher(patterns: patterns)
        // ~1 MB: sentences of filler words with one mention of word(i % 1500) each, plus decoys
        // that share prefixes with patterns but are not whole-word matches.
        var text = "", expected: [Int] = [], i = 0
        while text.utf8.count < 1_000_000 {
            let w = Self.word(i % 1_500)
            text += "The report on \(w)’s activity near \(w)x and x\(w) was filed.\n"
            expected.append(i % 1_500)
            i += 1
        }
        let matches = matcher.matches(in: text)
        XCTAssertEqual(matches.count, expected.count)
        XCTAssertEqual(matches.map { $0.entities.first ?? -1 }, expected)
    }

    /// Cross-checks the automaton (failure links, output links, selection) against a naive
    /// leftmost-longest scan on small random inputs over a tiny alphabet, where overlaps abound:
    /// two letters, a space and a hyphen (neither space nor word, so names may start or end
    /// with a boundary of their own).
    func testAgreesWithNaiveScan() {
        agreesWithNaiveScan(alphabet: "ab -", seed: 2024)
        // More letters: more words open no name, so runs of skipped words (and the spaces
        // between them) are exercised too.
        agreesWithNaiveScan(alphabet: "abcd -", seed: 7)
        // Whitespace of every kind in runs, capitals (names here match case-insensitively) and
        // punctuation: the openings fold all three as the scan does.
        agreesWithNaiveScan(alphabet: "abAB -,\n\t", seed: 11, foldingCaseAndSpace: true)
        // Apostrophes of both kinds (one character to the matcher) and letters beyond ASCII,
        // where the openings leave a word undecided.
        agreesWithNaiveScan(alphabet: "aé' \u{2019}-\n", seed: 13, foldingCaseAndSpace: true)
    }

    private func agreesWithNaiveScan(alphabet: String, seed: UInt64, foldingCaseAndSpace: Bool = false) {
        // Seeded, so a failure reproduces; the message prints the input either way.
        var rng = SplitMix(state: seed)
        func randomWord(_ range: ClosedRange<Int>) -> String {
            String((0..<Int.random(in: range, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? "a" })
        }
        func isWord(_ c: Character) -> Bool { c.isLetter }
        /// What the naive scan compares: with folding, lowercase and every whitespace run one space.
        func folded(_ text: String) -> String {
            guard foldingCaseAndSpace else { return text }
            var result = ""
            for character in text.lowercased() {
                if !character.isWhitespace { result.append(character == "\u{2019}" ? "'" : character) } else if result.last != " " { result.append(" ") }
            }
            return result
        }
        for _ in 0..<3_000 {
            let names = Set((0..<6).map { _ in randomWord(1...5).trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty && (foldingCaseAndSpace || !$0.contains("  ")) })
            // Without folding, single spaces only: the naive scan compares text as it is.
            var raw = randomWord(0...40)
            while !foldingCaseAndSpace && raw.contains("  ") { raw = raw.replacingOccurrences(of: "  ", with: " ") }
            if foldingCaseAndSpace {
                let found = MentionMatcher(patterns: names.enumerated().map { pattern($0.element, $0.offset, ci: true) })
                    .matches(in: raw).map { folded(String(raw[$0.range])) }
                XCTAssertEqual(found, naiveScan(names.map(folded), in: Array(folded(raw))), "names \(names) text \(Array(raw.unicodeScalars))")
                continue
            }
            let text = Array(raw)
            let patterns = names.enumerated().map { pattern($0.element, $0.offset) }
            XCTAssertEqual(texts(patterns, in: String(text)), naiveScan(Array(names), in: text), "names \(names) text \"\(String(text))\"")
        }
    }

    /// Leftmost-longest whole-word matches of `names` in `text`, one position at a time.
    private func naiveScan(_ names: [String], in text: [Character]) -> [String] {
        func isWord(_ c: Character) -> Bool { c.isLetter }
        var expected: [String] = [], i = 0
        while i < text.count {
            let best = i > 0 && isWord(text[i - 1]) ? nil : names.filter { name in
                let end = i + name.count
                return end <= text.count && String(text[i..<end]) == name && (end == text.count || !isWord(text[end]))
            }.max { $0.count < $1.count }
            if let best { expected.append(best); i += best.count } else { i += 1 }
        }
        return expected
    }
}
