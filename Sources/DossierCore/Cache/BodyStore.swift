import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The HTML of the session cache — rendered bodies and cards — in a file of its own beside it
/// (`.dossier-cache-bodies`).
///
/// A build that rendered a few bodies and cards appends only those to the file, and its session
/// file points at the others where they already are: copying 100 MB of unchanged HTML into
/// every new session file, and hashing it again on every load, was a fifth of a one-edit build
/// at 10,000 briefings. The session file records the stamp the store had once written (`Reference`); a
/// store that no longer has it (replaced, truncated, edited) makes that session file unusable,
/// and the build a full one. HTML no session file points to any more is dropped by writing a
/// fresh store once it is the larger part of the file.
///
/// The store is appended to only by a build that succeeded and was not interrupted, as the
/// first step of its commit (`StagingFolder.commit(finishing:)`): a failed build leaves it as it
/// was, and a commit that fails after it leaves bytes past the end that the previous session
/// file does not point to (its stamp then no longer matches, so the next build is full).
/// Ranges a session file records past the end of the store reject that file.
/// HTML is read back only when a page needs it (`SavedText`), and checked against its digest.
enum BodyStore {
    static let fileName = ".dossier-cache-bodies"
    private static let magic = Array("dossier-bodies 1\n".utf8)

    /// The store as the session file that points into it last saw it. The change time is left
    /// out: hard-linking the store into a new output folder changes it, and nothing else.
    struct Reference: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int64

        init(_ info: stat) {
            let stamp = FileStamp(info)
            (device, inode, size, modified) = (stamp.device, stamp.inode, stamp.size, stamp.modified)
        }

        init(reading reader: inout BinaryReader) {
            (device, inode) = (reader.readUInt64(), reader.readUInt64())
            (size, modified) = (Int64(reader.readInt()), Int64(reader.readInt()))
        }

        func write(to writer: inout BinaryWriter) {
            writer.write(device)
            writer.write(inode)
            writer.write(Int(size))
            writer.write(Int(modified))
        }
    }

    /// The store in an output folder, open for reading bodies on demand.
    struct Opened {
        let file: SavedFile
        let reference: Reference
    }

    /// The store in `output`; nil when there is none, or it is not a regular file or not a store.
    static func open(in output: URL) -> Opened? {
        let descriptor = Glibc.open(output.path + "/" + fileName, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            return nil
        }
        let file = SavedFile(descriptor: descriptor)
        guard file.read(0..<magic.count) == magic else { return nil }
        return Opened(file: file, reference: Reference(info))
    }

    /// Where the next session file's HTML goes: appended to the store the loaded session file
    /// used, or written into a fresh store in the staging folder.
    final class Writer {
        private let previous: Opened?
        private var descriptor: Int32 = -1
        /// True: the output folder's store, to keep; false: a new store, committed with the site.
        let appended: Bool
        private var end: Int
        private let start: Int
        /// Bytes this build put in the store (all of it, for a fresh one).
        var bytesWritten: Int { end - start }
        private var buffer: [UInt8] = []
        private var output: QueuedWrites?

        /// `keptBytes`: how much HTML the next session file keeps from `previous`. A fresh store
        /// is made when there is no store to append to, or when most of it is no longer used.
        init?(previous: Opened?, output: URL, keptBytes: Int, freshPath: () -> String?) {
            self.previous = previous
            if let previous, keptBytes * 2 >= Int(previous.reference.size) - BodyStore.magic.count,
               let descriptor = Self.openForAppending(output.path + "/" + fileName, expected: previous.reference) {
                self.descriptor = descriptor
                appended = true
                end = Int(previous.reference.size)
                start = end
                return
            }
            guard let path = freshPath() else { return nil }
            unlink(path)
            descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { return nil }
            appended = false
            end = 0
            start = 0
            append(BodyStore.magic[...])
        }

        deinit {
            _ = output?.finish()
            if descriptor >= 0 { close(descriptor) }
        }

        /// The store in `path` if it is still the one `expected` describes, locked against
        /// another build appending at the same time (one holding the lock gets a fresh store
        /// written instead of a wait).
        private static func openForAppending(_ path: String, expected: Reference) -> Int32? {
            let descriptor = Glibc.open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
            guard descriptor >= 0 else { return nil }
            var info = stat()
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0, fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
                  Reference(info) == expected else {
                close(descriptor)
                return nil
            }
            return descriptor
        }

        /// Where `fragment`'s HTML is in the store: where it already was, or appended now.
        func place(_ fragment: HTMLFragment) -> Range<Int> {
            if appended, let saved = fragment.saved, saved.file === previous?.file { return saved.range }
            let start = end
            fragment.withUTF8 { append(UnsafeRawBufferPointer($0)[...]) }
            return start..<end
        }

        private func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
            buffer.append(contentsOf: bytes)
            end += bytes.count
            if buffer.count >= 1 << 20 { flush() }
        }

        private func flush() {
            guard !buffer.isEmpty else { return }
            if output == nil { output = QueuedWrites(descriptor: descriptor) }
            var full: [UInt8] = []
            full.reserveCapacity(1 << 20)
            swap(&full, &buffer)
            output?.write(full, at: end - full.count)
        }

        /// Writes what is left and describes the store as written; nil when it could not be
        /// written (then the session file must not be saved either).
        func finish() -> Reference? {
            flush()
            let written = output?.finish() ?? true
            var info = stat()
            guard written, fstat(descriptor, &info) == 0, Int(info.st_size) == end else { return nil }
            close(descriptor)
            descriptor = -1
            return Reference(info)
        }
    }
}
