/// Template name and context for each kind of page. What a context reads must also be covered
/// by the page's render-cache key in `PageKeys.swift`.
extension ViewContext {
    /// On an entity's page, the member or contained place through which an event concerns it
    /// (nil when the event names the entity itself).
    static func eventVia(_ event: ResolvedEvent, entity: Int, descendants: Set<Int>) -> Int? {
        if event.actors.contains(entity) || event.places.contains(entity) { return nil }
        return event.actors.first(where: descendants.contains) ?? event.places.first(where: descendants.contains)
    }

    func render(_ job: PageJob) -> (template: String, context: [String: Any]) {
        let url = job.url(in: model)
        switch job {
        case .home: return ("home", home())
        case let .briefing(index): return ("briefing", briefing(index))
        case let .briefingList(page): return ("briefings", briefingList(page: page, url: url))
        case let .entity(index): return ("entity", entity(index))
        case let .entityIndex(kind): return ("entities", entityIndex(kind))
        case .tagIndex:
            return ("tags", [
                "site": site(current: "/tags/"),
                "page": page(title: "Tags", path: url, kind: "tags"),
                "tags": model.tags.map { ["name": $0.name, "url": link("/tags/\($0.slug)/"), "count": $0.briefings.count] },
            ])
        case let .tag(index):
            let tag = model.tags[index]
            var context: [String: Any] = [
                "site": site(current: "/tags/"),
                "page": page(title: "Tag: \(tag.name)", path: url, kind: "tag",
                             feed: ("\(config.title): \(tag.name)", url + "atom.xml")),
                "heading": "Briefings tagged “\(tag.name)”",
            ]
            put(briefings: tag.briefings.map { ($0, nil, nil, false) }, as: "items", of: "briefings", in: &context)
            return ("briefings", context)
        case .timeline: return ("timeline", timeline())
        case let .page(index):
            let resolved = model.pages[index]
            return ("page", [
                "site": site(current: url),
                "page": page(title: resolved.source.title, path: url, description: resolved.source.summary, kind: "page"),
                "title": resolved.source.title,
                "body": resolved.body.fragment,
            ])
        case .search:
            return ("search", ["site": site(current: "/search/"), "page": page(title: "Search", path: url, kind: "search")])
        case .notFound:
            return ("404", ["site": site(current: nil), "page": page(title: "Page not found", path: url, kind: "not-found")])
        }
    }

    private func home() -> [String: Any] {
        let rank = { (kind: Entity.Kind) -> [[String: Any]] in
            model.entities.indices
                .filter { model.entities[$0].kind == kind && !model.entities[$0].isStub && !model.facts[$0].references.isEmpty }
                .sorted { (model.facts[$0].references.count, model.entities[$1].name) > (model.facts[$1].references.count, model.entities[$0].name) }
                .prefix(10).map(entityRef)
        }
        let keyActors = rank(.actor)
        let keyPlaces = rank(.place)
        let recent = model.timeline.indices.filter { !model.timeline[$0].isPublication }.suffix(8).reversed().map { eventItem($0) }
        return [
            "site": site(current: "/"),
            "page": page(title: config.title, path: "/", kind: "home"),
            "latest": model.briefings.indices.prefix(10).map { briefingItem($0) },
            "keyActors": [keyActors], "hasKeyActors": !keyActors.isEmpty,
            "keyPlaces": [keyPlaces], "hasKeyPlaces": !keyPlaces.isEmpty,
            "recentEvents": recent, "hasRecentEvents": !recent.isEmpty,
        ]
    }

    private func briefing(_ index: Int) -> [String: Any] {
        let briefing = model.briefings[index]
        let source = briefing.source
        let events = model.eventsByBriefing[index]
        let sources: [[String: Any]] = source.sources.map { link in
            // An undated source says so: without `date`, `{{#date}}` found the briefing's own.
            var item: [String: Any] = ["title": link.title, "url": Self.present(link.url), "date": false, "dateISO": false]
            if let date = link.date { item["date"] = date.display; item["dateISO"] = date.description }
            return item
        }
        var context: [String: Any] = [
            "site": site(current: "/briefings/"),
            "page": page(title: source.title, path: briefing.url, description: source.summary, kind: "briefing",
                         ogType: "article"),
            "title": source.title,
            "summary": Self.present(source.summary),
            "date": source.date.display,
            "dateISO": source.date.description,
            "readingMinutes": briefing.readingMinutes,
            "draft": source.draft,
            "hasTags": !briefing.tags.isEmpty,
            "hasActors": !briefing.actors.isEmpty,
            "hasPlaces": !briefing.places.isEmpty,
            "hasEvents": !events.isEmpty,
            "hasSources": !sources.isEmpty,
            "hasRelated": !briefing.related.isEmpty,
            "body": briefing.body.fragment,
        ]
        put(tags: briefing.tags, as: "tags", of: "briefing", in: &context)
        put(sources: sources, as: "sources", of: "briefing", in: &context)
        put(entities: briefing.actors, as: "actors", of: "briefing", in: &context)
        put(entities: briefing.places, as: "places", of: "briefing", in: &context)
        put(events: events.map { ($0, nil) }, as: "events", of: "briefing", in: &context)
        put(briefings: briefing.related.map { ($0, nil, nil, false) }, as: "related", of: "briefing", in: &context)
        if let updated = source.updated {
            context["updated"] = updated.display
            context["updatedISO"] = updated.description
        }
        return context
    }

    private func briefingList(page number: Int, url: String) -> [String: Any] {
        let perPage = config.perPage
        let total = max(1, model.briefingPageCount)
        let start = (number - 1) * perPage
        let items = model.briefings.indices.dropFirst(start).prefix(perPage).map { ($0, nil, nil, false) as BriefingEntry }
        var pagination: [String: Any] = ["current": number, "total": total]
        if number > 1 { pagination["previous"] = link(PageJob.briefingList(page: number - 1).url(in: model)) }
        if number < total { pagination["next"] = link(PageJob.briefingList(page: number + 1).url(in: model)) }
        var context: [String: Any] = [
            "site": site(current: "/briefings/"),
            "page": page(title: number == 1 ? "Briefings" : "Briefings, page \(number)", path: url, kind: "briefings"),
            "heading": "Briefings",
            "pagination": total > 1 ? pagination : false,
        ]
        put(briefings: items, as: "items", of: "briefings", in: &context)
        return context
    }

    private func entity(_ index: Int) -> [String: Any] {
        let entity = model.entities[index]
        let facts = model.facts[index]
        let hierarchy = model.hierarchy
        let isPlace = entity.kind == .place
        let parents = hierarchy.parents[index]
        let children = hierarchy.children[index]
        let breadcrumb = isPlace ? hierarchy.ancestorChain(of: index).reversed().map(entityRef) : []
        let descendants = Set(hierarchy.descendants(of: index))
        let events = facts.events.map { position in
            (position: position, via: Self.eventVia(model.timeline[position], entity: index, descendants: descendants))
        }
        var context: [String: Any] = [
            "site": site(current: "/\(entity.kind.folder)/"),
            "page": page(title: entity.name, path: entity.url, description: entity.summary, kind: "entity",
                         feed: ("\(config.title): \(entity.name)", entity.url + "atom.xml")),
            "name": entity.name,
            "kindLabel": isPlace ? "Place" : "Actor",
            "kindNoun": isPlace ? "place" : "actor",
            "indexURL": link("/\(entity.kind.folder)/"),
            "category": Self.present(entity.category),
            "aliases": entity.aliases, "hasAliases": !entity.aliases.isEmpty,
            "summary": Self.present(entity.summary),
            "stub": entity.isStub,
            "profile": facts.profile.map(\.fragment).flatMap { $0.isEmpty ? nil : $0 } ?? false,
            "breadcrumb": breadcrumb, "hasBreadcrumb": !breadcrumb.isEmpty,
            "hasParents": !parents.isEmpty, "parentsLabel": isPlace ? "Within" : "Part of",
            "hasChildren": !children.isEmpty, "childrenLabel": isPlace ? "Contains" : "Members",
            "referenceCount": facts.references.count,
            "hasEvents": !events.isEmpty,
            "appearsWith": facts.appearsWith.map { pair -> [String: Any] in
                var ref = entityRef(pair.entity)
                ref["count"] = pair.count
                return ref
            },
            "hasAppearsWith": !facts.appearsWith.isEmpty,
            "feedURL": link(entity.url + "atom.xml"),
        ]
        put(briefings: facts.references.map { ($0.briefing, $0.mentions, $0.via, true) }, as: "references", of: "entity",
            in: &context)
        put(events: events, as: "events", of: "entity", in: &context)
        put(entities: parents, as: "parents", of: "entity", in: &context)
        put(entities: children, as: "children", of: "entity", in: &context)
        return context
    }

    private func entityIndex(_ kind: Entity.Kind) -> [String: Any] {
        let members = model.entities.indices.filter { model.entities[$0].kind == kind }
        var groups: [String: [Int]] = [:]
        for index in members { groups[model.entities[index].category.isEmpty ? "Other" : model.entities[index].category, default: []].append(index) }
        let groupList: [[String: Any]] = groups.keys.sorted { ($0 == "Other" ? 1 : 0, $0) < ($1 == "Other" ? 1 : 0, $1) }.map { category in
            ["category": category, "entities": groups[category]!.sorted { model.entities[$0].name < model.entities[$1].name }.map { index in
                var ref = entityRef(index)
                ref["summary"] = Self.present(model.entities[index].summary)
                ref["count"] = Self.present(model.facts[index].references.count)
                return ref
            }]
        }
        var context: [String: Any] = [
            "site": site(current: "/\(kind.folder)/"),
            "page": page(title: kind == .actor ? "Actors" : "Places", path: "/\(kind.folder)/", kind: "entities"),
            "heading": kind == .actor ? "Actors" : "Places",
            "groups": groupList,
        ]
        if kind == .place {
            let roots = members.filter { model.hierarchy.parents[$0].isEmpty && !model.hierarchy.children[$0].isEmpty }
            context["tree"] = roots.sorted { model.entities[$0].name < model.entities[$1].name }.map(placeNode)
            context["hasTree"] = !roots.isEmpty
        }
        return context
    }

    private func placeNode(_ index: Int) -> [String: Any] {
        var node = entityRef(index)
        let children = model.hierarchy.children[index]
        node["count"] = Self.present(model.facts[index].references.count)
        node["children"] = children.map(placeNode)
        node["hasChildren"] = !children.isEmpty
        return node
    }

    private func timeline() -> [String: Any] {
        var years: [[String: Any]] = []
        var currentYear: Int?
        var months: [[String: Any]] = []
        var currentMonth: Int??
        var events: [(position: Int, via: Int?)] = []
        func closeMonth() {
            guard let month = currentMonth, let year = currentYear else { return }
            let label = month.map { "\(SiteDate.monthNames[$0 - 1]) \(year)" } ?? "During \(year)"
            var context: [String: Any] = ["label": label]
            put(events: events, as: "events", of: "timeline", in: &context)
            months.append(context)
            events = []
        }
        func closeYear() {
            closeMonth()
            if let year = currentYear { years.append(["year": year, "months": months]) }
            months = []
            currentMonth = nil
        }
        for position in model.timeline.indices {
            let date = model.timeline[position].date
            if date.year != currentYear {
                closeYear()
                currentYear = date.year
            }
            if currentMonth == nil || currentMonth! != date.month {
                closeMonth()
                currentMonth = .some(date.month)
            }
            events.append((position, nil))
        }
        closeYear()
        return [
            "site": site(current: "/timeline/"),
            "page": page(title: "Timeline", path: "/timeline/", kind: "timeline"),
            "years": years,
        ]
    }
}
