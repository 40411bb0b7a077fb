import Foundation

/// Applies saves of existing briefings without running the whole pipeline again — the usual
/// save while writing.
///
/// A save qualifies when every changed path is a briefing of the last good build that reads
/// back without diagnostics, whose new body renders without diagnostics and mentions the same
/// entities the same number of times, and whose front matter changed only in what a patch can
/// follow: nothing (the briefing's own page, its feeds and its search terms change), its
/// sources (its own page), its title, summary or event titles (`CardEdit`: its cards and the
/// lists that show them), its tags (`TagEdit`), its `updated` date (`ModifiedEdit`), or its
/// actors and places (`EntityEdit`); `ModelPatch` puts these into the model in order. Anything
/// else (a new or deleted file, any other front-matter change, a template, `site.yml`, an
/// entity or page file) returns nil, and the caller rebuilds everything. `BodyEditTests`,
/// `ServeEditSequenceTests` and `ServePatchSequenceTests` check that the result equals a clean
/// build byte for byte.
public enum BodyEdit {
    /// What an applied edit did to the site's files.
    public struct Applied: Sendable {
        public var result: BuildResult
        /// Files written again or added, with their new bytes.
        public var written: [OutputFile]
        /// Paths no longer in the site (search shards, when the split changed).
        public var removed: [String]
    }

    /// Applies the edits to `site` in place, or returns nil when they are not body-only edits of
    /// existing briefings; then `site` may be partly updated and must be rebuilt from scratch.
    /// (In place, so that the site's large arrays are not copied on every keystroke's save.)
    /// `changed` holds absolute paths, as a file watcher reports them.
    public static func apply(_ changed: Set<String>, to site: inout RenderedSite, options: BuildOptions) -> Applied? {
        let start = DispatchTime.now()
        guard site.last != nil, let session = options.session, !changed.isEmpty,
              let edits = readEdits(changed, last: &site.last!, paths: options.paths), !edits.isEmpty
        else { return nil }
        guard let patch = ModelPatch.apply(edits, to: &site.last!) else { return nil }
        let last = site.last!
        let model = last.model
        let jobs = patch.pages(in: model)
        patch.dropStaleSkeletons(from: session, model: model)

        var view = ViewContext(model: model, templates: last.templates)
        view.briefingCards = last.briefingCards
        view.eventCards = last.eventCards
        // The feeds and the search index run beside the pages: each is one thread's work.
        let feeds = FeedWriter(model: model, cache: session)
        let index = SearchIndex(model: model, cache: session)
        let sitemap = patch.sitemapChanged ? last.sitemap : nil
        let extras = 2
        let outputs = ResultSlots<[OutputFile]>(count: extras + jobs.count)
        let shared = UncheckedBox(view)
        DispatchQueue.concurrentPerform(iterations: extras + jobs.count) { slot in
            switch slot {
            case 0:
                outputs.set(slot, feeds.feeds(carrying: Set(patch.edited), tags: patch.tags.changedTags, entities: patch.entities)
                    + (sitemap.map { [$0.file()] } ?? []))
            case 1:
                if let search = index.files(afterBodyEdits: patch.edited) {
                    outputs.set(slot, search + index.documentChunks(containing: patch.recarded))
                }
            default:
                if let file = CardEdit.render(jobs[slot - extras], view: shared.value, templates: last.templates, session: session) {
                    outputs.set(slot, [file])
                }
            }
        }
        var written: [OutputFile] = []
        for files in outputs.values {
            guard let files else { return nil }
            written += files
        }
        guard let removed = replaceFiles(in: &site, with: written, search: outputs.values[1]!, tags: patch.tags) else { return nil }

        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        var result = BuildResult(diagnostics: site.last!.diagnostics, pageCount: site.last!.pageCount,
                                 fileCount: site.files.count + site.staticFiles.count, written: nil, seconds: seconds,
                                 stages: [("body edit", seconds)])
        result.bodyEdits = edits.count
        return Applied(result: result, written: written, removed: removed)
    }

    /// Puts the written files in place of the old ones in `site`: term shards that came or went
    /// with a new split, and the pages and feeds of tags new to the site or no longer used.
    /// Returns the paths no longer in the site, or nil when a file has no place.
    private static func replaceFiles(in site: inout RenderedSite, with written: [OutputFile], search: [OutputFile],
                                     tags: TagEdit.Change) -> [String]? {
        // Term shards are split by size, so an edit can change which shard files exist.
        let shards = Set(search.lazy.map(\.path).filter(isSearchTerms))
        var removed: [String] = []
        let resplit = shards != site.last!.shards
        if resplit {
            removed = site.last!.shards.subtracting(shards).sorted()
            site.files.removeAll { isSearchTerms($0.path) }
            site.files += search.filter { isSearchTerms($0.path) }
            site.last!.shards = shards
            site.last!.positions = LastBuild.positions(of: site.files)
        }
        // Tags no longer used take their page and feed away; tags new to the site bring theirs.
        let gone = Set(tags.removedTags.flatMap { [TagEdit.pagePath($0), TagEdit.feedPath($0)] })
        let added = Set(tags.addedTags.flatMap { [TagEdit.pagePath($0), TagEdit.feedPath($0)] })
        guard added.isSubset(of: written.map(\.path)), TagEdit.fit(added, beside: site.files, staticFiles: site.staticFiles)
        else { return nil }
        for path in gone.sorted() {
            guard let position = site.last!.positions.removeValue(forKey: path) else { return nil }
            // The last file takes the place of the removed one: no other file moves.
            let moved = site.files.removeLast()
            if position < site.files.count {
                site.files[position] = moved
                site.last!.positions[moved.path] = position
            }
            removed.append(path)
        }
        site.last!.pageCount += tags.addedTags.count - tags.removedTags.count
        for file in written {
            if let position = site.last!.positions[file.path] {
                site.files[position] = file
            } else if added.contains(file.path) {
                site.last!.positions[file.path] = site.files.count
                site.files.append(file)
            } else {
                return nil
            }
        }
        return removed
    }

    struct Edit {
        var index: Int
        var briefing: Briefing
        var body: RenderedBody
        /// How far its front matter's change reaches (`CardEdit`, `TagEdit`, `ModifiedEdit`, `EntityEdit`).
        var reach: CardEdit.Reach
        /// The entities its front matter lists, resolved.
        var listed: [Int]
    }

    /// The edited briefings with their new bodies, or nil when an edit is not a body edit (or
    /// one that also changes the title or summary). Updates `last`'s body renderer with the new titles.
    private static func readEdits(_ changed: Set<String>, last: inout LastBuild, paths: SitePaths) -> [Edit]? {
        let walker = ContentWalker(root: paths.content, displayBase: paths.root)
        let budgets = last.model.config.budgets
        var read: [(index: Int, briefing: Briefing, reach: CardEdit.Reach)] = []
        guard !last.hasSharedSources else { return nil }
        for path in changed.sorted() {
            let url = URL(fileURLWithPath: path)
            let file = walker.display(url)
            if isVanishedStranger(path, file, last: last, content: paths.content.path) { continue }
            // A link could lead outside Content/, where only the walker's checks apply.
            guard isPlainFile(path), let index = last.briefingsByFile[file], !last.filesWithDiagnostics.contains(file)
            else { return nil }
            let old = last.model.briefings[index]
            var diagnostics = Diagnostics()
            guard let briefing = ContentLoader.readBriefing(url, walker: walker, budgets: budgets, diagnostics: &diagnostics),
                  diagnostics.all.isEmpty else { return nil }
            if sameFrontMatter(briefing, old.source) {
                read.append((index, briefing, []))
            } else if let reach = CardEdit.reach(of: briefing, from: old.source) {
                read.append((index, briefing, reach))
            } else {
                return nil
            }
        }
        let retitled = read.filter { !$0.briefing.title.utf8.elementsEqual(last.model.briefings[$0.index].source.title.utf8) }
        if !retitled.isEmpty {
            guard !CardEdit.isWikiLinked(Set(retitled.map(\.briefing.slug)), in: last.model, except: Set(read.map(\.index)))
            else { return nil }
            // Bodies rendered from now on (these, and later body edits) link to the new titles.
            for edit in retitled { last.renderer.documentURLs[edit.briefing.slug]?.title = edit.briefing.title }
        }
        var edits: [Edit] = []
        for (index, briefing, reach) in read {
            let old = last.model.briefings[index]
            var listed = old.listed
            if reach.contains(.entities) {
                guard let relisted = EntityEdit.listed(briefing, in: last.model.directory) else { return nil }
                listed = relisted
            }
            let body = last.renderer.render(Resolver.bodyRequest(briefing, listed: listed, config: last.model.config))
            guard body.diagnostics.isEmpty, body.mentions == old.body.mentions else { return nil }
            edits.append(Edit(index: index, briefing: briefing, body: body, reach: reach, listed: listed))
        }
        return edits
    }

    /// An editor's temporary file, created and renamed away between two builds: it is gone, it
    /// was in one of the folders of Markdown sources (not `static/`, not a template, not
    /// `site.yml`), and the last build neither used nor complained about it or anything under it
    /// (a removed link to a folder is reported like a file).
    private static func isVanishedStranger(_ path: String, _ file: String, last: LastBuild, content: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) != 0, errno == ENOENT,
              ["briefings", "actors", "places", "pages"].contains(where: { path.hasPrefix(content + "/" + $0 + "/") })
        else { return false }
        let inside = file + "/"
        return !last.sources.contains(file) && !last.filesWithDiagnostics.contains(file)
            && !last.sources.contains { $0.hasPrefix(inside) } && !last.filesWithDiagnostics.contains { $0.hasPrefix(inside) }
    }

    /// A regular file with no other hard link (not a symbolic link, not a folder).
    static func isPlainFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_nlink == 1
    }

    static func isSearchTerms(_ path: String) -> Bool {
        path.hasPrefix("search/terms") && path.hasSuffix(".json")
    }

    /// Every field but the body (its first line included: it positions the body's diagnostics).
    static func sameFrontMatter(_ a: Briefing, _ b: Briefing) -> Bool {
        var a = a, b = b
        a.body = ""
        b.body = ""
        return identical(a, b)
    }

    /// Equal down to the bytes of every string: Swift's `==` takes "é" and "e" + U+0301 for the
    /// same title, but the pages written differ.
    static func identical(_ a: Briefing, _ b: Briefing) -> Bool {
        a == b && String(reflecting: a).utf8.elementsEqual(String(reflecting: b).utf8)
    }
}
