import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Write stage: puts a finished site on disk atomically.
///
/// Files go into a `StagingFolder` beside the output folder; only when every file is written is
/// the staging folder swapped in. A failed build therefore leaves the previous site as it was,
/// and files left over from older builds never survive.
public enum OutputWriter {
    /// Present in every folder Dossier wrote; a folder without it is never deleted.
    public static let markerName = ".dossier-output"

    public struct Summary: Sendable {
        public var written = 0
        public var unchanged = 0
        /// The changed files were renamed into the output folder and the unchanged ones left
        /// alone (`InPlaceCommit`), rather than the whole folder swapped.
        public var inPlace = false
    }

    /// Checks that every output path is safe and unique (also case-insensitively and after
    /// Unicode normalisation, so the site deploys the same on every file system).
    static func checkPaths(_ paths: [(path: String, origin: String)], diagnostics: inout Diagnostics) {
        // Sized up front: growing them rehashed every path several times, on one core.
        var seen: [String: (path: String, origin: String)] = Dictionary(minimumCapacity: paths.count)
        var keys: [String] = []
        keys.reserveCapacity(paths.count)
        for entry in paths {
            guard isSafeRelativePath(entry.path) else {
                diagnostics.error("dossier.output.unsafe-path", entry.origin, "output path '\(entry.path)' is not allowed")
                continue
            }
            let key = Self.collisionKey(entry.path)
            keys.append(key)
            if let other = seen[key] {
                let kind = other.path == entry.path ? "the same output file" : "output files that differ only in case or Unicode form"
                diagnostics.error("dossier.output.collision", entry.origin,
                                  "'\(entry.path)' and '\(other.path)' (from \(other.origin)) are \(kind)")
            } else {
                seen[key] = entry
            }
        }
        // A file where another path needs a folder (a static file `timeline` and the generated
        // `timeline/index.html`) would only fail when written, after everything was rendered.
        // Folders are collected as slices of the keys, so no string is copied.
        var folders: [Substring: String] = Dictionary(minimumCapacity: paths.count / 4)
        for key in keys {
            var folder = Substring(key)
            while let slash = folder.lastIndex(of: "/") {
                folder = folder[..<slash]
                guard folders[folder] == nil else { break }  // its parents are known too
                folders[folder] = key
            }
        }
        for key in keys.sorted() {
            guard let file = seen[key], let inside = folders[Substring(key)], let entry = seen[inside] else { continue }
            diagnostics.error("dossier.output.collision", file.origin,
                              "'\(file.path)' is a file, but '\(entry.path)' (from \(entry.origin)) needs it to be a folder")
        }
    }

    /// Case- and normalisation-folded path; generated paths are lowercase ASCII already, so
    /// they skip the Unicode work.
    static func collisionKey(_ path: String) -> String {
        if path.utf8.allSatisfy({ $0 < 0x80 && !(0x41...0x5A).contains($0) }) { return path }
        return path.precomposedStringWithCanonicalMapping.lowercased()
    }

    static func isSafeRelativePath(_ path: String) -> Bool {
        var segmentStart = 0
        var dots = 0
        var position = 0
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "/"):
                let length = position - segmentStart
                if length == 0 || length == dots && dots <= 2 { return false }  // "", ".", ".."
                segmentStart = position + 1
                dots = 0
            case UInt8(ascii: "\\"), 0:
                return false
            case UInt8(ascii: "."):
                dots += 1
            default:
                break
            }
            position += 1
            if position - segmentStart > 255 { return false }
        }
        let length = position - segmentStart
        return length > 0 && !(length == dots && dots <= 2)
    }

    /// Refuses output folders that would destroy something the user wrote.
    public static func checkOutputFolder(_ paths: SitePaths) throws {
        let output = paths.output.resolvingSymlinksInPath().standardizedFileURL.path
        let content = paths.content.resolvingSymlinksInPath().standardizedFileURL.path
        let root = paths.root.resolvingSymlinksInPath().standardizedFileURL.path
        if output == "/" || output == root || content == output || content.hasPrefix(output + "/") || output.hasPrefix(content + "/") {
            throw BuildFailure("refusing to write the site to \(paths.output.path): it is, contains or is inside the content folder or the site root")
        }
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: output, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw BuildFailure("output path \(paths.output.path) exists and is not a folder")
        }
        let items = (try? manager.contentsOfDirectory(atPath: output)) ?? []
        if !items.isEmpty && !items.contains(markerName) {
            throw BuildFailure("refusing to replace \(paths.output.path): it is not empty and was not made by Dossier (no \(markerName) file); move it away or choose another --output")
        }
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// glibc's `renameat2` with RENAME_EXCHANGE: both paths stay valid at every instant. Looked
    /// up at run time because Swift's Glibc module does not export it.
    private static func exchange(_ first: String, _ second: String) -> Bool {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        return renameat2(AT_FDCWD, first, AT_FDCWD, second, 2) == 0
        #else
        return false
        #endif
    }

    /// Replaces `output` with `staging` — atomically where the kernel can exchange two paths.
    static func swapIn(_ staging: URL, for output: URL) throws {
        let manager = FileManager.default
        guard manager.fileExists(atPath: output.path) else {
            try manager.moveItem(at: staging, to: output)
            return
        }
        if exchange(staging.path, output.path) {
            try manager.removeItem(at: staging)
            return
        }
        let old = staging.deletingLastPathComponent().appendingPathComponent(staging.lastPathComponent + "-old")
        try manager.moveItem(at: output, to: old)
        do {
            try manager.moveItem(at: staging, to: output)
        } catch {
            try? manager.moveItem(at: old, to: output)  // put the previous site back
            throw error
        }
        try manager.removeItem(at: old)
    }
}
