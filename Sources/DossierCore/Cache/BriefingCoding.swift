/// A briefing's front-matter values in `SessionCacheFile`'s binary format (the body is not
/// saved: it is read from the file again, with the front matter it is keyed by).
enum BriefingCoding {
    static func write(_ briefing: Briefing, to writer: inout BinaryWriter) {
        writer.write(briefing.file)
        writer.write(briefing.slug)
        writer.write(briefing.slugLine)
        writer.write(briefing.title)
        write(briefing.date, to: &writer)
        writer.write(briefing.updated != nil)
        if let updated = briefing.updated { write(updated, to: &writer) }
        writer.write(briefing.summary)
        write(briefing.tags, to: &writer)
        write(briefing.actors, to: &writer)
        write(briefing.places, to: &writer)
        writer.write(count: briefing.events.count)
        for event in briefing.events {
            write(event.date, to: &writer)
            writer.write(event.title)
            write(event.actors, to: &writer)
            write(event.places, to: &writer)
            writer.write(event.line)
        }
        writer.write(count: briefing.sources.count)
        for source in briefing.sources {
            writer.write(source.title)
            writer.write(source.url)
            writer.write(source.date != nil)
            if let date = source.date { write(date, to: &writer) }
        }
        writer.write(briefing.draft)
        writer.write(briefing.linking?.rawValue ?? "")
    }

    static func read(_ reader: inout BinaryReader) -> Briefing {
        let file = reader.readString()
        let slug = reader.readString()
        let slugLine = reader.readInt()
        let title = reader.readString()
        let date = readDate(&reader)
        let updated = reader.readBool() ? readDate(&reader) : nil
        let summary = reader.readString()
        let tags = readLocated(&reader)
        let actors = readLocated(&reader)
        let places = readLocated(&reader)
        let events = (0..<reader.readCount()).map { _ in
            BriefingEvent(date: readDate(&reader), title: reader.readString(), actors: readLocated(&reader),
                          places: readLocated(&reader), line: reader.readInt())
        }
        let sources = (0..<reader.readCount()).map { _ in
            SourceLink(title: reader.readString(), url: reader.readString(), date: reader.readBool() ? readDate(&reader) : nil)
        }
        let draft = reader.readBool()
        let linking = LinkingMode(rawValue: reader.readString())
        return Briefing(file: file, slug: slug, slugLine: slugLine, title: title, date: date, updated: updated, summary: summary,
                        tags: tags, actors: actors, places: places, events: events, sources: sources, draft: draft,
                        linking: linking, body: "", bodyLine: 0)
    }

    private static func write(_ date: SiteDate, to writer: inout BinaryWriter) {
        writer.write(date.year)
        writer.write(date.month ?? -1)
        writer.write(date.day ?? -1)
        writer.write(date.time ?? "\u{0}")
    }

    private static func readDate(_ reader: inout BinaryReader) -> SiteDate {
        let year = reader.readInt()
        let month = reader.readInt()
        let day = reader.readInt()
        let time = reader.readString()
        return SiteDate(year: year, month: month < 0 ? nil : month, day: day < 0 ? nil : day, time: time == "\u{0}" ? nil : time)
    }

    private static func write(_ list: [Located<String>], to writer: inout BinaryWriter) {
        writer.write(count: list.count)
        for item in list {
            writer.write(item.value)
            writer.write(item.line)
            writer.write(item.column)
        }
    }

    private static func readLocated(_ reader: inout BinaryReader) -> [Located<String>] {
        (0..<reader.readCount()).map { _ in Located(value: reader.readString(), line: reader.readInt(), column: reader.readInt()) }
    }
}
