import DossierCore
import Foundation

/// What one rebuild did; `dossier serve` prints it, tests and the benchmark wait on it.
public struct RebuildOutcome: Sendable {
    public var result: BuildResult
    /// The generation now served: new after a success, unchanged after a failure.
    public var generation: Int
    /// Render plus snapshot swap, in seconds.
    public var seconds: Double
    public var succeeded: Bool { result.succeeded }
    /// The rebuild applied body edits only (`BodyEdit`) instead of running the whole pipeline.
    public var bodyEdit: Bool { result.bodyEdits > 0 }
}

/// Renders the site in memory and swaps the served snapshot. Every rebuild runs on one serial
/// queue, so rebuilds never overlap and the debounce bookkeeping needs no lock.
///
/// When the watcher's changes are edits to briefing bodies only, `BodyEdit` patches the last
/// good site. Otherwise a rebuild runs the whole pipeline (`Pipeline.render`) over in-memory
/// caches: a `SessionCache` skips reading unchanged files and rendering unchanged bodies and
/// cards, and a `RenderCache` skips templating pages whose inputs did not change.
final class Rebuilder: @unchecked Sendable {
    let queue = DispatchQueue(label: "dossier.rebuild", qos: .userInitiated)
    let snapshot = Locked<SiteSnapshot?>(nil)
    let hub: EventHub
    private let options: BuildOptions
    private let cache = RenderCache()
    private let session = SessionCache()
    private let boot: String
    private let report: @Sendable (RebuildOutcome) -> Void
    /// Changes the watcher reported that no rebuild has handled yet.
    private let pending = Locked(ChangeSet())
    // Only touched on `queue`.
    private var generation = 0
    private var lastSite: RenderedSite?
    /// What changed since the last whole rebuild that succeeded (the one `session` holds): what
    /// the kept listing of the content folder must still account for. Body edits and failed
    /// rebuilds add to it.
    private var sinceWholeBuild = ChangeSet.everything

    init(options: BuildOptions, boot: String, hub: EventHub, report: @escaping @Sendable (RebuildOutcome) -> Void) {
        var options = options
        options.cache = cache
        options.session = session
        options.keepLastBuild = true
        options.incremental = true
        self.options = options
        self.boot = boot
        self.hub = hub
        self.report = report
    }

    var current: SiteSnapshot? { snapshot.current }

    /// Runs a rebuild after every rebuild already queued.
    func rebuild() async -> RebuildOutcome {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.rebuildOnQueue()) }
        }
    }

    /// Remembers what the watcher saw; the debounced rebuild that follows takes it.
    func noteChanges(_ changes: ChangeSet) {
        pending.withLock { $0.merge(changes) }
    }

    /// The debounced rebuild: nothing when every change was handled already (a rebuild that
    /// ran in between took it), body edits when that is all there is, a whole rebuild otherwise.
    func rebuildPendingOnQueue() {
        let changes = pending.withLock { pending in
            defer { pending = ChangeSet() }
            return pending
        }
        guard !changes.isEmpty else { return }
        _ = rebuildOnQueue(changes: changes)
    }

    /// Called on `queue` (directly, or by the debouncer that lives on it).
    func rebuildOnQueue(changes: ChangeSet = .everything) -> RebuildOutcome {
        dispatchPrecondition(condition: .onQueue(queue))
        let start = DispatchTime.now()
        sinceWholeBuild.merge(changes)
        var applied: BodyEdit.Applied?
        var site: RenderedSite?
        if !changes.anything, var last = lastSite {
            lastSite = nil  // `last` is then the only reference, and is updated in place
            applied = BodyEdit.apply(changes.paths, to: &last, options: options)
            if applied != nil { site = last }
        }
        let result: BuildResult
        if let applied {
            result = applied.result
        } else {
            var options = options
            options.changedPaths = sinceWholeBuild.anything ? nil : sinceWholeBuild.paths
            (result, site) = Pipeline.render(options)
        }
        var served = generation
        if let site {
            if applied == nil {
                cache.commit()  // only a good build becomes the reference; a failed one is forgotten
                session.commit()
                sinceWholeBuild = ChangeSet()
            }
            lastSite = site
            generation += 1
            served = generation
            let staticFolder = options.paths.content.appendingPathComponent("static")
            let fresh: SiteSnapshot
            if let applied, let previous = snapshot.current {
                fresh = previous.patched(writing: applied.written, removing: applied.removed, generation: generation, boot: boot)
            } else {
                fresh = SiteSnapshot(site: site, generation: generation, boot: boot, staticFolder: staticFolder,
                                     previous: snapshot.current)
            }
            snapshot.withLock { $0 = fresh }
            hub.published(build: fresh.build)  // after the swap: a reloading page gets the new site
        } else {
            lastSite = nil  // until a whole rebuild succeeds, a body edit cannot tell what else is broken
            hub.failed(diagnostics: result.diagnostics.filter { $0.severity == .error }.map(\.formatted))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let outcome = RebuildOutcome(result: result, generation: served, seconds: seconds)
        report(outcome)
        // After the reload went out: a save arriving meanwhile waits on this queue, as it would
        // for the first tag edit otherwise.
        if applied == nil { lastSite?.prepareForEdits() }
        return outcome
    }
}
