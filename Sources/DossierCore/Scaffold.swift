import Foundation

/// Writes new content files: `dossier new briefing` and `dossier init`. Never overwrites.
public enum Scaffold {
    /// Writes `Content/briefings/YYYY-MM-DD-<slug>.md` and returns its URL.
    public static func newBriefing(title: String, date: SiteDate, content: URL) throws -> URL {
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw BuildFailure("a briefing needs a title") }
        guard date.precision == .day else { throw BuildFailure("the date must be YYYY-MM-DD") }
        let slug = Slug.makeOrHash(trimmed)
        let folder = content.appendingPathComponent("briefings")
        let file = folder.appendingPathComponent("\(date.description)-\(slug).md")
        let text = """
        ---
        title: \(yamlQuoted(trimmed))
        date: \(date.description)
        summary: ""
        tags: []
        actors: []
        places: []
        sources: []
        draft: true
        ---
        Write the briefing here. Mentions of actors and places link to their pages by themselves;
        link explicitly with a wiki-link such as `[[mosul]]` or `[[pmu|the militias]]`.

        """
        try create(file, contents: text)
        return file
    }

    /// Writes a small working site into `folder`, which must be empty or missing.
    public static func initSite(at folder: URL, title: String = "My briefings", today: SiteDate) throws -> [URL] {
        let manager = FileManager.default
        if let items = try? manager.contentsOfDirectory(atPath: folder.path), !items.filter({ !$0.hasPrefix(".") }).isEmpty {
            throw BuildFailure("\(folder.path) is not empty; dossier init only writes into an empty or new folder")
        }
        let files: [(String, String)] = [
            ("site.yml", """
            title: \(yamlQuoted(title))
            base_url: /
            description: Analytic briefings
            language: en
            linking: first
            per_page: 20

            """),
            ("Content/actors/example-group.md", """
            ---
            name: Example Group
            aliases: [EG]
            kind: armed group
            summary: A placeholder actor; replace it with the actors your desk follows.
            ---
            Profile of the group: origins, leadership, areas of operation.

            """),
            ("Content/places/example-city.md", """
            ---
            name: Example City
            kind: city
            within: example-country
            summary: A placeholder place.
            ---
            What the desk needs to know about the city.

            """),
            ("Content/places/example-country.md", """
            ---
            name: Example Country
            kind: country
            ---

            """),
            ("Content/briefings/\(today.description)-first-briefing.md", """
            ---
            title: First briefing
            date: \(today.description)
            summary: What this site is for, in one sentence.
            tags: [example]
            actors: [example-group]
            places: [example-city]
            events:
              - date: \(today.description)
                title: The site is started
                places: [example-city]
            ---
            Example Group is active around Example City. Mentions of names and aliases (EG) link
            to their pages; [[example-country]] is an explicit wiki-link.

            """),
            ("Content/pages/about.md", """
            ---
            title: About
            ---
            Who writes these briefings, and how.

            """),
        ]
        var written: [URL] = []
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try create(url, contents: text)
            written.append(url)
        }
        return written
    }

    private static func create(_ url: URL, contents: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // O_EXCL: refuse to replace a file that appeared meanwhile, not only one that existed before.
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        if descriptor < 0 {
            throw BuildFailure(errno == EEXIST ? "\(url.path) already exists; not overwritten" : "cannot create \(url.path)")
        }
        let data = Data(contents.utf8)
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        if written != data.count { throw BuildFailure("could not write \(url.path)") }
    }

    /// Scalar by scalar: `String.replacingOccurrences` compares `Character`s, and a quote
    /// followed by a combining mark is one `Character` that it would leave unescaped.
    private static func yamlQuoted(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
