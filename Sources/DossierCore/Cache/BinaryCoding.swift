import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Appends variable-length integers and length-prefixed strings to a file, a megabyte at a
/// time, so a large cache is never held twice in memory while it is saved (`init()` keeps one
/// part in memory instead, to be appended to a file's writer later). The file ends with
/// a fingerprint of everything before it (`BinaryReader.verified`): a flipped bit anywhere
/// makes the whole file unusable rather than a wrong page.
struct BinaryWriter {
    private var buffer: [UInt8] = []
    private let descriptor: Int32
    /// Nil for a writer that keeps its bytes in memory (`init()`).
    private let output: QueuedWrites?
    private var digest = Fingerprint()
    private var closed = false

    /// Creates a new file at `path`, replacing whatever had that name (never writing through a
    /// symbolic link); nil when it cannot be created.
    init?(path: String) {
        unlink(path)
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
        output = QueuedWrites(descriptor: descriptor)
        buffer.reserveCapacity(1 << 20)
    }

    /// A writer that keeps what it is given, for `bytes` to append to a file's writer later:
    /// a part of a file encoded on another thread.
    init() {
        descriptor = -1
        output = nil
        closed = true
    }

    /// What an in-memory writer was given.
    var bytes: [UInt8] { buffer }

    mutating func write(_ value: UInt64) {
        Self.append(value, to: &buffer)
        if buffer.count >= 1 << 20 { flush() }
    }

    /// Appends `value` as a variable-length integer (seven bits a byte, low bits first).
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Raw bytes, with no length (write the count first); taken a megabyte at a time, so the
    /// buffer never holds a large array whole.
    mutating func write(bytes: [UInt8]) {
        var start = 0
        while start < bytes.count {
            let end = min(start + (1 << 20), bytes.count)
            buffer.append(contentsOf: bytes[start..<end])
            if buffer.count >= 1 << 20 { flush() }
            start = end
        }
    }

    /// Closes the file without finishing it (a build that failed).
    mutating func abandon() {
        guard !closed else { return }
        closed = true
        _ = output?.finish()
        close(descriptor)
    }

    mutating func write(_ value: Int) {
        // Zig-zag, so small negative numbers stay short.
        write(UInt64(bitPattern: Int64(value << 1 ^ value >> (Int.bitWidth - 1))))
    }

    /// A count or length: what `BinaryReader.readCount` reads.
    mutating func write(count: Int) {
        write(UInt64(count))
    }

    mutating func write(_ flag: Bool) {
        write(UInt64(flag ? 1 : 0))
    }

    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            write(UInt64(bytes.count))
            buffer.append(contentsOf: bytes)
        }
        if buffer.count >= 1 << 20 { flush() }
    }

    /// UTF-8 text given as bytes: what `write(_: String)` writes for the same text.
    mutating func write(utf8 bytes: UnsafeRawBufferPointer) {
        write(UInt64(bytes.count))
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { flush() }
    }

    mutating func write(_ fingerprint: Fingerprint) {
        write(fingerprint.high)
        write(fingerprint.low)
    }

    mutating func write(_ stamp: FileStamp) {
        write(stamp.device)
        write(stamp.inode)
        for value in [stamp.size, stamp.modified, stamp.changed] { write(Int(value)) }
    }

    mutating func write(_ texts: [String]) {
        write(count: texts.count)
        for text in texts { write(text) }
    }

    /// Hashes and writes the buffer out, all of it when `final`, else a multiple of eight bytes:
    /// the fingerprint hashes eight bytes per step, so hashing the file in such pieces gives the
    /// same result as hashing it whole.
    private mutating func flush(final: Bool = false) {
        guard output != nil else { return }
        let count = final ? buffer.count : buffer.count & ~7
        buffer.withUnsafeBytes { digest.combine(bytes: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        writeOut(count)
    }

    /// Queues the first `count` buffered bytes for the file and drops them from the buffer.
    private mutating func writeOut(_ count: Int) {
        guard count > 0 else { return }
        var rest = Array(buffer[count...])
        rest.reserveCapacity(1 << 20)
        if count < buffer.count { buffer.removeLast(buffer.count - count) }
        swap(&buffer, &rest)
        output?.write(rest)
    }

    /// Writes what is buffered and the fingerprint (not hashed itself), and closes the file;
    /// false when any write failed.
    mutating func finish() -> Bool {
        guard !closed else { return false }
        closed = true
        flush(final: true)
        for lane in [digest.high, digest.low] {
            withUnsafeBytes(of: lane.littleEndian) { buffer.append(contentsOf: $0) }
        }
        writeOut(buffer.count)
        let written = output?.finish() ?? false
        return close(descriptor) == 0 && written
    }
}

/// Reads what `BinaryWriter` wrote. Every read checks its bounds: a truncated or foreign file
/// makes `failed` true and yields zeros and empty strings, never a crash.
struct BinaryReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    private(set) var failed = false

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// A value read well but impossible where it is (a range past the end of another file).
    mutating func reject() {
        failed = true
    }

    /// The contents of a file `BinaryWriter` finished, without its fingerprint; nil when the
    /// fingerprint does not match (a truncated, damaged or foreign file).
    static func verified(_ file: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard file.count >= 16 else { return nil }
        let contents = UnsafeRawBufferPointer(rebasing: file[..<(file.count - 16)])
        var digest = Fingerprint()
        digest.combine(bytes: contents)
        let high = UInt64(littleEndian: file.loadUnaligned(fromByteOffset: file.count - 16, as: UInt64.self))
        let low = UInt64(littleEndian: file.loadUnaligned(fromByteOffset: file.count - 8, as: UInt64.self))
        return digest == Fingerprint(high: high, low: low) ? contents : nil
    }

    var atEnd: Bool { offset == bytes.count }
    var position: Int { offset }

    /// Steps over `count` bytes (a length read with `readCount`, so it is in bounds).
    mutating func skip(_ count: Int) {
        guard count <= bytes.count - offset else {
            failed = true
            return
        }
        offset += count
    }

    mutating func readUInt64() -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count && shift < 64 {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        failed = true
        return 0
    }

    mutating func readInt() -> Int {
        let raw = readUInt64()
        return Int(Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1))
    }

    mutating func readBool() -> Bool {
        readUInt64() != 0
    }

    /// A count of items that each take at least one byte: larger than what is left means the
    /// file is damaged, and must not become a huge allocation.
    mutating func readCount() -> Int {
        let count = readUInt64()
        guard count <= UInt64(bytes.count - offset) else {
            failed = true
            return 0
        }
        return Int(count)
    }

    mutating func readString() -> String {
        let count = readCount()
        guard !failed else { return "" }
        defer { offset += count }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]), as: UTF8.self)
    }

    /// Bytes written with a count first (`write(count:)` then `write(bytes:)`).
    mutating func readBytes() -> [UInt8] {
        let count = readCount()
        guard !failed else { return [] }
        defer { offset += count }
        return Array(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]))
    }

    mutating func readStrings() -> [String] {
        (0..<readCount()).map { _ in readString() }
    }

    mutating func readFileStamp() -> FileStamp {
        FileStamp(device: readUInt64(), inode: readUInt64(), size: Int64(readInt()), modified: Int64(readInt()),
                  changed: Int64(readInt()))
    }

    mutating func readFingerprint() -> Fingerprint {
        let high = readUInt64()
        return Fingerprint(high: high, low: readUInt64())
    }
}

/// A file mapped read-only into memory while it is read, unmapped when the last value that
/// points into it goes. Only for reading a file through once: a file truncated by another
/// program while it is mapped makes reading it fault (`SavedFile` reads parts later).
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer

    /// Maps `size` bytes of an open file; nil when it cannot be mapped.
    init?(descriptor: Int32, size: Int) {
        guard size > 0, let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapping != MAP_FAILED else {
            return nil
        }
        bytes = UnsafeRawBufferPointer(start: mapping, count: size)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }
}

/// UTF-8 text inside a saved file (the `BodyStore`), read only when asked for.
struct SavedText: Sendable {
    let file: SavedFile
    let range: Range<Int>
    /// Keeps the text once read, for text shown on many pages (cards); nil for text used once
    /// (bodies), which would otherwise all be held.
    var memo: TextMemo?

    var count: Int { range.count }
}

/// Text computed once and shared by every copy of the value that holds it.
final class TextMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String?

    func value(_ make: () -> String) -> String {
        lock.lock()
        if let text {
            lock.unlock()
            return text
        }
        lock.unlock()
        let made = make()
        lock.lock()
        text = made
        lock.unlock()
        return made
    }
}
