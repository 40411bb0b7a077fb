/// How entity mentions in a briefing's text become links.
public enum LinkingMode: String, Sendable, CaseIterable, Equatable {
    case first, all, none
}

/// A reference to an actor or place exactly as written in front matter.
public typealias Reference = Located<String>

public struct SourceLink: Sendable, Equatable {
    public var title: String
    public var url: String
    public var date: SiteDate?
}

public struct BriefingEvent: Sendable, Equatable {
    public var date: SiteDate
    public var title: String
    public var actors: [Reference]
    public var places: [Reference]
    var line: Int
}

/// A briefing as loaded from disk: typed front matter and the raw Markdown body.
public struct Briefing: Sendable, Equatable {
    public var file: String
    public var slug: String
    public var slugLine: Int
    public var title: String
    public var date: SiteDate
    public var updated: SiteDate?
    public var summary: String
    public var tags: [Located<String>]
    public var actors: [Reference]
    public var places: [Reference]
    public var events: [BriefingEvent]
    public var sources: [SourceLink]
    public var draft: Bool
    public var linking: LinkingMode?
    public var body: String
    public var bodyLine: Int
    /// Set, with `body` empty, when the loader left the body unread (`StampedBriefing`).
    var unreadBody: UnreadBody?

    /// The date feeds and sitemaps report as last modification.
    public var lastModified: SiteDate { updated.map { max($0, date) } ?? date }
}

/// A briefing body the loader did not read, because its file is unchanged since the build that
/// saved the body's digest; `BodyRenderer` reads it only if it must render it.
struct UnreadBody: Sendable, Equatable {
    /// The file's path, as the loader opened it.
    var path: String
    /// `Fingerprint(of:)` the body's text.
    var digest: Fingerprint
}

/// An actor or a place.
public struct Entity: Sendable {
    public enum Kind: String, Sendable, Hashable {
        case actor, place
        /// URL folder and index title.
        public var folder: String { self == .actor ? "actors" : "places" }
        public var parentKey: String { self == .actor ? "part_of" : "within" }
    }

    public var kind: Kind
    public var id: String
    public var file: String
    public var name: String
    public var aliases: [String]
    /// Free-text category ("armed group", "city") used for grouping on index pages.
    public var category: String
    public var summary: String
    public var parents: [Reference]
    public var coordinates: (latitude: Double, longitude: Double)?
    public var caseInsensitive: Bool
    public var body: String
    public var bodyLine: Int
    /// Made up for a reference nothing defines, so that no link is dead.
    public var isStub: Bool

    public var url: String { "/\(kind.folder)/\(id)/" }
}

/// A free page such as /about/.
public struct Page: Sendable {
    public var file: String
    public var slug: String
    public var title: String
    public var summary: String
    public var body: String
    public var bodyLine: Int
}

/// A file copied verbatim from `Content/static/`.
public struct StaticFile: Sendable {
    public var source: String
    /// Path inside the output folder, '/'-separated.
    public var outputPath: String
}
