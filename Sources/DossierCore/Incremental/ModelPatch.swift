import Foundation

/// What a patched save changed in the last build's model besides the edited briefings' sources
/// and bodies, made in the order the steps depend on each other: entity facts (`EntityEdit`),
/// the site's tags (`TagEdit`), related briefings (`RelatedRescore`), sitemap dates
/// (`ModifiedEdit`), the timeline's titles and the cards (`CardEdit`).
struct ModelPatch {
    /// The edited briefings.
    var edited: [Int]
    /// Briefings whose card changed (title, summary, tags).
    var recarded: Set<Int> = []
    /// Briefings whose events' cards changed (their title, or an event's).
    var eventsRecarded: Set<Int> = []
    var tags = TagEdit.Change()
    /// Entities whose facts changed.
    var entities: Set<Int> = []
    /// Other briefings whose related briefings changed.
    var relatedChanged: [Int] = []
    /// Briefings whose `updated` date changed.
    var redated: Set<Int> = []

    var sitemapChanged: Bool { !tags.changedTags.isEmpty || !redated.isEmpty || !entities.isEmpty }

    /// Puts the edits into `last`'s model and everything made from it; nil when one of the
    /// steps refuses (then `last` is partly updated and must be thrown away).
    static func apply(_ edits: [BodyEdit.Edit], to last: inout LastBuild) -> ModelPatch? {
        var patch = ModelPatch(edited: edits.map(\.index))
        var previousEvents: [Int: [BriefingEvent]] = [:]
        for edit in edits {
            let old = last.model.briefings[edit.index].source
            previousEvents[edit.index] = old.events
            // Event cards show the briefing's title and their own, nothing else of it.
            if !edit.briefing.title.utf8.elementsEqual(old.title.utf8)
                || !zip(edit.briefing.events, old.events).allSatisfy({ $0.title.utf8.elementsEqual($1.title.utf8) }) {
                patch.eventsRecarded.insert(edit.index)
            }
        }
        patch.redated = Set(edits.filter { $0.reach.contains(.updated) }.map(\.index))
        let newestBefore = patch.redated.isEmpty ? nil : ModifiedEdit.newest(in: last.model)
        // From the model as it was (`serve` made them after the last whole rebuild already).
        if edits.contains(where: { !$0.reach.isDisjoint(with: [.tags, .updated, .entities]) }) { last.prepareForPatches() }
        // Nothing else holds the model now, so the briefings are updated without copying the array.
        for edit in edits {
            last.model.briefings[edit.index].source = edit.briefing
            last.model.briefings[edit.index].body = edit.body
        }
        patch.recarded = Set(edits.filter { $0.reach.contains(.card) }.map(\.index))
        let relisted = edits.filter { $0.reach.contains(.entities) }
        if !relisted.isEmpty {
            guard let entities = EntityEdit.relist(relisted.map { ($0.index, $0.listed) }, last: &last) else { return nil }
            patch.entities = entities
        }
        let retagged = Set(edits.filter { $0.reach.contains(.tags) }.map(\.index))
        if !retagged.isEmpty {
            guard let tags = TagEdit.retag(retagged, last: &last) else { return nil }
            patch.tags = tags
        }
        let refeatured = retagged.union(relisted.map(\.index))
        if !refeatured.isEmpty { patch.relatedChanged = last.rescoreRelated(refeatured) }
        if !patch.redated.isEmpty {
            guard ModifiedEdit.redate(patch.redated, newestBefore: newestBefore, last: &last) else { return nil }
        }
        if !patch.entities.isEmpty { EntityEdit.redate(patch.entities, last: &last) }
        if !patch.recarded.isEmpty {
            guard CardEdit.retitleTimeline(of: patch.eventsRecarded, previous: previousEvents, in: &last.model),
                  CardEdit.renderCards(of: patch.recarded, events: patch.eventsRecarded, last: &last) else { return nil }
        }
        return patch
    }

    /// Every page the patch changes, once each.
    func pages(in model: SiteModel) -> [PageJob] {
        var wanted = edited.map(PageJob.briefing)
        if !recarded.isEmpty { wanted += CardEdit.listsShowing(recarded, events: eventsRecarded, in: model) }
        wanted += TagEdit.pages(for: tags, in: model) + EntityEdit.pages(for: entities) + relatedChanged.map(PageJob.briefing)
        var seen = Set<PageJob>()
        return wanted.filter { seen.insert($0).inserted }
    }

    /// A tag or entity page whose list changed no longer matches its skeleton's markers.
    func dropStaleSkeletons(from session: SessionCache, model: SiteModel) {
        for slug in tags.changedTags { session.skeletons.forget(TagEdit.pagePath(slug)) }
        for entity in entities { session.skeletons.forget(PageJob.entity(entity).outputPath(in: model)) }
    }
}
