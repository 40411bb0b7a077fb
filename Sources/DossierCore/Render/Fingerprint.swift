import Foundation
import Mustache

/// A 128-bit content fingerprint (two 64-bit lanes with different seeds and mixing): stable
/// across processes and machines, unlike Swift's randomly seeded `Hasher`.
public struct Fingerprint: Hashable, Sendable, CustomStringConvertible {
    private(set) var high: UInt64 = 0xcbf29ce484222325
    private(set) var low: UInt64 = 0x84222325cbf29ce4

    public init() {}

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// 32 hexadecimal digits as UTF-8 (what `description` writes).
    init?(hexBytes: some Collection<UInt8>) {
        guard hexBytes.count == 32 else { return nil }
        var lanes: (UInt64, UInt64) = (0, 0)
        for (position, byte) in hexBytes.enumerated() {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            if position < 16 { lanes.0 = lanes.0 << 4 | UInt64(digit) } else { lanes.1 = lanes.1 << 4 | UInt64(digit) }
        }
        self.init(high: lanes.0, low: lanes.1)
    }

    mutating func combine(byte: UInt8) {
        high = (high ^ UInt64(byte)) &* 0x100000001b3
        low = (low ^ UInt64(byte ^ 0x5A)) &* 0x100000001b3
    }

    mutating func combine(_ text: String) {
        var copy = text
        copy.withUTF8 { combine(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// A text given as its UTF-8 bytes: the same as `combine(_: String)` for that text.
    mutating func combine(utf8 bytes: UnsafeRawBufferPointer) {
        combine(bytes: bytes)
        combine(byte: 0xFF)
    }

    /// The digest of one text.
    init(of text: String) {
        self.init()
        combine(text)
    }

    /// Eight bytes per step: bodies are hashed on every rebuild of `serve`, and byte-wise FNV
    /// was a visible cost. Each step is a bijection of each lane (xor, odd multiply, rotate),
    /// so the lanes keep every input bit; the keys only ever meet equality tests.
    mutating func combine(bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            high = Self.rotate((high ^ word) &* 0x9E37_79B9_7F4A_7C15, 31)
            low = Self.rotate((low ^ Self.rotate(word, 17)) &* 0xC2B2_AE3D_27D4_EB4F, 29)
            offset += 8
        }
        while offset < bytes.count {
            combine(byte: bytes[offset])
            offset += 1
        }
    }

    private static func rotate(_ value: UInt64, _ by: UInt64) -> UInt64 {
        value << by | value >> (64 - by)
    }

    /// One step of `combine(bytes:)`: page keys fold in hundreds of thousands of digests and
    /// counts per build.
    mutating func combine(_ number: UInt64) {
        high = Self.rotate((high ^ number) &* 0x9E37_79B9_7F4A_7C15, 31)
        low = Self.rotate((low ^ Self.rotate(number, 17)) &* 0xC2B2_AE3D_27D4_EB4F, 29)
    }

    mutating func combine(_ other: Fingerprint) {
        combine(other.high)
        combine(other.low)
    }

    /// Folds in a template context: dictionaries in key order, so equal contexts hash equally.
    mutating func combine(context value: Any) {
        switch value {
        case let text as String:
            combine(byte: 1)
            combine(text)
        case let fragment as HTMLFragment:
            combine(byte: 2)
            combine(fragment.digest)
        case let flag as Bool:
            combine(byte: flag ? 3 : 4)
        case let number as Int:
            combine(byte: 5)
            combine(UInt64(bitPattern: Int64(number)))
        case let dictionary as [String: Any]:
            combine(byte: 6)
            for key in dictionary.keys.sorted() {
                combine(key)
                combine(context: dictionary[key]!)
            }
        case let joined as JoinedHTML:
            combine(byte: 9)
            combine(joined.renderText)
        case let list as [Any]:
            combine(byte: 7)
            combine(UInt64(list.count))
            for item in list { combine(context: item) }
        default:
            combine(byte: 8)
            combine(String(describing: value))
        }
    }

    /// 32 lowercase hexadecimal digits (written for every page into the render cache's file,
    /// where `String(format:)` was slow enough to show).
    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8](repeating: 0, count: 32)
        for (lane, value) in [high, low].enumerated() {
            for position in 0..<16 {
                text[lane * 16 + position] = digits[Int(value >> UInt64(60 - 4 * position) & 0xF)]
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// HTML the pipeline rendered itself (a Markdown body), with its fingerprint computed once, so
/// page fingerprints do not rehash every body. A body read back from a saved cache leaves its
/// text in the file (`SavedText`) until something uses it: a build that reuses a page needs
/// only the digest.
struct HTMLFragment: MustacheCustomRenderable, Sendable {
    private let text: String
    let saved: SavedText?
    let digest: Fingerprint

    init(_ html: String) {
        text = html
        saved = nil
        digest = Fingerprint(of: html)
    }

    /// A fragment read back from a saved cache, whose digest was computed when it was made.
    init(html: String, digest: Fingerprint) {
        text = html
        saved = nil
        self.digest = digest
    }

    /// A fragment whose text stays in a saved cache's file until it is used.
    init(saved: SavedText, digest: Fingerprint) {
        text = ""
        self.saved = saved
        self.digest = digest
    }

    /// Saved text is read from the file and checked against the digest. Text changed in the
    /// file since it was loaded marks the file damaged (the build then fails, see
    /// `Pipeline.render`) and gives an empty string.
    var html: String {
        guard let saved else { return text }
        guard let memo = saved.memo else { return String(decoding: savedBytes(saved), as: UTF8.self) }
        return memo.value { String(decoding: savedBytes(saved), as: UTF8.self) }
    }

    var isEmpty: Bool { saved.map { $0.count == 0 } ?? text.isEmpty }

    /// The length of the HTML in UTF-8 bytes (for a saved fragment, as it was saved).
    var utf8Count: Int { saved?.count ?? text.utf8.count }

    /// True for a card marker (`CardMarkers`), which starts with a NUL no rendered HTML has.
    var isMarker: Bool { (saved == nil ? text.utf8.first : html.utf8.first) == 0 }

    /// Appends the HTML to `output` without copying the fragment.
    func append(to output: inout String) {
        if saved == nil { output += text } else { output += html }
    }

    /// The HTML's UTF-8 bytes (for saving them again), without making a `String` of saved text.
    func withUTF8<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        if let saved { return savedBytes(saved).withUnsafeBytes(body) }
        var text = text
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    private func savedBytes(_ saved: SavedText) -> [UInt8] {
        guard let bytes = saved.file.read(saved.range) else {
            saved.file.noteDamaged()
            return []
        }
        var check = Fingerprint()
        bytes.withUnsafeBytes { check.combine(utf8: $0) }
        guard check == digest else {
            saved.file.noteDamaged()
            return []
        }
        return bytes
    }

    var renderText: String { html }
    var isNull: Bool { isEmpty }
}
