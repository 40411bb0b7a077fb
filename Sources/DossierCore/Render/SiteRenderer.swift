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

/// The Render stage: site model in, output files out. Pages render in parallel.
enum SiteRenderer {
    static func render(_ model: SiteModel, templates: TemplateSet, cache: RenderCache? = nil,
                       progress: ProgressReporter? = nil, diagnostics: inout Diagnostics) -> [OutputFile] {
        let jobs = PageJob.all(for: model)
        progress?.start(total: jobs.count)
        cache?.begin()
        let slots = ResultSlots<(OutputFile?, Diagnostics)>(count: jobs.count)
        let view = ViewContext(model: model).withCards(templates: templates)
        let box = UncheckedBox(view)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let job = jobs[index]
            let (template, context) = box.value.render(job)
            let path = job.outputPath(in: box.value.model)
            defer { progress?.advance() }
            var fingerprint = templates.fingerprint
            if let cache {
                fingerprint.combine(template)
                fingerprint.combine(context: context)
                switch cache.reuse(path, fingerprint: fingerprint) {
                case let .bytes(data)?:
                    cache.record(path, fingerprint: fingerprint, data: data)
                    slots.set(index, (OutputFile(path: path, contents: data), Diagnostics()))
                    return
                case .previousFile?:
                    cache.record(path, fingerprint: fingerprint, data: nil)
                    slots.set(index, (OutputFile(path: path, contents: Data(), reusePrevious: true), Diagnostics()))
                    return
                case nil:
                    break
                }
            }
            var local = Diagnostics()
            let file = templates.render(context, template: template, diagnostics: &local)
                .map { OutputFile(path: path, text: $0) }
            if let cache, let file, local.all.isEmpty { cache.record(path, fingerprint: fingerprint, data: file.contents) }
            slots.set(index, (file, local))
        }
        var files: [OutputFile] = []
        for case let (file, local)? in slots.values {
            diagnostics.append(contentsOf: local.all)
            if let file { files.append(file) }
        }
        files += FeedWriter(model: model).files()
        files += SearchIndex(model: model).files()
        files += templates.assets.keys.sorted().map { OutputFile(path: $0, contents: templates.assets[$0]!) }
        return files
    }
}
