import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The output folder's tree as the last commit in place left it: each folder's entries, with
/// the folder's stamp, saved in `Output/.dossier-cache-listing`.
///
/// Adding, removing or renaming an entry changes its folder's modification and change times,
/// so a folder whose stamp is the saved one still has the saved entries, and the next commit
/// in place reads only the folders that changed. Reading all of them (11,000 folders at 10,000
/// briefings) took 0.4 s of every build. A stamp that was not settled when the folder was
/// listed is not saved (`FileStamp.isSettled`): a change in the same tick of the file
/// system's clock would not show in it.
struct OutputListing {
    typealias Name = InPlaceCommit.Name

    struct Folder {
        var stamp: FileStamp
        var files: [Name]
        var folders: [Name]
    }

    static let fileName = ".dossier-cache-listing"
    private static let header = "dossier-output-listing 1"

    /// By path relative to the output folder (the empty name for the folder itself).
    var folders: [Name: Folder] = [:]
    /// When `list` began: a folder's stamp is saved only if it was settled then
    /// (`FileStamp.isSettled`).
    private var listedAt = Date.distantPast

    /// The listing saved in `output`, or an empty one.
    static func load(in output: String) -> OutputListing {
        var info = stat()
        let path = output + "/" + fileName
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
              let file = ContentLoader.readBytes(path, limit: 1 << 30, expected: Int(info.st_size)) else { return OutputListing() }
        return file.withUnsafeBytes { read($0) } ?? OutputListing()
    }

    private static func read(_ file: UnsafeRawBufferPointer) -> OutputListing? {
        guard let bytes = BinaryReader.verified(file) else { return nil }
        var reader = BinaryReader(bytes)
        guard reader.readString() == header else { return nil }
        var listing = OutputListing()
        for _ in 0..<reader.readCount() where !reader.failed {
            let path = Name(reader.readBytes())
            let stamp = reader.readFileStamp()
            let files = (0..<reader.readCount()).map { _ in Name(reader.readBytes()) }
            let folders = (0..<reader.readCount()).map { _ in Name(reader.readBytes()) }
            listing.folders[path] = Folder(stamp: stamp, files: files, folders: folders)
        }
        guard reader.atEnd, !reader.failed else { return nil }
        return listing
    }

    /// Saves the folders whose stamps can be trusted (see the type's comment); written beside
    /// and renamed over, so nothing is written through a link planted under the name.
    func save(in output: String) {
        let trusted = folders.filter { $0.value.stamp.isSettled(at: listedAt) }
        let temporary = output + "/" + Self.fileName + ".new"
        guard var writer = BinaryWriter(path: temporary) else { return }
        writer.write(Self.header)
        writer.write(count: trusted.count)
        for path in trusted.keys.sorted() {
            let folder = trusted[path]!
            writer.write(count: path.bytes.count)
            writer.write(bytes: path.bytes)
            writer.write(folder.stamp)
            for names in [folder.files, folder.folders] {
                writer.write(count: names.count)
                for name in names {
                    writer.write(count: name.bytes.count)
                    writer.write(bytes: name.bytes)
                }
            }
        }
        if writer.finish() {
            if rename(temporary, output + "/" + Self.fileName) != 0 { unlink(temporary) }
        } else {
            unlink(temporary)
        }
    }

    /// Forgets the folders whose entries a commit changed: those that hold a changed path, and
    /// the changed paths that are folders (and the output folder itself, where the caches are
    /// written), so the next commit reads them again.
    mutating func forget(changed paths: [Name]) {
        folders[Name([])] = nil
        for path in paths {
            folders[path] = nil
            if let parent = path.parent { folders[parent] = nil }
        }
    }

    /// Every file (anything but a folder, symbolic links included) and folder under `root`,
    /// relative to it, as raw bytes, and this listing updated to what was found; nil when a
    /// folder cannot be read. Folders whose stamps are the saved ones are not read (`read`
    /// counts those that were).
    mutating func list(_ root: String) -> (files: Set<Name>, folders: Set<Name>, read: Int)? {
        var read = 0
        listedAt = Date()
        var files = Set<Name>()
        var found = Set<Name>()
        var listed: [Name: Folder] = [:]
        var pending = [Name([])]
        while let relative = pending.popLast() {
            var info = stat()
            guard Self.withPath(root, relative, { lstat($0, &info) }) == 0 else { return nil }
            let stamp = FileStamp(info)
            let folder: Folder
            if let saved = folders[relative], saved.stamp == stamp {
                folder = saved
            } else {
                guard let entries = Self.read(root, relative, stamp: stamp) else { return nil }
                folder = entries
                read += 1
            }
            listed[relative] = folder
            for name in folder.files { files.insert(relative.child(name)) }
            for name in folder.folders {
                let child = relative.child(name)
                found.insert(child)
                pending.append(child)
            }
        }
        folders = listed
        return (files, found, read)
    }

    /// One folder's entries, sorted by name.
    private static func read(_ root: String, _ relative: Name, stamp: FileStamp) -> Folder? {
        guard let handle = withPath(root, relative, { opendir($0) }) else { return nil }
        defer { closedir(handle) }
        var folder = Folder(stamp: stamp, files: [], folders: [])
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Name($0.prefix(while: { $0 != 0 })) }
            if name.bytes == [0x2E] || name.bytes == [0x2E, 0x2E] { continue }  // "." and ".."
            var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var info = stat()
                isFolder = withPath(root, relative.child(name)) { lstat($0, &info) } == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            }
            if isFolder { folder.folders.append(name) } else { folder.files.append(name) }
        }
        folder.files.sort()
        folder.folders.sort()
        return folder
    }

    /// Calls `body` with `root/name` (or `root` for an empty name) as a C string, `name`'s bytes
    /// as they are.
    static func withPath<T>(_ root: String, _ name: Name, _ body: (UnsafePointer<CChar>) -> T) -> T {
        var bytes = Array(root.utf8)
        if !name.isEmpty {
            bytes.append(UInt8(ascii: "/"))
            bytes += name.bytes
        }
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) } }
    }
}
