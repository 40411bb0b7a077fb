import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The folder a build writes into before it becomes `Output/`. Render workers hand their pages
/// to it as soon as each is finished, from any thread, so page bytes are never all held in
/// memory at once and writing overlaps rendering.
///
/// A file whose bytes equal the previous build's is hard-linked from it instead (it keeps its
/// modification time, and a static host's sync tool skips it). Files are written with plain
/// `open`/`write`/`close`: the site only becomes visible through the final rename, so there is
/// nothing to gain from syncing each file, and fsync per file was most of the write stage.
public final class StagingFolder: @unchecked Sendable {
    public let output: URL
    let url: URL
    private let lock = NSLock()
    private var madeFolders: Set<String> = []
    private var summary = OutputWriter.Summary()
    private var failure: String?

    /// Creates an empty staging folder beside `output` (removing one a crashed build left).
    public init(output: URL) throws {
        self.output = output.standardizedFileURL
        let parent = self.output.deletingLastPathComponent()
        let manager = FileManager.default
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        let prefix = ".\(self.output.lastPathComponent).dossier-staging-"
        url = parent.appendingPathComponent(prefix + "\(getpid())")
        try? manager.removeItem(at: url)
        Self.removeAbandoned(in: parent, prefix: prefix)
        try manager.createDirectory(at: url, withIntermediateDirectories: true)
        madeFolders.insert(url.path)
    }

    /// Removes staging folders left by builds that were killed (Ctrl-C during a long build):
    /// their process no longer exists. A folder of a build still running is left alone.
    private static func removeAbandoned(in parent: URL, prefix: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        for name in names where name.hasPrefix(prefix) {
            let suffix = name.dropFirst(prefix.count)
            guard let pid = pid_t(suffix.hasSuffix("-old") ? suffix.dropLast(4) : suffix), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
            }
        }
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

    /// The previous build's file is known to be right (the render cache said so).
    func reusePrevious(_ path: String) {
        guard let target = prepare(path) else { return }
        if link(output.path + "/" + path, target) == 0 {
            count(written: false)
        } else {
            fail("\(output.path)/\(path) vanished during the build; run the build again")
        }
    }

    func addStatic(_ file: StaticFile) {
        guard let target = prepare(file.outputPath) else { return }
        let previous = output.path + "/" + file.outputPath
        let manager = FileManager.default
        if manager.contentsEqual(atPath: previous, andPath: file.source), link(previous, target) == 0 {
            count(written: false)
            return
        }
        do {
            try manager.copyItem(atPath: file.source, toPath: target)
            count(written: true)
        } catch {
            fail("cannot copy \(file.source): \(error.localizedDescription)")
        }
    }

    private func add(_ path: String, bytes: UnsafeRawBufferPointer) {
        guard let target = prepare(path) else { return }
        let previous = output.path + "/" + path
        if Self.sameBytes(previous, bytes), link(previous, target) == 0 {
            count(written: false)
            return
        }
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
        count(written: true)
    }

    /// Whether the file at `path` holds exactly `bytes`; a size check first keeps a changed
    /// file from being read.
    private static func sameBytes(_ path: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == bytes.count else { return false }
        guard let old = FileManager.default.contents(atPath: path) else { return false }
        return old.withUnsafeBytes { $0.elementsEqual(bytes) }
    }

    /// Makes the parent folders of `relative` and returns its path in the staging folder.
    private func prepare(_ relative: String) -> String? {
        // Paths are checked again after rendering, with their origins; this keeps a bad one
        // from being written outside the staging folder before that.
        guard OutputWriter.isSafeRelativePath(relative) else {
            fail("output path '\(relative)' is not allowed")
            return nil
        }
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

    private func count(written: Bool) {
        lock.lock()
        if written { summary.written += 1 } else { summary.unchanged += 1 }
        lock.unlock()
    }

    private func fail(_ message: String) {
        lock.lock()
        if failure == nil { failure = message }
        lock.unlock()
    }

    /// Swaps the finished folder in for `output`; on any earlier failure the staging folder is
    /// removed and `output` is left as it was.
    func commit() throws -> OutputWriter.Summary {
        lock.lock()
        let failure = self.failure
        lock.unlock()
        do {
            if let failure { throw BuildFailure(failure) }
            try Data("Built by Dossier. This folder is replaced on every build.\n".utf8)
                .write(to: url.appendingPathComponent(OutputWriter.markerName))
            try OutputWriter.swapIn(url, for: output)
        } catch {
            discard()
            throw BuildFailure("could not write the site to \(output.path): \(error.localizedDescription)")
        }
        return summary
    }

    /// Removes the staging folder; `output` is untouched.
    public func discard() {
        try? FileManager.default.removeItem(at: url)
    }
}
