import DossierCore
import Foundation

/// One immutable version of the rendered site. A request reads the current snapshot once and
/// answers from it alone, and a rebuild swaps in a whole new one, so every response is entirely
/// the old site or entirely the new one.
struct SiteSnapshot: Sendable {
    enum Entry: Sendable {
        /// A generated file. The tag (an ETag without its quotes) is unique per content within
        /// this process.
        case bytes(Data, tag: String)
        /// A file from `Content/static/`, read at request time (images can be large and rarely
        /// change; reading them on every rebuild would slow every rebuild down).
        case staticFile(source: String)
    }

    /// `<boot>-<generation>`: handed to pages so a page can tell it is older than the server.
    let build: String
    let generation: Int
    let entries: [String: Entry]
    /// Real path of the static folder; a static file whose real path is elsewhere is refused.
    let staticRoot: String?

    init(site: RenderedSite, generation: Int, boot: String, staticFolder: URL, previous: SiteSnapshot?) {
        build = "\(boot)-\(generation)"
        self.generation = generation
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(site.files.count + site.staticFiles.count)
        for file in site.staticFiles {
            entries[file.outputPath] = .staticFile(source: file.source)
        }
        for (index, file) in site.files.enumerated() {
            // Unchanged bytes keep their ETag, so browsers revalidate with a cheap 304; a memcmp
            // is much cheaper than hashing every page on every rebuild.
            if case .bytes(let old, let tag)? = previous?.entries[file.path], Self.same(old, file.contents) {
                entries[file.path] = .bytes(file.contents, tag: tag)
            } else {
                entries[file.path] = .bytes(file.contents, tag: "\(boot)-\(generation)-\(index)")
            }
        }
        self.entries = entries
        staticRoot = realPath(staticFolder.path)
    }

    private init(build: String, generation: Int, entries: [String: Entry], staticRoot: String?) {
        self.build = build
        self.generation = generation
        self.entries = entries
        self.staticRoot = staticRoot
    }

    /// This snapshot with a few files written again, added or removed (after a `BodyEdit`).
    func patched(writing files: [OutputFile], removing removed: [String], generation: Int, boot: String) -> SiteSnapshot {
        var entries = self.entries
        for path in removed { entries[path] = nil }
        for (index, file) in files.enumerated() {
            if case .bytes(let old, _)? = entries[file.path], Self.same(old, file.contents) { continue }
            entries[file.path] = .bytes(file.contents, tag: "\(boot)-\(generation)-p\(index)")
        }
        return SiteSnapshot(build: "\(boot)-\(generation)", generation: generation, entries: entries, staticRoot: staticRoot)
    }

    /// Pages reused from the render cache share their buffer with the previous snapshot:
    /// recognise that without reading the bytes.
    static func same(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                left.baseAddress == right.baseAddress || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
    }
}

/// `realpath(3)`: the path with every symbolic link resolved, or nil when it does not exist.
func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}

enum ContentType {
    private static let types: [String: String] = [
        "html": "text/html", "htm": "text/html", "css": "text/css", "js": "text/javascript",
        "mjs": "text/javascript", "json": "application/json", "map": "application/json",
        "xml": "application/xml", "atom": "application/atom+xml", "rss": "application/rss+xml",
        "txt": "text/plain", "md": "text/plain", "csv": "text/csv", "svg": "image/svg+xml",
        "webmanifest": "application/manifest+json", "png": "image/png", "jpg": "image/jpeg",
        "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp", "avif": "image/avif",
        "ico": "image/x-icon", "pdf": "application/pdf", "woff": "font/woff", "woff2": "font/woff2",
        "ttf": "font/ttf", "otf": "font/otf", "mp4": "video/mp4", "webm": "video/webm",
        "mp3": "audio/mpeg", "ogg": "audio/ogg", "wasm": "application/wasm",
    ]
    /// Textual types get `charset=utf-8`: the site is UTF-8, and without it browsers guess.
    private static let textual: Set<String> = [
        "application/json", "application/xml", "application/atom+xml", "application/rss+xml",
        "image/svg+xml", "application/manifest+json",
    ]

    static func of(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.contains(".") ? String(name.split(separator: ".").last!).lowercased() : ""
        // Dossier names its feeds atom.xml; feed readers and browsers want the Atom type.
        let type = name == "atom.xml" ? "application/atom+xml" : types[ext] ?? "application/octet-stream"
        return type.hasPrefix("text/") || textual.contains(type) ? type + "; charset=utf-8" : type
    }

    static func isHTML(_ path: String) -> Bool {
        of(path).hasPrefix("text/html")
    }
}
