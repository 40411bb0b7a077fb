import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes buffers to an open file on a background queue, in the order they were given.
///
/// A full build ends by writing 150 MB of cache (`SessionCacheFile`, `BodyStore`) on one core;
/// copying each buffer into the kernel took as long as encoding it. Handed to this queue, the
/// copying overlaps the encoding of the next buffer. At most `limit` buffers wait at a time, so
/// the cache never sits in memory twice.
final class QueuedWrites: @unchecked Sendable {
    private let descriptor: Int32
    private let queue = DispatchQueue(label: "dossier.queued-writes")
    private let slots: DispatchSemaphore
    /// Read and written only on `queue`.
    private var failed = false

    init(descriptor: Int32, limit: Int = 4) {
        self.descriptor = descriptor
        slots = DispatchSemaphore(value: limit)
    }

    /// Writes `bytes` at `offset`, or at the file's current end when `offset` is nil.
    func write(_ bytes: [UInt8], at offset: Int? = nil) {
        guard !bytes.isEmpty else { return }
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard !failed else { return }
            failed = !Self.writeAll(bytes, to: descriptor, at: offset)
        }
    }

    /// Waits for every queued write; false when any failed.
    func finish() -> Bool {
        queue.sync { !failed }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, at offset: Int?) -> Bool {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                let start = buffer.baseAddress! + done
                return offset.map { pwrite(descriptor, start, buffer.count - done, off_t($0 + done)) }
                    ?? Glibc.write(descriptor, start, buffer.count - done)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            done += count
        }
        return true
    }
}
