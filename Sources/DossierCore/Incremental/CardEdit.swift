import Foundation

/// The part of `BodyEdit` for saves that also change a briefing's title or summary (the values
/// its card shows), its events' titles (their cards show them) or its sources (shown on its own
/// page only). Tags, which its card shows too, add what `TagEdit` describes.
///
/// Such a save changes, besides what a body edit changes: the briefing's card and its events'
/// cards; every list that shows them (its entity pages, tag pages and list page, the timeline,
/// the home page, the pages of the briefings related to it); its search document's listed
/// values (`docs-N.json`). The lists are spliced from their skeletons (`PageSkeleton`), whose
/// keys leave titles and summaries out, so none of their templates runs again.
///
/// Refused (the caller rebuilds everything) when a new title would move the briefing's
/// publication or one of its events on the timeline, when another document wiki-links to the
/// briefing (the link shows its title), or when a new card's shape differs from the old one's.
enum CardEdit {
    /// How far a save's front matter reaches, when `serve` can patch it in. Empty: the
    /// briefing's own page (its sources, or only positions: a line added above a value).
    struct Reach: OptionSet {
        let rawValue: Int
        /// Its card: its title, summary or event titles.
        static let card = Reach(rawValue: 1)
        /// Its tags: its card, the tag pages and feeds, related briefings (`TagEdit`).
        static let tags = Reach(rawValue: 2)
        /// Its `updated` date: its feeds' dates and the sitemap's (`ModifiedEdit`).
        static let updated = Reach(rawValue: 4)
        /// Its listed actors or places: entity pages, feeds and related briefings (`EntityEdit`).
        static let entities = Reach(rawValue: 8)
    }

    /// Nil when the front matter differs in anything but the title, summary, sources, event
    /// titles, tags, `updated` date, actors and places. Positions may differ: they only place
    /// diagnostics, and an edit with any is refused.
    static func reach(of new: Briefing, from old: Briefing) -> Reach? {
        var stripped = withoutPositions(new)
        let oldStripped = withoutPositions(old)
        stripped.title = old.title
        stripped.summary = old.summary
        stripped.sources = old.sources
        stripped.tags = oldStripped.tags
        stripped.updated = old.updated
        stripped.actors = oldStripped.actors
        stripped.places = oldStripped.places
        if stripped.events.count == old.events.count {
            for index in old.events.indices { stripped.events[index].title = old.events[index].title }
        }
        guard BodyEdit.identical(stripped, oldStripped) else { return nil }
        var reach: Reach = []
        if !sameStrings(new.tags.map(\.value), old.tags.map(\.value)) { reach.formUnion([.tags, .card]) }
        let sameCard = new.title.utf8.elementsEqual(old.title.utf8) && new.summary.utf8.elementsEqual(old.summary.utf8)
            && zip(new.events, old.events).allSatisfy { $0.title.utf8.elementsEqual($1.title.utf8) }
        if !sameCard { reach.insert(.card) }
        if String(reflecting: new.updated) != String(reflecting: old.updated) { reach.insert(.updated) }
        func values(_ references: [Located<String>]) -> [String] { references.map(\.value) }
        if !sameStrings(values(new.actors), values(old.actors)) || !sameStrings(values(new.places), values(old.places)) {
            reach.insert(.entities)
        }
        return reach
    }

    /// Equal down to the bytes (see `BodyEdit.identical`).
    private static func sameStrings(_ a: [String], _ b: [String]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
    }

    private static func withoutPositions(_ briefing: Briefing) -> Briefing {
        func strip<Value>(_ located: Located<Value>) -> Located<Value> { Located(value: located.value, line: 0, column: 0) }
        var briefing = briefing
        briefing.body = ""
        briefing.bodyLine = 0
        briefing.slugLine = 0
        briefing.tags = briefing.tags.map(strip)
        briefing.actors = briefing.actors.map(strip)
        briefing.places = briefing.places.map(strip)
        for index in briefing.events.indices {
            briefing.events[index].line = 0
            briefing.events[index].actors = briefing.events[index].actors.map(strip)
            briefing.events[index].places = briefing.events[index].places.map(strip)
        }
        return briefing
    }

    /// Whether a document that is not being re-rendered wiki-links to one of these slugs.
    static func isWikiLinked(_ slugs: Set<String>, in model: SiteModel, except edited: Set<Int>) -> Bool {
        func links(_ body: RenderedBody) -> Bool {
            body.documentTargets == nil || body.linkedBriefings.contains(where: slugs.contains)
        }
        // Field by field: passing each briefing's body to `links` copied it, which showed at 10,000.
        for index in model.briefings.indices where !edited.contains(index) {
            if model.briefings[index].body.documentTargets == nil
                || model.briefings[index].body.linkedBriefings.contains(where: slugs.contains) { return true }
        }
        return model.facts.contains { $0.profile.map(links) ?? false } || model.pages.contains { links($0.body) }
    }

    /// Gives these briefings' publications and events their new titles on the timeline; false
    /// when one would then be out of the timeline's order, which sorts same-day entries by title.
    /// `previous` holds each briefing's events as the timeline was made from them.
    static func retitleTimeline(of briefings: Set<Int>, previous: [Int: [BriefingEvent]], in model: inout SiteModel) -> Bool {
        var used = previous.mapValues { [Bool](repeating: false, count: $0.count) }
        // Each entry's place in its briefing's list (the publication last): the order `Aggregates.timeline`
        // keeps for entries that tie on everything else.
        var sourceIndex: [Int: Int] = [:]
        var retitled: [Int] = []
        for position in model.timeline.indices where briefings.contains(model.timeline[position].briefing) {
            let entry = model.timeline[position]
            let source = model.briefings[entry.briefing].source
            let title: String
            if entry.isPublication {
                title = source.title
                sourceIndex[position] = source.events.count
            } else {
                // Same-day events with equal titles are in source order: the first unused match is this one.
                guard let events = previous[entry.briefing], events.count == source.events.count,
                      let index = events.indices.first(where: { index in
                          !used[entry.briefing]![index] && events[index].date == entry.date
                              && events[index].title.utf8.elementsEqual(entry.title.utf8)
                      })
                else { return false }
                used[entry.briefing]![index] = true
                title = source.events[index].title
                sourceIndex[position] = index
            }
            if !title.utf8.elementsEqual(entry.title.utf8) {
                model.timeline[position].title = title
                retitled.append(position)
            }
        }
        func precedes(_ first: Int, _ second: Int) -> Bool {
            let a = model.timeline[first], b = model.timeline[second]
            if a.date != b.date { return a.date < b.date }
            if a.isPublication != b.isPublication { return !a.isPublication }
            if a.title != b.title { return a.title < b.title }
            if a.briefing != b.briefing { return a.briefing < b.briefing }
            guard let x = sourceIndex[first], let y = sourceIndex[second] else { return false }
            return x < y
        }
        return retitled.allSatisfy { position in
            (position == 0 || precedes(position - 1, position))
                && (position == model.timeline.count - 1 || precedes(position, position + 1))
        }
    }

    /// Renders the cards of these briefings and of their events again; false when a card's
    /// shape changed (the skeletons' markers copy it).
    /// `events` are the briefings whose events' cards may have changed too (a new title of the
    /// briefing or of an event); an event card shows nothing else of its briefing.
    static func renderCards(of briefings: Set<Int>, events: Set<Int>, last: inout LastBuild) -> Bool {
        let view = ViewContext(model: last.model, templates: last.templates)
        var unchangedShapes = true
        func render(_ context: [String: Any], template: String, replacing old: HTMLFragment) -> HTMLFragment {
            var ignored = Diagnostics()
            let card = HTMLFragment(last.templates.render(context, template: template, diagnostics: &ignored) ?? "")
            if CardMarkers.shape(old) != CardMarkers.shape(card) { unchangedShapes = false }
            return card
        }
        for index in briefings.sorted() {
            last.briefingCards[index] = render(view.briefingCard(index), template: "briefing-card", replacing: last.briefingCards[index])
        }
        for position in last.model.timeline.indices where events.contains(last.model.timeline[position].briefing) {
            last.eventCards[position] = render(view.eventCard(position), template: "event-card", replacing: last.eventCards[position])
        }
        return unchangedShapes
    }

    /// The pages other than the briefings' own that show the cards of `briefings`, or the cards
    /// of the events of `events`.
    static func listsShowing(_ briefings: Set<Int>, events: Set<Int>, in model: SiteModel) -> [PageJob] {
        var jobs: [PageJob] = events.isEmpty ? [.home] : [.home, .timeline]
        let pages = Set(briefings.map { $0 / max(1, model.config.perPage) + 1 })
        jobs += pages.sorted().map { PageJob.briefingList(page: $0) }
        let slugs = Set(briefings.flatMap { model.briefings[$0].tags })
        jobs += model.tags.indices.filter { slugs.contains(model.tags[$0].slug) }.map(PageJob.tag)
        // Flags, not sets: every reference and event of the site is looked up.
        var shown = [Bool](repeating: false, count: model.briefings.count)
        for index in briefings { shown[index] = true }
        var eventShown = [Bool](repeating: false, count: model.timeline.count)
        if !events.isEmpty {
            for position in model.timeline.indices where events.contains(model.timeline[position].briefing) { eventShown[position] = true }
        }
        jobs += model.facts.indices.filter { index in
            model.facts[index].references.contains { shown[$0.briefing] } || model.facts[index].events.contains { eventShown[$0] }
        }.map(PageJob.entity)
        jobs += model.briefings.indices.filter { index in
            !shown[index] && model.briefings[index].related.contains { shown[$0] }
        }.map(PageJob.briefing)
        return jobs
    }

    /// A page spliced from its skeleton when `serve` kept one, else rendered.
    static func render(_ job: PageJob, view: ViewContext, templates: TemplateSet, session: SessionCache) -> OutputFile? {
        let path = job.outputPath(in: view.model)
        if let skeleton = session.skeletons.reuse(path)?.skeleton, let data = skeleton.splice(view) {
            return OutputFile(path: path, contents: data)
        }
        let (template, context) = view.render(job)
        var diagnostics = Diagnostics()
        guard let text = templates.render(context, template: template, diagnostics: &diagnostics), diagnostics.all.isEmpty else { return nil }
        return OutputFile(path: path, text: text)
    }
}
