import Foundation

/// The part of `BodyEdit` for saves that change a briefing's tags: a tag added, removed,
/// renamed or reordered in its front matter.
///
/// Besides what `CardEdit` patches for a new card (the card shows the tags), such a save
/// changes: the site's tags (a tag's briefings, a tag new to the site, a tag no longer used);
/// the pages and feeds of the tags whose briefings changed, and the tags index; the sitemap
/// (tag pages come and go, and their dates follow their newest briefing); related briefings,
/// scored again where the change can reach (`Aggregates.relate` with the session's
/// `RelatedBasis`), and the pages of the briefings whose related list changed; the search terms
/// of the briefing (its tags are indexed with it).
///
/// Refused (the caller rebuilds everything) when a tag that stays on the site would change its
/// name: a tag is named by its first spelling in briefing order, and every card that shows the
/// tag would change with it.
enum TagEdit {
    /// What an edit did to the site's tags; empty when no tags changed.
    struct Change {
        /// Tags whose briefings changed, those new to the site and those gone included.
        var changedTags: Set<String> = []
        var addedTags: [String] = []
        var removedTags: [String] = []
        /// Briefings whose related briefings changed.
        var relatedChanged: [Int] = []

        var isEmpty: Bool { changedTags.isEmpty && relatedChanged.isEmpty }
    }

    static func pagePath(_ slug: String) -> String { "tags/\(slug)/index.html" }
    static func feedPath(_ slug: String) -> String { "tags/\(slug)/atom.xml" }

    /// Gives the briefings their new tags in the last build's model, with the site's tags,
    /// related briefings and sitemap lines that follow; nil when a tag that stays would be renamed.
    static func retag(_ briefings: Set<Int>, last: inout LastBuild) -> Change? {
        // Made from the model before the edit, once per whole rebuild, then kept up to date.
        last.prepareForPatches()
        var touched = Set<String>()
        for index in briefings {
            let slugs = Resolver.tagSlugs(last.model.briefings[index].source)
            touched.formUnion(last.model.briefings[index].tags)
            touched.formUnion(slugs)
            last.model.briefings[index].tags = slugs
        }
        var change = Change()
        guard retagSite(touched, edited: briefings, model: &last.model, change: &change) else { return nil }
        change.relatedChanged = rescoreRelated(briefings, model: &last.model, features: &last.relatedFeatures!)
        let tagIndices = Dictionary(last.model.tags.indices.map { (last.model.tags[$0].slug, $0) }, uniquingKeysWith: { a, _ in a })
        for slug in change.changedTags.sorted() {
            let tag = tagIndices[slug].map { last.model.tags[$0] }
            last.sitemap!.set("/tags/\(slug)/", present: tag != nil,
                              lastmod: tag.flatMap { SitemapLines.lastModified(of: $0, in: last.model) })
        }
        return change
    }

    /// `Aggregates.tags` for the touched tags only: holders in briefing order, named by the
    /// first. False when a tag that stays would change its name.
    private static func retagSite(_ touched: Set<String>, edited: Set<Int>, model: inout SiteModel, change: inout Change) -> Bool {
        var tags = Dictionary(model.tags.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        for slug in touched.sorted() {
            var holders = (tags[slug]?.briefings ?? []).filter { !edited.contains($0) }
            holders += edited.filter { model.briefings[$0].tags.contains(slug) }
            holders.sort()
            let old = tags[slug]
            guard let first = holders.first else {
                tags[slug] = nil
                change.removedTags.append(slug)
                change.changedTags.insert(slug)
                continue
            }
            let name = model.briefings[first].source.tags.first { Slug.makeOrHash($0.value) == slug }?.value ?? slug
            if let old, !old.name.utf8.elementsEqual(name.utf8) { return false }
            if old == nil { change.addedTags.append(slug) }
            if old?.briefings != holders { change.changedTags.insert(slug) }
            tags[slug] = Tag(slug: slug, name: name, briefings: holders)
        }
        model.tags = tags.values.sorted { $0.slug < $1.slug }
        for slug in change.removedTags { model.tagNames[slug] = nil }
        for slug in change.addedTags { model.tagNames[slug] = tags[slug]!.name }
        return true
    }

    /// Scores related briefings again where the new tags can reach, as `RelatedBasis` decides
    /// for a whole rebuild: the edited briefings, and every briefing that holds a tag whose
    /// holders changed, when that tag counts in scores before or after (held by some briefing,
    /// and not too many). Everything else scores as before: its features, their weights and
    /// their holders are unchanged. Returns the other briefings whose related list changed.
    private static func rescoreRelated(_ edited: Set<Int>, model: inout SiteModel, features: inout RelatedFeatures) -> [Int] {
        let total = model.briefings.count
        guard total > 1 else { return [] }
        var old: [Int: [Int]] = [:]
        var changed = Set<Int>()
        for index in edited {
            old[index] = features.features[index]
            let new = features.numbering(model.briefings[index])
            changed.formUnion(Set(new).symmetricDifference(features.features[index]))
            features.features[index] = new
        }
        guard !changed.isEmpty else { return [] }
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

    /// The pages a tag change reaches besides the lists that show the new cards
    /// (`CardEdit.listsShowing`): the changed tags' pages, the tags index, and the briefings
    /// whose related list changed.
    static func pages(for change: Change, in model: SiteModel) -> [PageJob] {
        guard !change.isEmpty else { return [] }
        var jobs: [PageJob] = [.tagIndex]
        jobs += model.tags.indices.filter { change.changedTags.contains(model.tags[$0].slug) }.map(PageJob.tag)
        jobs += change.relatedChanged.map(PageJob.briefing)
        return jobs
    }
}
