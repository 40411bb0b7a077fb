import Foundation

/// A file of the finished site, path relative to the output folder.
public struct OutputFile: Sendable {
    public var path: String
    public var contents: Data

    public init(path: String, contents: Data) {
        self.path = path
        self.contents = contents
    }

    init(path: String, text: String) {
        self.init(path: path, contents: Data(text.utf8))
    }
}

/// The Render stage: site model in, output files out. Pages render in parallel.
enum SiteRenderer {
    static func render(_ model: SiteModel, templates: TemplateSet, progress: ProgressReporter? = nil,
                       diagnostics: inout Diagnostics) -> [OutputFile] {
        let jobs = PageJob.all(for: model)
        progress?.start(total: jobs.count)
        let slots = ResultSlots<(OutputFile?, Diagnostics)>(count: jobs.count)
        let view = ViewContext(model: model)
        let box = UncheckedBox(view)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let job = jobs[index]
            let (template, context) = box.value.render(job)
            var local = Diagnostics()
            let html = templates.render(context, template: template, diagnostics: &local)
            slots.set(index, (html.map { OutputFile(path: job.outputPath(in: box.value.model), text: $0) }, local))
            progress?.advance()
        }
        var files: [OutputFile] = []
        for case let (file, local)? in slots.values {
            diagnostics.append(contentsOf: local.all)
            if let file { files.append(file) }
        }
        files += FeedWriter(model: model).files()
        files += templates.assets.keys.sorted().map { OutputFile(path: $0, contents: templates.assets[$0]!) }
        return files
    }
}
