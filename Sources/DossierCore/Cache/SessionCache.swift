import Foundation

/// A thread-safe map that remembers only what the last successful build used.
///
/// A build reads from the previous generation and records into the next; `commit` makes the
/// next one current and drops everything the build did not touch, so the cache never grows
/// past one site's worth. A failed build does not commit: the next build still finds what the
/// last good one recorded.
final class GenerationalCache<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var previous: [Key: Value] = [:]
    private var next: [Key: Value] = [:]
    /// Values computed, and values reused, since `begin`.
    private(set) var misses = 0
    private(set) var hits = 0

    func begin() {
        lock.lock()
        // Most builds use about what the last one did: growing from empty rehashed every entry
        // several times.
        next = [:]
        next.reserveCapacity(previous.count)
        misses = 0
        hits = 0
        lock.unlock()
    }

    /// The previous build's value, carried into the next generation when found.
    func reuse(_ key: Key, where usable: (Value) -> Bool = { _ in true }) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return carry(key, where: usable)
    }

    /// The previous build's value for `key`, neither carried into the next generation nor
    /// counted, and without the lock: for lookups from parallel tasks, which then carry what
    /// they used in one batch (`reuseAll`). The previous generation changes only between builds
    /// (`begin`, `commit`, `seed`), never while one runs.
    func peekPrevious(_ key: Key) -> Value? {
        previous[key]
    }

    /// `reuse` for many keys under one lock: tens of thousands of lookups from parallel
    /// workers spent more time waiting for each other than looking up.
    func reuseAll(_ keys: [Key], where usable: (Value) -> Bool = { _ in true }) -> [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return keys.map { carry($0, where: usable) }
    }

    /// The value for `key`, carried into the next generation; called with `lock` held.
    private func carry(_ key: Key, where usable: (Value) -> Bool) -> Value? {
        guard let value = previous[key] ?? next[key], usable(value) else { return nil }
        next[key] = value
        hits += 1
        return value
    }

    /// Carries the previous build's value into the next generation, if there is one, without
    /// counting a hit: for values that go with an output the build reused as a whole.
    func keep(_ key: Key, where usable: (Value) -> Bool = { _ in true }) {
        lock.lock()
        if let value = previous[key], usable(value) { next[key] = value }
        lock.unlock()
    }

    /// A value found elsewhere (in a saved file read on demand): a hit all the same.
    func noteReused() {
        lock.lock()
        hits += 1
        lock.unlock()
    }

    /// A value computed but not kept (it came with diagnostics, say): a miss all the same.
    func noteUnrecorded() {
        lock.lock()
        misses += 1
        lock.unlock()
    }

    func record(_ key: Key, _ value: Value) {
        lock.lock()
        misses += 1
        next[key] = value
        lock.unlock()
    }

    /// Drops a value that no longer describes its key's output, from both generations.
    func forget(_ key: Key) {
        lock.lock()
        previous[key] = nil
        next[key] = nil
        lock.unlock()
    }

    func commit() {
        lock.lock()
        previous = next
        next = [:]
        lock.unlock()
    }

    /// What the last committed build used (to save it).
    var committed: [Key: Value] {
        lock.lock()
        defer { lock.unlock() }
        return previous
    }

    /// Starts from entries saved by an earlier process.
    func seed(_ entries: [Key: Value]) {
        lock.lock()
        previous = entries
        lock.unlock()
    }
}

/// What a long-running process (`dossier serve`) keeps between builds so that a rebuild redoes
/// only the work whose inputs changed: parsed source files (keyed by path and file stamp),
/// rendered Markdown bodies (keyed by everything the body renderer reads), rendered cards
/// (keyed by their template context), each search document's terms and each feed entry. Every key covers all of its value's inputs, so a
/// rebuild with the cache gives the same site as one without.
public final class SessionCache: @unchecked Sendable {
    struct LoadedFile {
        var stamp: FileStamp
        /// False when the file was modified within a timestamp tick of being read: a second save
        /// in that tick could keep the same stamp, so the next build reads the file again
        /// (git's "racily clean" rule).
        var settled: Bool
        /// Budgets and the other settings the readers use; a change reloads every file.
        var settings: String
        var value: Any?
        var diagnostics: [Diagnostic]
    }

    let files = GenerationalCache<String, LoadedFile>()
    /// The content folder's listing, when it held only plain files and folders
    /// (`ContentWalker.Listing.plain`), with the walk's diagnostics; by the folder's path.
    let listing = GenerationalCache<String, SavedListing>()

    struct SavedListing {
        var listing: ContentWalker.Listing
        var diagnostics: [Diagnostic]
        /// Every file the listing names.
        let files: Set<String>

        init(listing: ContentWalker.Listing, diagnostics: [Diagnostic]) {
            self.listing = listing
            self.diagnostics = diagnostics
            let urls = listing.briefings + listing.actors + listing.places + listing.pages
                + listing.staticFiles.map(\.url) + (listing.siteConfig.map { [$0] } ?? [])
            files = Set(urls.map(\.path))
        }

        /// Still the listing after `changed`. Each changed path inside the content folder is
        /// - a file the listing names, and still a plain file (not removed, not replaced by a
        ///   folder or a link);
        /// - or under a name the walker skips (`ContentWalker.isSkipped`: hidden names,
        ///   editors' backup and swap files);
        /// - or gone, and never listed: an editor's temporary file, renamed away. (Unless the
        ///   walk reported something: it may have been about that file.)
        /// Anything else may be a new file.
        func covers(_ changed: Set<String>, content: String) -> Bool {
            changed.allSatisfy { path in
                guard path.hasPrefix(content + "/") else { return true }
                if files.contains(path) { return BodyEdit.isPlainFile(path) }
                let below = path.dropFirst(content.count + 1).split(separator: "/")
                if below.contains(where: { ContentWalker.isSkipped(String($0)) }) { return true }
                var info = stat()
                return diagnostics.isEmpty && lstat(path, &info) != 0 && errno == ENOENT
            }
        }
    }
    /// A body, and the digest of briefing and page slugs and titles when it has wiki-links.
    let bodies = GenerationalCache<Fingerprint, (body: RenderedBody, documents: Fingerprint?)>()
    let fragments = GenerationalCache<Fingerprint, HTMLFragment>()
    let searchTerms = GenerationalCache<Fingerprint, [(String, UInt32)]>()
    let feedEntries = GenerationalCache<Fingerprint, String>()
    /// Digests of output path lists that passed `OutputWriter.checkPaths`, for `serve`.
    let checkedPaths = GenerationalCache<Fingerprint, Bool>()
    /// `search/docs-N.json` texts, by the listed values of their documents.
    let searchChunks = GenerationalCache<Fingerprint, String>()
    /// The search index's postings, updated document by document (not generational: it always
    /// describes the documents it was last given, whatever became of that build).
    let searchPostings = SearchPostings()
    /// Related briefings of every briefing, by the digest of all briefings' entities and tags.
    let related = GenerationalCache<Fingerprint, [[Int]]>()
    /// What the last related briefings were computed from, for `serve` (one value, key 0).
    let relatedBasis = GenerationalCache<Int, RelatedBasis>()
    /// References, events and co-occurrence of every entity, by the digest of their inputs.
    let entityFacts = GenerationalCache<Fingerprint, [EntityFacts]>()
    /// Briefings as read from their front matter (body left empty), by the digest of the front
    /// matter's text, the file's name and the budgets (`ContentLoader.readBriefing`): what a
    /// saved cache uses in place of `files`, whose keys a fresh clone changes.
    let briefingFronts = GenerationalCache<Fingerprint, Briefing>()
    /// Briefing files by path, as the previous build read them (`StampedBriefing`): a file whose
    /// stamp is unchanged is not read again; its body is read only if it must be rendered.
    let stampedBriefings = GenerationalCache<String, StampedBriefing>()
    /// List pages with markers for their cards (`PageSkeleton`), by output path, each with its
    /// `PageKeys.skeletonKey`; kept only by a cache that is not persistent (`serve`).
    let skeletons = GenerationalCache<String, (key: Fingerprint, skeleton: PageSkeleton)>()

    /// The search terms the previous build saved, for a persistent cache, and the file they are
    /// read from.
    var savedTerms: SavedSearchTerms?
    var savedFile: SavedFile?
    /// The store the saved bodies' and cards' HTML is read from (`BodyStore`).
    var savedBodies: BodyStore.Opened?

    /// Something read from the saved files was not what they held when they were loaded.
    var savedFilesDamaged: Bool {
        savedFile?.damaged ?? false || savedBodies?.file.damaged ?? false
    }
    /// The search index the previous build saved, and the one this build made (both only for a
    /// persistent cache: `serve` keeps `searchPostings` instead).
    var savedSearchIndex: SavedSearchPostings?
    var searchIndex: SavedSearchPostings?
    /// Documents whose postings this build moved in the saved index; nil when it merged every
    /// document's terms.
    var searchDocumentsMoved: Int?
    /// Opens the file this build's cache is written to (search terms go in as they are scored);
    /// set by the build for a persistent cache, called at most once: by the search index
    /// (which may run on its own thread, `SiteRenderer`), then when the cache is saved.
    var makeFile: (() -> SessionCacheFile.Writer?)?
    private var openedFile: SessionCacheFile.Writer??

    var file: SessionCacheFile.Writer? {
        if let openedFile { return openedFile }
        let file = makeFile?()
        openedFile = .some(file)
        return file
    }

    /// Loaded from and saved to the output folder by `dossier build` (`SessionCacheFile`), for
    /// one build: files, feed entries and search postings are then left to the build itself.
    let persistent: Bool

    /// A cache for the builds of one process (`dossier serve`).
    public init() {
        persistent = false
    }

    /// A cache for one `dossier build` that starts from what the previous build saved. It skips
    /// what is worth keeping only in a long-running process: parsed files (keyed by file stamps,
    /// which a fresh clone changes), feed entries (cheap to escape again), search terms and the
    /// postings updated document by document (about 100 MB at 10,000 briefings, which the
    /// build's peak memory cannot afford).
    init(persistent: Bool) {
        self.persistent = persistent
    }

    /// Called at the start of a build.
    func begin() {
        files.begin()
        listing.begin()
        bodies.begin()
        fragments.begin()
        searchTerms.begin()
        feedEntries.begin()
        checkedPaths.begin()
        searchChunks.begin()
        related.begin()
        relatedBasis.begin()
        entityFacts.begin()
        briefingFronts.begin()
        stampedBriefings.begin()
        skeletons.begin()
    }

    /// Keeps what this build used (call only after a build that succeeded).
    /// Carrying entries into the next generation that the build itself does not wait for
    /// (`ContentLoader`'s unread briefings): done on another thread, and waited for by
    /// `settle`, which `commit` and the build's counts call first.
    private let background = DispatchGroup()

    func carryInBackground(_ work: @escaping @Sendable () -> Void) {
        DispatchQueue.global().async(group: background, execute: work)
    }

    func settle() {
        background.wait()
    }

    public func commit() {
        settle()
        files.commit()
        listing.commit()
        bodies.commit()
        fragments.commit()
        searchTerms.commit()
        feedEntries.commit()
        checkedPaths.commit()
        searchChunks.commit()
        related.commit()
        relatedBasis.commit()
        entityFacts.commit()
        briefingFronts.commit()
        stampedBriefings.commit()
        skeletons.commit()
    }

    /// Files read, bodies rendered and cards rendered by the last build (the rest were reused).
    public var misses: (files: Int, bodies: Int, fragments: Int) { (files.misses, bodies.misses, fragments.misses) }
}

/// Identifies one version of a file without reading it: a save, a `touch` or a rename over it
/// changes at least one field.
struct FileStamp: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64
    var changed: Int64

    init(device: UInt64, inode: UInt64, size: Int64, modified: Int64, changed: Int64) {
        (self.device, self.inode, self.size, self.modified, self.changed) = (device, inode, size, modified, changed)
    }

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// How recent a stamp may be and still be trusted later: a file changed again within the
    /// same tick of the file system's clock (up to a second on some) keeps its stamp, so a stamp
    /// is recorded only once its times are older than this (tests set it to 0).
    nonisolated(unsafe) static var racyNanoseconds: Int64 = 2_000_000_000

    /// True when the times are old enough, at `now`, for a later change to show in them.
    func isSettled(at now: Date) -> Bool {
        Int64(now.timeIntervalSince1970 * 1e9) - max(modified, changed) > Self.racyNanoseconds
    }

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }
}

/// What a build read from a briefing file with no diagnostic: with the same stamp (and the same
/// budgets), the next `dossier build` takes the front matter from `briefingFronts` by `front`
/// and leaves the body unread (`UnreadBody`) until a body must be rendered. Stamps include the
/// change time, which no edit can give back; a fresh clone changes them all, and then every
/// file is read as before.
struct StampedBriefing: Sendable {
    var stamp: FileStamp
    /// Digest of the budgets the file was read under.
    var settings: Fingerprint
    /// The `briefingFronts` key of its front matter.
    var front: Fingerprint
    var body: Fingerprint
    var bodyLine: Int
}
