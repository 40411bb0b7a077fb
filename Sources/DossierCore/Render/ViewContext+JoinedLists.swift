import Foundation

/// How `ViewContext` puts the lists of `JoinedLists` in page contexts.
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
        putInline(slugs, named: { $0 }, ref: tagRef, as: section, of: template, in: &context)
    }

    /// Puts an event's entities in its card's context, joined where allowed.
    func put(chips entities: [Int], as section: String, of template: String, in context: inout [String: Any]) {
        putInline(entities, named: { String($0) }, ref: entityRef, as: section, of: template, in: &context)
    }

    /// A list of tag or entity refs, or joined: each element rendered once, by its name, through
    /// the section's own body.
    private func putInline<Item>(_ items: [Item], named name: (Item) -> String, ref: (Item) -> [String: Any],
                                 as section: String, of template: String, in context: inout [String: Any]) {
        guard let site = joinedLists.site(template, section) else {
            context[section] = items.map(ref)
            return
        }
        context[section] = !items.isEmpty
        var text = ""
        for item in items { text += itemWrappers.inlineItem(site, item: name(item)) { ref(item) } }
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
        join(items.count, cards: briefingCards) { position in
            let item = items[position]
            let mentions = item.mentions ?? 0
            let line = item.isReference && (item.via != nil || mentions > 0)
                ? ReferenceLines.Key(via: item.via, mentions: mentions) : nil
            return (.briefing(line: line), item.index)
        }
    }

    /// Events as the built-in `event-item` shows them, one after another.
    func joinedEvents(_ items: [(position: Int, via: Int?)]) -> JoinedHTML {
        join(items.count, cards: eventCards) { position in
            let item = items[position]
            return (.event(publication: model.timeline[item.position].isPublication, via: item.via), item.position)
        }
    }

    /// Each card between its wrapper, in one string made to size (an entity page's list runs
    /// to megabytes, and growing it by appending copied it over and over). Cards are read in
    /// place, never copied: every page listing a card shares its storage, on both cores, and
    /// each copy was an atomic retain and release of it.
    private func join(_ count: Int, cards: [HTMLFragment],
                      item: (Int) -> (key: ItemWrappers.Key, card: Int)) -> JoinedHTML {
        var wrapperOf: [ItemWrappers.Key: Int] = [:]
        var wrappers: [ItemWrappers.Wrapper] = []
        var wrapperSizes: [Int] = []
        var parts: [(wrapper: Int, card: Int)] = []
        parts.reserveCapacity(count)
        var size = 0
        for position in 0..<count {
            let (key, card) = item(position)
            let wrapper: Int
            if let known = wrapperOf[key] {
                wrapper = known
            } else {
                wrapper = wrappers.count
                wrapperOf[key] = wrapper
                let made = itemWrappers.wrapper(key, view: self)
                wrappers.append(made)
                wrapperSizes.append(made.prefix.utf8.count + made.suffix.utf8.count)
            }
            size += wrapperSizes[wrapper]
            let hasCard = cards.indices.contains(card)
            // As `CardMarker` notes when a skeleton shows a card that is not a marker.
            if let cardReads, hasCard, !cards[card].isEmpty, !cards[card].isMarker { cardReads.noteCardValues() }
            size += hasCard ? cards[card].utf8Count : 0
            parts.append((wrapper, hasCard ? card : -1))
        }
        var text = ""
        text.reserveCapacity(size)
        for part in parts {
            text += wrappers[part.wrapper].prefix
            if part.card >= 0 { cards[part.card].append(to: &text) }
            text += wrappers[part.wrapper].suffix
        }
        return JoinedHTML(renderText: text)
    }
}
