import Foundation

/// The Resolve stage: turns loaded content into the cross-referenced site model.
enum Resolver {
    /// Top-level URL segments the generator owns; pages may not take them.
    static let reservedSlugs: Set<String> = ["briefings", "actors", "places", "tags", "timeline", "search", "page",
                                             "atom.xml", "sitemap.xml", "robots.txt", "404.html", "assets"]

    static func resolve(_ content: SiteContent, cache: SessionCache? = nil, diagnostics: inout Diagnostics) -> SiteModel {
        resolveKeepingRenderer(content, cache: cache, diagnostics: &diagnostics).model
    }

    /// The model, and the body renderer it was made with (`serve` keeps it to render an edited
    /// body again without resolving the whole site; see `BodyEdit`).
    static func resolveKeepingRenderer(_ content: SiteContent, cache: SessionCache? = nil,
                                       diagnostics: inout Diagnostics) -> (model: SiteModel, renderer: BodyRenderer) {
        let config = content.config
        var directory = EntityDirectory(entities: content.entities)
        let hierarchy = Hierarchy(directory: directory, diagnostics: &diagnostics)
        // The mention automaton (every name and alias) is built while the briefings are sorted
        // and their references resolved: it matches only the entities read from files, which
        // resolving references leaves as they are (it adds stubs after them).
        let known = directory.entities
        let all = content.briefings
        let (ordered, matcher) = sideBySide({ () -> (order: [Int], listed: [(actors: [Int], places: [Int])],
                                                     events: [[(actors: [Int], places: [Int])]]) in
            let order = newestFirst(all, diagnostics: &diagnostics)
            checkPageSlugs(content.pages, diagnostics: &diagnostics)
            // Front-matter references resolve before bodies, so stubs exist for every listed name.
            var listed: [(actors: [Int], places: [Int])] = []
            var eventEntities: [[(actors: [Int], places: [Int])]] = []
            // By index, field by field: `for briefing in briefings` copies each Briefing, retaining
            // every value in it, and this stage runs on every rebuild of `serve`.
            for index in order {
                let file = all[index].file
                let actors = all[index].actors.map { resolveReference($0, .actor, file, &directory, &diagnostics) }
                let places = all[index].places.map { resolveReference($0, .place, file, &directory, &diagnostics) }
                listed.append((actors, places))
                eventEntities.append(all[index].events.map { event in
                    (event.actors.map { resolveReference($0, .actor, file, &directory, &diagnostics) },
                     event.places.map { resolveReference($0, .place, file, &directory, &diagnostics) })
                })
            }
            return (order, listed, eventEntities)
        }, {
            MentionMatcher(patterns: known.enumerated().flatMap { index, entity -> [MentionPattern] in
                guard !entity.isStub else { return [] }
                return ([entity.name] + entity.aliases).map {
                    MentionPattern(text: $0, entity: index, caseInsensitive: entity.caseInsensitive)
                }
            })
        })
        // `all[order[i]]` is the i-th briefing, newest first: the briefings are not copied into
        // an array of their own, which the end of this function would free field by field.
        let (order, listed, eventEntities) = ordered
        let hierarchyWithStubs = hierarchy.extended(to: directory.entities.count)

        var documentURLs: [String: (url: String, title: String)] = [:]
        for page in content.pages { documentURLs[page.slug] = ("/\(page.slug)/", page.title) }
        for index in order {
            documentURLs[all[index].slug] = ("/briefings/\(all[index].slug)/", all[index].title)
        }
        let renderer = BodyRenderer(matcher: matcher, directory: directory, config: config,
                                    documentURLs: documentURLs)
        let reuse = cache.map { BodyReuse(cache: $0, renderer: renderer) }

        let bodies = renderAll(order.indices.map { index in
            bodyRequest(all, order[index], listed: listed[index].actors + listed[index].places, config: config)
        }, renderer: renderer, reuse: reuse, diagnostics: &diagnostics)

        var resolved: [ResolvedBriefing] = []
        resolved.reserveCapacity(order.count)
        // (name, id) is unique within a kind, so ranks order each briefing's actors and places as
        // comparing the strings would, without comparing them for every briefing.
        let entities = directory.entities
        let ranks = Aggregates.ranks(entities.count) { (entities[$0].name, entities[$0].id) < (entities[$1].name, entities[$1].id) }
        let byName = { (a: Int, b: Int) in ranks[a] < ranks[b] }
        for index in order.indices {
            let body = bodies[index]
            let mentioned = body.mentions.keys
            let actors = Set(listed[index].actors + mentioned.filter { directory.entities[$0].kind == .actor })
            let places = Set(listed[index].places + mentioned.filter { directory.entities[$0].kind == .place })
            resolved.append(ResolvedBriefing(source: all[order[index]], body: body, actors: actors.sorted(by: byName),
                                             places: places.sorted(by: byName), tags: tagSlugs(all[order[index]].tags),
                                             listed: listed[index].actors + listed[index].places))
        }

        let entityRequests = directory.entities.indices.map { index in
            let entity = directory.entities[index]
            return BodyRenderer.Request(markdown: entity.body, file: entity.file, bodyLine: entity.bodyLine,
                                        linking: config.linking, owner: index)
        }
        let profiles = renderAll(entityRequests, renderer: renderer, reuse: reuse, diagnostics: &diagnostics)
        let pageBodies = renderAll(content.pages.map {
            BodyRenderer.Request(markdown: $0.body, file: $0.file, bodyLine: $0.bodyLine, linking: config.linking)
        }, renderer: renderer, reuse: reuse, diagnostics: &diagnostics)

        let base = SiteModel(config: config, briefings: consume resolved, directory: directory, hierarchy: hierarchyWithStubs,
                             facts: [], tags: [], timeline: [],
                             pages: zip(content.pages, pageBodies).map { ResolvedPage(source: $0, body: $1) }
                                 .sorted { $0.source.slug < $1.source.slug },
                             staticFiles: content.staticFiles)
        // Two independent chains, one per core: the timeline, then entity facts (which read it);
        // tags and related briefings.
        let (chronology, (tags, related)) = sideBySide({
            var dated = base
            dated.timeline = Aggregates.timeline(briefings: base.briefings, eventEntities: eventEntities)
            return (dated.timeline, Aggregates.entityFacts(model: dated, profiles: profiles, cache: cache))
        }, {
            (Aggregates.tags(briefings: base.briefings), Aggregates.related(base.briefings, entities: base.entities, cache: cache))
        })
        // The only reference left to the briefings: setting each one's related briefings does
        // not copy all 10,000 of them.
        var model = consume base
        (model.timeline, model.facts, model.tags) = (chronology.0, chronology.1, tags)
        for index in model.briefings.indices { model.briefings[index].related = related[index] }
        model.indexLookups()
        return (model, renderer)
    }

    /// A briefing's tags as slugs, in the order written, each once.
    /// Taking the tags alone: passing `briefings[index]` would copy the whole Briefing.
    static func tagSlugs(_ tags: [Located<String>]) -> [String] {
        var slugs: [String] = []
        for tag in tags {
            let slug = Slug.makeOrHash(tag.value)
            if !slugs.contains(slug) { slugs.append(slug) }
        }
        return slugs
    }

    /// What the body renderer is asked for a briefing's body; `listed` are the entities its
    /// front matter names (actors, then places).
    static func bodyRequest(_ briefing: Briefing, listed: [Int], config: SiteConfig) -> BodyRenderer.Request {
        bodyRequest([briefing], 0, listed: listed, config: config)
    }

    /// The request for `briefings[index]`, reading its fields in place (see `tagSlugs`).
    static func bodyRequest(_ briefings: [Briefing], _ index: Int, listed: [Int], config: SiteConfig) -> BodyRenderer.Request {
        BodyRenderer.Request(markdown: briefings[index].body, file: briefings[index].file, bodyLine: briefings[index].bodyLine,
                             linking: briefings[index].linking ?? config.linking, listed: Set(listed),
                             unread: briefings[index].unreadBody)
    }

    private static func resolveReference(_ reference: Reference, _ kind: Entity.Kind, _ file: String,
                                         _ directory: inout EntityDirectory, _ diagnostics: inout Diagnostics) -> Int {
        if let index = directory.resolve(reference.value, kind: kind) { return index }
        let stubID = Slug.makeOrHash(reference.value)
        if let existing = directory.index(kind: kind, id: stubID), directory.entities[existing].isStub { return existing }
        let suggestion = Suggestion.closest(to: reference.value,
                                            in: directory.entities.filter { $0.kind == kind && !$0.isStub }
                                                .flatMap { [$0.id, $0.name] + $0.aliases })
        diagnostics.warning("dossier.reference.unresolved", file, line: reference.line, column: reference.column,
                            "unknown \(kind.rawValue) '\(reference.value)'; a stub page is made for it",
                            notes: suggestion.map { ["did you mean '\($0)'?"] } ?? [])
        var id = stubID
        while directory.index(kind: kind, id: id) != nil { id += "-stub" }
        return directory.add(Entity(kind: kind, id: id, file: file, name: reference.value, aliases: [], category: "",
                                    summary: "", parents: [], coordinates: nil, caseInsensitive: false, body: "",
                                    bodyLine: 1, isStub: true))
    }

    /// The positions of the briefings with a unique slug, newest first, then by slug. Dates compare as packed
    /// days, then by time of day (as `SiteDate.<` does), from arrays made once: reading
    /// `all[i].date` in the comparison copied the whole Briefing, 140,000 times at 10,000
    /// briefings. Indices are sorted rather than the briefings: a Briefing is a large struct
    /// to move.
    private static func newestFirst(_ all: [Briefing], diagnostics: inout Diagnostics) -> [Int] {
        let days = all.indices.map { all[$0].date.packedDay }
        let times = all.indices.map { all[$0].date.time ?? "" }
        let slugs = all.indices.map { all[$0].slug }
        return uniqueSlugs(all, diagnostics: &diagnostics)
            .sorted { a, b in
                if days[a] != days[b] { return days[a] > days[b] }
                if times[a] != times[b] { return times[a] > times[b] }
                return slugs[a] < slugs[b]
            }
    }

    /// Reports briefings that share a slug and keeps one of each, so the clash is reported once,
    /// at the `slug:` line that caused it when there is one.
    private static func uniqueSlugs(_ briefings: [Briefing], diagnostics: inout Diagnostics) -> [Int] {
        // One dictionary of first holders, and groups only for the rare shared slugs: a group
        // per slug and a sort of every slug took 100 ms of each rebuild at 10,000 briefings.
        var firstHolder: [String: Int] = [:]
        firstHolder.reserveCapacity(briefings.count)
        var shared: [String: [Int]] = [:]
        for index in briefings.indices {
            if let first = firstHolder[briefings[index].slug] {
                shared[briefings[index].slug, default: [first]].append(index)
            } else {
                firstHolder[briefings[index].slug] = index
            }
        }
        var kept = [Bool](repeating: false, count: briefings.count)
        for index in briefings.indices where shared[briefings[index].slug] == nil { kept[index] = true }
        for slug in shared.keys.sorted() {
            let group = shared[slug]!.sorted { a, b in
                (briefings[a].slugLine > 1 ? 1 : 0, briefings[a].file) < (briefings[b].slugLine > 1 ? 1 : 0, briefings[b].file)
            }
            kept[group[0]] = true
            for other in group.dropFirst() {
                diagnostics.error("dossier.briefing.duplicate-slug", briefings[other].file, line: briefings[other].slugLine,
                                  "slug '\(slug)' is also used by \(briefings[group[0]].file)")
            }
        }
        return briefings.indices.filter { kept[$0] }
    }

    private static func checkPageSlugs(_ pages: [Page], diagnostics: inout Diagnostics) {
        var pageSlugs: [String: String] = [:]
        for page in pages {
            if reservedSlugs.contains(page.slug) {
                diagnostics.error("dossier.page.reserved-slug", page.file,
                                  "page slug '\(page.slug)' is used by the site itself; choose another")
            } else if let other = pageSlugs[page.slug] {
                diagnostics.error("dossier.page.duplicate-slug", page.file, "slug '\(page.slug)' is also used by \(other)")
            }
            pageSlugs[page.slug] = page.file
        }
    }

    /// Renders bodies on all cores, keeping diagnostics in input order.
    private static func renderAll(_ requests: [BodyRenderer.Request], renderer: BodyRenderer, reuse: BodyReuse?,
                                  diagnostics: inout Diagnostics) -> [RenderedBody] {
        let bodies: [RenderedBody]
        if let reuse {
            bodies = reuse.bodies(for: requests)
        } else {
            let slots = ResultSlots<RenderedBody>(count: requests.count)
            let shared = UncheckedBox(requests)
            DispatchQueue.concurrentPerform(iterations: requests.count) { index in
                slots.set(index, renderer.render(shared.value[index]))
            }
            bodies = requests.indices.map { slots.take($0)! }
        }
        for index in bodies.indices { diagnostics.append(contentsOf: bodies[index].diagnostics) }
        return bodies
    }
}

/// Hands immutable input to `concurrentPerform` workers.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

extension Hierarchy {
    /// Stubs added after the hierarchy was built have no parents or children.
    func extended(to count: Int) -> Hierarchy {
        var copy = self
        copy.pad(to: count)
        return copy
    }
}
