import Foundation

/// Looks up and records rendered Markdown bodies in a `SessionCache`.
///
/// A body's HTML depends on its request (text, file, position, linking mode, listed entities,
/// owner) and on what the renderer knows: the site settings that reach a body
/// (`SiteConfig.renderingSettings`) and every entity's id, kind, name,
/// aliases and case rule, which decide what is a mention and where it links. Briefing and page
/// titles and slugs matter only to wiki-links: a body the renderer found wiki-links in is
/// stored with a digest of what its targets resolved to (the renderer decides, not a search of
/// the source for `[[`, which misses `&#91;&#91;` and `\[\[`) and reused only while they
/// resolve the same way. Editing one briefing's text therefore re-renders that body alone, and
/// retitling a briefing re-renders the bodies that link to it, not every body with a wiki-link.
struct BodyReuse: Sendable {
    let cache: SessionCache
    let renderer: BodyRenderer
    private let rendererKey: Fingerprint

    init(cache: SessionCache, renderer: BodyRenderer) {
        self.cache = cache
        self.renderer = renderer
        var key = Fingerprint()
        key.combine(renderer.config.renderingSettings)
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
    }

    /// Every briefing's and page's slug, URL and title: what a body with an unresolved
    /// wiki-link depends on (its "did you mean" searches them all). Rare, so not computed ahead.
    private var allDocumentsDigest: Fingerprint {
        var documents = Fingerprint()
        for slug in renderer.documentURLs.keys.sorted() {
            let document = renderer.documentURLs[slug]!
            documents.combine(slug)
            documents.combine(document.url)
            documents.combine(document.title)
        }
        return documents
    }

    /// Every request's body: the keys are made in parallel and the cached bodies looked up
    /// under one lock (10,000 lookups, each taking the lock, kept two workers waiting on each
    /// other), then the others are rendered in parallel and recorded.
    func bodies(for requests: [BodyRenderer.Request]) -> [RenderedBody] {
        let keySlots = ResultSlots<Fingerprint>(count: requests.count)
        let shared = UncheckedBox(requests)
        DispatchQueue.concurrentPerform(iterations: requests.count) { index in
            keySlots.set(index, key(for: shared.value[index]))
        }
        let keys = requests.indices.map { keySlots.take($0)! }
        let found = cache.bodies.reuseAll(keys, where: { $0.documents == documentsDigest($0.body) })
        let missing = found.indices.filter { found[$0] == nil }
        let rendered = ResultSlots<RenderedBody>(count: requests.count)
        DispatchQueue.concurrentPerform(iterations: missing.count) { position in
            let index = missing[position]
            let body = renderer.render(shared.value[index])
            cache.bodies.record(keys[index], (body, documentsDigest(body)))
            rendered.set(index, body)
        }
        return requests.indices.map { found[$0]?.body ?? rendered.take($0)! }
    }

    /// Everything the body's HTML depends on.
    private func key(for request: BodyRenderer.Request) -> Fingerprint {
        var key = rendererKey
        key.combine(request.markdownDigest)
        key.combine(request.file)
        key.combine(UInt64(request.bodyLine))
        key.combine(String(describing: request.linking))
        for entity in request.listed.sorted() { key.combine(UInt64(entity)) }
        key.combine(byte: 0xFE)
        key.combine(UInt64(bitPattern: Int64(request.owner ?? -1)))
        return key
    }

    /// What the body's wiki-links to briefings and pages resolve to now.
    private func documentsDigest(_ body: RenderedBody) -> Fingerprint? {
        guard body.hasWikiLinks else { return nil }
        guard let targets = body.documentTargets else { return allDocumentsDigest }
        var digest = Fingerprint()
        digest.combine(byte: 1)
        for target in targets {
            digest.combine(target)
            if let document = renderer.documentURLs[target] {
                digest.combine(document.url)
                digest.combine(document.title)
            } else {
                digest.combine(byte: 0)
            }
        }
        return digest
    }
}
