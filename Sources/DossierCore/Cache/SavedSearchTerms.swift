import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The search terms the previous build saved in its session file, read one document at a time
/// from the file (never all held in memory), by the digest of the document's searchable text.
final class SavedSearchTerms: @unchecked Sendable {
    private let descriptor: Int32
    private let index: [Fingerprint: (offset: Int, length: Int)]

    /// Takes over `descriptor`, an open session file that was checked whole.
    init(descriptor: Int32, index: [Fingerprint: (offset: Int, length: Int)]) {
        self.descriptor = descriptor
        self.index = index
    }

    deinit {
        close(descriptor)
    }

    /// The saved terms of the document with this digest, encoded (`SearchTermBlob`).
    func blob(_ digest: Fingerprint) -> [UInt8]? {
        guard let (offset, length) = index[digest] else { return nil }
        var blob = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let read = blob.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, length - done, off_t(offset + done)) }
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else { return nil }
            done += read
        }
        return blob
    }
}

/// One search document's terms with their score bits: a count, then each term's UTF-8 length,
/// bytes and score as variable-length integers.
enum SearchTermBlob {
    static func encode(_ terms: [(String, UInt32)]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(terms.count * 10)
        BinaryWriter.append(UInt64(terms.count), to: &bytes)
        for (term, score) in terms {
            var term = term
            term.withUTF8 { utf8 in
                BinaryWriter.append(UInt64(utf8.count), to: &bytes)
                bytes.append(contentsOf: utf8)
            }
            BinaryWriter.append(UInt64(score), to: &bytes)
        }
        return bytes
    }

    /// Nil when the bytes are not such a list (the file's fingerprint makes that unlikely).
    static func decode(_ blob: [UInt8]) -> [(String, UInt32)]? {
        blob.withUnsafeBytes { bytes in
            var reader = BinaryReader(bytes)
            let terms = (0..<reader.readCount()).map { _ in (reader.readString(), UInt32(truncatingIfNeeded: reader.readUInt64())) }
            return reader.atEnd && !reader.failed ? terms : nil
        }
    }
}
