/// The built-in default theme, compiled into the binary so a site with only `Content/` builds.
enum DefaultTheme {
    /// Template name → Mustache source. Names are what `Templates/NAME.mustache` overrides.
    static let templates: [String: String] = [
        "layout": layout,
        "header": header,
        "footer": footer,
        "briefing-card": briefingCard,
        "briefing-item": briefingItem,
        "reference-meta": referenceMeta,
        "entity-list": entityList,
        "event-card": eventCard,
        "event-item": eventItem,
        "pagination": pagination,
        "place-tree": placeTree,
        "home": home,
        "briefing": briefing,
        "briefings": briefings,
        "entity": entity,
        "entities": entities,
        "tags": tags,
        "timeline": timeline,
        "page": page,
        "search": search,
        "404": notFound,
    ]

    /// Output path → file text, overridable from `Templates/assets/`.
    static let assets: [String: String] = [
        "assets/style.css": stylesheet,
        "assets/search.js": searchScript,
    ]
}
