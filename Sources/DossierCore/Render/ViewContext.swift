import Foundation

/// Builds the plain values templates see. Templates hold no logic beyond Mustache sections,
/// so every flag a template tests (`hasTags`, `plural`) is computed here.
struct ViewContext {
    let model: SiteModel
    /// `briefing-card` and `event-card` rendered once per briefing and event (see `withCards`).
    var briefingCards: [HTMLFragment] = []
    var eventCards: [HTMLFragment] = []
    /// Values computed once per briefing and entity by `withCards`, because each appears in many
    /// lists: the plain values of a briefing item, and an entity ref. Empty when the view was
    /// made without `withCards`; they are then computed as needed. (Event cards' contexts are
    /// not kept: at 10,000 briefings they would hold 37 MB through the whole render stage.)
    private var itemBases: [[String: Any]] = []
    private var entityRefs: [[String: Any]] = []
    /// Set while a page skeleton renders (see `PageSkeleton`): list items then note reads of the
    /// values their cards show.
    var cardReads: SkeletonReads?
    /// `reference-meta`, rendered once per distinct line.
    let referenceLines: ReferenceLines
    /// The lists the theme lets Swift join, and the text around each kind of item's card
    /// (see `JoinedLists`), shared by the views made from this one: it holds no card.
    let joinedLists: JoinedLists
    let itemWrappers: ItemWrappers
    private let siteValues: SiteValues

    init(model: SiteModel, templates: TemplateSet) {
        self.model = model
        referenceLines = ReferenceLines(templates: templates)
        joinedLists = templates.joinedLists
        itemWrappers = ItemWrappers(templates: templates)
        siteValues = SiteValues(templates: templates)
    }

    /// swift-mustache treats "" and 0 as true in sections, so absent values are passed as false.
    static func present(_ text: String) -> Any { text.isEmpty ? false : text }
    static func present(_ number: Int) -> Any { number == 0 ? false : number }
    var config: SiteConfig { model.config }

    func link(_ path: String) -> String { config.link(path) }

    /// The `site` value shared by every page; `current` marks the nav entry of this page.
    func site(current: String?) -> [String: Any] {
        siteValues.site(current: current) { makeSite(current: current) }
    }

    private func makeSite(current: String?) -> [String: Any] {
        let nav: [(String, String)] = [("Briefings", "/briefings/"), ("Timeline", "/timeline/"), ("Actors", "/actors/"),
                                       ("Places", "/places/"), ("Tags", "/tags/"), ("Search", "/search/")]
        return [
            "title": config.title,
            "description": Self.present(config.description),
            "language": config.language,
            "author": config.author,
            "home": link("/"),
            "briefings": link("/briefings/"),
            "timeline": link("/timeline/"),
            "actors": link("/actors/"),
            "places": link("/places/"),
            "tags": link("/tags/"),
            "searchPage": link("/search/"),
            "searchScript": link("/assets/search.js"),
            "searchIndex": link("/search/index.json"),
            "feed": config.absolute("/atom.xml"),
            "stylesheet": link("/assets/style.css"),
            "nav": nav.map { title, path in ["title": title, "url": link(path), "current": path == current] },
            "pages": model.pages.map { ["title": $0.source.title, "url": link($0.url)] },
        ]
    }

    /// The `page` value: title, description, canonical URL and feed for `<head>`.
    func page(title: String, path: String, description: String? = nil, kind: String, ogType: String = "website",
              feed: (title: String, path: String)? = nil) -> [String: Any] {
        var page: [String: Any] = [
            "title": title,
            "fullTitle": path == "/" ? config.title : "\(title) · \(config.title)",
            "description": description.flatMap { $0.isEmpty ? nil : $0 } ?? config.description,
            "canonical": config.absolute(path),
            "kind": kind,
            "ogType": ogType,
        ]
        if let feed { page["feed"] = ["title": feed.title, "url": config.absolute(feed.path)] }
        return page
    }

    /// Shared by every list that names the entity (dictionaries are copied only when written).
    func entityRef(_ index: Int) -> [String: Any] {
        entityRefs.indices.contains(index) ? entityRefs[index] : makeEntityRef(index)
    }

    private func makeEntityRef(_ index: Int) -> [String: Any] {
        let entity = model.entities[index]
        return ["name": entity.name, "url": link(entity.url), "stub": entity.isStub, "category": Self.present(entity.category),
                "kind": entity.kind.rawValue]
    }

    func tagRef(_ slug: String) -> [String: Any] {
        let name = model.tagNames[slug] ?? slug
        return ["name": name, "url": link("/tags/\(slug)/")]
    }

    /// The values of one briefing's card: the same in every list.
    func briefingCard(_ index: Int) -> [String: Any] {
        var card = itemBase(index)
        put(tags: model.briefings[index].tags, as: "tags", of: "briefing-card", in: &card)
        card["hasTags"] = !model.briefings[index].tags.isEmpty
        return card
    }

    /// A briefing in a list: its card, and on entity pages what ties it to the entity.
    func briefingItem(_ index: Int, mentions: Int? = nil, via: Int? = nil, isReference: Bool = false) -> Any {
        var item = itemBase(index)
        let card = briefingCards.indices.contains(index) ? briefingCards[index] : HTMLFragment("")
        // Absent values are explicit `false`: Mustache otherwise searches every enclosing
        // context for the name, which dominates long lists.
        let reference = isReference && (via != nil || (mentions ?? 0) > 0)
        item["reference"] = reference
        item["mentions"] = mentions.flatMap { $0 > 0 ? $0 : nil } ?? false
        item["plural"] = (mentions ?? 0) != 1
        item["via"] = via.map(entityRef) ?? false
        item["referenceMeta"] = reference ? referenceLines.line(via: via, mentions: mentions ?? 0, view: self) : HTMLFragment("")
        guard let cardReads else {
            item["card"] = card
            return item
        }
        item["card"] = CardMarker(card, reads: cardReads)
        return SkeletonItem(item, cardFields: SkeletonItem.briefingCardFields, reads: cardReads)
    }

    /// A briefing's plain values, shared by its card and by its items in every list (the card
    /// carries the tags and the rest).
    private func itemBase(_ index: Int) -> [String: Any] {
        itemBases.indices.contains(index) ? itemBases[index] : makeItemBase(index)
    }

    /// Room is made for the values `briefingItem` adds, so adding them does not grow the storage.
    private func makeItemBase(_ index: Int) -> [String: Any] {
        var item = [String: Any](minimumCapacity: 12)
        item["title"] = model.briefings[index].source.title
        item["url"] = link(model.briefings[index].url)
        item["date"] = model.briefings[index].source.date.display
        item["dateISO"] = model.briefings[index].source.date.description
        item["summary"] = Self.present(model.briefings[index].source.summary)
        return item
    }

    /// The context `event-card` renders with.
    func eventCard(_ position: Int) -> [String: Any] {
        eventValues(position, entitiesAs: "event-card")
    }

    /// An event's card values; `template` is the one they are for, whose list of entities may
    /// be joined (nil: a list item, whose partial may read them).
    private func eventValues(_ position: Int, entitiesAs template: String?) -> [String: Any] {
        let event = model.timeline[position]
        // Read in place: copying the whole resolved briefing retains every one of its values.
        let briefingTitle = model.briefings[event.briefing].source.title
        let briefingURL = model.briefings[event.briefing].url
        let entities = event.actors + event.places
        var values: [String: Any] = [
            "date": event.date.display,
            "dateISO": event.date.description,
            "title": event.title,
            "publication": event.isPublication,
            "briefing": ["title": briefingTitle, "url": link(briefingURL)],
            "hasEntities": !entities.isEmpty,
        ]
        if let template {
            put(chips: entities, as: "entities", of: template, in: &values)
        } else {
            values["entities"] = entities.map(entityRef)
        }
        return values
    }

    func eventItem(_ position: Int, via: Int? = nil) -> Any {
        var item = eventValues(position, entitiesAs: nil)
        let card = eventCards.indices.contains(position) ? eventCards[position] : HTMLFragment("")
        item["via"] = via.map(entityRef) ?? false
        guard let cardReads else {
            item["card"] = card
            return item
        }
        item["card"] = CardMarker(card, reads: cardReads)
        return SkeletonItem(item, cardFields: SkeletonItem.eventCardFields, reads: cardReads)
    }

    func card(_ kind: CardMarkers.Kind, _ index: Int) -> HTMLFragment? {
        let cards = kind == .briefing ? briefingCards : eventCards
        return cards.indices.contains(index) ? cards[index] : nil
    }

    /// This view with a marker in place of every card, for rendering skeletons.
    func withMarkers() -> ViewContext {
        var view = self
        view.briefingCards = briefingCards.indices.map { CardMarkers.marker(.briefing, $0, for: briefingCards[$0]) }
        view.eventCards = eventCards.indices.map { CardMarkers.marker(.event, $0, for: eventCards[$0]) }
        return view
    }

    /// Renders every card once, in parallel; lists then embed them instead of rendering
    /// the same briefing or event again on every page that shows it.
    /// With a session cache, a card whose inputs and template are unchanged is not rendered again.
    func withCards(templates: TemplateSet, cache: SessionCache? = nil, keys: PageKeys? = nil) -> ViewContext {
        var view = self
        let keys = cache == nil ? nil : keys
        view.entityRefs = model.entities.indices.map(makeEntityRef)
        let shared = view
        view.itemBases = Self.computeAll(model.briefings.count) { shared.makeItemBase($0) }
        view.briefingCards = Self.renderAll(model.briefings.count, template: "briefing-card", templates: templates,
                                            cache: cache, key: keys?.briefingCardKey) { shared.briefingCard($0) }
        view.eventCards = Self.renderAll(model.timeline.count, template: "event-card", templates: templates,
                                         cache: cache, key: keys?.eventCardKey) { shared.eventCard($0) }
        return view
    }

    private static func computeAll(_ count: Int, _ make: @escaping (Int) -> [String: Any]) -> [[String: Any]] {
        let slots = ResultSlots<[String: Any]>(count: count)
        let box = UncheckedBox(make)
        DispatchQueue.concurrentPerform(iterations: count) { slots.set($0, box.value($0)) }
        return slots.values.map { $0 ?? [:] }
    }

    private static func renderAll(_ count: Int, template: String, templates: TemplateSet, cache: SessionCache?,
                                  key: ((Int) -> Fingerprint)?, context: @escaping (Int) -> [String: Any]) -> [HTMLFragment] {
        let keys: [Fingerprint] = cache == nil ? [] : key.map { key in  // empty without a cache
            let slots = ResultSlots<Fingerprint>(count: count)
            let box = UncheckedBox(key)
            DispatchQueue.concurrentPerform(iterations: count) { slots.set($0, box.value($0)) }
            return slots.values.map { $0 ?? Fingerprint() }
        } ?? []
        var found: [HTMLFragment?] = keys.isEmpty ? Array(repeating: nil, count: count) : cache?.fragments.reuseAll(keys) ?? []
        let missing = found.indices.filter { found[$0] == nil }
        let slots = ResultSlots<HTMLFragment>(count: missing.count)
        let make = UncheckedBox(context)
        DispatchQueue.concurrentPerform(iterations: missing.count) { slot in
            let index = missing[slot]
            var ignored = Diagnostics()
            let fragment = HTMLFragment(templates.render(make.value(index), template: template, diagnostics: &ignored) ?? "")
            if !keys.isEmpty { cache?.fragments.record(keys[index], fragment) }
            slots.set(slot, fragment)
        }
        for (slot, fragment) in slots.values.enumerated() { found[missing[slot]] = fragment }
        return found.map { $0 ?? HTMLFragment("") }
    }
}
