import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The previous build's session file, kept open to read parts of it on demand (search terms,
/// bodies' HTML) with `pread`: a file replaced or truncated meanwhile gives short reads or
/// other bytes, which the callers detect, never a crash (a mapping would fault).
final class SavedFile: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = NSLock()
    private var wasDamaged = false

    /// Takes over `descriptor`.
    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// The bytes at `range`; nil when they cannot all be read.
    func read(_ range: Range<Int>) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: range.count)
        var done = 0
        while done < range.count {
            let read = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
            }
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else { return nil }
            done += read
        }
        return bytes
    }

    /// Something read from the file was not what the file held when it was loaded: it was
    /// changed in place during the build.
    var damaged: Bool {
        lock.lock()
        defer { lock.unlock() }
        return wasDamaged
    }

    func noteDamaged() {
        lock.lock()
        wasDamaged = true
        lock.unlock()
    }
}

/// The search terms the previous build saved in its session file, read one document at a time
/// from the file (never all held in memory), by the digest of the document's searchable text.
final class SavedSearchTerms: @unchecked Sendable {
    private let file: SavedFile
    private let index: [Fingerprint: (offset: Int, length: Int)]

    init(file: SavedFile, index: [Fingerprint: (offset: Int, length: Int)]) {
        self.file = file
        self.index = index
    }

    /// The saved terms of the document with this digest, encoded (`SearchTermBlob`).
    func blob(_ digest: Fingerprint) -> [UInt8]? {
        guard let (offset, length) = index[digest] else { return nil }
        return file.read(offset..<offset + length)
    }
}

/// One search document's terms with their score bits: a count, then each term's UTF-8 length,
/// bytes and score as variable-length integers.
enum SearchTermBlob {
    /// One format, written and read by `ScoredTerms` (which a full build uses without strings).
    static func encode(_ terms: [(String, UInt32)]) -> [UInt8] {
        ScoredTerms(terms).blob
    }

    /// Nil when the bytes are not such a list (the file's fingerprint makes that unlikely).
    static func decode(_ blob: [UInt8]) -> [(String, UInt32)]? {
        ScoredTerms(blob: blob)?.pairs
    }
}
