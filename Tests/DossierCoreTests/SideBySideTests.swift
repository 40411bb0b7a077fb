import Foundation
import XCTest
@testable import DossierCore

final class SideBySideTests: XCTestCase {
    func testBothResultsComeBackInOrder() {
        let (text, number) = sideBySide({ "first" }, { 42 })
        XCTAssertEqual(text, "first")
        XCTAssertEqual(number, 42)
    }

    /// Each side waits for a signal only the other sends: run one after the other, the first
    /// would time out.
    func testTheTwoSidesRunAtTheSameTime() {
        let firstStarted = DispatchSemaphore(value: 0)
        let secondStarted = DispatchSemaphore(value: 0)
        let (firstSawSecond, secondSawFirst) = sideBySide({ () -> Bool in
            firstStarted.signal()
            return secondStarted.wait(timeout: .now() + 10) == .success
        }, { () -> Bool in
            secondStarted.signal()
            return firstStarted.wait(timeout: .now() + 10) == .success
        })
        XCTAssertTrue(firstSawSecond)
        XCTAssertTrue(secondSawFirst)
    }

    /// Called from every worker of a parallel loop at once (as `serve` may call a build from
    /// a pool thread): the second side has a thread of its own, so none waits for a free one.
    func testNestedInsideAParallelLoopEveryCallFinishes() {
        let results = ResultSlots<Int>(count: 16)
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let (a, b) = sideBySide({ index }, { index * 10 })
            results.set(index, a + b)
        }
        XCTAssertEqual((0..<16).map { results.take($0) }, (0..<16).map { $0 * 11 })
    }

    func testTheSecondSideMayCaptureLocalState() {
        var log: [String] = []
        let words = ["alpha", "beta"]
        let (_, joined) = sideBySide({ log.append("first") }, { words.joined(separator: "+") })
        XCTAssertEqual(log, ["first"])
        XCTAssertEqual(joined, "alpha+beta")
    }
}
