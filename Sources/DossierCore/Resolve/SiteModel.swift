import DossierMarkdown

/// A briefing with everything resolved: the site model a template sees, in plain data.
///
/// Its values live in one shared box, copied only when a shared briefing is changed: the site's
/// whole-site passes (page keys, feeds, related briefings, search documents) read 10,000 of them,
/// and copying one as a plain struct retained each of its two dozen values (7 % of a rebuild in
/// `serve`). `_read` and `_modify` let `briefing.source.title` borrow instead of copying `source`.
struct ResolvedBriefing: Sendable {
    private final class Storage: @unchecked Sendable {  // changed only through a unique reference
        var source: Briefing
        var body: RenderedBody
        var actors: [Int]
        var places: [Int]
        var tags: [String]
        var related: [Int]
        var listed: [Int]

        init(source: Briefing, body: RenderedBody, actors: [Int], places: [Int], tags: [String], related: [Int],
             listed: [Int]) {
            self.source = source
            self.body = body
            self.actors = actors
            self.places = places
            self.tags = tags
            self.related = related
            self.listed = listed
        }

        func copy() -> Storage {
            Storage(source: source, body: body, actors: actors, places: places, tags: tags, related: related, listed: listed)
        }
    }

    private var storage: Storage

    init(source: Briefing, body: RenderedBody, actors: [Int], places: [Int], tags: [String], related: [Int] = [],
         listed: [Int] = []) {
        storage = Storage(source: source, body: body, actors: actors, places: places, tags: tags, related: related,
                          listed: listed)
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    var source: Briefing {
        _read { yield storage.source }
        _modify { makeUnique(); yield &storage.source }
    }
    var body: RenderedBody {
        _read { yield storage.body }
        _modify { makeUnique(); yield &storage.body }
    }
    /// Entity indices from front matter and from the text, sorted by name.
    var actors: [Int] {
        _read { yield storage.actors }
        _modify { makeUnique(); yield &storage.actors }
    }
    var places: [Int] {
        _read { yield storage.places }
        _modify { makeUnique(); yield &storage.places }
    }
    /// Tag slugs in the order written.
    var tags: [String] {
        _read { yield storage.tags }
        _modify { makeUnique(); yield &storage.tags }
    }
    var related: [Int] {
        _read { yield storage.related }
        _modify { makeUnique(); yield &storage.related }
    }
    /// Entity indices the front matter names (actors, then places), before any found in the text.
    var listed: [Int] {
        _read { yield storage.listed }
        _modify { makeUnique(); yield &storage.listed }
    }

    var url: String { "/briefings/\(source.slug)/" }
    var readingMinutes: Int { max(1, (body.wordCount + 229) / 230) }
    var entities: [Int] { actors + places }
}

struct ResolvedEvent: Sendable {
    var date: SiteDate
    var title: String
    var actors: [Int]
    var places: [Int]
    /// Index into `SiteModel.briefings`.
    var briefing: Int
    /// A briefing's own publication shows on the timeline too.
    var isPublication: Bool
}

struct Tag: Sendable {
    var slug: String
    /// The first spelling met, in briefing order.
    var name: String
    /// Briefing indices, newest first.
    var briefings: [Int]
}

/// What an entity page shows besides its profile.
struct EntityFacts: Sendable {
    struct Reference: Sendable {
        var briefing: Int
        var mentions: Int
        /// Set when the briefing concerns a member or contained place, not the entity itself.
        var via: Int?
    }

    var profile: RenderedBody?
    /// Newest first, roll-up included.
    var references: [Reference] = []
    /// Entity index and number of shared briefings, most first.
    var appearsWith: [(entity: Int, count: Int)] = []
    /// Events involving the entity or its descendants, oldest first.
    var events: [Int] = []
}

struct ResolvedPage: Sendable {
    var source: Page
    var body: RenderedBody
    var url: String { "/\(source.slug)/" }
}

/// The Resolve stage's result: the whole site as plain data, ready to render.
struct SiteModel: Sendable {
    var config: SiteConfig
    var briefings: [ResolvedBriefing]
    var directory: EntityDirectory
    var hierarchy: Hierarchy
    var facts: [EntityFacts]
    var tags: [Tag]
    var timeline: [ResolvedEvent]
    var pages: [ResolvedPage]
    var staticFiles: [StaticFile]

    /// Lookups the renderer needs for every page, computed once.
    var tagNames: [String: String] = [:]
    /// Timeline positions of each briefing's own events (publications excluded).
    var eventsByBriefing: [[Int]] = []

    var entities: [Entity] { directory.entities }

    mutating func indexLookups() {
        tagNames = Dictionary(tags.map { ($0.slug, $0.name) }, uniquingKeysWith: { first, _ in first })
        eventsByBriefing = Array(repeating: [], count: briefings.count)
        for (position, event) in timeline.enumerated() where !event.isPublication {
            eventsByBriefing[event.briefing].append(position)
        }
    }
}
