import Foundation

/// The part of `BodyEdit` for saves that change the actors or places a briefing's front matter
/// lists (its body must still mention the same entities as often).
///
/// Such a save changes: the briefing's actors and places (listed or mentioned), shown on its own
/// page; the entity pages of the entities it gains or loses, and of their ancestors, whose lists
/// of briefings roll up their members' and contained places'; the "appears with" lists of every
/// entity it names before or after; those entities' feeds and sitemap lines; the actor and place
/// indexes and the home page, which count references; related briefings, scored again where
/// the change reaches (`TagEdit.rescoreRelated`); its search terms.
///
/// Refused (the caller rebuilds everything) when a listed name is unknown or a stub, before or
/// after: a clean build makes a stub page for an unknown name and drops a stub no briefing names.
enum EntityEdit {
    /// The entities a briefing's front matter lists, resolved as `Resolver` does (actors, then
    /// places); nil when one is unknown or a stub.
    static func listed(_ briefing: Briefing, in directory: EntityDirectory) -> [Int]? {
        var listed: [Int] = []
        for (references, kind) in [(briefing.actors, Entity.Kind.actor), (briefing.places, .place)] {
            for reference in references {
                guard let index = directory.resolve(reference.value, kind: kind), !directory.entities[index].isStub else { return nil }
                listed.append(index)
            }
        }
        return listed
    }

    /// Gives the briefings their new listed entities (new sources and bodies are in the model
    /// already), with the entity facts that follow; returns the entities whose facts changed,
    /// or nil when the edit is refused. `last.prepareForPatches` must have run on the model as it
    /// was before the edit.
    static func relist(_ edits: [(index: Int, listed: [Int])], last: inout LastBuild) -> Set<Int>? {
        let entities = last.model.entities
        let features = last.relatedFeatures!
        var named = Set<Int>()  // entities named by an edited briefing, before or after
        var gainedOrLost = Set<Int>()
        for (index, listed) in edits {
            guard !last.model.briefings[index].listed.contains(where: { entities[$0].isStub }) else { return nil }
            let old = Set(last.model.briefings[index].entities)
            let mentioned = last.model.briefings[index].body.mentions.keys
            // As `Resolver` orders them: by name, then id, within each kind.
            let byName = { (a: Int, b: Int) in (entities[a].name, entities[a].id) < (entities[b].name, entities[b].id) }
            let actors = Set(listed.filter { entities[$0].kind == .actor } + mentioned.filter { entities[$0].kind == .actor })
            let places = Set(listed.filter { entities[$0].kind == .place } + mentioned.filter { entities[$0].kind == .place })
            last.model.briefings[index].listed = listed
            last.model.briefings[index].actors = actors.sorted(by: byName)
            last.model.briefings[index].places = places.sorted(by: byName)
            let new = actors.union(places)
            // Related briefings number entities below `entityCount` (every entity of the site), then tags.
            guard new.allSatisfy({ $0 < features.entityCount }) else { return nil }
            guard new != old else { continue }
            named.formUnion(old.union(new))
            gainedOrLost.formUnion(old.symmetricDifference(new))
            for entity in old.subtracting(new) { last.briefingsNaming[entity].removeAll { $0 == index } }
            for entity in new.subtracting(old) {
                let position = last.briefingsNaming[entity].firstIndex { $0 > index } ?? last.briefingsNaming[entity].count
                last.briefingsNaming[entity].insert(index, at: position)
            }
        }
        // A list of references rolls up the entities below it.
        var rolledUp = gainedOrLost
        var queue = Array(gainedOrLost)
        while let entity = queue.popLast() {
            for parent in last.model.hierarchy.parents[entity] where rolledUp.insert(parent).inserted { queue.append(parent) }
        }
        let nameRanks = Aggregates.nameRanks(entities)
        var changed = Set<Int>()
        for entity in rolledUp.union(named).sorted() {
            var facts = last.model.facts[entity]
            if rolledUp.contains(entity) { facts.references = references(of: entity, last: last) }
            if named.contains(entity) { facts.appearsWith = appearsWith(entity, last: last, nameRanks: nameRanks) }
            if !same(facts, last.model.facts[entity]) {
                last.model.facts[entity] = facts
                changed.insert(entity)
            }
        }
        return changed
    }

    /// The pages whose values follow entity facts: the changed entities' own pages, the actor
    /// and place indexes and the home page (they count references).
    static func pages(for entities: Set<Int>) -> [PageJob] {
        guard !entities.isEmpty else { return [] }
        return [.home, .entityIndex(.actor), .entityIndex(.place)] + entities.sorted().map(PageJob.entity)
    }

    /// The sitemap dates an entity page by the newest briefing it lists.
    static func redate(_ entities: Set<Int>, last: inout LastBuild) {
        for entity in entities.sorted() { last.sitemap!.redate(entity: entity, in: last.model) }
    }

    /// `Aggregates.entityFacts`'s references, for one entity.
    private static func references(of entity: Int, last: LastBuild) -> [EntityFacts.Reference] {
        let model = last.model
        var references = last.briefingsNaming[entity].map {
            EntityFacts.Reference(briefing: $0, mentions: model.briefings[$0].body.mentions[entity] ?? 0, via: nil)
        }
        var seen = Set(last.briefingsNaming[entity])
        for descendant in model.hierarchy.descendants(of: entity) {
            for briefing in last.briefingsNaming[descendant] where seen.insert(briefing).inserted {
                references.append(.init(briefing: briefing, mentions: model.briefings[briefing].body.mentions[descendant] ?? 0,
                                        via: descendant))
            }
        }
        return references.sorted { $0.briefing < $1.briefing }
    }

    /// `Aggregates.entityFacts`'s "appears with", for one entity. Counted in a dense array:
    /// a group named by thousands of briefings is counted on every such save.
    private static func appearsWith(_ entity: Int, last: LastBuild, nameRanks: [Int]) -> [(entity: Int, count: Int)] {
        var counts = [Int](repeating: 0, count: last.model.entities.count)
        var met: [Int] = []
        func count(_ other: Int) {
            guard other != entity else { return }
            if counts[other] == 0 { met.append(other) }
            counts[other] += 1
        }
        for briefing in last.briefingsNaming[entity] {
            for other in last.model.briefings[briefing].actors { count(other) }
            for other in last.model.briefings[briefing].places { count(other) }
        }
        return met.map { (entity: $0, count: counts[$0]) }
            .sorted { a, b in
                if a.count != b.count { return a.count > b.count }
                if nameRanks[a.entity] != nameRanks[b.entity] { return nameRanks[a.entity] < nameRanks[b.entity] }
                return a.entity < b.entity
            }
            .prefix(10).map { $0 }
    }

    private static func same(_ a: EntityFacts, _ b: EntityFacts) -> Bool {
        a.references.count == b.references.count && a.appearsWith.count == b.appearsWith.count
            && zip(a.references, b.references).allSatisfy { $0.briefing == $1.briefing && $0.mentions == $1.mentions && $0.via == $1.via }
            && zip(a.appearsWith, b.appearsWith).allSatisfy { $0.entity == $1.entity && $0.count == $1.count }
    }
}
