import Foundation

/// Site-wide facts derived from resolved briefings: tags, timeline, backlinks, co-occurrence,
/// related briefings. Every step is O(n log n) in briefings or linear in references.
enum Aggregates {
    static func tags(briefings: [ResolvedBriefing]) -> [Tag] {
        var tags: [String: Tag] = [:]
        for (index, briefing) in briefings.enumerated() {
            for written in briefing.source.tags {
                let slug = Slug.makeOrHash(written.value)
                if tags[slug] == nil { tags[slug] = Tag(slug: slug, name: written.value, briefings: []) }
                if tags[slug]!.briefings.last != index { tags[slug]!.briefings.append(index) }
            }
        }
        return tags.values.sorted { $0.slug < $1.slug }
    }

    /// Events and publications, oldest first; ties by briefing order then title.
    static func timeline(briefings: [ResolvedBriefing], eventEntities: [[(actors: [Int], places: [Int])]]) -> [ResolvedEvent] {
        var events: [ResolvedEvent] = []
        for (index, briefing) in briefings.enumerated() {
            for (position, event) in briefing.source.events.enumerated() {
                let entities = eventEntities[index][position]
                events.append(ResolvedEvent(date: event.date, title: event.title, actors: entities.actors,
                                            places: entities.places, briefing: index, isPublication: false))
            }
            events.append(ResolvedEvent(date: briefing.source.date, title: briefing.source.title, actors: [], places: [],
                                        briefing: index, isPublication: true))
        }
        // Sort positions, not the events themselves (moving structs was most of the cost).
        // Field by field: binding `events[i]` to a constant would copy the event's arrays. Dates
        // compare as one packed number, then by time of day, which is what `SiteDate.<` does.
        let days = events.map { $0.date.packedDay }
        return events.indices.sorted { lhs, rhs in
            if days[lhs] != days[rhs] { return days[lhs] < days[rhs] }
            if events[lhs].date.time != events[rhs].date.time {
                return (events[lhs].date.time ?? "") < (events[rhs].date.time ?? "")
            }
            if events[lhs].isPublication != events[rhs].isPublication { return !events[lhs].isPublication }
            if events[lhs].title != events[rhs].title { return events[lhs].title < events[rhs].title }
            return lhs < rhs
        }.map { events[$0] }
    }

    /// `serve`, and a build with the previous build's cache, reuse the previous facts while
    /// everything they are made of is unchanged (an edit to a body's prose that mentions the
    /// same entities as often, say).
    static func entityFacts(model: SiteModel, profiles: [RenderedBody], cache: SessionCache?) -> [EntityFacts] {
        guard let cache else { return entityFacts(model: model, profiles: profiles) }
        var key = Fingerprint()
        for (index, entity) in model.entities.enumerated() {
            key.combine(entity.name)
            key.combine(profiles.indices.contains(index) ? profiles[index].fragment.digest : Fingerprint())
            key.combine(UInt64(model.hierarchy.children[index].count))
            for child in model.hierarchy.children[index] { key.combine(UInt64(child)) }
        }
        for briefing in model.briefings {
            key.combine(UInt64(briefing.actors.count + briefing.places.count))
            for entity in briefing.actors + briefing.places {
                key.combine(UInt64(entity))
                key.combine(UInt64(briefing.body.mentions[entity] ?? 0))
            }
        }
        for event in model.timeline {
            key.combine(byte: event.isPublication ? 1 : 0)
            key.combine(UInt64(event.actors.count))
            for entity in event.actors + event.places { key.combine(UInt64(entity)) }
        }
        if var facts = cache.entityFacts.reuse(key) {
            // A saved cache keeps the facts without the profiles (they are saved as bodies).
            for index in facts.indices { facts[index].profile = profiles.indices.contains(index) ? profiles[index] : nil }
            return facts
        }
        let facts = entityFacts(model: model, profiles: profiles)
        cache.entityFacts.record(key, facts)
        return facts
    }

    static func entityFacts(model: SiteModel, profiles: [RenderedBody]) -> [EntityFacts] {
        let count = model.entities.count
        var direct: [[EntityFacts.Reference]] = Array(repeating: [], count: count)
        // Pairs counted in a square table when it is small (500 entities: 1 MB), which is
        // millions of increments at 10,000 briefings; in dictionaries otherwise.
        let dense = count <= 2_048
        var table = [UInt32](repeating: 0, count: dense ? count * count : 0)
        var pairCounts: [[Int: Int]] = Array(repeating: [:], count: dense ? 0 : count)
        for index in model.briefings.indices {
            let entities = model.briefings[index].entities
            let mentions = model.briefings[index].body.mentions
            for entity in entities {
                direct[entity].append(.init(briefing: index, mentions: mentions[entity] ?? 0, via: nil))
                if dense {
                    table.withUnsafeMutableBufferPointer { table in
                        for other in entities where other != entity { table[entity * count + other] += 1 }
                    }
                } else {
                    for other in entities where other != entity { pairCounts[entity][other, default: 0] += 1 }
                }
            }
        }
        func pairs(of entity: Int) -> [(entity: Int, count: Int)] {
            guard dense else { return pairCounts[entity].map { (entity: $0.key, count: $0.value) } }
            return (0..<count).compactMap { other in
                let shared = table[entity * count + other]
                return shared > 0 ? (entity: other, count: Int(shared)) : nil
            }
        }
        var eventsByEntity: [[Int]] = Array(repeating: [], count: count)
        for (position, event) in model.timeline.enumerated() where !event.isPublication {
            for entity in Set(event.actors + event.places) { eventsByEntity[entity].append(position) }
        }

        let nameRanks = Self.nameRanks(model.entities)
        return (0..<count).map { entity in
            var facts = EntityFacts(profile: profiles.indices.contains(entity) ? profiles[entity] : nil)
            // Roll-up: a place shows what happened in the places within it; an actor its members'.
            var references = direct[entity]
            var seen = Set(references.map(\.briefing))
            var events = Set(eventsByEntity[entity])
            for descendant in model.hierarchy.descendants(of: entity) {
                for reference in direct[descendant] where seen.insert(reference.briefing).inserted {
                    references.append(.init(briefing: reference.briefing, mentions: reference.mentions, via: descendant))
                }
                events.formUnion(eventsByEntity[descendant])
            }
            // Briefings are stored newest first, so index order is date order.
            facts.references = references.sorted { $0.briefing < $1.briefing }
            facts.events = events.sorted()
            // Most often first, then by name, then by index: entities may share a name, and the
            // dictionary's order changes from one process to the next.
            facts.appearsWith = pairs(of: entity)
                .sorted { a, b in
                    if a.count != b.count { return a.count > b.count }
                    if nameRanks[a.entity] != nameRanks[b.entity] { return nameRanks[a.entity] < nameRanks[b.entity] }
                    return a.entity < b.entity
                }
                .prefix(10).map { $0 }
            return facts
        }
    }

    /// Each entity's place in name order, equal names sharing one: comparing two ranks is what
    /// comparing the names would say, without comparing strings in every entity's sort.
    static func nameRanks(_ entities: [Entity]) -> [Int] {
        ranks(entities.count) { entities[$0].name < entities[$1].name }
    }

    /// The place of each of `count` items in the order `less` gives, items that neither
    /// precedes sharing one.
    static func ranks(_ count: Int, by less: (Int, Int) -> Bool) -> [Int] {
        let order = (0..<count).sorted(by: less)
        var ranks = [Int](repeating: 0, count: count)
        var rank = 0
        for (position, index) in order.enumerated() {
            if position > 0, less(order[position - 1], index) { rank += 1 }
            ranks[index] = rank
        }
        return ranks
    }

    /// Top five related briefings by shared actors, places and tags, rarer features weighing
    /// more (IDF). Features shared by a large share of a big site add almost nothing and are
    /// skipped so the step stays near-linear. Features are numbered (entities, then tags) and
    /// scores kept in one dense array per worker, so the inner loop does no hashing.
    ///
    /// The result depends only on each briefing's entities and tags, so `serve` reuses the
    /// previous result when none of those changed (an edit to a body's prose, say).
    /// Each briefing's related briefings, by position.
    static func related(_ briefings: [ResolvedBriefing], entities: [Entity], cache: SessionCache? = nil) -> [[Int]] {
        let total = briefings.count
        guard total > 1 else { return Array(repeating: [], count: total) }
        var key = Fingerprint()
        if let cache {
            key.combine(UInt64(total))
            for briefing in briefings {
                key.combine(UInt64(briefing.actors.count + briefing.places.count))
                for entity in briefing.actors { key.combine(UInt64(entity)) }
                for entity in briefing.places { key.combine(UInt64(entity)) }
                for tag in briefing.tags { key.combine(tag) }
                key.combine(byte: 0xFE)
            }
            if let related = cache.related.reuse(key) {
                cache.relatedBasis.keep(0)
                return related
            }
        }
        let numbered = RelatedFeatures(briefings, entityCount: entities.count)
        let features = numbered.features
        let entityCount = numbered.entityCount
        let tagNumbers = numbered.tagNumbers
        let graph = FeatureGraph(features: features, featureCount: numbered.count, total: total)

        // `serve` scores again only the briefings an edit can reach (`RelatedBasis`).
        var basis: RelatedBasis?
        if let cache, !cache.persistent {
            var names = (0..<entityCount).map { "\(entities[$0].kind.rawValue)/\(entities[$0].id)" }
            names += tagNumbers.sorted { $0.value < $1.value }.map { "#" + $0.key }
            basis = RelatedBasis(slugs: briefings.map(\.source.slug), featureNames: names, features: features, related: [])
        }
        var related: [[Int]?] = Array(repeating: nil, count: total)
        if let basis, let previous = cache?.relatedBasis.reuse(0),
           let carried = previous.carriedOver(slugs: basis.slugs, featureNames: basis.featureNames, features: features,
                                              graph: graph) {
            related = carried
        }
        let pending = related.indices.filter { related[$0] == nil }
        for (slot, value) in RelatedScorer.topFives(for: pending, in: graph).enumerated() { related[pending[slot]] = value }
        let found = related.map { $0 ?? [] }
        cache?.related.record(key, found)
        if var basis {
            basis.related = found
            cache?.relatedBasis.record(0, basis)
        }
        return found
    }
}
