import DossierMarkdown
import Foundation

/// Reads a briefing's front matter into a `Briefing`.
enum BriefingReader {
    static let knownKeys = ["title", "date", "updated", "summary", "tags", "actors", "places", "events",
                            "sources", "draft", "slug", "linking"]

    static func read(_ source: SourceText, stem: String, diagnostics: inout Diagnostics) -> Briefing? {
        let errorsBefore = diagnostics.errors.count
        guard var front = FrontMatter(yaml: source.frontMatter, path: source.path, firstLine: source.frontMatterLine,
                                      diagnostics: &diagnostics) else { return nil }
        if source.frontMatter == nil {
            diagnostics.error("dossier.frontmatter.missing", source.path,
                              "briefing has no front matter (start the file with '---', title and date)")
            return nil
        }
        let title = front.string("title", required: true, diagnostics: &diagnostics)
        let date = front.date("date", required: true, diagnostics: &diagnostics)
        let updated = front.date("updated", diagnostics: &diagnostics)
        let summary = front.string("summary", diagnostics: &diagnostics)?.value ?? ""
        let tags = front.stringList("tags", diagnostics: &diagnostics)
        let actors = front.stringList("actors", diagnostics: &diagnostics)
        let places = front.stringList("places", diagnostics: &diagnostics)
        let events = readEvents(&front, diagnostics: &diagnostics)
        let sources = readSources(&front, diagnostics: &diagnostics)
        let draft = front.bool("draft", diagnostics: &diagnostics) ?? false
        var linking: LinkingMode?
        if let value = front.string("linking", diagnostics: &diagnostics) {
            linking = LinkingMode(rawValue: value.value)
            if linking == nil {
                diagnostics.error("dossier.frontmatter.linking", source.path, line: value.line, column: value.column,
                                  "linking must be first, all or none, not '\(value.value)'")
            }
        }
        var slugLine = 1
        var slug: String
        if let explicit = front.string("slug", diagnostics: &diagnostics) {
            slug = explicit.value.lowercased()
            slugLine = explicit.line
            if !Slug.isValid(slug) {
                diagnostics.error("dossier.frontmatter.unsafe-slug", source.path, line: explicit.line, column: explicit.column,
                                  "slug '\(explicit.value)' may only contain lowercase letters, digits and hyphens")
            }
        } else {
            slug = Slug.make(stripDatePrefix(stem))
            if slug.isEmpty {
                diagnostics.error("dossier.frontmatter.unsafe-slug", source.path,
                                  "cannot make a URL slug from the file name '\(stem)'; add a 'slug:' to the front matter")
            }
        }
        front.reportUnknownKeys(diagnostics: &diagnostics)
        guard diagnostics.errors.count == errorsBefore, let title, let date else { return nil }
        return Briefing(file: source.path, slug: slug, slugLine: slugLine, title: title.value, date: date.value,
                        updated: updated?.value, summary: summary, tags: tags, actors: actors, places: places,
                        events: events, sources: sources, draft: draft, linking: linking, body: source.body,
                        bodyLine: source.bodyLine)
    }

    static func stripDatePrefix(_ stem: String) -> String {
        // ASCII stems (nearly all) are checked byte by byte: the expression was compiled again
        // for every briefing. `\d` also takes other scripts' digits, so those go to it.
        let head = Array(stem.utf8.prefix(11))
        if head.count == 11, head.allSatisfy({ $0 < 0x80 }) {
            let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
            let datePrefix = head.indices.allSatisfy { [4, 7, 10].contains($0) ? head[$0] == UInt8(ascii: "-") : isDigit(head[$0]) }
            return datePrefix && stem.utf8.count > 11 ? String(stem.utf8.dropFirst(11))! : stem
        }
        let pattern = #"^\d{4}-\d{2}-\d{2}-"#
        guard let range = stem.range(of: pattern, options: .regularExpression), range.upperBound < stem.endIndex else {
            return stem
        }
        return String(stem[range.upperBound...])
    }

    private static func mappingItems(_ front: inout FrontMatter, key: String,
                                     diagnostics: inout Diagnostics) -> [(line: Int, column: Int, mapping: YAMLNode)] {
        guard let entry = front.node(key) else { return [] }
        guard case let .sequence(sequence) = entry.node.content else {
            let (line, column) = front.position(of: entry.node)
            diagnostics.error("dossier.frontmatter.type", front.path, line: line, column: column,
                              "'\(key)' must be a list")
            return []
        }
        return sequence.compactMap { item in
            let (line, column) = front.position(of: item)
            guard case .mapping = item.content else {
                diagnostics.error("dossier.frontmatter.type", front.path, line: line, column: column,
                                  "each item of '\(key)' must be a mapping (e.g. 'date:' and 'title:')")
                return nil
            }
            return (line, column, item)
        }
    }

    private static func readEvents(_ front: inout FrontMatter, diagnostics: inout Diagnostics) -> [BriefingEvent] {
        mappingItems(&front, key: "events", diagnostics: &diagnostics).compactMap { item in
            let reader = front
            let dateNode = item.mapping["date"]
            let titleNode = item.mapping["title"]
            guard let dateNode, let dateText = reader.scalarString(dateNode, key: "date", diagnostics: &diagnostics) else {
                diagnostics.error("dossier.event.missing-date", front.path, line: item.line, column: item.column,
                                  "event is missing its 'date'")
                return nil
            }
            guard let date = SiteDate(parsing: dateText.value), date.time == nil else {
                diagnostics.error("dossier.event.invalid-date", front.path, line: dateText.line, column: dateText.column,
                                  "event date '\(dateText.value)' is not YYYY, YYYY-MM or YYYY-MM-DD")
                return nil
            }
            guard let titleNode, let title = reader.scalarString(titleNode, key: "title", diagnostics: &diagnostics) else {
                diagnostics.error("dossier.event.missing-title", front.path, line: item.line, column: item.column,
                                  "event is missing its 'title'")
                return nil
            }
            let actors = item.mapping["actors"].map {
                FrontMatter.stringList($0, key: "actors", reader: reader, diagnostics: &diagnostics)
            } ?? []
            let places = item.mapping["places"].map {
                FrontMatter.stringList($0, key: "places", reader: reader, diagnostics: &diagnostics)
            } ?? []
            return BriefingEvent(date: date, title: title.value, actors: actors, places: places, line: item.line)
        }
    }

    private static func readSources(_ front: inout FrontMatter, diagnostics: inout Diagnostics) -> [SourceLink] {
        mappingItems(&front, key: "sources", diagnostics: &diagnostics).compactMap { item in
            let reader = front
            let title = item.mapping["title"].flatMap { reader.scalarString($0, key: "title", diagnostics: &diagnostics) }
            let url = item.mapping["url"].flatMap { reader.scalarString($0, key: "url", diagnostics: &diagnostics) }
            guard let title else {
                diagnostics.error("dossier.source.missing-title", front.path, line: item.line, column: item.column,
                                  "source is missing its 'title'")
                return nil
            }
            var date: SiteDate?
            if let text = item.mapping["date"].flatMap({ reader.scalarString($0, key: "date", diagnostics: &diagnostics) }) {
                date = SiteDate(parsing: text.value)
                if date == nil {
                    diagnostics.error("dossier.source.invalid-date", front.path, line: text.line, column: text.column,
                                      "source date '\(text.value)' is not a valid date")
                }
            }
            var safeURL = ""
            if let url {
                if let checked = URLPolicy.safeLink(url.value) {
                    safeURL = checked
                } else {
                    diagnostics.error("dossier.source.unsafe-url", front.path, line: url.line, column: url.column,
                                      "source URL '\(url.value)' uses a scheme Dossier does not publish (use http or https)")
                }
            }
            return SourceLink(title: title.value, url: safeURL, date: date)
        }
    }
}

/// Reads an actor or place file.
enum EntityReader {
    static func read(_ source: SourceText, kind: Entity.Kind, id: String, diagnostics: inout Diagnostics) -> Entity? {
        guard Slug.isValid(id) else {
            diagnostics.error("dossier.entity.unsafe-id", source.path,
                              "\(kind.rawValue) file name '\(id)' must be lowercase letters, digits and hyphens (it is the id and URL)")
            return nil
        }
        let errorsBefore = diagnostics.errors.count
        var front = FrontMatter(yaml: source.frontMatter, path: source.path, firstLine: source.frontMatterLine,
                                diagnostics: &diagnostics)
        guard front != nil else { return nil }
        let name = front!.string("name", diagnostics: &diagnostics)?.value ?? id
        let aliases = front!.stringList("aliases", diagnostics: &diagnostics).map(\.value)
        let category = front!.string("kind", diagnostics: &diagnostics)?.value ?? ""
        let summary = front!.string("summary", diagnostics: &diagnostics)?.value ?? ""
        let parents = front!.stringList(kind.parentKey, diagnostics: &diagnostics)
        let caseSensitive = front!.bool("case_sensitive", diagnostics: &diagnostics) ?? true
        var coordinates: (Double, Double)?
        if kind == .place {
            let values = front!.stringList("coordinates", diagnostics: &diagnostics)
            if !values.isEmpty {
                if values.count == 2, let lat = Double(values[0].value), let lon = Double(values[1].value),
                   abs(lat) <= 90, abs(lon) <= 180 {
                    coordinates = (lat, lon)
                } else {
                    diagnostics.error("dossier.entity.coordinates", source.path, line: values[0].line, column: values[0].column,
                                      "coordinates must be [latitude, longitude] in degrees")
                }
            }
        }
        front!.reportUnknownKeys(diagnostics: &diagnostics)
        guard diagnostics.errors.count == errorsBefore else { return nil }
        return Entity(kind: kind, id: id, file: source.path, name: name, aliases: aliases, category: category,
                      summary: summary, parents: parents, coordinates: coordinates, caseInsensitive: !caseSensitive,
                      body: source.body, bodyLine: source.bodyLine, isStub: false)
    }
}

/// Reads a free page.
enum PageReader {
    static func read(_ source: SourceText, stem: String, diagnostics: inout Diagnostics) -> Page? {
        let errorsBefore = diagnostics.errors.count
        guard var front = FrontMatter(yaml: source.frontMatter, path: source.path, firstLine: source.frontMatterLine,
                                      diagnostics: &diagnostics) else { return nil }
        let title = front.string("title", required: true, diagnostics: &diagnostics)
        let summary = front.string("summary", diagnostics: &diagnostics)?.value ?? ""
        var slug = Slug.make(stem)
        if let explicit = front.string("slug", diagnostics: &diagnostics) {
            slug = explicit.value
            if !Slug.isValid(slug) {
                diagnostics.error("dossier.frontmatter.unsafe-slug", source.path, line: explicit.line, column: explicit.column,
                                  "slug '\(explicit.value)' may only contain lowercase letters, digits and hyphens")
            }
        }
        front.reportUnknownKeys(diagnostics: &diagnostics)
        guard diagnostics.errors.count == errorsBefore, let title else { return nil }
        return Page(file: source.path, slug: slug, title: title.value, summary: summary, body: source.body,
                    bodyLine: source.bodyLine)
    }
}
