import DossierCore
import Foundation

/// How `dossier serve` notices edits.
public enum WatchMode: Sendable, Equatable {
    /// inotify on Linux, polling elsewhere or when inotify cannot start (e.g. no watches left).
    case automatic
    /// inotify only; starting fails when it is unavailable (tests use it to be sure what they test).
    case inotify
    /// Compare modification times, sizes and inodes every `interval` seconds.
    case polling(interval: TimeInterval)
    /// Never rebuild by itself (tests and benchmarks call `RunningServer.rebuild()`).
    case none
}

/// What a watcher saw change: files by absolute path, or — after a queue overflow, a moved or
/// created folder — that anything may have changed.
public struct ChangeSet: Sendable, Equatable {
    public var paths: Set<String> = []
    public var anything = false

    public static let everything = ChangeSet(anything: true)

    public init(paths: Set<String> = [], anything: Bool = false) {
        self.paths = paths
        self.anything = anything
    }

    mutating func merge(_ other: ChangeSet) {
        paths.formUnion(other.paths)
        anything = anything || other.anything
    }

    var isEmpty: Bool { paths.isEmpty && !anything }
}

/// A running watcher; `stop()` releases its descriptors and timers.
protocol SiteWatcher: Sendable {
    var kind: String { get }
    func stop()
}

/// What to watch: whole trees (Content/, Templates/) and a few names in parent folders
/// (site.yml, and the tree folders themselves so that creating Templates/ later is noticed).
struct WatchTargets: Sendable {
    var trees: [String]
    /// Folder → the names in it that matter. Watched without recursion.
    var anchors: [String: Set<String>]

    init(paths: SitePaths) {
        trees = [paths.content.path, paths.templates.path]
        anchors = [paths.root.path: ["site.yml"]]
        for tree in [paths.content, paths.templates] {
            anchors[tree.deletingLastPathComponent().standardizedFileURL.path, default: []].insert(tree.lastPathComponent)
        }
    }

    /// Editors' swap, backup and temporary files: their final rename (MOVED_TO the real name) is
    /// what matters. The content walker skips the same names (`ContentWalker.isSkipped`), so a
    /// rebuild that reuses the last listing misses nothing the watcher did not report.
    static func isNoise(_ name: String) -> Bool {
        ContentWalker.isSkipped(name)
    }

    /// Every folder under `tree` (itself included) that the content walker would enter,
    /// following symbolic links to folders but never twice to the same one.
    static func folders(under tree: String) -> [String] {
        var result: [String] = []
        var seen: Set<String> = []
        var stack = [tree]
        let manager = FileManager.default
        while let folder = stack.popLast() {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
            guard seen.insert(real).inserted else { continue }
            result.append(folder)
            for name in ((try? manager.contentsOfDirectory(atPath: folder)) ?? []) where !isNoise(name) {
                stack.append(folder + "/" + name)
            }
        }
        return result
    }
}

enum WatcherFactory {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static func make(_ mode: WatchMode, targets: WatchTargets, onChange: @escaping @Sendable (ChangeSet) -> Void) throws -> (any SiteWatcher)? {
        switch mode {
        case .none:
            return nil
        case .polling(let interval):
            return PollingWatcher(targets: targets, interval: interval, onChange: onChange)
        case .inotify:
            #if os(Linux)
            if let watcher = InotifyWatcher(targets: targets, onChange: onChange) { return watcher }
            throw Unavailable(description: "inotify is unavailable: \(String(cString: strerror(errno)))")
            #else
            throw Unavailable(description: "inotify exists only on Linux")
            #endif
        case .automatic:
            #if os(Linux)
            if let watcher = InotifyWatcher(targets: targets, onChange: onChange) { return watcher }
            #endif
            return PollingWatcher(targets: targets, interval: 0.5, onChange: onChange)
        }
    }
}

/// The fallback: a timer compares a fingerprint (size, modification time, inode) of every file
/// and folder. Costs one `stat` per file per interval; fine for thousands of files.
final class PollingWatcher: SiteWatcher, @unchecked Sendable {
    let kind = "polling"
    private let targets: WatchTargets
    private let onChange: @Sendable (ChangeSet) -> Void
    private let timer: DispatchSourceTimer
    // Only touched on the timer's queue.
    private var last: [String: String] = [:]

    init(targets: WatchTargets, interval: TimeInterval, onChange: @escaping @Sendable (ChangeSet) -> Void) {
        self.targets = targets
        self.onChange = onChange
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "dossier.watch.poll"))
        last = Self.fingerprint(targets)
        let period = max(interval, 0.01)
        timer.schedule(deadline: .now() + period, repeating: period, leeway: .milliseconds(5))
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
    }

    func stop() { timer.cancel() }

    private func tick() {
        let now = Self.fingerprint(targets)
        if now != last {
            onChange(Self.changes(from: last, to: now))
            last = now
        }
    }

    /// The files that differ. Folders change when their files do (a rename changes the folder's
    /// time), so they are named only when nothing else is: then anything may have changed.
    static func changes(from old: [String: String], to new: [String: String]) -> ChangeSet {
        var files: Set<String> = []
        var folderChanged = false
        for path in Set(old.keys).union(new.keys) where old[path] != new[path] {
            if (old[path] ?? new[path])!.hasPrefix("d ") { folderChanged = true } else { files.insert(path) }
        }
        return files.isEmpty && folderChanged ? .everything : ChangeSet(paths: files)
    }

    static func fingerprint(_ targets: WatchTargets) -> [String: String] {
        var result: [String: String] = [:]
        let manager = FileManager.default
        func record(_ path: String) {
            guard let attributes = try? manager.attributesOfItem(atPath: path) else { return }
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let kind = attributes[.type] as? FileAttributeType == .typeDirectory ? "d" : "f"
            result[path] = "\(kind) \(attributes[.size] ?? 0) \(modified) \(attributes[.systemFileNumber] ?? 0)"
        }
        for (folder, names) in targets.anchors {
            for name in names { record(folder + "/" + name) }
        }
        for tree in targets.trees {
            for folder in WatchTargets.folders(under: tree) {
                record(folder)
                for name in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] where !WatchTargets.isNoise(name) {
                    record(folder + "/" + name)
                }
            }
        }
        return result
    }
}
