import Foundation
import Mustache

/// Lists of the built-in theme whose items are put together in Swift instead of rendered by
/// Mustache one at a time.
///
/// Every Mustache name lookup costs 1.5–3 µs (swift-mustache splits the name, copies the context
/// stack and casts each value it meets to several protocols), and a list item costs its partial
/// plus two or three lookups. At 10,000 briefings the entity pages alone list 200,000 briefings
/// and 110,000 events: about a quarter of a full build's templating, and the dictionaries made
/// for each item besides.
///
/// The built-in `briefing-item` and `event-item` read only their item's card and a few flags
/// (`referenceMeta`; `publication` and `via`), all present in the item, so an item's output is its
/// card between a prefix and a suffix that depend on those flags alone. `ItemWrappers` renders
/// each distinct prefix and suffix once, with the partial itself and a placeholder for the card,
/// and a list is then the items' cards between their wrappers, joined. The built-in
/// `entity-list` is a frame around one chip per entity, each reading only its entity ref: each
/// entity's chip is rendered once, by the partial, and a list is the frame around its chips.
/// The tag links of cards and of the briefing page and the entity links of event cards are
/// sections of their templates whose body reads only the tag or entity: the body becomes a
/// template of its own, rendered once per tag or entity. This is done only where
/// the page template and the item partial are both built-in: a theme that overrides either gets
/// the ordinary rendering, with the same output (`JoinedListsTests` compares the two byte for byte).
struct JoinedLists: Sendable {
    /// A section of a built-in template that renders each element with an item partial, or
    /// with a body of its own (`inline`) that reads nothing but the element's values.
    struct Site: Hashable, Sendable {
        let template: String
        let section: String
        let partial: String?
        let inline: String?

        init(template: String, section: String, partial: String) {
            (self.template, self.section, self.partial, inline) = (template, section, partial, nil)
        }

        init(template: String, section: String, inline: String) {
            (self.template, self.section, partial, self.inline) = (template, section, nil, inline)
        }

        var tag: String { "{{#\(section)}}" + (partial.map { "{{>\($0)}}" } ?? inline ?? "") + "{{/\(section)}}" }
        /// The context key of the joined items, and the tag that shows it instead of the section.
        var key: String { section + "Joined" }
        var replacement: String { "{{{\(key)}}}" }
        /// An inline body is registered as a template of its own, to render one element.
        var itemTemplate: String { partial ?? "dossier-joined/\(template)/\(section)" }
    }

    /// The chip of a tag or an entity in the built-in cards and briefing header.
    private static let linkChip = "<li><a href=\"{{url}}\">{{name}}</a></li>"

    static let sites: [Site] = [
        Site(template: "entity", section: "references", partial: "briefing-item"),
        Site(template: "entity", section: "events", partial: "event-item"),
        Site(template: "briefing", section: "related", partial: "briefing-item"),
        Site(template: "briefing", section: "events", partial: "event-item"),
        Site(template: "briefings", section: "items", partial: "briefing-item"),
        Site(template: "timeline", section: "events", partial: "event-item"),
        Site(template: "briefing", section: "actors", partial: "entity-list"),
        Site(template: "briefing", section: "places", partial: "entity-list"),
        Site(template: "entity", section: "parents", partial: "entity-list"),
        Site(template: "entity", section: "children", partial: "entity-list"),
        Site(template: "briefing-card", section: "tags", inline: linkChip),
        Site(template: "briefing", section: "tags", inline: linkChip),
        Site(template: "event-card", section: "entities", inline: linkChip),
        Site(template: "briefing", section: "sources", inline: sourceItem),
    ]

    /// A source of the built-in briefing page. Each is rendered once (through `ShapeSkeletons`),
    /// so that the page's context holds no list and the page itself has a shape.
    static let sourceItem = #"<li>{{#url}}<a href="{{url}}" rel="noopener">{{title}}</a>{{/url}}{{^url}}{{title}}{{/url}}{{#date}}, <time datetime="{{dateISO}}">{{date}}</time>{{/date}}</li>"#

    private let active: Set<Site>

    /// No list joined: every template renders its items itself.
    static let none = JoinedLists(active: [])

    private init(active: Set<Site>) {
        self.active = active
    }

    /// Rewrites the built-in templates whose lists can be joined, given the names the site's
    /// theme overrides.
    static func rewrite(_ sources: inout [String: String], overridden: Set<String>) -> JoinedLists {
        var active: Set<Site> = []
        for site in sites where !overridden.contains(site.template) && !overridden.contains(site.itemTemplate) {
            guard let text = sources[site.template], text.contains(site.tag) else { continue }
            sources[site.template] = text.replacingOccurrences(of: site.tag, with: site.replacement)
            if let inline = site.inline { sources[site.itemTemplate] = inline }
            active.insert(site)
        }
        return JoinedLists(active: active)
    }

    /// The joined site of `section` in `template`, if that list is joined in this theme.
    func site(_ template: String, _ section: String) -> Site? {
        active.first { $0.template == template && $0.section == section }
    }
}

/// Joined list items: HTML inserted as it is, like a card (`{{{…}}}`). Unlike `HTMLFragment`
/// it has no digest: a page's list is made once and hashed as part of nothing.
struct JoinedHTML: MustacheCustomRenderable, Sendable {
    let renderText: String
    var isNull: Bool { renderText.isEmpty }
}

/// The text around the card of each distinct kind of list item, rendered once by the built-in
/// item partial (see `JoinedLists`).
final class ItemWrappers: @unchecked Sendable {
    enum Key: Hashable {
        /// A briefing item; `line` is the reference line's key, nil for an item without one.
        case briefing(line: ReferenceLines.Key?)
        case event(publication: Bool, via: Int?)
    }

    struct Wrapper {
        let prefix: String
        let suffix: String
    }

    /// Stands for the card while a wrapper renders; it cannot occur in a rendered template.
    private static let placeholder = "\u{0}dossier-item-card\u{0}"

    let templates: TemplateSet
    private let lock = NSLock()
    private var rendered: [Key: Wrapper] = [:]
    private var chips: [Int: String] = [:]
    private var chipFrame: Wrapper?
    private var inlineItems: [InlineKey: String] = [:]

    struct InlineKey: Hashable {
        let site: String
        let item: String
    }

    init(templates: TemplateSet) {
        self.templates = templates
    }

    func wrapper(_ key: Key, view: ViewContext) -> Wrapper {
        lock.lock()
        let known = rendered[key]
        lock.unlock()
        if let known { return known }
        // Rendered outside the lock: two threads may both render a new wrapper, with the same result.
        let card = HTMLFragment(Self.placeholder)
        let context: [String: Any]
        let partial: String
        switch key {
        case let .briefing(line):
            partial = "briefing-item"
            context = ["card": card, "referenceMeta": line.map { view.referenceLines.line($0, view: view) } ?? HTMLFragment("")]
        case let .event(publication, via):
            partial = "event-item"
            context = ["card": card, "publication": publication, "via": via.map(view.entityRef) ?? false]
        }
        var ignored = Diagnostics()
        let text = templates.render(context, template: partial, diagnostics: &ignored) ?? ""
        let parts = text.components(separatedBy: Self.placeholder)
        // The built-in partials show the card exactly once; anything else is a bug worth seeing.
        precondition(parts.count == 2, "the built-in \(partial) must show its card exactly once")
        let wrapper = Wrapper(prefix: parts[0], suffix: parts[1])
        lock.lock()
        rendered[key] = wrapper
        lock.unlock()
        return wrapper
    }

    /// The built-in `entity-list` around no entity, split where its chips go: before its
    /// `{{#.}}` section and after it.
    func entityListFrame() -> Wrapper {
        lock.lock()
        let known = chipFrame
        lock.unlock()
        if let known { return known }
        let empty = renderEntityList([])
        let source = DefaultTheme.entityList
        let prefix = String(source[..<source.range(of: "{{#.}}")!.lowerBound])
        precondition(empty.hasPrefix(prefix), "the built-in entity-list must open with plain text")
        let frame = Wrapper(prefix: prefix, suffix: String(empty.dropFirst(prefix.count)))
        lock.lock()
        chipFrame = frame
        lock.unlock()
        return frame
    }

    /// One entity as the built-in `entity-list` shows it, without the frame.
    func chip(_ entity: Int, view: ViewContext) -> String {
        lock.lock()
        let known = chips[entity]
        lock.unlock()
        if let known { return known }
        let frame = entityListFrame()
        let framed = renderEntityList([view.entityRef(entity)])
        precondition(framed.hasPrefix(frame.prefix) && framed.hasSuffix(frame.suffix), "the built-in entity-list must frame its chips")
        let chip = String(framed.dropFirst(frame.prefix.count).dropLast(frame.suffix.count))
        lock.lock()
        chips[entity] = chip
        lock.unlock()
        return chip
    }

    /// One element of an inline joined section, rendered once per `item` by the section's body.
    func inlineItem(_ site: JoinedLists.Site, item: String, context: () -> [String: Any]) -> String {
        let key = InlineKey(site: site.itemTemplate, item: item)
        lock.lock()
        let known = inlineItems[key]
        lock.unlock()
        if let known { return known }
        var ignored = Diagnostics()
        let text = templates.render(context(), template: site.itemTemplate, diagnostics: &ignored) ?? ""
        lock.lock()
        inlineItems[key] = text
        lock.unlock()
        return text
    }

    private func renderEntityList(_ refs: [[String: Any]]) -> String {
        // The partial's context is the list itself, as `{{#actors}}` hands it over.
        templates.library.render(refs, withTemplate: "entity-list") ?? ""
    }
}

extension ViewContext {
    typealias BriefingEntry = (index: Int, mentions: Int?, via: Int?, isReference: Bool)

    /// Puts a list of briefings in a page's context: joined where the theme lets Swift join it,
    /// as one item per briefing otherwise. A joined list is still there by its own name as a
    /// flag, for `{{^section}}`.
    func put(briefings entries: [BriefingEntry], as section: String, of template: String, in context: inout [String: Any]) {
        guard let site = joinedLists.site(template, section) else {
            context[section] = entries.map { briefingItem($0.index, mentions: $0.mentions, via: $0.via, isReference: $0.isReference) }
            return
        }
        context[section] = !entries.isEmpty
        context[site.key] = joinedBriefings(entries)
    }

    /// Puts a list of events in a page's context, as `put(briefings:…)` does.
    func put(events entries: [(position: Int, via: Int?)], as section: String, of template: String, in context: inout [String: Any]) {
        guard let site = joinedLists.site(template, section) else {
            context[section] = entries.map { eventItem($0.position, via: $0.via) }
            return
        }
        context[section] = !entries.isEmpty
        context[site.key] = joinedEvents(entries)
    }

    /// Puts a list of entities in a page's context as a list holding the list of refs, which
    /// `{{#section}}{{>entity-list}}{{/section}}` shows once; joined where the theme allows.
    func put(entities: [Int], as section: String, of template: String, in context: inout [String: Any]) {
        guard let site = joinedLists.site(template, section) else {
            context[section] = [entities.map(entityRef)]
            return
        }
        context[section] = true
        let frame = itemWrappers.entityListFrame()
        var text = frame.prefix
        for entity in entities { text += itemWrappers.chip(entity, view: self) }
        text += frame.suffix
        context[site.key] = JoinedHTML(renderText: text)
    }

    /// Puts a briefing's tags in a context (a card or a briefing page), joined where allowed.
    func put(tags slugs: [String], as section: String, of template: String, in context: inout [String: Any]) {
        guard let site = joinedLists.site(template, section) else {
            context[section] = slugs.map(tagRef)
            return
        }
        context[section] = !slugs.isEmpty
        var text = ""
        for slug in slugs { text += itemWrappers.inlineItem(site, item: slug) { tagRef(slug) } }
        context[site.key] = JoinedHTML(renderText: text)
    }

    /// Puts an event's entities in its card's context, joined where allowed.
    func put(chips entities: [Int], as section: String, of template: String, in context: inout [String: Any]) {
        guard let site = joinedLists.site(template, section) else {
            context[section] = entities.map(entityRef)
            return
        }
        context[section] = !entities.isEmpty
        var text = ""
        for entity in entities { text += itemWrappers.inlineItem(site, item: String(entity)) { entityRef(entity) } }
        context[site.key] = JoinedHTML(renderText: text)
    }

    /// Puts a briefing's sources in its page's context, joined where allowed (each rendered by
    /// the section's own body, with its item alone: every name it reads is in the item).
    func put(sources items: [[String: Any]], as section: String, of template: String, in context: inout [String: Any]) {
        guard let site = joinedLists.site(template, section) else {
            context[section] = items
            return
        }
        context[section] = !items.isEmpty
        var text = ""
        for item in items {
            var ignored = Diagnostics()
            text += itemWrappers.templates.render(item, template: site.itemTemplate, diagnostics: &ignored) ?? ""
        }
        context[site.key] = JoinedHTML(renderText: text)
    }

    /// Briefings as the built-in `briefing-item` shows them, one after another.
    func joinedBriefings(_ items: [BriefingEntry]) -> JoinedHTML {
        join(items.map { item in
            let mentions = item.mentions ?? 0
            let line = item.isReference && (item.via != nil || mentions > 0)
                ? ReferenceLines.Key(via: item.via, mentions: mentions) : nil
            return (.briefing(line: line), briefingCards.indices.contains(item.index) ? briefingCards[item.index] : nil)
        })
    }

    /// Events as the built-in `event-item` shows them, one after another.
    func joinedEvents(_ items: [(position: Int, via: Int?)]) -> JoinedHTML {
        join(items.map { item in
            (.event(publication: model.timeline[item.position].isPublication, via: item.via),
             eventCards.indices.contains(item.position) ? eventCards[item.position] : nil)
        })
    }

    /// Each card between its wrapper, in one string made to size (an entity page's list runs
    /// to megabytes, and growing it by appending copied it over and over).
    private func join(_ items: [(key: ItemWrappers.Key, card: HTMLFragment?)]) -> JoinedHTML {
        var known: [ItemWrappers.Key: ItemWrappers.Wrapper] = [:]
        var parts: [(wrapper: ItemWrappers.Wrapper, html: String)] = []
        parts.reserveCapacity(items.count)
        var size = 0
        for item in items {
            let wrapper = known[item.key] ?? itemWrappers.wrapper(item.key, view: self)
            known[item.key] = wrapper
            let html = item.card?.html ?? ""
            // As `CardMarker` notes when a skeleton shows a card that is not a marker.
            if let cardReads, !html.isEmpty, html.first != "\u{0}" { cardReads.noteCardValues() }
            size += wrapper.prefix.utf8.count + html.utf8.count + wrapper.suffix.utf8.count
            parts.append((wrapper, html))
        }
        var text = ""
        text.reserveCapacity(size)
        for part in parts {
            text += part.wrapper.prefix
            text += part.html
            text += part.wrapper.suffix
        }
        return JoinedHTML(renderText: text)
    }
}
