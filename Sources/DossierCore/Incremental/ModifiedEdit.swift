import Foundation

/// The part of `BodyEdit` for saves that change a briefing's `updated` date (a revision noted in
/// its front matter, usually with an edit to its text).
///
/// Its own page shows the date, and its last modification (the later of `date` and `updated`)
/// is the date of its feed entries, of the feeds that carry it among their newest entries (both
/// rewritten as for a body edit) and of the sitemap's lines for its page, the entity pages that
/// list it and its tags' pages. Cards, lists and the search index show `date` only.
///
/// Refused (the caller rebuilds everything) when the site's newest modification changes: the
/// sitemap dates the home page, the indexes and the timeline with it, and empty feeds carry it.
enum ModifiedEdit {
    /// The newest last modification of all briefings.
    static func newest(in model: SiteModel) -> SiteDate? {
        model.briefings.map(\.source.lastModified).max()
    }

    /// Dates the sitemap's lines again for these briefings, whose new sources are in the model;
    /// false when the site's newest modification is no longer `newestBefore`. `last.prepareForPatches`
    /// must have run.
    static func redate(_ briefings: Set<Int>, newestBefore: SiteDate?, last: inout LastBuild) -> Bool {
        let model = last.model
        guard String(reflecting: newest(in: model)) == String(reflecting: newestBefore) else { return false }
        for index in briefings.sorted() { last.sitemap!.redate(briefing: index, in: model) }
        for entity in model.facts.indices where model.facts[entity].references.contains(where: { briefings.contains($0.briefing) }) {
            last.sitemap!.redate(entity: entity, in: model)
        }
        for slug in Set(briefings.flatMap { model.briefings[$0].tags }).sorted() { last.sitemap!.redate(tag: slug, in: model) }
        return true
    }
}
