import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
    /// The content folder's files by kind, and the problems found listing it.
    struct Listed {
        var listing = ContentWalker.Listing()
        var diagnostics: [Diagnostic] = []
    }

    /// Lists the content folder. `changed` lists every path (absolute, as a file watcher
    /// reports it) that may have changed since the build `cache` last committed; nil when that
    /// is not known. With it, the last listing of the content folder is reused when no change
    /// can have altered it.
    static func list(paths: SitePaths, cache: SessionCache? = nil, changed: Set<String>? = nil) -> Listed {
        let walker = ContentWalker(root: paths.content, displayBase: paths.root)
        var listed = Listed()
        // With a watcher's account of what changed, the folders are not listed again. Every
        // file is still stamped: a file can change through a hard link made from outside the
        // content folder, which no watch on it reports.
        if let changed, let cache, let saved = cache.listing.reuse(paths.content.path),
           saved.covers(changed, content: paths.content.path) {
            listed = Listed(listing: saved.listing, diagnostics: saved.diagnostics)
        } else if FileManager.default.fileExists(atPath: paths.content.path) {
            var local = Diagnostics()
            listed.listing = walker.list(diagnostics: &local)
            if let cache, !cache.persistent, listed.listing.plain {
                cache.listing.record(paths.content.path, SessionCache.SavedListing(listing: listed.listing, diagnostics: local.all))
            }
            listed.diagnostics = local.all
        } else {
            var local = Diagnostics()
            local.error("dossier.content.missing", walker.display(paths.content), "content folder does not exist")
            listed.diagnostics = local.all
        }
        return listed
    }

    /// Reads the site: `listed` is the content folder's listing when the caller made it
    /// (`list`); otherwise it is listed here, with `cache` and `changed` as `list` takes them.
    public static func load(paths: SitePaths, includeDrafts: Bool, baseURL: String?, cache: SessionCache? = nil,
                            changed: Set<String>? = nil, diagnostics: inout Diagnostics) -> SiteContent {
        load(paths: paths, includeDrafts: includeDrafts, baseURL: baseURL, cache: cache, listed: nil, changed: changed,
             diagnostics: &diagnostics)
    }

    static func load(paths: SitePaths, includeDrafts: Bool, baseURL: String?, cache: SessionCache?, listed: Listed?,
                     changed: Set<String>?, diagnostics: inout Diagnostics) -> SiteContent {
        let walker = ContentWalker(root: paths.content, displayBase: paths.root)
        let listed = listed ?? list(paths: paths, cache: cache, changed: changed)
        let listing = listed.listing
        diagnostics.append(contentsOf: listed.diagnostics)

        let rootConfig = paths.root.appendingPathComponent("site.yml")
        let configURL = FileManager.default.fileExists(atPath: rootConfig.path) ? rootConfig : listing.siteConfig
        var configText: String?
        // site.yml is read with the default budgets: it is where the site's own are set.
        if let configURL, let source = readSource(configURL, walker: walker, budgets: Budgets(), diagnostics: &diagnostics) {
            configText = source.body
        }
        let config = SiteConfig.load(text: configText, path: configURL.map(walker.display) ?? "site.yml",
                                     baseURLOverride: baseURL, diagnostics: &diagnostics)
        let budgets = config.budgets
        let settings = String(reflecting: budgets)

        let read = parallelMap(listing.briefings, { url, diagnostics in
            remembered(url, cache: cache, settings: settings, diagnostics: &diagnostics) { diagnostics in
                readBriefing(url, walker: walker, budgets: budgets, fronts: cache?.persistent == true ? cache : nil,
                             budgetsText: settings, diagnostics: &diagnostics)
            }
        }, diagnostics: &diagnostics)
        if let cache, cache.persistent {
            // Briefings left unread were looked up without carrying their entries (`unread`);
            // they are carried while the build goes on (20 ms at 10,000 briefings).
            let paths = read.indices.compactMap { read[$0].unreadBody?.path }
            cache.carryInBackground {
                let stamped = cache.stampedBriefings.reuseAll(paths)
                _ = cache.briefingFronts.reuseAll(stamped.compactMap { $0?.front })
            }
        }
        let briefings = read.filter { includeDrafts || !$0.draft }

        var entities: [Entity] = []
        for (kind, urls) in [(Entity.Kind.actor, listing.actors), (.place, listing.places)] {
            entities += parallelMap(urls, { url, diagnostics in
                remembered(url, cache: cache, settings: settings, diagnostics: &diagnostics) { diagnostics in
                    readSource(url, walker: walker, budgets: budgets, diagnostics: &diagnostics).flatMap { source in
                        Budgets.with(budgets) {
                            EntityReader.read(source, kind: kind, id: stem(of: url),
                                              diagnostics: &diagnostics)
                        }
                    }
                }
            }, diagnostics: &diagnostics)
        }

        let pages = listing.pages.compactMap { url in
            remembered(url, cache: cache, settings: settings, diagnostics: &diagnostics) { diagnostics in
                readSource(url, walker: walker, budgets: budgets, diagnostics: &diagnostics).flatMap { source in
                    Budgets.with(budgets) {
                        PageReader.read(source, stem: stem(of: url), diagnostics: &diagnostics)
                    }
                }
            }
        }
        let staticFiles = listing.staticFiles.compactMap { file -> StaticFile? in
            if let problem = StaticPath.problem(file.relative) {
                diagnostics.error("dossier.static.unsafe-name", walker.display(file.url),
                                  "static file name cannot be published safely: \(problem)")
                return nil
            }
            // Copy what a symbolic link points to (the walker checked it stays inside Content/),
            // never the link itself: a published link could lead anywhere on the server.
            let source = file.url.resolvingSymlinksInPath().path
            return StaticFile(source: source, outputPath: file.relative)
        }
        return SiteContent(config: config, briefings: briefings, entities: entities, pages: pages,
                           staticFiles: staticFiles)
    }

    /// One briefing file, read and parsed under the site's budgets.
    /// With `fronts`, a front matter parsed by an earlier build without any diagnostic is
    /// reused: parsing YAML is most of loading a briefing.
    /// `budgetsText` is `String(reflecting: budgets)`, made once per build by the caller (it was
    /// 4 % of a build with nothing changed when made per file).
    static func readBriefing(_ url: URL, walker: ContentWalker, budgets: Budgets, fronts: SessionCache? = nil,
                             budgetsText: String? = nil, diagnostics: inout Diagnostics) -> Briefing? {
        let settingsText = budgetsText ?? String(reflecting: budgets)
        // Taken before reading, so a save during the read makes the next build read the file again.
        let stampedAt = Date()
        let path = url.path  // made once: `URL.path` costs about a microsecond
        var info = stat()
        let stamp = fronts?.persistent == true && stat(path, &info) == 0 ? FileStamp(info) : nil
        let settings = stamp.map { _ in Fingerprint(of: settingsText) }
        if let fronts, let stamp, let settings, let briefing = unread(path, stamp: stamp, settings: settings, fronts: fronts) {
            return briefing
        }
        let before = diagnostics.all.count
        guard let source = readSource(url, walker: walker, budgets: budgets, statted: stamp == nil ? nil : info,
                                      diagnostics: &diagnostics) else { return nil }
        let stem = stem(of: url)
        guard let fronts else {
            return Budgets.with(budgets) { BriefingReader.read(source, stem: stem, diagnostics: &diagnostics) }
        }
        var key = Fingerprint()
        key.combine(settingsText)
        key.combine(source.path)
        key.combine(stem)
        key.combine(UInt64(source.frontMatterLine))
        key.combine(byte: source.frontMatter == nil ? 0 : 1)
        key.combine(source.frontMatter ?? "")
        var briefing: Briefing?
        if var reused = fronts.briefingFronts.reuse(key) {
            reused.body = source.body
            reused.bodyLine = source.bodyLine
            briefing = reused
        } else {
            briefing = Budgets.with(budgets) { BriefingReader.read(source, stem: stem, diagnostics: &diagnostics) }
            if var parsed = briefing, diagnostics.all.count == before {
                parsed.body = ""
                fronts.briefingFronts.record(key, parsed)
            } else {
                fronts.briefingFronts.noteUnrecorded()
            }
        }
        if let stamp, let settings, stamp.isSettled(at: stampedAt), let briefing, diagnostics.all.count == before {
            fronts.stampedBriefings.record(path, StampedBriefing(stamp: stamp, settings: settings, front: key,
                                                                     body: Fingerprint(of: source.body), bodyLine: briefing.bodyLine))
        }
        return briefing
    }

    /// The briefing from what the previous build saved, its body left unread, when the file's
    /// stamp and the budgets are the ones it was read with (`StampedBriefing`); nil otherwise.
    /// The entries are only looked at: `load` carries those of every unread briefing into the
    /// next generation in one batch, where a lock per file made the two workers wait on each
    /// other.
    private static func unread(_ path: String, stamp: FileStamp, settings: Fingerprint, fronts: SessionCache) -> Briefing? {
        guard let saved = fronts.stampedBriefings.peekPrevious(path), saved.stamp == stamp, saved.settings == settings,
              var briefing = fronts.briefingFronts.peekPrevious(saved.front) else { return nil }
        briefing.body = ""
        briefing.bodyLine = saved.bodyLine
        briefing.unreadBody = UnreadBody(path: path, digest: saved.body)
        return briefing
    }

    /// `statted`: the file's `stat`, when the caller has just taken it.
    static func readSource(_ url: URL, walker: ContentWalker, budgets: Budgets, statted: stat? = nil,
                           diagnostics: inout Diagnostics) -> SourceText? {
        let path = walker.display(url)
        // The size is checked before reading, so a huge file is never loaded into memory.
        var info = statted ?? stat()  // follows symbolic links; the walker checked where they lead
        let found = statted != nil || stat(url.path, &info) == 0
        let size = found ? Int(info.st_size) : nil
        if found && (info.st_mode & S_IFMT) != S_IFREG {
            // Opening a FIFO would block the build forever.
            diagnostics.error("dossier.content.special-file", path, "not a regular file (a pipe, socket, device or folder); refused")
            return nil
        }
        if let size, size > budgets.maxFileBytes {
            diagnostics.error("dossier.budget.file-bytes", path, line: 1, column: 1,
                              "file is \(size) bytes \(budgets.label(.maxFileBytes))")
            return nil
        }
        // Read at most one byte past the budget, in case the file grew after the size check.
        guard let bytes = readBytes(url.path, limit: budgets.maxFileBytes + 1, expected: size ?? 0) else {
            diagnostics.error("dossier.content.unreadable", path, "cannot read file")
            return nil
        }
        if bytes.count > budgets.maxFileBytes {
            diagnostics.error("dossier.budget.file-bytes", path, line: 1, column: 1,
                              "file is more than \(budgets.maxFileBytes) bytes \(budgets.label(.maxFileBytes))")
            return nil
        }
        return SourceText.decode(bytes, path: path, budgets: budgets, diagnostics: &diagnostics)
    }

    /// A file's first `limit` bytes (all of them when it is shorter), read straight into one
    /// array sized for the `expected` length; nil when it cannot be opened or read.
    static func readBytes(_ path: String, limit: Int, expected: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: min(limit, max(expected, 0) + 1))
        var count = 0
        while count < limit {
            if count == bytes.count { bytes += repeatElement(0, count: min(limit - count, max(count, 4_096))) }
            let read = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if read < 0 && errno == EINTR { continue }
            guard read >= 0 else { return nil }
            if read == 0 { break }
            count += read
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// A content file's name without its extension: its id or slug. Plain string work, where
    /// `URL`'s path operations cost a few microseconds a file.
    static func stem(of url: URL) -> String {
        let path = url.path
        let name = path.lastIndex(of: "/").map { path[path.index(after: $0)...] } ?? path[...]
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return String(name) }
        return String(name[..<dot])
    }

    /// Reads one source file, or takes what an earlier build of this process read from it when
    /// the file's stamp and the reading settings are unchanged (diagnostics included). The stamp
    /// is taken before reading, so a save during the read makes the next build read it again.
    static func remembered<T>(_ url: URL, cache: SessionCache?, settings: String, diagnostics: inout Diagnostics,
                              read: (inout Diagnostics) -> T?) -> T? {
        guard let cache, !cache.persistent, let stamp = FileStamp(path: url.path) else { return read(&diagnostics) }
        if let hit = cache.files.reuse(url.path), hit.settled, hit.stamp == stamp, hit.settings == settings {
            diagnostics.append(contentsOf: hit.diagnostics)
            return hit.value as? T
        }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let settled = stamp.modified + 50_000_000 < Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        var local = Diagnostics()
        let value = read(&local)
        cache.files.record(url.path, SessionCache.LoadedFile(stamp: stamp, settled: settled, settings: settings,
                                                             value: value as Any?, diagnostics: local.all))
        diagnostics.append(contentsOf: local.all)
        return value
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
        result.reserveCapacity(items.count)
        for index in items.indices {
            guard let (value, local) = slots.take(index) else { continue }
            diagnostics.append(contentsOf: local.all)
            if let value { result.append(value) }
        }
        return result
    }
}

/// One slot per parallel task, so workers never share a mutable collection.
///
/// Each slot is its own memory, set by one task only, so setting takes no lock (a lock per
/// slot made workers wait for each other on lists of 40,000 cards); read `values` once every
/// task is done (`concurrentPerform` returns only then).
final class ResultSlots<T>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    var count: Int { storage.count }

    func set(_ index: Int, _ value: T) {
        storage[index] = value
    }

    var values: [T?] { Array(storage) }

    /// The value at `index`, moved out (the slot is left empty): copying 10,000 briefings out
    /// of the slots retained every field of each, and freeing the slots released them again.
    func take(_ index: Int) -> T? {
        storage[index].take()
    }
}

/// Static file paths become output paths verbatim, so they are checked segment by segment.
enum StaticPath {
    static func isSafe(_ relative: String) -> Bool { problem(relative) == nil }

    /// Names Windows cannot create (with any extension): a site must deploy the same everywhere.
    static let reservedNames: Set<String> = Set(["con", "prn", "aux", "nul", "clock$", "conin$", "conout$",
                                                 "com¹", "com²", "com³", "lpt¹", "lpt²", "lpt³"]
                                                + (1...9).flatMap { ["com\($0)", "lpt\($0)"] })

    /// Longest segment in UTF-8 bytes: file systems stop at 255.
    static let maxSegmentBytes = 200

    /// Why `relative` cannot be published, or nil when it can.
    static func problem(_ relative: String) -> String? {
        let segments = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !segments.isEmpty else { return "empty path" }
        for segment in segments {
            if segment.isEmpty || segment == "." || segment == ".." {
                return "'\(segment)' is not a file or folder name"
            }
            if segment.utf8.count > maxSegmentBytes {
                return "a name is longer than \(maxSegmentBytes) bytes"
            }
            if let bad = segment.unicodeScalars.first(where: { !isAllowed($0) }) {
                let shown = bad.value < 0x20 || bad.value == 0x7F ? String(format: "U+%04X", bad.value) : "'\(bad)'"
                return "\(shown) in '\(segment.prefix(60))' (use letters, digits, '-', '_', '.')"
            }
            let stem = segment.split(separator: ".", omittingEmptySubsequences: false).first.map { $0.lowercased() } ?? ""
            if reservedNames.contains(stem.trimmingWhitespace()) {
                return "'\(segment)' is a reserved device name on Windows"
            }
            if segment.hasSuffix(".") {
                return "'\(segment)' ends with a dot, which Windows drops"
            }
        }
        return nil
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true  // accents of decomposed names, Indic vowel signs
        default: return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            || "-_.~@+".unicodeScalars.contains(scalar)
        }
    }
}
