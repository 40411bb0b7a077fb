import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Commits a build that changed few files straight into the output folder: each new or changed
/// file is renamed over its old version (an atomic step per file), then the files no longer
/// produced are deleted. Renaming a few dozen files takes about a millisecond, where re-linking
/// every unchanged file into a staging folder and deleting the old tree took seconds at 10,000
/// briefings.
///
/// Everything that could refuse is checked before the first rename, so a refusal leaves the
/// output as it was and the caller swaps the whole folder instead. A crash in the middle (power
/// loss, `kill -9`) can leave old and new files side by side; the next build repairs that,
/// because the render cache trusts a previous file only while its size and time are the ones it
/// recorded after a complete commit.
struct InPlaceCommit {
    let staging: URL
    let output: URL
    let written: [String]
    let unchanged: [String]

    /// Files that belong to the output folder's bookkeeping, not to the site.
    static let bookkeeping: Set<String> = [OutputWriter.markerName, RenderCache.fileName, SessionCacheFile.fileName,
                                           SessionCacheFile.fileName + ".partial"]

    /// In place only when at most this many files changed: beyond it, the time in which the
    /// folder holds old and new pages side by side stops being negligible, and one atomic
    /// exchange of the whole folder is worth its cost.
    static func allowed(written: Int, total: Int) -> Bool {
        written <= max(100, total / 20)
    }

    /// True when the site is now committed; false when nothing was touched and the caller must
    /// swap the whole folder in.
    func run() throws -> Bool {
        guard Self.allowed(written: written.count, total: written.count + unchanged.count),
              StagingFolder.isRegularFile(output.path + "/" + OutputWriter.markerName),
              let existing = Self.list(output.path) else { return false }
        for path in unchanged where !existing.files.contains(path) {
            throw BuildFailure("\(output.path)/\(path) vanished during the build; run the build again")
        }
        var needed = Set<String>()  // folders the new site needs
        for path in written {
            if existing.folders.contains(path) { return false }  // a folder where a file goes now
            var folder = Substring(path)
            while let slash = folder.lastIndex(of: "/") {
                folder = folder[..<slash]
                if existing.files.contains(String(folder)) { return false }  // a file where a folder goes
                if !needed.insert(String(folder)).inserted { break }
            }
        }
        for path in unchanged {
            var folder = Substring(path)
            while let slash = folder.lastIndex(of: "/") {
                folder = folder[..<slash]
                if !needed.insert(String(folder)).inserted { break }
            }
        }
        let kept = Set(written).union(unchanged).union(Self.bookkeeping)

        for folder in needed.sorted() where !existing.folders.contains(folder) {
            guard mkdir(output.path + "/" + folder, 0o755) == 0 || errno == EEXIST else {
                throw BuildFailure("cannot create folder \(output.path)/\(folder): \(String(cString: strerror(errno)))")
            }
        }
        for path in written where rename(staging.path + "/" + path, output.path + "/" + path) != 0 {
            throw BuildFailure("cannot move \(path) into \(output.path): \(String(cString: strerror(errno)))")
        }
        for path in existing.files where !kept.contains(path) {
            unlink(output.path + "/" + path)
        }
        // Deepest first, so a folder is empty by the time it is removed.
        for folder in existing.folders.subtracting(needed).sorted(by: >) {
            rmdir(output.path + "/" + folder)
        }
        return true
    }

    /// Every file (anything but a folder, symbolic links included) and folder under `root`,
    /// relative to it; nil when a folder cannot be read.
    static func list(_ root: String) -> (files: Set<String>, folders: Set<String>)? {
        var files = Set<String>()
        var folders = Set<String>()
        var pending = [""]
        while let relative = pending.popLast() {
            guard let handle = opendir(relative.isEmpty ? root : root + "/" + relative) else { return nil }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
                if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    isFolder = lstat(root + "/" + path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
                }
                if isFolder {
                    folders.insert(path)
                    pending.append(path)
                } else {
                    files.insert(path)
                }
            }
        }
        return (files, folders)
    }
}
