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

    /// A site as `relate` sees it: briefings in date order, each with named features.
    private struct Site {
        var briefings: [(slug: String, features: Set<String>)]

        /// Slugs, feature names and numbered features; numbers follow `order` of the names, so
        /// a test can renumber features between two builds as a changed site does.
        func numbered(order: [String]) -> (slugs: [String], names: [String], features: [[Int]]) {
            let held = Set(briefings.flatMap(\.features))
            let names = order.filter(held.contains)
            let numbers = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            return (briefings.map(\.slug), names, briefings.map { $0.features.map { numbers[$0]! }.sorted() })
        }
    }

    func testCarriedOverResultsEqualScoringEverythingAgain() {
        var random = SplitMix(state: 11)
        let pool = ["place/common"] + (0..<14).map { "actor/a\($0)" } + (0..<6).map { "#tag\($0)" }
        func randomFeatures() -> Set<String> {
            var features = Set((0..<Int.random(in: 0...3, using: &random)).map { _ in pool[Int.random(in: 1..<pool.count, using: &random)] })
            // Held by about two thirds of 300 briefings: near the cap of 200, which edits cross.
            if Int.random(in: 0..<100, using: &random) < 66 { features.insert("place/common") }
            return features
        }
        var site = Site(briefings: (0..<300).map { ("b\($0)", randomFeatures()) })
        // Exactly at the cap, so that toggles cross it.
        for index in site.briefings.indices {
            if index < 200 { site.briefings[index].features.insert("place/common") } else { site.briefings[index].features.remove("place/common") }
        }
        site.briefings.shuffle(using: &random)
        var order = pool
        var numbered = site.numbered(order: order)
        var basis = RelatedBasis(slugs: numbered.slugs, featureNames: numbered.names, features: numbered.features,
                                 related: scored(numbered.features, featureCount: numbered.names.count))
        var carriedTotal = 0
        var crossings = 0
        var wasCommon = false
        for round in 0..<120 {
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<site.briefings.count, using: &random)
                switch Int.random(in: 0..<8, using: &random) {
                case 5...7:  // the common feature's holders cross the cap of 200 and back
                    let holders = site.briefings.indices.filter { site.briefings[$0].features.contains("place/common") }
                    if holders.count > 200 {
                        site.briefings[holders.randomElement(using: &random)!].features.remove("place/common")
                    } else if let other = site.briefings.indices.filter({ !holders.contains($0) }).randomElement(using: &random) {
                        site.briefings[other].features.insert("place/common")
                    }
                case 0:  // a date edit: the briefing moves
                    let moved = site.briefings.remove(at: index)
                    site.briefings.insert(moved, at: Int.random(in: 0...site.briefings.count, using: &random))
                case 1:  // a new feature, maybe one no briefing had
                    site.briefings[index].features.insert(Bool.random(using: &random) ? "#new\(round)" : pool.randomElement(using: &random)!)
                case 2:
                    if let feature = site.briefings[index].features.randomElement(using: &random) {
                        site.briefings[index].features.remove(feature)
                    }
                case 3:
                    site.briefings[index].features = randomFeatures()
                default:  // numbers shift when features come and go
                    order.shuffle(using: &random)
                }
            }
            order += Set(site.briefings.flatMap(\.features)).subtracting(order).sorted()
            numbered = site.numbered(order: order)
            let graph = FeatureGraph(features: numbered.features, featureCount: numbered.names.count, total: 300)
            let isCommon = site.briefings.filter { $0.features.contains("place/common") }.count > 200
            if isCommon != wasCommon { crossings += 1 }
            wasCommon = isCommon
            let expected = scored(numbered.features, featureCount: numbered.names.count)
            guard let carried = basis.carriedOver(slugs: numbered.slugs, featureNames: numbered.names,
                                                  features: numbered.features, graph: graph) else {
                return XCTFail("round \(round): the same briefings must carry over")
            }
            var scorer = RelatedScorer(total: 300)
            let result = carried.indices.map { carried[$0] ?? scorer.topFive(for: $0, in: graph) }
            XCTAssertEqual(result, expected, "round \(round)")
            carriedTotal += carried.compactMap { $0 }.count
            basis = RelatedBasis(slugs: numbered.slugs, featureNames: numbered.names, features: numbered.features, related: result)
        }
        // Most briefings are not reached by a few edits; the test must exercise carrying over.
        XCTAssertGreaterThan(carriedTotal, 120 * 300 / 4)
        XCTAssertGreaterThan(crossings, 3, "the common feature must cross the cap")

        site.briefings.removeLast()
        numbered = site.numbered(order: order)
        let graph = FeatureGraph(features: numbered.features, featureCount: numbered.names.count, total: 299)
        XCTAssertNil(basis.carriedOver(slugs: numbered.slugs, featureNames: numbered.names, features: numbered.features, graph: graph),
                     "a removed briefing changes every weight")
    }

    func testOutOfOrderFindsTheMovedBriefings() {
        XCTAssertEqual(RelatedBasis.outOfOrder([0, 1, 2, 3]), [])
        XCTAssertEqual(RelatedBasis.outOfOrder([0, 3, 1, 2]), [1])
        XCTAssertEqual(RelatedBasis.outOfOrder([3, 0, 1, 2]), [0])
        XCTAssertEqual(RelatedBasis.outOfOrder([1, 2, 3, 0]), [3])
        XCTAssertEqual(RelatedBasis.outOfOrder([]), [])
    }
}
