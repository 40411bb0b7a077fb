import Foundation

/// A file of the finished site, path relative to the output folder.
public struct OutputFile: Sendable {
    public var path: String
    public var contents: Data
    /// The previous build's file at `path` is still right; `contents` is empty and the writer
    /// reuses that file (set only by an on-disk `RenderCache`).
    public var reusePrevious = false

    public init(path: String, contents: Data, reusePrevious: Bool = false) {
        self.path = path
        self.contents = contents
        self.reusePrevious = reusePrevious
    }

    init(path: String, text: String) {
        self.init(path: path, contents: Data(text.utf8))
    }
}

/// The Render stage: site model in, output files out (and the view with its rendered cards).
/// Pages render in parallel.
///
/// With a staging folder every file is written there as soon as it is rendered and the returned
/// files keep only their paths (`contents` is empty); without one (`check`, `serve`) the bytes
/// are returned.
enum SiteRenderer {
    static func render(_ model: SiteModel, templates: TemplateSet, cache: RenderCache? = nil, session: SessionCache? = nil,
                       staging: StagingFolder? = nil, progress: ProgressReporter? = nil,
                       diagnostics: inout Diagnostics) -> (files: [OutputFile], view: ViewContext) {
        let search = SearchAside(model: model, session: session)
        let jobs = PageJob.all(for: model)
        progress?.start(total: jobs.count)
        cache?.begin()
        let slots = ResultSlots<(OutputFile?, Diagnostics)>(count: jobs.count)
        let keys = cache == nil && session == nil ? nil
            : PageKeys(model: model, templates: templates, forSkeletons: session.map { !$0.persistent } ?? false)
        let view = ViewContext(model: model, templates: templates).withCards(templates: templates, cache: session, keys: keys)
        let box = UncheckedBox(view)
        let lists = SkeletonLists(session: session, keys: keys, view: view)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let job = jobs[index]
            var built: (template: String, context: [String: Any])?
            let path = job.outputPath(in: box.value.model)
            defer { progress?.advance() }
            var fingerprint = Fingerprint()
            if let cache {
                if let key = keys?.key(for: job, in: box.value.model) {
                    fingerprint = key
                } else {
                    let page = box.value.render(job)
                    built = page
                    fingerprint = templates.fingerprint
                    fingerprint.combine(page.template)
                    fingerprint.combine(context: page.context)
                }
                let reused = cache.reuse(path, fingerprint: fingerprint)
                if reused != nil { lists?.keep(job, path: path) }
                switch reused {
                case let .bytes(data)?:
                    cache.record(path, fingerprint: fingerprint, data: data)
                    staging?.add(path, data: data)
                    slots.set(index, (OutputFile(path: path, contents: staging == nil ? data : Data()), Diagnostics()))
                    return
                case .previousFile?:
                    cache.record(path, fingerprint: fingerprint, data: nil)
                    staging?.reusePrevious(path)
                    slots.set(index, (OutputFile(path: path, contents: Data(), reusePrevious: true), Diagnostics()))
                    return
                case nil:
                    break
                }
            }
            func emit(_ data: Data, _ local: Diagnostics) {
                staging?.add(path, data: data)
                if let cache, local.all.isEmpty { cache.record(path, fingerprint: fingerprint, data: staging == nil ? data : nil) }
                slots.set(index, (OutputFile(path: path, contents: staging == nil ? data : Data()), local))
            }
            switch lists?.render(job, path: path, templates: templates) {
            case let .page(data, local)?: return emit(data, local)
            case let .failed(local)?: return slots.set(index, (nil, local))
            case .renderWithCards?, nil: break
            }
            let (template, context) = built ?? box.value.render(job)
            var local = Diagnostics()
            guard let text = templates.render(context, template: template, diagnostics: &local) else {
                return slots.set(index, (nil, local))
            }
            if let staging {
                staging.add(path, text: text)
                if local.all.isEmpty { cache?.record(path, fingerprint: fingerprint, data: nil) }
                slots.set(index, (OutputFile(path: path, contents: Data()), local))
            } else {
                let file = OutputFile(path: path, text: text)
                if let cache, local.all.isEmpty { cache.record(path, fingerprint: fingerprint, data: file.contents) }
                slots.set(index, (file, local))
            }
        }
        var files: [OutputFile] = []
        for case let (file, local)? in slots.values {
            diagnostics.append(contentsOf: local.all)
            if let file { files.append(file) }
        }
        // Staged as soon as each group is made, so feeds (tens of megabytes at 10,000 briefings)
        // are not held while the search index is built.
        files += FeedWriter(model: model, cache: session).files(reusing: cache, staging: staging)
        files += staged(search.files(), in: staging)
        files += staged(templates.assets.keys.sorted().map { OutputFile(path: $0, contents: templates.assets[$0]!) }, in: staging)
        return (files, view)
    }

    /// The search index, made on its own thread while pages render when the build is a rebuild
    /// that rendered few bodies: then the pages are mostly reused and leave a core idle, and the
    /// index (a pass over every document, 0.1–0.2 s at 10,000 briefings) fits in it. A build that
    /// renders every body makes the index after the pages and feeds, so that the terms it scores
    /// are not in memory at the same time as them.
    private final class SearchAside: @unchecked Sendable {
        private let index: SearchIndex
        private var made: [OutputFile]?
        private let done = DispatchGroup()

        init(model: SiteModel, session: SessionCache?) {
            index = SearchIndex(model: model, cache: session)
            guard let session, session.bodies.hits > 0,
                  session.bodies.misses <= SearchPostings.patchLimit(documents: model.briefings.count) else { return }
            DispatchQueue.global().async(group: done) { self.made = self.index.files() }
        }

        func files() -> [OutputFile] {
            done.wait()
            return made ?? index.files()
        }
    }

    /// The files themselves without a staging folder; with one, written there and kept as paths.
    private static func staged(_ generated: [OutputFile], in staging: StagingFolder?) -> [OutputFile] {
        guard let staging else { return generated }
        // On both cores, as pages are: the feeds of a 10,000-briefing site are tens of megabytes.
        let slots = ResultSlots<OutputFile>(count: generated.count)
        let box = UncheckedBox(generated)
        DispatchQueue.concurrentPerform(iterations: generated.count) { index in
            slots.set(index, staging.stage(box.value[index]))
        }
        return slots.values.compactMap { $0 }
    }
}
