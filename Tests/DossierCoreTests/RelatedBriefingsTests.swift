import XCTest
@testable import DossierCore

/// The scorer behind "Related briefings" (`FeatureGraph`, `RelatedScorer`) against a plain
/// all-pairs computation of the same rule: shared features weighted by rarity, features shared
/// by more than `max(200, total / 20)` briefings ignored, the five best, ties to the earlier briefing.
final class RelatedBriefingsTests: XCTestCase {
    private func reference(_ features: [[Int]], featureCount: Int) -> [[Int]] {
        let total = features.count
        var counts = [Int](repeating: 0, count: featureCount)
        for list in features { for feature in list { counts[feature] += 1 } }
        let cap = max(200, total / 20)
        return features.indices.map { index in
            var scored: [(other: Int, score: Double)] = []
            for other in features.indices where other != index {
                var score = 0.0
                var shared = false
                for feature in features[index] where counts[feature] <= cap && features[other].contains(feature) {
                    score += log(Double(total + 1) / Double(counts[feature]))
                    shared = true
                }
                if shared { scored.append((other, score)) }
            }
            scored.sort { abs($0.score - $1.score) > 1e-9 ? $0.score > $1.score : $0.other < $1.other }
            return scored.prefix(5).map(\.other)
        }
    }

    private func scored(_ features: [[Int]], featureCount: Int) -> [[Int]] {
        let graph = FeatureGraph(features: features, featureCount: featureCount, total: features.count)
        var scorer = RelatedScorer(total: features.count)
        return features.indices.map { scorer.topFive(for: $0, in: graph) }
    }

    func testMatchesAllPairsScoringOnRandomSites() {
        var random = SplitMix(state: 7)
        for round in 0..<6 {
            // Few features make many exact ties; the largest round crosses the cap of 200.
            let total = [12, 40, 90, 250, 420, 600][round]
            let featureCount = [5, 9, 30, 12, 60, 8][round]
            let features = (0..<total).map { _ in
                Set((0..<Int.random(in: 0...4, using: &random)).map { _ in Int.random(in: 0..<featureCount, using: &random) })
                    .sorted()
            }
            XCTAssertEqual(scored(features, featureCount: featureCount), reference(features, featureCount: featureCount),
                           "round \(round): \(total) briefings, \(featureCount) features")
        }
    }

    func testTiesGoToEarlierBriefingsAndCommonFeaturesAreIgnored() {
        // Briefing 0 shares feature 1 with six others equally; feature 0 is on all 250 briefings,
        // more than the cap of 200, so it relates nothing.
        var features = [[0, 1]] + (1...6).map { _ in [0, 1] }
        features += (7..<250).map { _ in [0] }
        let result = scored(features, featureCount: 2)
        XCTAssertEqual(result[0], [1, 2, 3, 4, 5])
        XCTAssertEqual(result[6], [0, 1, 2, 3, 4])
        XCTAssertEqual(result[100], [])
    }

    func testARareFeatureOutranksEarlierTies() {
        // Briefing 9 shares the rare feature 2 with briefing 0; it beats earlier briefings that
        // only share the common feature 1.
        let features = [[1, 2]] + (1...8).map { _ in [1] } + [[1, 2]] + (10..<30).map { _ in [3] }
        XCTAssertEqual(scored(features, featureCount: 4)[0], [9, 1, 2, 3, 4])
    }
}
