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

    /// Gives the briefings their new tags in `model`, with the site's tags and related briefings
    /// that follow; nil when a tag that stays would be renamed.
    static func retag(_ briefings: Set<Int>, in model: inout SiteModel, cache: SessionCache) -> Change? {
        var touched = Set<String>()
        for index in briefings {
            let slugs = Resolver.tagSlugs(model.briefings[index].source)
            touched.formUnion(model.briefings[index].tags)
            touched.formUnion(slugs)
            model.briefings[index].tags = slugs
        }
        var change = Change()
        var tags = Dictionary(model.tags.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        for slug in touched.sorted() {
            // `Aggregates.tags`, for one tag: holders in briefing order, named by the first.
            var holders = (tags[slug]?.briefings ?? []).filter { !briefings.contains($0) }
            holders += briefings.filter { model.briefings[$0].tags.contains(slug) }
            holders.sort()
            let old = tags[slug]
            guard let first = holders.first else {
                tags[slug] = nil
                change.removedTags.append(slug)
                change.changedTags.insert(slug)
                continue
            }
            let name = model.briefings[first].source.tags.first { Slug.makeOrHash($0.value) == slug }?.value ?? slug
            if let old, !old.name.utf8.elementsEqual(name.utf8) { return nil }
            if old == nil { change.addedTags.append(slug) }
            if old?.briefings != holders { change.changedTags.insert(slug) }
            tags[slug] = Tag(slug: slug, name: name, briefings: holders)
        }
        model.tags = tags.values.sorted { $0.slug < $1.slug }
        for slug in change.removedTags { model.tagNames[slug] = nil }
        for slug in change.addedTags { model.tagNames[slug] = tags[slug]!.name }

        let before = model.briefings.map(\.related)
        Aggregates.relate(&model.briefings, entities: model.entities, cache: cache)
        change.relatedChanged = model.briefings.indices.filter { !briefings.contains($0) && model.briefings[$0].related != before[$0] }
        return change
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
