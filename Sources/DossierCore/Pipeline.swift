import Foundation

public struct BuildOptions: Sendable {
    public var paths: SitePaths
    public var includeDrafts = false
    /// Overrides `base_url` from site.yml.
    public var baseURL: String?
    /// Turn warnings into errors.
    public var strict = false
    /// False for `dossier check`: everything is validated, nothing written.
    public var writeOutput = true
    /// Also verify every internal link, fragment and asset reference (`dossier check`).
    public var checkLinks = false
    /// Told how many pages are rendered, for a progress display.
    public var progress: ProgressReporter?
    /// Pages rendered by an earlier build, reused when their inputs are unchanged. `build`
    /// loads the on-disk cache in the output folder when this is nil and `incremental` is set.
    public var cache: RenderCache?
    /// Reuse unchanged pages of the previous build (`--no-cache` turns it off).
    public var incremental = true
    /// Parsed files, rendered bodies and cards kept between the builds of one process
    /// (`dossier serve`); the caller commits it after a successful build.
    public var session: SessionCache?
    /// Keep what `BodyEdit` needs to patch this build's site (`serve`, with a session cache).
    public var keepLastBuild = false
    /// Every path that may have changed since `session` was last committed, as a file watcher
    /// reported them (`serve`); nil when unknown. While none of them can have changed the content
    /// folder's listing, it is not listed again (files are still stamped).
    public var changedPaths: Set<String>?
    /// For a process that exits right after the build (the `dossier` command): the build's
    /// caches and pages are left for the system to reclaim at exit instead of being freed one
    /// object at a time, which took about 0.3 s at 10,000 briefings.
    public var keepMemoryUntilExit = false
    /// The content folder's listing, when the build made it before loading (see `build`).
    var listed: ContentLoader.Listed?

    public init(paths: SitePaths) {
        self.paths = paths
    }
}

public struct BuildResult: Sendable {
    /// Sorted by file and position.
    public var diagnostics: [Diagnostic]
    public var pageCount: Int
    public var fileCount: Int
    public var written: OutputWriter.Summary?
    public var seconds: Double
    /// Seconds spent in each stage, in order, for `--verbose`.
    public var stages: [(name: String, seconds: Double)] = []
    /// Entity mentions found in briefing bodies, and the CPU seconds (all threads) spent finding them.
    public var mentions = 0
    public var matchingSeconds = 0.0
    /// Briefings whose body edit was applied without a whole rebuild (`BodyEdit`); 0 for a build.
    public var bodyEdits = 0
    /// Markdown bodies (briefings, entity profiles, pages) rendered and reused through a session
    /// cache (`serve`'s, or the one the previous `build` saved); nil without one.
    public var bodiesRendered: Int?
    public var bodiesReused: Int?
    /// Briefing front matters parsed, and reused from the cache the previous `build` saved; nil
    /// without one.
    public var frontMattersParsed: Int?
    public var frontMattersReused: Int?
    /// Briefing files not read at all, because their stamps are the ones the previous build
    /// recorded (`StampedBriefing`); nil without that cache.
    public var briefingsNotRead: Int?
    /// Search documents scored, and whose terms were read from that cache.
    public var searchDocumentsScored: Int?
    public var searchDocumentsReused: Int?
    /// Documents whose postings were moved in the search index the previous build saved; nil
    /// when every document's terms were merged into a new index.
    public var searchDocumentsMoved: Int?
    /// What the build wrote to the store of bodies' and cards' HTML (`BodyStore`): bytes
    /// appended to the previous store, or a fresh store's size; nil when no cache was saved.
    public var htmlStoreBytes: Int?
    public var htmlStoreFresh: Bool?
    /// Output files (pages and feeds) taken unchanged from the previous build through the render
    /// cache, sorted; nil without one.
    public var filesReused: [String]?

    public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }
}

/// A rendered site held in memory: what `build` writes and what `serve` serves.
public struct RenderedSite: Sendable {
    public var files: [OutputFile]
    public var staticFiles: [StaticFile]
    /// Kept when the build had a session cache (`serve`), for `BodyEdit`.
    var last: LastBuild?

    public init(files: [OutputFile], staticFiles: [StaticFile]) {
        self.files = files
        self.staticFiles = staticFiles
    }
}

/// Holds values for the rest of the process, so that they are never freed.
private enum UntilExit {
    private static let kept = NSLock()
    nonisolated(unsafe) private static var values: [Any] = []

    static func keep(_ value: Any) {
        kept.lock()
        values.append(value)
        kept.unlock()
    }
}

/// Load → Resolve → Render → Write. Only Load and Write touch the file system; content
/// problems are collected through every stage and the site is written only when there are none.
public enum Pipeline {
    /// Builds the site and, when `writeOutput` is set and there are no errors, writes it.
    public static func build(_ options: BuildOptions) throws -> BuildResult {
        let start = Date()
        var options = options
        var staging: StagingFolder?
        var saved: SessionCache?
        if options.writeOutput {
            try OutputWriter.checkOutputFolder(options.paths)
            staging = StagingFolder(output: options.paths.output)
            let loadCache = options.cache == nil && options.incremental
            if options.session == nil && options.incremental {
                // The session file (50 MB at 10,000 briefings) is read while the content folder
                // is listed (a build lists it without the session cache) and the render cache read.
                let (paths, changed) = (options.paths, options.changedPaths)
                let (loaded, (cache, listed)) = sideBySide({
                    SessionCacheFile.load(in: paths.output, identity: BuildIdentity.current)
                }, {
                    (loadCache ? RenderCache.load(in: paths.output, identity: BuildIdentity.current) : nil,
                     ContentLoader.list(paths: paths, changed: changed))
                })
                (saved, options.listed) = (loaded, listed)
                if let cache { options.cache = cache }
                saved?.makeFile = { [staging] in
                    staging?.bookkeepingPath(SessionCacheFile.fileName).flatMap {
                        SessionCacheFile.Writer(path: $0, identity: BuildIdentity.current)
                    }
                }
                options.session = saved
            } else if loadCache {
                options.cache = RenderCache.load(in: options.paths.output, identity: BuildIdentity.current)
            }
        }
        if !options.incremental { options.cache = nil }
        // The link checker reads every page, so with it the pages are kept and staged afterwards.
        let streamed = options.checkLinks ? nil : staging
        var (result, site) = render(options, staging: streamed)
        guard let staging else {
            result.seconds = Date().timeIntervalSince(start)
            return result
        }
        guard result.succeeded, let site else {
            staging.discard()
            // Saved text that changed during the build may have kept its stamp (changed within
            // one tick of the file system's clock): drop the session file, so the next build
            // starts over instead of failing the same way.
            if result.diagnostics.contains(where: { $0.id == "dossier.cache.changed" }) {
                unlink(SessionCacheFile.url(in: options.paths.output).path)
            }
            result.seconds = Date().timeIntervalSince(start)
            return result
        }
        let writeStart = Date()
        do {
            if streamed == nil {
                for file in site.files {
                    if file.reusePrevious { staging.reusePrevious(file.path) } else { staging.add(file.path, data: file.contents) }
                }
            }
            for file in site.staticFiles { staging.addStatic(file) }
            // The session cache goes in with the site: its entries are right whatever becomes
            // of this commit, and a failed build must leave no trace of it in the output.
            var store: BodyStore.Writer?
            result.written = try staging.commit {
                guard let saved else { return }
                saved.commit()
                store = saveSession(saved, output: options.paths.output, staging: staging)
            }
            result.htmlStoreBytes = store?.bytesWritten
            result.htmlStoreFresh = store.map { !$0.appended }
        } catch {
            options.cache?.discard()
            throw error
        }
        options.cache?.commit(keptInPlace: result.written?.inPlace ?? false)
        result.stages.append(("write", Date().timeIntervalSince(writeStart)))
        result.seconds = Date().timeIntervalSince(start)
        if options.keepMemoryUntilExit { UntilExit.keep((options, site)) }
        return result
    }

    /// Load, Resolve and Render. The site is nil when there are errors. With a staging folder the
    /// pages are written into it as they are rendered and the returned files hold only paths.
    public static func render(_ options: BuildOptions, staging: StagingFolder? = nil) -> (BuildResult, RenderedSite?) {
        let start = Date()
        var options = options
        if options.session == nil && options.incremental && !options.writeOutput {
            // `dossier check` reuses what the last build saved in the output folder, and saves
            // nothing: its file is only ever written by a build.
            options.session = SessionCacheFile.load(in: options.paths.output, identity: BuildIdentity.current)
        }
        var stages: [(name: String, seconds: Double)] = []
        var stageStart = start
        func finished(_ name: String) {
            let now = Date()
            stages.append((name, now.timeIntervalSince(stageStart)))
            stageStart = now
        }
        let paths = options.paths
        var diagnostics = Diagnostics()
        options.session?.begin()
        let content = ContentLoader.load(paths: paths, includeDrafts: options.includeDrafts, baseURL: options.baseURL,
                                         cache: options.session, listed: options.listed, changed: options.changedPaths,
                                         diagnostics: &diagnostics)
        finished("load")
        // Only `serve` keeps what a body edit needs (`LastBuild`): the body renderer's matcher and
        // the rendered cards are tens of megabytes that a build lets go as soon as it can.
        let keep = options.keepLastBuild && options.session != nil && !options.checkLinks
        let model: SiteModel
        var renderer: BodyRenderer?
        if keep {
            (model, renderer) = Resolver.resolveKeepingRenderer(content, cache: options.session, diagnostics: &diagnostics)
        } else {
            model = Resolver.resolve(content, cache: options.session, diagnostics: &diagnostics)
        }
        finished("resolve")
        let templates = TemplateSet.load(from: paths.templates, displayBase: paths.root, diagnostics: &diagnostics)
        let rendered = SiteRenderer.render(model, templates: templates, cache: options.cache, session: options.session,
                                           staging: staging, progress: options.progress, diagnostics: &diagnostics)
        let files = rendered.files
        let view = keep ? rendered.view : nil
        // The model and the view hold every briefing's values: freeing them as this function
        // returns took 60 ms of a rebuild at 10,000 briefings, in a process about to exit.
        defer { if options.keepMemoryUntilExit { UntilExit.keep((content, model, rendered.view)) } }
        finished("render")
        if options.session?.savedFilesDamaged ?? false {
            diagnostics.error("dossier.cache.changed", SitePaths.display(SessionCacheFile.url(in: paths.output), base: paths.root),
                              "the build cache was changed by another program while the site was being built; build again")
        }

        checkOutputPaths(files, content.staticFiles, root: paths.root, session: options.session, diagnostics: &diagnostics)
        if options.checkLinks {
            var checker = LinkChecker(config: model.config, site: RenderedSite(files: files, staticFiles: content.staticFiles))
            checker.check(bodies: LinkChecker.origins(of: model), diagnostics: &diagnostics)
            finished("check links")
        }

        var all = diagnostics.sorted
        if options.strict {
            all = all.map { diagnostic in
                var promoted = diagnostic
                promoted.severity = .error
                return promoted
            }
        }
        var result = BuildResult(diagnostics: all, pageCount: files.filter { $0.path.hasSuffix(".html") }.count,
                                 fileCount: files.count + content.staticFiles.count, written: nil,
                                 seconds: Date().timeIntervalSince(start), stages: stages)
        options.session?.settle()
        result.filesReused = options.cache?.reusedPaths
        result.bodiesRendered = options.session?.bodies.misses
        result.bodiesReused = options.session?.bodies.hits
        if let session = options.session, session.persistent {
            result.frontMattersParsed = session.briefingFronts.misses
            result.frontMattersReused = session.briefingFronts.hits
            result.searchDocumentsScored = session.searchTerms.misses
            result.searchDocumentsReused = session.searchTerms.hits
            result.searchDocumentsMoved = session.searchDocumentsMoved
            result.briefingsNotRead = content.briefings.indices.count { content.briefings[$0].unreadBody != nil }
        }
        // By index: a closure over the briefings themselves copies each one.
        result.mentions = model.briefings.indices.reduce(0) { $0 + model.briefings[$1].body.mentionCount }
        let matching = model.briefings.indices.reduce(0) { $0 + model.briefings[$1].body.matchingNanoseconds }
        result.matchingSeconds = Double(matching) / 1e9
        guard result.succeeded else { return (result, nil) }
        var site = RenderedSite(files: files, staticFiles: content.staticFiles)
        if let renderer, let view {
            site.last = LastBuild(model: model, templates: templates, view: view, renderer: renderer, diagnostics: all,
                                  files: files, root: paths.root)
        }
        return (result, site)
    }

    /// Writes the session file and its bodies (`BodyStore`) for the staging folder to commit;
    /// the store written, nil when the cache could not be saved (which only costs the next
    /// build its cache).
    private static func saveSession(_ cache: SessionCache, output: URL, staging: StagingFolder) -> BodyStore.Writer? {
        guard let file = cache.file else { return nil }
        let previous = cache.savedBodies
        func keptBytes(_ fragment: HTMLFragment) -> Int {
            guard let saved = fragment.saved, saved.file === previous?.file else { return 0 }
            return saved.count
        }
        let kept = cache.bodies.committed.values.reduce(0) { $0 + keptBytes($1.body.fragment) }
            + cache.fragments.committed.values.reduce(0) { $0 + keptBytes($1) }
        guard let store = BodyStore.Writer(previous: previous, output: output, keptBytes: kept,
                                           freshPath: { staging.bookkeepingPath(BodyStore.fileName) }) else {
            unlink(file.path)  // begun with the search terms; a swap would carry it into the output
            return nil
        }
        guard file.finish(cache, bodies: store) else {
            if !store.appended, let path = staging.bookkeepingPath(BodyStore.fileName) { unlink(path) }
            return nil
        }
        if store.appended { staging.keepBookkeeping(BodyStore.fileName) } else { staging.addBookkeeping(BodyStore.fileName) }
        staging.addBookkeeping(SessionCacheFile.fileName)
        return store
    }

    /// `OutputWriter.checkPaths`, skipped when the site has the same output paths as a build
    /// whose paths passed (most rebuilds: 12,000 paths at 10,000 briefings), in `serve` and in
    /// a `build` that loaded the previous one's session file.
    private static func checkOutputPaths(_ files: [OutputFile], _ staticFiles: [StaticFile], root: URL,
                                         session: SessionCache?, diagnostics: inout Diagnostics) {
        var key = Fingerprint()
        if let session {
            for file in files { key.combine(file.path) }
            key.combine(byte: 0xFE)
            for file in staticFiles { key.combine(file.outputPath) }
            if session.checkedPaths.reuse(key) != nil { return }
        }
        var origins = files.map { (path: $0.path, origin: "generated page /\($0.path)") }
        origins += staticFiles.map {
            (path: $0.outputPath, origin: SitePaths.display(URL(fileURLWithPath: $0.source), base: root))
        }
        var local = Diagnostics()
        OutputWriter.checkPaths(origins, diagnostics: &local)
        if let session, local.all.isEmpty { session.checkedPaths.record(key, true) }
        diagnostics.append(contentsOf: local.all)
    }
}
