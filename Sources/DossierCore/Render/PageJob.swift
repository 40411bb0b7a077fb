/// One HTML page to render. Plain data, so jobs can be spread over threads; the template
/// context is built inside the worker that renders it.
enum PageJob: Sendable, Hashable {
    case home
    case briefing(Int)
    case briefingList(page: Int)
    case entity(Int)
    case entityIndex(Entity.Kind)
    case tagIndex
    case tag(Int)
    case timeline
    case page(Int)
    case search
    case notFound

    static func all(for model: SiteModel) -> [PageJob] {
        var jobs: [PageJob] = [.home, .timeline, .entityIndex(.actor), .entityIndex(.place), .tagIndex, .search, .notFound]
        jobs += (1...max(1, model.briefingPageCount)).map { .briefingList(page: $0) }
        jobs += model.briefings.indices.map(PageJob.briefing)
        jobs += model.entities.indices.map(PageJob.entity)
        jobs += model.tags.indices.map(PageJob.tag)
        jobs += model.pages.indices.map(PageJob.page)
        return jobs
    }

    /// Site-relative URL of the page.
    func url(in model: SiteModel) -> String {
        switch self {
        case .home: return "/"
        case let .briefing(index): return "/briefings/\(model.briefings[index].source.slug)/"  // no copy of the briefing
        case let .briefingList(page): return page == 1 ? "/briefings/" : "/briefings/page/\(page)/"
        case let .entity(index): return model.entities[index].url
        case let .entityIndex(kind): return "/\(kind.folder)/"
        case .tagIndex: return "/tags/"
        case let .tag(index): return "/tags/\(model.tags[index].slug)/"
        case .timeline: return "/timeline/"
        case let .page(index): return model.pages[index].url
        case .search: return "/search/"
        case .notFound: return "/404.html"
        }
    }

    /// Path of the written file inside the output folder.
    func outputPath(in model: SiteModel) -> String {
        let url = url(in: model)
        return url.hasSuffix("/") ? String(url.dropFirst()) + "index.html" : String(url.dropFirst())
    }
}

extension SiteModel {
    var briefingPageCount: Int {
        (briefings.count + config.perPage - 1) / config.perPage
    }
}
