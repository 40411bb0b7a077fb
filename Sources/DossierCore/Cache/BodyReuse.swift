import Foundation

/// Looks up and records rendered Markdown bodies in a `SessionCache`.
///
/// A body's HTML depends on its request (text, file, position, linking mode, listed entities,
/// owner) and on what the renderer knows: the site settings and every entity's id, kind, name,
/// aliases and case rule, which decide what is a mention and where it links. Briefing and page
/// titles and slugs matter only to wiki-links: a body the renderer found wiki-links in is
/// stored with a digest of them and reused only while that digest is unchanged (the renderer
/// decides, not a search of the source for `[[`, which misses `&#91;&#91;` and `\[\[`).
/// Editing one briefing's text therefore re-renders that body alone.
struct BodyReuse: Sendable {
    let cache: SessionCache
    let renderer: BodyRenderer
    private let rendererKey: Fingerprint
    private let documentsKey: Fingerprint

    init(cache: SessionCache, renderer: BodyRenderer) {
        self.cache = cache
        self.renderer = renderer
        var key = Fingerprint()
        key.combine(String(reflecting: renderer.config))
        for entity in renderer.directory.entities {
            key.combine(entity.kind.rawValue)
            key.combine(entity.id)
            key.combine(entity.name)
            key.combine(UInt64(entity.aliases.count))
            for alias in entity.aliases { key.combine(alias) }
            key.combine(byte: entity.caseInsensitive ? 1 : 0)
            key.combine(byte: entity.isStub ? 1 : 0)
        }
        rendererKey = key
        var documents = Fingerprint()
        for slug in renderer.documentURLs.keys.sorted() {
            let document = renderer.documentURLs[slug]!
            documents.combine(slug)
            documents.combine(document.url)
            documents.combine(document.title)
        }
        documentsKey = documents
    }

    /// The cached body for this request, or a freshly rendered one (then recorded).
    func body(for request: BodyRenderer.Request) -> RenderedBody {
        var key = rendererKey
        key.combine(request.markdown)
        key.combine(request.file)
        key.combine(UInt64(request.bodyLine))
        key.combine(String(describing: request.linking))
        for entity in request.listed.sorted() { key.combine(UInt64(entity)) }
        key.combine(byte: 0xFE)
        key.combine(UInt64(bitPattern: Int64(request.owner ?? -1)))
        if let hit = cache.bodies.reuse(key), hit.documents == (hit.body.hasWikiLinks ? documentsKey : nil) {
            return hit.body
        }
        let body = renderer.render(request)
        cache.bodies.record(key, (body, body.hasWikiLinks ? documentsKey : nil))
        return body
    }
}
