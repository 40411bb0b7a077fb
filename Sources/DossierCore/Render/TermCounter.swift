import Foundation

/// A value per distinct term, keyed by the term's UTF-8 bytes: an open-addressing table over one
/// byte arena. A briefing's body has about a thousand tokens and four hundred distinct terms;
/// a `[String: UInt32]` made and hashed a `String` for every token, where this table makes one
/// `String` per distinct term, at the end.
struct TermCounter {
    private struct Entry {
        var offset: Int32
        var length: Int32
        var value: UInt32
    }

    private var arena: [UInt8] = []
    private var entries: [Entry] = []
    /// Index into `entries` plus one; 0 is an empty slot. Always a power of two long.
    /// 1,024 to start: a body's four hundred terms then fit without growing the table twice.
    private var slots = [Int32](repeating: 0, count: 1024)

    init() {
        arena.reserveCapacity(4096)
        entries.reserveCapacity(512)
    }

    /// Changes the value of `term` (0 when it is new).
    mutating func update(_ term: UnsafeBufferPointer<UInt8>, _ change: (inout UInt32) -> Void) {
        change(&entries[index(term)].value)
    }

    /// The term's place in first-seen order; a new term is added with the value 0.
    mutating func index(_ term: UnsafeBufferPointer<UInt8>) -> Int {
        let hash = Self.hash(term)
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] != 0 {
            let index = Int(slots[slot] - 1)
            if matches(entries[index], term) { return index }
            slot = (slot + 1) & (slots.count - 1)
        }
        entries.append(Entry(offset: Int32(arena.count), length: Int32(term.count), value: 0))
        arena.append(contentsOf: term)
        slots[slot] = Int32(entries.count)
        if entries.count * 2 > slots.count { grow() }
        return entries.count - 1
    }

    /// Every term with its value passed through `transform`, in first-seen order, without a
    /// `String` for any of them: the arena already holds the terms one after another.
    func scored(_ transform: (UInt32) -> UInt32) -> ScoredTerms {
        ScoredTerms(bytes: arena, terms: entries.map { ($0.offset, $0.length, transform($0.value)) })
    }

    /// Every term with its value passed through `transform`, in first-seen order.
    func terms(_ transform: (UInt32) -> UInt32) -> [(String, UInt32)] {
        scored(transform).pairs
    }

    private func matches(_ entry: Entry, _ term: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Int(entry.length) == term.count else { return false }
        guard let termStart = term.baseAddress else { return true }
        return arena.withUnsafeBufferPointer { bytes in
            let stored = bytes.baseAddress! + Int(entry.offset)
            // Most terms are a few bytes: compared here, a call to `memcmp` was a twentieth of scoring.
            guard term.count <= 16 else { return memcmp(stored, termStart, term.count) == 0 }
            for offset in 0..<term.count where stored[offset] != termStart[offset] { return false }
            return true
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        arena.withUnsafeBufferPointer { bytes in
            for (index, entry) in entries.enumerated() {
                let start = Int(entry.offset)
                var slot = Int(truncatingIfNeeded: Self.hash(UnsafeBufferPointer(rebasing: bytes[start..<start + Int(entry.length)])))
                    & (slots.count - 1)
                while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
                slots[slot] = Int32(index + 1)
            }
        }
    }

    /// Eight bytes a step (most terms are one step), then a final mix so the low bits the table
    /// uses depend on every byte. Only the table's layout depends on it, never the output.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return hash }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            hash ^= hash >> 29
            offset += 8
        }
        if offset < bytes.count {
            // The last one to seven bytes in at most three loads, not a byte at a time.
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            if bytes.count - offset >= 4 {
                tail = UInt64(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                offset += 4
                shift = 32
            }
            if bytes.count - offset >= 2 {
                tail |= UInt64(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) << shift
                offset += 2
                shift += 16
            }
            if offset < bytes.count { tail |= UInt64(base[offset]) << shift }
            hash = (hash ^ tail) &* 0x9E37_79B9_7F4A_7C15
        }
        hash ^= hash >> 32
        hash &*= 0xD6E8_FEB8_6659_FD93
        return hash ^ hash >> 29
    }
}
