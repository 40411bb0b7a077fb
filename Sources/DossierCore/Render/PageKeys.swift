/// Render-cache keys computed from the site model, without building template contexts.
///
/// Building the `[String: Any]` context of every page and hashing it was most of a rebuild
/// that renders almost nothing. The pages that are numerous or large — briefings, entities,
/// tags, list pages and the timeline — get their key here instead, from digests computed once
/// per build: one per entity reference, briefing card, event card and briefing. A key covers
/// every value its page's context reads (see `PageContexts.swift`); changing what a context
/// shows means changing its key here too, which `IncrementalBuildTests` checks against clean
/// builds. Other pages (home, indexes, search, 404, plain pages) return nil and are keyed by
/// their whole context, as before.
struct PageKeys: Sendable {
    private let chrome: Fingerprint
    private let cardChrome: Fingerprint
    private let entityRefs: [Fingerprint]
    private let cards: [Fingerprint]
    private let events: [Fingerprint]
    private let briefingPages: [Fingerprint]
    /// What the skeleton of a list (`PageSkeleton`) reads of each card and event: everything the
    /// plain digests cover except the values the cards show, plus the position its marker names.
    /// Made only for `serve`, which keeps skeletons.
    private let skeletonCards: [Fingerprint]?
    private let skeletonEvents: [Fingerprint]?

    init(model: SiteModel, templates: TemplateSet, forSkeletons: Bool = false) {
        var chrome = templates.fingerprint
        chrome.combine(String(reflecting: model.config))
        for page in model.pages {
            chrome.combine(page.source.title)
            chrome.combine(page.url)
        }
        self.chrome = chrome
        // A card's context is its item alone: of the site it reads only the link prefix.
        var cardChrome = templates.fingerprint
        cardChrome.combine(model.config.renderingSettings)
        self.cardChrome = cardChrome

        let entityRefs = model.entities.map { entity -> Fingerprint in
            var key = Fingerprint()
            key.combine(entity.name)
            key.combine(entity.url)
            key.combine(entity.category)
            key.combine(entity.kind.rawValue)
            key.combine(byte: entity.isStub ? 1 : 0)
            return key
        }
        let cards = model.briefings.map { briefing -> Fingerprint in
            var key = Fingerprint()
            key.combine(briefing.source.title)
            key.combine(briefing.source.slug)  // the URL is made from it
            key.combine(date: briefing.source.date)
            key.combine(briefing.source.summary)
            key.combine(UInt64(briefing.tags.count))
            for slug in briefing.tags {
                key.combine(slug)
                key.combine(model.tagNames[slug] ?? slug)
            }
            return key
        }
        // Closures over `model.briefings.map` borrow each briefing; `let b = briefings[i]` would
        // copy (and retain every field of) a large struct, which showed in profiles.
        let publications = model.briefings.map { briefing -> Fingerprint in
            var key = Fingerprint()
            key.combine(briefing.source.title)
            key.combine(briefing.source.slug)  // the URL is made from it
            return key
        }
        let events = model.timeline.map { event -> Fingerprint in
            var key = Fingerprint()
            key.combine(date: event.date)
            key.combine(event.title)
            key.combine(byte: event.isPublication ? 1 : 0)
            key.combine(publications[event.briefing])
            Self.combine(event.actors, then: event.places, entityRefs, into: &key)
            return key
        }
        var position = -1
        skeletonCards = !forSkeletons ? nil : model.briefings.map { briefing -> Fingerprint in
            position += 1
            var key = Fingerprint()
            key.combine(UInt64(position))
            key.combine(briefing.source.slug)  // the URL is made from it
            key.combine(date: briefing.source.date)
            return key
        }
        position = -1
        skeletonEvents = !forSkeletons ? nil : model.timeline.map { event -> Fingerprint in
            position += 1
            var key = Fingerprint()
            key.combine(UInt64(position))
            key.combine(date: event.date)
            key.combine(byte: event.isPublication ? 1 : 0)
            Self.combine(event.actors, then: event.places, entityRefs, into: &key)
            return key
        }
        var index = -1
        briefingPages = model.briefings.map { briefing in
            index += 1
            var key = cards[index]
            key.combine(date: briefing.source.updated)
            key.combine(UInt64(briefing.readingMinutes))
            key.combine(byte: briefing.source.draft ? 1 : 0)
            Self.combine(briefing.actors, entityRefs, into: &key)
            Self.combine(briefing.places, entityRefs, into: &key)
            Self.combine(model.eventsByBriefing[index], events, into: &key)
            key.combine(UInt64(briefing.source.sources.count))
            for link in briefing.source.sources {
                key.combine(link.title)
                key.combine(link.url)
                key.combine(date: link.date)
            }
            Self.combine(briefing.related, cards, into: &key)
            key.combine(briefing.body.fragment.digest)
            return key
        }
        self.entityRefs = entityRefs
        self.cards = cards
        self.events = events
    }

    private static func combine(_ indices: [Int], _ digests: [Fingerprint], into key: inout Fingerprint) {
        key.combine(UInt64(indices.count))
        for index in indices { key.combine(digests[index]) }
    }

    /// As `combine(first + second, …)`, without making the joined array (one per event).
    private static func combine(_ first: [Int], then second: [Int], _ digests: [Fingerprint], into key: inout Fingerprint) {
        key.combine(UInt64(first.count + second.count))
        for index in first { key.combine(digests[index]) }
        for index in second { key.combine(digests[index]) }
    }

    private func combine(via: Int?, into key: inout Fingerprint) {
        if let via { key.combine(entityRefs[via]) } else { key.combine(byte: 0) }
    }

    /// Keys of the `briefing-card` and `event-card` fragments (see `ViewContext.withCards`).
    func briefingCardKey(_ index: Int) -> Fingerprint {
        var key = cardChrome
        key.combine("briefing-card")
        key.combine(cards[index])
        return key
    }

    func eventCardKey(_ position: Int) -> Fingerprint {
        var key = cardChrome
        key.combine("event-card")
        key.combine(events[position])
        return key
    }

    /// The key of a page, or nil when the page is keyed by its whole template context.
    func key(for job: PageJob, in model: SiteModel) -> Fingerprint? {
        key(for: job, in: model, cards: cards, events: events)
    }

    /// The key of a list page's skeleton (`PageSkeleton`), or nil for pages that are not lists
    /// of cards. `shapes` is `CardMarkers.shapes` of the build's cards.
    func skeletonKey(for job: PageJob, in model: SiteModel, shapes: Fingerprint) -> Fingerprint? {
        guard let skeletonCards, let skeletonEvents else { return nil }
        switch job {
        case .briefingList, .tag, .entity, .timeline:
            guard var key = key(for: job, in: model, cards: skeletonCards, events: skeletonEvents) else { return nil }
            key.combine("skeleton")
            key.combine(shapes)
            return key
        default:
            return nil
        }
    }

    private func key(for job: PageJob, in model: SiteModel, cards: [Fingerprint], events: [Fingerprint]) -> Fingerprint? {
        var key = chrome
        key.combine(job.url(in: model))
        switch job {
        case let .briefing(index):
            key.combine(briefingPages[index])
        case let .briefingList(page):
            key.combine(UInt64(page))
            key.combine(UInt64(model.briefingPageCount))
            let start = (page - 1) * model.config.perPage
            Self.combine(Array(model.briefings.indices.dropFirst(start).prefix(model.config.perPage)), cards, into: &key)
        case let .tag(index):
            let tag = model.tags[index]
            key.combine(tag.name)
            Self.combine(tag.briefings, cards, into: &key)
        case let .entity(index):
            entityKey(index, model: model, cards: cards, events: events, into: &key)
        case .timeline:
            key.combine(UInt64(model.timeline.count))
            for event in events { key.combine(event) }
        case .home, .entityIndex, .tagIndex, .page, .search, .notFound:
            return nil
        }
        return key
    }

    private func entityKey(_ index: Int, model: SiteModel, cards: [Fingerprint], events: [Fingerprint],
                           into key: inout Fingerprint) {
        let entity = model.entities[index]
        let facts = model.facts[index]
        key.combine(entityRefs[index])
        key.combine(entity.summary)
        key.combine(UInt64(entity.aliases.count))
        for alias in entity.aliases { key.combine(alias) }
        key.combine(facts.profile?.fragment.digest ?? Fingerprint())
        Self.combine(model.hierarchy.parents[index], entityRefs, into: &key)
        Self.combine(model.hierarchy.children[index], entityRefs, into: &key)
        if entity.kind == .place { Self.combine(model.hierarchy.ancestorChain(of: index), entityRefs, into: &key) }
        key.combine(UInt64(facts.references.count))
        for reference in facts.references {
            key.combine(cards[reference.briefing])
            key.combine(UInt64(reference.mentions))
            combine(via: reference.via, into: &key)
        }
        let descendants = Set(model.hierarchy.descendants(of: index))
        key.combine(UInt64(facts.events.count))
        for position in facts.events {
            key.combine(events[position])
            combine(via: ViewContext.eventVia(model.timeline[position], entity: index, descendants: descendants), into: &key)
        }
        key.combine(UInt64(facts.appearsWith.count))
        for pair in facts.appearsWith {
            key.combine(entityRefs[pair.entity])
            key.combine(UInt64(pair.count))
        }
    }
}

extension Fingerprint {
    /// What a date's `display` and `description` show (year, month and day), without making
    /// either string: keys are made for every briefing and event on every rebuild.
    mutating func combine(date: SiteDate?) {
        guard let date else { return combine(byte: 0) }
        combine(byte: 1)
        combine(UInt64(bitPattern: Int64(date.year)))
        combine(UInt64(bitPattern: Int64(date.month ?? -1)))
        combine(UInt64(bitPattern: Int64(date.day ?? -1)))
    }
}
