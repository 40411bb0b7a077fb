import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The folder a build writes into before it becomes `Output/`. Render workers hand their pages
/// to it as soon as each is finished, from any thread, so page bytes are never all held in
/// memory at once and writing overlaps rendering.
///
/// A file whose bytes equal the previous build's is not written at all: it is only noted, and
/// keeps its modification time (a static host's sync tool skips it). Files are written with
/// plain `open`/`write`/`close`: the site only becomes visible at `commit`, so there is nothing
/// to gain from syncing each file, and fsync per file was most of the write stage.
///
/// `commit` puts the site in place one of two ways. When few files changed, they are renamed
/// into the output folder one by one and the files no build produces any more are deleted
/// (`InPlaceCommit`): a one-briefing edit touches a few dozen files instead of re-linking ten
/// thousand. Otherwise the unchanged files are hard-linked into the staging folder, which then
/// replaces the output folder in one atomic exchange.
public final class StagingFolder: @unchecked Sendable {
    public let output: URL
    let url: URL
    private let parent: URL
    private let prefix: String
    private let lock = NSLock()
    private var madeFolders: Set<String> = []
    private var failure: String?
    /// Open while the folder exists and is being written; see `removeAbandoned`.
    private var lockDescriptor: Int32 = -1
    private var materialized = false
    /// Set by `discard`: render workers still running add nothing more.
    private var discarded = false
    /// Paths whose previous file is right, paths written into the staging folder, and the
    /// bookkeeping files (caches) written there, committed with the site but not counted in it.
    private var unchanged: [String] = []
    private var written: [String] = []
    private var bookkeeping: [String] = []
    private var keptBookkeeping: [String] = []
    /// Held for the whole of `commit`, so a Ctrl-C handler's `discard` waits for it to finish
    /// instead of pulling the staging folder from under a half-done commit.
    private let committing = NSLock()
    /// Set (under `committing`) once the site is in place.
    private var committed = false

    /// Describes the staging folder beside `output`. Nothing is created until the first file is
    /// added, which happens only once every body is rendered: a build stopped before that (by
    /// the watchdog, say) leaves no trace.
    public init(output: URL) {
        self.output = output.standardizedFileURL
        parent = self.output.deletingLastPathComponent()
        prefix = ".\(self.output.lastPathComponent).dossier-staging-"
        url = parent.appendingPathComponent(prefix + "\(getpid())")
        // Known to the interrupt handler from the start: a Ctrl-C before the first page must
        // still stop this build from committing.
        Self.active.withLock { $0[ObjectIdentifier(self)] = self }
    }

    /// Creates the folder and its lock; called with `lock` held.
    private func materialize() -> Bool {
        if materialized { return true }
        materialized = true
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
            Self.removeAbandoned(in: parent, prefix: prefix)
            try? manager.removeItem(at: url)
            lockDescriptor = open(url.path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            if lockDescriptor >= 0 { _ = flock(lockDescriptor, LOCK_EX | LOCK_NB) }
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            if failure == nil { failure = "cannot create \(url.path): \(error.localizedDescription)" }
            return false
        }
        madeFolders.insert(url.path)
        return true
    }

    /// Removes staging folders left by builds that were killed (Ctrl-C, a crash) before they
    /// could clean up. A running build holds an exclusive `flock` on `<folder>.lock`, so a
    /// folder whose lock can be taken is abandoned — also across PID namespaces, where process
    /// ids cannot be checked. `…-old` folders (an interrupted non-atomic swap) may hold the only
    /// copy of the previous site and are left for the user.
    private static func removeAbandoned(in parent: URL, prefix: String) {
        let manager = FileManager.default
        let names = (try? manager.contentsOfDirectory(atPath: parent.path)) ?? []
        for name in names where name.hasPrefix(prefix) && !name.hasSuffix(".lock") && !name.hasSuffix("-old") {
            let folder = parent.appendingPathComponent(name).path
            let descriptor = open(folder + ".lock", O_RDWR | O_CLOEXEC)
            if descriptor >= 0 {
                defer { close(descriptor) }
                guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }  // a live build
                try? manager.removeItem(atPath: folder)
                unlink(folder + ".lock")
            } else if let pid = pid_t(name.dropFirst(prefix.count)), pid > 0, kill(pid, 0) != 0, errno == ESRCH {
                try? manager.removeItem(atPath: folder)  // made before builds took locks
            }
        }
    }

    private static let active = ActiveFolders()

    /// Removes the staging folders of builds still running in this process and stops them
    /// from committing: for a Ctrl-C handler, just before the process exits. A commit already
    /// under way is waited for; true when one finished, so the new site is in place.
    @discardableResult
    public static func discardAllActive() -> Bool {
        var committed = false
        for folder in active.withLock({ Array($0.values) }) where folder.discard() { committed = true }
        return committed
    }

    /// Stores one generated file. Errors are remembered and reported by `commit`, so workers
    /// need not stop each other.
    func add(_ path: String, text: String) {
        var text = text
        text.withUTF8 { add(path, bytes: UnsafeRawBufferPointer($0)) }
    }

    func add(_ path: String, data: Data) {
        data.withUnsafeBytes { add(path, bytes: $0) }
    }

    /// Writes a generated file here (or keeps the previous build's) and gives it back as its
    /// path alone, with its bytes dropped.
    func stage(_ file: OutputFile) -> OutputFile {
        if file.reusePrevious { reusePrevious(file.path) } else { add(file.path, data: file.contents) }
        return OutputFile(path: file.path, contents: Data(), reusePrevious: file.reusePrevious)
    }

    /// Where to write a bookkeeping file (a cache) that goes in with the site; nil when the
    /// folder cannot be made.
    func bookkeepingPath(_ name: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard !discarded, materialize() else { return nil }
        return url.path + "/" + name
    }

    /// A bookkeeping file written at `bookkeepingPath` is complete: commit it with the site,
    /// without counting it among the site's files.
    func addBookkeeping(_ name: String) {
        lock.lock()
        bookkeeping.append(name)
        lock.unlock()
    }

    /// The output folder's bookkeeping file `name` (a cache a build appended to) goes in with
    /// the site as it is.
    func keepBookkeeping(_ name: String) {
        lock.lock()
        keptBookkeeping.append(name)
        lock.unlock()
    }

    /// The previous build's file is known to be right (the render cache said so).
    func reusePrevious(_ path: String) {
        guard OutputWriter.isSafeRelativePath(path) else { return fail("output path '\(path)' is not allowed") }
        count(path, written: false)
    }

    func addStatic(_ file: StaticFile) {
        let previous = output.path + "/" + file.outputPath
        let manager = FileManager.default
        if OutputWriter.isSafeRelativePath(file.outputPath), Self.isRegularFile(previous),
           manager.contentsEqual(atPath: previous, andPath: file.source) {
            return count(file.outputPath, written: false)
        }
        guard let target = prepare(file.outputPath) else { return }
        do {
            try manager.copyItem(atPath: file.source, toPath: target)
            count(file.outputPath, written: true)
        } catch {
            fail("cannot copy \(file.source): \(error.localizedDescription)")
        }
    }

    private func add(_ path: String, bytes: UnsafeRawBufferPointer) {
        if OutputWriter.isSafeRelativePath(path), Self.sameBytes(output.path + "/" + path, bytes) {
            return count(path, written: false)
        }
        guard let target = prepare(path) else { return }
        let descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return fail("cannot create \(target): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let wrote = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if wrote < 0 && errno == EINTR { continue }
            guard wrote > 0 else { return fail("cannot write \(target): \(String(cString: strerror(errno)))") }
            offset += wrote
        }
        count(path, written: true)
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether the file at `path` holds exactly `bytes`; a size check first keeps a changed
    /// file from being read.
    private static func sameBytes(_ path: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == bytes.count else { return false }
        guard let old = FileManager.default.contents(atPath: path) else { return false }
        // memcmp: `elementsEqual` on raw buffers walks them a byte at a time through generic
        // iteration, which made comparing the search shards and feeds a tenth of a build.
        return old.withUnsafeBytes { $0.count == bytes.count && (bytes.isEmpty || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0) }
    }

    /// Makes the parent folders of `relative` and returns its path in the staging folder.
    private func prepare(_ relative: String) -> String? {
        // Paths are checked again after rendering, with their origins; this keeps a bad one
        // from being written outside the staging folder before that.
        guard OutputWriter.isSafeRelativePath(relative) else {
            fail("output path '\(relative)' is not allowed")
            return nil
        }
        lock.lock()
        let ready = !discarded && materialize()
        lock.unlock()
        guard ready else { return nil }
        let target = url.path + "/" + relative
        guard let slash = target.lastIndex(of: "/") else { return target }
        return makeFolder(String(target[..<slash])) ? target : nil
    }

    /// One `mkdir` per new folder: its parent is made (or known) first, so there is no need
    /// for FileManager's component-by-component checks.
    private func makeFolder(_ folder: String) -> Bool {
        lock.lock()
        let known = madeFolders.contains(folder)
        lock.unlock()
        if known { return true }
        guard let slash = folder.lastIndex(of: "/"), makeFolder(String(folder[..<slash])) else { return false }
        guard mkdir(folder, 0o755) == 0 || errno == EEXIST else {
            fail("cannot create folder \(folder): \(String(cString: strerror(errno)))")
            return false
        }
        lock.lock()
        madeFolders.insert(folder)
        lock.unlock()
        return true
    }

    private func count(_ path: String, written: Bool) {
        lock.lock()
        if written { self.written.append(path) } else { unchanged.append(path) }
        lock.unlock()
    }

    private func fail(_ message: String) {
        lock.lock()
        if failure == nil { failure = message }
        lock.unlock()
    }

    /// Puts the finished site in place of `output` (see the type's comment); on any earlier
    /// failure the staging folder is removed and `output` is left as it was. `finish` runs first,
    /// only when nothing has failed and the build was not interrupted, and holds off an
    /// interruption until the commit is done: it writes the caches, which may append to a file
    /// in the output folder (`BodyStore`) that an abandoned build must leave as it was.
    func commit(finishing finish: () -> Void = {}) throws -> OutputWriter.Summary {
        committing.lock()
        defer { committing.unlock() }
        lock.lock()
        if discarded && failure == nil { failure = "the build was interrupted" }
        let failedBefore = failure != nil
        let (written, unchanged) = (self.written, self.unchanged)
        lock.unlock()
        var plan: InPlaceCommit?
        if !failedBefore {
            // The caches are written into the staging folder (and appended to a file in the
            // output folder) while the output folder's tree is read: neither changes what the
            // other reads, and each is a tenth of a second of a rebuild at 10,000 briefings.
            plan = sideBySide(finish, { InPlaceCommit(staging: url, output: output, written: written, unchanged: unchanged) }).1
        }
        lock.lock()
        _ = materialize()
        let failure = self.failure
        let (bookkeeping, kept) = (self.bookkeeping, self.keptBookkeeping)
        lock.unlock()
        var inPlace = false
        do {
            if let failure { throw BuildFailure(failure) }
            inPlace = try plan?.run(bookkeeping: bookkeeping) ?? false
            if !inPlace {
                try linkUnchanged(unchanged + kept)
                try Data(Self.markerText.utf8).write(to: url.appendingPathComponent(OutputWriter.markerName))
                try OutputWriter.swapIn(url, for: output)
            }
        } catch {
            discardStaging()
            throw BuildFailure("could not write the site to \(output.path): \(error.localizedDescription)")
        }
        committed = true
        discardStaging()
        return OutputWriter.Summary(written: written.count, unchanged: unchanged.count, inPlace: inPlace)
    }

    static let markerText = "Built by Dossier. Its files are replaced on every build.\n"

    /// Hard-links the previous build's unchanged files into the staging folder, before a swap.
    private func linkUnchanged(_ paths: [String]) throws {
        for path in paths {
            guard let target = prepare(path) else { break }
            guard link(output.path + "/" + path, target) == 0 else {
                throw BuildFailure("\(output.path)/\(path) vanished during the build; run the build again")
            }
        }
        lock.lock()
        let failure = self.failure
        lock.unlock()
        if let failure { throw BuildFailure(failure) }
    }

    /// Removes the staging folder and stops a later `commit`; `output` is untouched. Waits for
    /// a commit in progress, and returns true when the site was committed before.
    @discardableResult
    public func discard() -> Bool {
        committing.lock()
        defer { committing.unlock() }
        discardStaging()
        return committed
    }

    private func discardStaging() {
        lock.lock()
        discarded = true
        let exists = materialized
        lock.unlock()
        // A worker that prepared a path just before may still create its file: try again.
        for _ in 0..<20 where exists && FileManager.default.fileExists(atPath: url.path) {
            try? FileManager.default.removeItem(at: url)
            if FileManager.default.fileExists(atPath: url.path) { usleep(10_000) }
        }
        release()
    }

    private func release() {
        Self.active.withLock { $0[ObjectIdentifier(self)] = nil }
        lock.lock()
        defer { lock.unlock() }
        guard lockDescriptor >= 0 else { return }
        unlink(url.path + ".lock")
        close(lockDescriptor)
        lockDescriptor = -1
    }
}

/// The staging folders of this process, for `discardAllActive`.
private final class ActiveFolders: @unchecked Sendable {
    private let lock = NSLock()
    private var folders: [ObjectIdentifier: StagingFolder] = [:]

    func withLock<T>(_ body: (inout [ObjectIdentifier: StagingFolder]) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&folders)
    }
}
