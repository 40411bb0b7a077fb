import Foundation
import XCTest
@testable import DossierCore

final class WhitespaceTests: XCTestCase {
    /// The fast paths must agree with Foundation on every kind of white space at either end.
    func testTrimmingAndBlanknessAgreeWithFoundation() {
        let spaces = [" ", "\t", "\u{A0}", "\u{2003}", "\u{3000}", "\n", "\r", "\u{85}", "\u{2028}", "\u{200B}", "x"]
        var samples = ["", "Mosul", "Daesh’s", "a b"]
        for left in spaces {
            for right in spaces {
                samples += [left + "Mosul" + right, left + right, left, left + left + "é" + right]
            }
        }
        for sample in samples {
            XCTAssertEqual(sample.trimmingWhitespace(), sample.trimmingCharacters(in: .whitespaces), sample.debugDescription)
            XCTAssertEqual(sample.isBlank, sample.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, sample.debugDescription)
        }
    }
}
