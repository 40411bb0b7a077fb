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

/// Every briefing's features, numbered: entities by index, then tags in the order first met.
/// `serve` keeps them with its last build, so that tag and entity edits renumber nothing
/// (`RelatedRescore`).
struct RelatedFeatures: Sendable {
    let entityCount: Int
    private(set) var tagNumbers: [String: Int] = [:]
    /// Each briefing's features, in increasing order.
    var features: [[Int]] = []

    /// Features are numbered below this.
    var count: Int { entityCount + tagNumbers.count }

    /// `entityCount` is the site's number of entities, so that a patched edit can name any of
    /// them; tags are numbered after them, in the same order whatever the offset.
    init(_ briefings: [ResolvedBriefing], entityCount: Int) {
        self.entityCount = entityCount
        features.reserveCapacity(briefings.count)
        for index in briefings.indices { features.append(numbering(briefings[index])) }
    }

    /// The briefing's features, numbering tags not met before.
    mutating func numbering(_ briefing: ResolvedBriefing) -> [Int] {
        var set = Set(briefing.entities)
        for tag in briefing.tags {
            if tagNumbers[tag] == nil { tagNumbers[tag] = entityCount + tagNumbers.count }
            set.insert(tagNumbers[tag]!)
        }
        return set.sorted()
    }
}

/// One worker's scratch space for scoring: a dense score per briefing and the list of
/// briefings touched, reset after each briefing (no hashing in the loop).
struct RelatedScorer {
    private var scores: [Double]
    /// Room for every briefing; the first ones of a scoring are the briefings it touched.
    private var touched: [Int32]

    init(total: Int) {
        scores = Array(repeating: 0, count: total)
        touched = Array(repeating: 0, count: total)
    }

    /// The top five of each of `briefings`, in that order, scored on all cores.
    static func topFives(for briefings: [Int], in graph: FeatureGraph) -> [[Int]] {
        let total = graph.featureStarts.count - 1
        let slots = ResultSlots<[Int]>(count: briefings.count)
        let chunk = max(16, briefings.count / 16)
        DispatchQueue.concurrentPerform(iterations: (briefings.count + chunk - 1) / chunk) { part in
            var scorer = RelatedScorer(total: total)
            for slot in (part * chunk)..<min(briefings.count, (part + 1) * chunk) {
                slots.set(slot, scorer.topFive(for: briefings[slot], in: graph))
            }
        }
        return slots.values.map { $0 ?? [] }
    }

    /// The five best-scored briefings sharing a feature with `briefing`, ties broken by
    /// briefing order (which is date order).
    mutating func topFive(for briefing: Int, in graph: FeatureGraph) -> [Int] {
        let own = Int32(briefing)
        var count = 0
        scores.withUnsafeMutableBufferPointer { scores in
            touched.withUnsafeMutableBufferPointer { touched in
                graph.featureItems.withUnsafeBufferPointer { features in
                    graph.postingItems.withUnsafeBufferPointer { postings in
                        for slot in graph.featureStarts[briefing]..<graph.featureStarts[briefing + 1] {
                            let feature = Int(features[slot])
                            let weight = graph.weights[feature]
                            for position in graph.postingStarts[feature]..<graph.postingStarts[feature + 1] {
                                let other = postings[position]
                                guard other != own else { continue }
                                // Written always, kept only on first touch: a branch here was
                                // mispredicted about as often as taken. Weights are positive,
                                // so only an untouched score is 0.
                                touched[count] = other
                                count += scores[Int(other)] == 0 ? 1 : 0
                                scores[Int(other)] += weight
                            }
                        }
                    }
                }
            }
        }
        let touchedNow = touched[..<count]
        let result = Self.best(touchedNow, scores)
        for other in touchedNow { scores[Int(other)] = 0 }
        return result
    }

    /// The five best among `touched` by score, then by index. Only candidates within the
    /// tie tolerance of the fifth-best score can be among them, so only those (usually a handful
    /// of thousands) are sorted.
    private static func best(_ touched: ArraySlice<Int32>, _ scores: [Double]) -> [Int] {
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

/// What the last `Aggregates.relate` of a `serve` session worked from, so that the next can score
/// again only the briefings an edit can reach. Features are named (an entity's kind and id, a
/// tag's slug) because their numbers shift when entities or tags come and go.
struct RelatedBasis {
    var slugs: [String]
    var featureNames: [String]
    var features: [[Int]]
    var related: [[Int]]

    /// The related briefings of the new site, taken over from this basis wherever the change
    /// cannot reach, nil where they must be scored again; nil as a whole when briefings were
    /// added or removed (every weight changes).
    ///
    /// A briefing's result can change only when
    /// - its own features changed;
    /// - it has a feature whose holders changed (the feature's weight, or whether it is too
    ///   common to count, changed with them);
    /// - it shares a feature with a briefing that moved relative to the others (ties go to the
    ///   earlier briefing).
    func carriedOver(slugs: [String], featureNames: [String], features: [[Int]], graph: FeatureGraph) -> [[Int]?]? {
        let total = slugs.count
        guard total == self.slugs.count else { return nil }
        var oldIndex: [String: Int] = Dictionary(minimumCapacity: total)
        for (index, slug) in self.slugs.enumerated() { oldIndex[slug] = index }
        guard oldIndex.count == total else { return nil }
        var order: [Int] = []  // new index → old index
        order.reserveCapacity(total)
        for slug in slugs {
            guard let old = oldIndex[slug] else { return nil }
            order.append(old)
        }
        var newNumbers: [String: Int] = [:]
        for (number, name) in featureNames.enumerated() { newNumbers[name] = number }
        let renumbered = self.featureNames.map { newNumbers[$0] }
        // A feature counts when some briefing holds it and not too many do, before or after.
        let cap = max(200, total / 20)
        var oldCounts = [Int](repeating: 0, count: featureNames.count)
        for list in self.features {
            for feature in list { if let number = renumbered[feature] { oldCounts[number] += 1 } }
        }
        func counts(_ feature: Int) -> Bool {
            graph.isUsable(feature) || (oldCounts[feature] > 0 && oldCounts[feature] <= cap)
        }

        var reach = Set<Int>()
        var recompute = [Bool](repeating: false, count: total)
        for index in 0..<total {
            let held = self.features[order[index]]
            let old = held.compactMap { renumbered[$0] }.sorted()
            // A feature gone from the whole site was held only by briefings that changed.
            guard old.count != held.count || old != features[index] else { continue }
            recompute[index] = true
            for feature in Set(old).symmetricDifference(features[index]) where counts(feature) { reach.insert(feature) }
        }
        for index in Self.outOfOrder(order) {
            recompute[index] = true
            for feature in features[index] where graph.isUsable(feature) { reach.insert(feature) }
        }
        var newIndex = [Int](repeating: 0, count: total)
        for (index, old) in order.enumerated() { newIndex[old] = index }
        return (0..<total).map { index in
            if recompute[index] || features[index].contains(where: reach.contains) { return nil }
            return related[order[index]].map { newIndex[$0] }
        }
    }

    /// Positions outside one longest increasing run of `order`: the briefings that moved
    /// relative to the others (patience sorting, O(n log n)).
    static func outOfOrder(_ order: [Int]) -> [Int] {
        var tails: [Int] = []  // positions; tails[k] ends the best run of length k + 1
        var previous = [Int](repeating: -1, count: order.count)
        for position in order.indices {
            var low = 0, high = tails.count
            while low < high {
                let middle = (low + high) / 2
                if order[tails[middle]] < order[position] { low = middle + 1 } else { high = middle }
            }
            if low > 0 { previous[position] = tails[low - 1] }
            if low == tails.count { tails.append(position) } else { tails[low] = position }
        }
        var kept = Set<Int>()
        var position = tails.last ?? -1
        while position >= 0 {
            kept.insert(position)
            position = previous[position]
        }
        return order.indices.filter { !kept.contains($0) }
    }
}

extension FeatureGraph {
    /// Counted in scores: held by some briefing, and not by too many.
    func isUsable(_ feature: Int) -> Bool {
        postingStarts[feature + 1] > postingStarts[feature]
    }
}
