import Foundation

/// Everything read from `Content/`, before any cross-referencing.
public struct SiteContent: Sendable {
    public var config: SiteConfig
    public var briefings: [Briefing]
    public var entities: [Entity]
    public var pages: [Page]
    public var staticFiles: [StaticFile]
}

/// The Load stage: file system in, typed values and diagnostics out.
public enum ContentLoader {
    public static func load(paths: SitePaths, includeDrafts: Bool, baseURL: String?,
                            diagnostics: inout Diagnostics) -> SiteContent {
        let walker = ContentWalker(root: paths.content, displayBase: paths.root)
        var listing = ContentWalker.Listing()
        if FileManager.default.fileExists(atPath: paths.content.path) {
            listing = walker.list(diagnostics: &diagnostics)
        } else {
            diagnostics.error("dossier.content.missing", walker.display(paths.content), "content folder does not exist")
        }

        let rootConfig = paths.root.appendingPathComponent("site.yml")
        let configURL = FileManager.default.fileExists(atPath: rootConfig.path) ? rootConfig : listing.siteConfig
        var configText: String?
        if let configURL, let source = readSource(configURL, walker: walker, diagnostics: &diagnostics) {
            configText = source.body
        }
        let config = SiteConfig.load(text: configText, path: configURL.map(walker.display) ?? "site.yml",
                                     baseURLOverride: baseURL, diagnostics: &diagnostics)

        let briefings = parallelMap(listing.briefings, { url, diagnostics in
            readSource(url, walker: walker, diagnostics: &diagnostics).flatMap {
                BriefingReader.read($0, stem: url.deletingPathExtension().lastPathComponent, diagnostics: &diagnostics)
            }
        }, diagnostics: &diagnostics).filter { includeDrafts || !$0.draft }

        var entities: [Entity] = []
        for (kind, urls) in [(Entity.Kind.actor, listing.actors), (.place, listing.places)] {
            entities += parallelMap(urls, { url, diagnostics in
                readSource(url, walker: walker, diagnostics: &diagnostics).flatMap {
                    EntityReader.read($0, kind: kind, id: url.deletingPathExtension().lastPathComponent,
                                      diagnostics: &diagnostics)
                }
            }, diagnostics: &diagnostics)
        }

        let pages = listing.pages.compactMap { url in
            readSource(url, walker: walker, diagnostics: &diagnostics).flatMap {
                PageReader.read($0, stem: url.deletingPathExtension().lastPathComponent, diagnostics: &diagnostics)
            }
        }
        let staticFiles = listing.staticFiles.compactMap { file -> StaticFile? in
            guard StaticPath.isSafe(file.relative) else {
                diagnostics.error("dossier.static.unsafe-name", walker.display(file.url),
                                  "static file name cannot be published safely (use letters, digits, '-', '_', '.')")
                return nil
            }
            return StaticFile(source: file.url.path, outputPath: file.relative)
        }
        return SiteContent(config: config, briefings: briefings, entities: entities, pages: pages,
                           staticFiles: staticFiles)
    }

    static func readSource(_ url: URL, walker: ContentWalker, diagnostics: inout Diagnostics) -> SourceText? {
        let path = walker.display(url)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            diagnostics.error("dossier.content.unreadable", path, "cannot read file")
            return nil
        }
        return SourceText.decode(Array(data), path: path, diagnostics: &diagnostics)
    }

    /// Runs `body` on every item on all cores; results and diagnostics keep the input order.
    static func parallelMap<T: Sendable>(_ items: [URL], _ body: @Sendable (URL, inout Diagnostics) -> T?,
                                         diagnostics: inout Diagnostics) -> [T] {
        let slots = ResultSlots<(T?, Diagnostics)>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            var local = Diagnostics()
            let value = body(items[index], &local)
            slots.set(index, (value, local))
        }
        var result: [T] = []
        for slot in slots.values {
            guard let (value, local) = slot else { continue }
            diagnostics.append(contentsOf: local.all)
            if let value { result.append(value) }
        }
        return result
    }
}

/// One slot per parallel task, so workers never share a mutable collection.
final class ResultSlots<T>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }

    var values: [T?] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}

/// Static file paths become output paths verbatim, so they are checked segment by segment.
enum StaticPath {
    static func isSafe(_ relative: String) -> Bool {
        let segments = relative.split(separator: "/", omittingEmptySubsequences: false)
        return !segments.isEmpty && segments.allSatisfy { segment in
            !segment.isEmpty && segment != "." && segment != ".." && segment.count <= 200 &&
                segment.unicodeScalars.allSatisfy {
                    $0.properties.isAlphabetic || $0.properties.numericType != nil || "-_.~@+".unicodeScalars.contains($0)
                }
        }
    }
}
