import Foundation

/// Related briefings after a patched edit changed some briefings' tags, actors or places
/// (`TagEdit`, `EntityEdit`), over the numbered features `LastBuild` keeps.
enum RelatedRescore {
    /// Scores related briefings again where new tags, actors or places can reach, as
    /// `RelatedBasis` decides for a whole rebuild: the edited briefings, and every briefing that
    /// holds a feature whose holders changed, when that feature counts in scores before or after
    /// (held by some briefing, and not too many). Everything else scores as before: its
    /// features, their weights and their holders are unchanged. Returns the other briefings
    /// whose related list changed.
    static func rescore(_ edited: Set<Int>, model: inout SiteModel, features: inout RelatedFeatures) -> [Int] {
        let total = model.briefings.count
        var old: [Int: [Int]] = [:]
        var changed = Set<Int>()
        for index in edited {
            old[index] = features.features[index]
            let new = features.numbering(model.briefings[index])
            changed.formUnion(Set(new).symmetricDifference(features.features[index]))
            features.features[index] = new
        }
        // `Aggregates.relate` leaves a lone briefing with no related briefings.
        guard !changed.isEmpty, total > 1 else { return [] }
        var isChanged = [Bool](repeating: false, count: features.count)
        for feature in changed { isChanged[feature] = true }
        var countAfter = [Int](repeating: 0, count: features.count)
        var holders: [Int] = []
        for index in 0..<total {
            var holds = false
            for feature in features.features[index] where isChanged[feature] {
                countAfter[feature] += 1
                holds = true
            }
            if holds { holders.append(index) }
        }
        var countBefore = countAfter
        for index in edited {
            for feature in features.features[index] where isChanged[feature] { countBefore[feature] -= 1 }
            for feature in old[index]! where isChanged[feature] { countBefore[feature] += 1 }
        }
        let cap = max(200, total / 20)
        var counts = [Bool](repeating: false, count: features.count)
        for feature in changed {
            counts[feature] = (countAfter[feature] > 0 && countAfter[feature] <= cap) || (countBefore[feature] > 0 && countBefore[feature] <= cap)
        }
        let reached = Set(holders.filter { index in features.features[index].contains { counts[$0] } })
        let pending = edited.union(reached).sorted()
        let graph = FeatureGraph(features: features.features, featureCount: features.count, total: total)
        var relatedChanged: [Int] = []
        for (slot, related) in RelatedScorer.topFives(for: pending, in: graph).enumerated() {
            let index = pending[slot]
            if related != model.briefings[index].related {
                model.briefings[index].related = related
                if !edited.contains(index) { relatedChanged.append(index) }
            }
        }
        return relatedChanged
    }
}

extension LastBuild {
    /// See `RelatedRescore.rescore`; `prepareForPatches` must have run.
    mutating func rescoreRelated(_ edited: Set<Int>) -> [Int] {
        RelatedRescore.rescore(edited, model: &model, features: &relatedFeatures!)
    }
}
