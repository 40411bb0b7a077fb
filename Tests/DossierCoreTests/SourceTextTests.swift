import XCTest
@testable import DossierCore

/// `SourceText.decode` finds the front-matter fences in the file's bytes; on random texts it must
/// split exactly as a plain line-by-line reading of the text does, with LF or CRLF line ends.
final class SourceTextTests: XCTestCase {
    /// Line by line, as the format describes it: nil when the front matter is never closed.
    private func reference(_ text: String) -> (frontMatter: String?, body: String, bodyLine: Int)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        func trimmed(_ line: Substring) -> Substring {
            var line = line
            while line.last == " " || line.last == "\t" { line = line.dropLast() }
            return line
        }
        guard trimmed(lines[0]) == "---" else { return (nil, text, 1) }
        for index in lines.indices.dropFirst() where trimmed(lines[index]) == "---" || trimmed(lines[index]) == "..." {
            return (lines[1..<index].joined(separator: "\n"), lines[(index + 1)...].joined(separator: "\n"), index + 2)
        }
        return nil
    }

    func testFencesAreFoundAsALineByLineReadingFindsThem() {
        let pieces = ["---", "...", "--- ", "---\t", "----", " ---", "-- -", "a: 1", "title: \"é\"", "", "body", "..", "😀"]
        var rng = SplitMix(state: 41)
        var withFrontMatter = 0
        for _ in 0..<5_000 {
            var text = (0..<Int.random(in: 1...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }
                .joined(separator: "\n")
            if Bool.random(using: &rng) { text += "\n" }
            let expected = reference(text)
            if expected?.frontMatter != nil { withFrontMatter += 1 }
            for lineEnd in ["\n", "\r\n"] {
                var diagnostics = Diagnostics()
                let bytes = Array(text.replacingOccurrences(of: "\n", with: lineEnd).utf8)
                let decoded = SourceText.decode(bytes, path: "x.md", diagnostics: &diagnostics)
                XCTAssertEqual(decoded?.frontMatter, expected?.frontMatter, text.debugDescription)
                XCTAssertEqual(decoded?.body, expected?.body, text.debugDescription)
                XCTAssertEqual(decoded?.bodyLine, expected?.bodyLine, text.debugDescription)
                XCTAssertEqual(diagnostics.errors.map(\.id), expected == nil ? ["dossier.frontmatter.unterminated"] : [],
                               text.debugDescription)
            }
        }
        XCTAssertGreaterThan(withFrontMatter, 500)
    }
}
