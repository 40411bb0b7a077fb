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
    /// The site's files this build wrote into the staging folder.
    private let written: [String]
    private var listing: OutputListing
    private let existing: (files: Set<Name>, folders: Set<Name>)
    private var writtenNames: [Name]
    /// Folders the new site needs.
    private var needed = Set<Name>()
    /// Files in the output folder that the new site does not have.
    private var stale: Set<Name>
    private let total: Int

    /// A relative path as the file system spells it. Swift's `String` equality would take a
    /// composed and a decomposed "é" for one name, where Linux sees two files. Hashed in one
    /// piece: an array of bytes hashes byte by byte, which made comparing 12,000 names a tenth
    /// of a second.
    struct Name: Hashable, Comparable, Sendable {
        var bytes: [UInt8]

        init(_ bytes: some Sequence<UInt8>) {
            self.bytes = Array(bytes)
        }

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }

        static func < (a: Name, b: Name) -> Bool {
            a.bytes.lexicographicallyPrecedes(b.bytes)
        }

        var isEmpty: Bool { bytes.isEmpty }

        /// `name` inside this folder (`name` itself inside the output folder, the empty name).
        func child(_ name: Name) -> Name {
            isEmpty ? name : Name(bytes + [UInt8(ascii: "/")] + name.bytes)
        }

        /// The folder that holds it; nil for a name at the top.
        var parent: Name? {
            bytes.lastIndex(of: UInt8(ascii: "/")).map { Name(bytes[..<$0]) }
        }
    }

    /// Files that belong to the output folder's bookkeeping, not to the site.
    static let bookkeeping: [String] = [OutputWriter.markerName, RenderCache.fileName, SessionCacheFile.fileName,
                                        BodyStore.fileName, OutputListing.fileName]

    /// In place only when at most this many files are written or deleted: beyond it, the time
    /// in which the folder holds old and new pages side by side stops being negligible, and one
    /// atomic exchange of the whole folder is worth its cost.
    static func allowed(changes: Int, total: Int) -> Bool {
        changes <= max(100, total / 20)
    }

    /// Reads the output folder's tree and works out what committing `written` and `unchanged` in
    /// place would change; nil when the site cannot be committed in place (the caller swaps the
    /// whole folder in). Only folders are read, so this can run while the caches are written.
    init?(staging: URL, output: URL, written: [String], unchanged: [String]) {
        self.staging = staging
        self.output = output
        self.written = written
        var info = stat()
        // An output folder that is a symbolic link is replaced by a real folder by the swap;
        // every build must do the same, or which copy is current would depend on the change.
        guard lstat(output.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR,
              StagingFolder.isRegularFile(output.path + "/" + OutputWriter.markerName) else { return nil }
        listing = OutputListing.load(in: output.path)
        guard let found = listing.list(output.path) else { return nil }
        existing = (found.files, found.folders)
        writtenNames = written.map { Name($0.utf8) }
        let unchangedNames = unchanged.map { Name($0.utf8) }
        // A previous file missing from the listing is gone, or behind a symbolic link to a
        // folder (the listing does not follow them): the swap handles both.
        for name in unchangedNames where !existing.files.contains(name) { return nil }
        for name in writtenNames {
            if existing.folders.contains(name) { return nil }  // a folder where a file goes now
            var folder = name
            while let parent = folder.parent {
                if existing.files.contains(parent) { return nil }  // a file where a folder goes
                if !needed.insert(parent).inserted { break }
                folder = parent
            }
        }
        for name in unchangedNames {
            var folder = name
            while let parent = folder.parent, needed.insert(parent).inserted { folder = parent }
        }
        stale = existing.files
        for name in writtenNames { stale.remove(name) }
        for name in unchangedNames { stale.remove(name) }
        total = written.count + unchanged.count
    }

    /// Commits the site and `bookkeeping` (the caches written into the staging folder, all at
    /// the top); true when the site is now committed, false when nothing was touched and the
    /// caller must swap the whole folder in.
    mutating func run(bookkeeping: [String]) throws -> Bool {
        for name in bookkeeping.map({ Name($0.utf8) }) {
            if existing.folders.contains(name) { return false }
            writtenNames.append(name)
            stale.remove(name)
        }
        // Bookkeeping files are kept only as regular files: a symbolic link planted under such
        // a name would have the caches written through it, outside the output folder.
        for name in Self.bookkeeping where StagingFolder.isRegularFile(output.path + "/" + name) { stale.remove(Name(name.utf8)) }
        let paths = written + bookkeeping
        guard Self.allowed(changes: paths.count + stale.count, total: total + bookkeeping.count) else { return false }

        for folder in needed.sorted() where !existing.folders.contains(folder) {
            let path = output.path + "/" + String(decoding: folder.bytes, as: UTF8.self)
            guard mkdir(path, 0o755) == 0 else {
                throw BuildFailure("cannot create folder \(path): \(String(cString: strerror(errno)))")
            }
        }
        for path in paths where rename(staging.path + "/" + path, output.path + "/" + path) != 0 {
            throw BuildFailure("cannot move \(path) into \(output.path): \(String(cString: strerror(errno)))")
        }
        for name in stale { OutputListing.withPath(output.path, name) { _ = unlink($0) } }
        // Deepest first, so a folder is empty by the time it is removed.
        let removed = existing.folders.subtracting(needed)
        for folder in removed.sorted(by: >) {
            OutputListing.withPath(output.path, folder) { _ = rmdir($0) }
        }
        try refreshMarker()
        listing.forget(changed: writtenNames + Array(stale) + Array(needed.subtracting(existing.folders)) + Array(removed))
        listing.save(in: output.path)
        return true
    }

    /// The marker's text is the one a swap would write (it changed once, between versions).
    private func refreshMarker() throws {
        let marker = output.appendingPathComponent(OutputWriter.markerName)
        guard FileManager.default.contents(atPath: marker.path) != Data(StagingFolder.markerText.utf8) else { return }
        try Data(StagingFolder.markerText.utf8).write(to: marker, options: .atomic)
    }
}
