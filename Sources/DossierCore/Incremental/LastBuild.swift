import Foundation

/// What `serve` keeps of its last good build so that an edit to briefing bodies can be applied
/// without loading and resolving the whole site again (see `BodyEdit`).
struct LastBuild: @unchecked Sendable {
    var model: SiteModel
    var templates: TemplateSet
    /// Cards as rendered for `model`; a body edit leaves every card as it is.
    var briefingCards: [HTMLFragment]
    var eventCards: [HTMLFragment]
    var renderer: BodyRenderer
    /// The build's diagnostics, as returned, and the files they are about.
    var diagnostics: [Diagnostic]
    var filesWithDiagnostics: Set<String>
    /// Source file (as diagnostics show it) → index in `model.briefings`.
    var briefingsByFile: [String: Int]
    /// Every briefing, entity and page file the model was made from, as diagnostics show them.
    var sources: Set<String>
    /// Some source is a symbolic link or has other hard links: a watcher reports an edit under
    /// one name only, so another source sharing the file would go stale. Body edits are then off.
    var hasSharedSources: Bool
    /// Output path → index in `RenderedSite.files`.
    var positions: [String: Int]
    /// Paths of the search index's term shards.
    var shards: Set<String>
    var pageCount: Int
    /// Made after a whole rebuild (`prepareForPatches`), and kept up to date by the patches.
    var relatedFeatures: RelatedFeatures?
    var sitemap: SitemapLines?
    /// Entity index → the briefings that name it (actors and places, listed or mentioned), in
    /// briefing order; empty until `prepareForPatches`.
    var briefingsNaming: [[Int]] = []

    init(model: SiteModel, templates: TemplateSet, view: ViewContext, renderer: BodyRenderer, diagnostics: [Diagnostic],
         files: [OutputFile], root: URL) {
        self.model = model
        self.templates = templates
        briefingCards = view.briefingCards
        eventCards = view.eventCards
        self.renderer = renderer
        self.diagnostics = diagnostics
        filesWithDiagnostics = Set(diagnostics.map(\.file))
        briefingsByFile = Dictionary(model.briefings.indices.map { (model.briefings[$0].source.file, $0) },
                                     uniquingKeysWith: { first, _ in first })
        positions = Self.positions(of: files)
        shards = Set(files.lazy.map(\.path).filter(BodyEdit.isSearchTerms))
        pageCount = files.lazy.filter { $0.path.hasSuffix(".html") }.count
        sources = Set(model.briefings.map(\.source.file) + model.entities.map(\.file) + model.pages.map(\.source.file))
        hasSharedSources = sources.contains { !BodyEdit.isPlainFile($0.hasPrefix("/") ? $0 : root.path + "/" + $0) }
    }

    /// Makes what tag, date and entity edits start from (`TagEdit`, `ModifiedEdit`,
    /// `EntityEdit`), if it is not there yet: about 100 ms at 10,000 briefings. `serve` calls it
    /// after publishing a whole rebuild, so that the first such edit does not wait for it.
    mutating func prepareForPatches() {
        if relatedFeatures == nil { relatedFeatures = RelatedFeatures(model.briefings, entityCount: model.entities.count) }
        if sitemap == nil { sitemap = SitemapLines(model: model) }
        if briefingsNaming.isEmpty && !model.entities.isEmpty {
            briefingsNaming = Array(repeating: [], count: model.entities.count)
            for index in model.briefings.indices {
                for entity in model.briefings[index].entities { briefingsNaming[entity].append(index) }
            }
        }
    }

    static func positions(of files: [OutputFile]) -> [String: Int] {
        Dictionary(files.indices.map { (files[$0].path, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

extension RenderedSite {
    /// Makes ahead of time what patching tag, date and entity edits into this site starts from
    /// (see `LastBuild.prepareForPatches`).
    public mutating func prepareForEdits() {
        last?.prepareForPatches()
    }
}
