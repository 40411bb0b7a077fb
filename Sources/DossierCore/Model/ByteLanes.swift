import Foundation

/// Eight bytes at a time, in one `UInt64` (SWAR): for scans that look for a few byte values in
/// long text, where nearly every group of eight holds none of them.
enum ByteLanes {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of every byte of `word` that is zero, and no other bit (exact: no borrow
    /// crosses from one byte into the next).
    @inline(__always) static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & ~highs) &+ ~highs) | word | ~highs)
    }

    /// The high bit of every byte of `word` equal to `byte`.
    @inline(__always) static func bytes(_ word: UInt64, equalTo byte: UInt8) -> UInt64 {
        zeroBytes(word ^ (UInt64(byte) &* ones))
    }

    /// The eight bytes at `offset`, the first in the lowest lane.
    @inline(__always) static func load(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + offset).loadUnaligned(as: UInt64.self))
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// True when the bytes just before `end` are `text`'s.
    func hasBytes(_ text: StaticString, endingAt end: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard count <= end, end <= self.count else { return false }
        return count == 0 || memcmp(baseAddress! + end - count, text.utf8Start, count) == 0
    }
}
