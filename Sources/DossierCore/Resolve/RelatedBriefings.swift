import Foundation

/// Briefings and the features they share (entities, then tags, numbered), in both directions,
/// as flat arrays: the scoring loop of `Aggregates.relate` runs about twenty million additions at
/// 10,000 briefings, and nested Swift arrays cost a retain and a bounds check at every step.
struct FeatureGraph: @unchecked Sendable {
    /// Briefing `b`'s usable features are `featureItems[featureStarts[b]..<featureStarts[b + 1]]`,
    /// in increasing order (scores are summed in that order, so results do not depend on threads).
    let featureStarts: [Int]
    let featureItems: [Int32]
    /// Feature `f`'s briefings are `postingItems[postingStarts[f]..<postingStarts[f + 1]]`.
    let postingStarts: [Int]
    let postingItems: [Int32]
    /// Rarer features weigh more (inverse document frequency).
    let weights: [Double]

    /// `features[b]` lists briefing `b`'s features in increasing order. Features shared by more
    /// than `max(200, total / 20)` briefings add almost nothing and are left out, so the step
    /// stays near-linear.
    init(features: [[Int]], featureCount: Int, total: Int) {
        var counts = [Int](repeating: 0, count: featureCount + 1)
        for list in features { for feature in list { counts[feature + 1] += 1 } }
        let cap = max(200, total / 20)
        let usable = counts.dropFirst().map { $0 > 0 && $0 <= cap }
        weights = counts.dropFirst().map { $0 == 0 ? 0 : log(Double(total + 1) / Double($0)) }

        var starts = [Int](repeating: 0, count: featureCount + 1)
        for feature in 0..<featureCount { starts[feature + 1] = starts[feature] + (usable[feature] ? counts[feature + 1] : 0) }
        var items = [Int32](repeating: 0, count: starts[featureCount])
        var next = starts
        var ownStarts = [0]
        var own: [Int32] = []
        ownStarts.reserveCapacity(features.count + 1)
        for (briefing, list) in features.enumerated() {
            for feature in list where usable[feature] {
                items[next[feature]] = Int32(briefing)
                next[feature] += 1
                own.append(Int32(feature))
            }
            ownStarts.append(own.count)
        }
        featureStarts = ownStarts
        featureItems = own
        postingStarts = starts
        postingItems = items
    }
}

/// One worker's scratch space for scoring: a dense score per briefing and the list of
/// briefings touched, reset after each briefing (no hashing in the loop).
struct RelatedScorer {
    private var scores: [Double]
    private var touched: [Int32] = []

    init(total: Int) { scores = Array(repeating: 0, count: total) }

    /// The five best-scored briefings sharing a feature with `briefing`, ties broken by
    /// briefing order (which is date order).
    mutating func topFive(for briefing: Int, in graph: FeatureGraph) -> [Int] {
        // Taken out of `self` so the loop can hold both buffers at once.
        var scores: [Double] = []
        var touched: [Int32] = []
        swap(&scores, &self.scores)
        swap(&touched, &self.touched)
        defer {
            for other in touched { scores[Int(other)] = 0 }
            touched.removeAll(keepingCapacity: true)
            swap(&scores, &self.scores)
            swap(&touched, &self.touched)
        }
        let own = Int32(briefing)
        scores.withUnsafeMutableBufferPointer { scores in
            graph.featureItems.withUnsafeBufferPointer { features in
                graph.postingItems.withUnsafeBufferPointer { postings in
                    for slot in graph.featureStarts[briefing]..<graph.featureStarts[briefing + 1] {
                        let feature = Int(features[slot])
                        let weight = graph.weights[feature]
                        for position in graph.postingStarts[feature]..<graph.postingStarts[feature + 1] {
                            let other = postings[position]
                            guard other != own else { continue }
                            if scores[Int(other)] == 0 { touched.append(other) }
                            scores[Int(other)] += weight
                        }
                    }
                }
            }
        }
        return Self.best(touched, scores)
    }

    /// The five best among `touched` by score, then by index. Only candidates within the
    /// tie tolerance of the fifth-best score can be among them, so only those (usually a handful
    /// of thousands) are sorted.
    private static func best(_ touched: [Int32], _ scores: [Double]) -> [Int] {
        var highest: [Double] = []
        for other in touched {
            let score = scores[Int(other)]
            if highest.count < 5 {
                highest.append(score)
                highest.sort(by: >)
            } else if score > highest[4] {
                highest[4] = score
                highest.sort(by: >)
            }
        }
        let floor = (highest.count < 5 ? -Double.infinity : highest[4]) - tolerance
        let candidates = touched.lazy.map(Int.init).filter { scores[$0] >= floor }.sorted()
        var best: [(key: Int, value: Double)] = []
        func ranksHigher(_ lhs: (key: Int, value: Double), _ rhs: (key: Int, value: Double)) -> Bool {
            if abs(lhs.value - rhs.value) > tolerance { return lhs.value > rhs.value }
            return lhs.key < rhs.key
        }
        for other in candidates {
            let candidate = (key: other, value: scores[other])
            guard best.count < 5 || ranksHigher(candidate, best[best.count - 1]) else { continue }
            let position = best.firstIndex { ranksHigher(candidate, $0) } ?? best.count
            best.insert(candidate, at: position)
            if best.count > 5 { best.removeLast() }
        }
        return best.map(\.key)
    }

    /// Scores summed from the same weights in another order may differ in the last bits.
    private static let tolerance = 1e-9
}
