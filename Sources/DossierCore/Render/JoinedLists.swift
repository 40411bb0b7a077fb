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
/// it has no digest of its own: a page's list is made once, for that page.
struct JoinedHTML: MustacheCustomRenderable, Sendable {
    let renderText: String
    var isNull: Bool { renderText.isEmpty }
}
