#if os(Linux)
import Foundation
import Glibc

/// inotify, one watch per folder (inotify is not recursive). Folders created later get their own
/// watch when their IN_CREATE / IN_MOVED_TO arrives, and their contents are scanned right away,
/// because files written between the `mkdir` and the new watch produce no event of their own.
/// A queue overflow (IN_Q_OVERFLOW) or a moved folder makes the watcher rescan everything.
final class InotifyWatcher: SiteWatcher, @unchecked Sendable {
    let kind = "inotify"
    private let fd: Int32
    private let targets: WatchTargets
    private let onChange: @Sendable (ChangeSet) -> Void
    private let queue = DispatchQueue(label: "dossier.watch.inotify")
    private var source: DispatchSourceRead?
    // Only touched on `queue`.
    private var folders: [Int32: String] = [:]
    private let treeMask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVED_FROM
                                  | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
    private let anchorMask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVED_FROM
                                    | IN_MOVED_TO | IN_ONLYDIR)

    init?(targets: WatchTargets, onChange: @escaping @Sendable (ChangeSet) -> Void) {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.targets = targets
        self.onChange = onChange
        let started: Bool = queue.sync { rescan() }
        guard started else {
            close(fd)
            return nil
        }
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [weak self] in self?.drain() }
        source.setCancelHandler { [fd] in close(fd) }
        self.source = source
        source.resume()
    }

    func stop() {
        queue.sync {
            source?.cancel()
            source = nil
        }
    }

    /// (Re)adds a watch on every folder. Adding a watch on an already watched folder returns
    /// the same descriptor, so this also refreshes paths after folders moved. False when not
    /// even one watch could be added (e.g. the user's inotify watch limit is reached).
    @discardableResult
    private func rescan() -> Bool {
        var fresh: [Int32: String] = [:]
        for (folder, _) in targets.anchors {
            let wd = inotify_add_watch(fd, folder, anchorMask)
            if wd >= 0 { fresh[wd] = folder }
        }
        for tree in targets.trees {
            for folder in WatchTargets.folders(under: tree) {
                let wd = inotify_add_watch(fd, folder, treeMask)
                if wd >= 0 { fresh[wd] = folder }
            }
        }
        for wd in folders.keys where fresh[wd] == nil {
            inotify_rm_watch(fd, wd)
        }
        folders = fresh
        return !fresh.isEmpty
    }

    private func addTree(_ folder: String) {
        for sub in WatchTargets.folders(under: folder) {
            let wd = inotify_add_watch(fd, sub, treeMask)
            if wd >= 0 { folders[wd] = sub }
        }
    }

    private func isInTree(_ path: String) -> Bool {
        targets.trees.contains { path == $0 || path.hasPrefix($0 + "/") }
    }

    private func drain() {
        var changed = ChangeSet()
        var needsRescan = false
        let capacity = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer, capacity)
            if count <= 0 { break }  // EAGAIN: drained (non-blocking descriptor)
            var offset = 0
            while offset + 16 <= count {
                // struct inotify_event { int wd; uint32_t mask, cookie, len; char name[len]; }
                let wd = buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let nameLength = Int(buffer.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                var name = ""
                if nameLength > 0 {
                    let start = buffer.advanced(by: offset + 16).assumingMemoryBound(to: CChar.self)
                    name = String(cString: start)  // NUL-padded to `len`
                }
                offset += 16 + nameLength
                handle(wd: wd, mask: mask, name: name, changed: &changed, needsRescan: &needsRescan)
            }
        }
        if needsRescan {
            rescan()
            changed.anything = true
        }
        if !changed.isEmpty { onChange(changed) }
    }

    /// Files are reported by path; anything that happens to a folder may change many files.
    private func handle(wd: Int32, mask: UInt32, name: String, changed: inout ChangeSet, needsRescan: inout Bool) {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            needsRescan = true
            return
        }
        if mask & UInt32(IN_IGNORED) != 0 {
            folders[wd] = nil  // the folder is gone; its parent's watch reports a re-creation
            return
        }
        guard let folder = folders[wd] else { return }
        if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
            needsRescan = true
            return
        }
        let isFolder = mask & UInt32(IN_ISDIR) != 0
        if !isInTree(folder) {
            // An anchor folder (the site root or a tree's parent): only some names matter.
            guard targets.anchors[folder]?.contains(name) == true else { return }
            if isFolder && mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { addTree(folder + "/" + name) }
            if isFolder { changed.anything = true } else { changed.paths.insert(folder + "/" + name) }
            return
        }
        if name.isEmpty || WatchTargets.isNoise(name) { return }
        if isFolder {
            if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { addTree(folder + "/" + name) }
            // A folder moved away keeps its watch under a stale path: refresh every path.
            if mask & UInt32(IN_MOVED_FROM) != 0 { needsRescan = true }
            changed.anything = true
        } else {
            changed.paths.insert(folder + "/" + name)
        }
    }
}
#endif
