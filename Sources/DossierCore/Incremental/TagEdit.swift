import Foundation

/// The part of `BodyEdit` for saves that change a briefing's tags: a tag added, removed,
/// renamed or reordered in its front matter.
///
/// Besides what `CardEdit` patches for a new card (the card shows the tags), such a save
/// changes: the site's tags (a tag's briefings, a tag new to the site, a tag no longer used);
/// the pages and feeds of the tags whose briefings changed, and the tags index; the sitemap
/// (tag pages come and go, and their dates follow their newest briefing); related briefings,
/// scored again where the change can reach (`RelatedRescore`), and the pages of the briefings
/// whose related list changed; the search terms of the briefing (its tags are indexed with it).
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

        var isEmpty: Bool { changedTags.isEmpty }
    }

    static func pagePath(_ slug: String) -> String { "tags/\(slug)/index.html" }
    static func feedPath(_ slug: String) -> String { "tags/\(slug)/atom.xml" }

    /// Gives the briefings their new tags in the last build's model, with the site's tags and
    /// sitemap lines that follow; nil when a tag that stays would be renamed. (Related briefings
    /// follow through `LastBuild.rescoreRelated`.) `last.prepareForPatches` must have run on the
    /// model as it was before the edit.
    static func retag(_ briefings: Set<Int>, last: inout LastBuild) -> Change? {
        var touched = Set<String>()
        for index in briefings {
            let slugs = Resolver.tagSlugs(last.model.briefings[index].source.tags)
            touched.formUnion(last.model.briefings[index].tags)
            touched.formUnion(slugs)
            last.model.briefings[index].tags = slugs
        }
        var change = Change()
        guard retagSite(touched, edited: briefings, model: &last.model, change: &change) else { return nil }
        for slug in change.changedTags.sorted() { last.sitemap!.redate(tag: slug, in: last.model) }
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

    /// Whether the pages and feeds of tags new to the site can be added beside the site's other
    /// files: a static file may already take a path (or a folder) one of them needs, which a
    /// whole build reports as a collision. Only static files and the files under `tags` can
    /// collide with them, and the last build had no collision of its own.
    static func fit(_ added: Set<String>, beside files: [OutputFile], staticFiles: [StaticFile]) -> Bool {
        guard !added.isEmpty else { return true }
        var paths = added.sorted().map { (path: $0, origin: "generated page /\($0)") }
        paths += files.lazy.filter { $0.path.hasPrefix("tags") && !added.contains($0.path) }.map { (path: $0.path, origin: "generated page /\($0.path)") }
        paths += staticFiles.map { (path: $0.outputPath, origin: $0.source) }
        var diagnostics = Diagnostics()
        OutputWriter.checkPaths(paths, diagnostics: &diagnostics)
        return diagnostics.all.isEmpty
    }

    /// The pages a tag change reaches besides the lists that show the new cards
    /// (`CardEdit.listsShowing`): the changed tags' pages and the tags index.
    static func pages(for change: Change, in model: SiteModel) -> [PageJob] {
        guard !change.isEmpty else { return [] }
        return [.tagIndex] + model.tags.indices.filter { change.changedTags.contains(model.tags[$0].slug) }.map(PageJob.tag)
    }
}
