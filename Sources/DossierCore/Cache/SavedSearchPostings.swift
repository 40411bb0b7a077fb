import Foundation

/// The search index the previous `dossier build` wrote, as its session file saved it: every
/// document's digest in id order, and every term's shard entry in code point order.
///
/// When the documents are the same but for a few, the next build moves only those documents'
/// postings, as `SearchPostings` does between the saves of `serve`, instead of reading every
/// document's terms back and merging them again (about 1 s of CPU at 10,000 briefings). The
/// entries are the same either way, so the shards are byte-identical.
final class SavedSearchPostings: @unchecked Sendable {
    let digests: [Fingerprint]
    private let entries: [SearchIndex.ShardEntry]

    init(digests: [Fingerprint], entries: [SearchIndex.ShardEntry]) {
        self.digests = digests
        self.entries = entries
    }

    /// The entries for documents with these digests and how many documents changed, or nil
    /// when too many changed (or the number of documents did not stay the same, which moves
    /// ids). `terms` gives a changed document's terms before and after (nil when the saved ones
    /// are missing).
    func entries(for digests: [Fingerprint],
                 terms: (_ id: Int, _ before: Fingerprint) -> (before: [(String, UInt32)], after: [(String, UInt32)])?)
        -> (entries: [SearchIndex.ShardEntry], moved: Int)? {
        guard digests.count == self.digests.count else { return nil }
        let changed = digests.indices.filter { digests[$0] != self.digests[$0] }
        guard changed.count <= SearchPostings.patchLimit(documents: digests.count) else { return nil }
        var lists: [String: [UInt32]] = [:]
        for id in changed {
            guard let (before, after) = terms(id, self.digests[id]) else { return nil }
            SearchPostings.moves(of: id, from: before, to: after) { term, move in
                if lists[term] == nil { lists[term] = postings(of: term) }
                move.apply(to: &lists[term]!)
            }
        }
        return (merged(lists), changed.count)
    }

    /// The saved entries with the touched terms' entries replaced, added or (when their list
    /// is now empty) removed, still in code point order.
    private func merged(_ lists: [String: [UInt32]]) -> [SearchIndex.ShardEntry] {
        let touched = lists.keys.map { (term: $0, scalars: $0.unicodeScalars.map(\.value)) }
            .sorted { $0.scalars.lexicographicallyPrecedes($1.scalars) }
        var result: [SearchIndex.ShardEntry] = []
        result.reserveCapacity(entries.count + touched.count)
        var next = 0
        for (term, scalars) in touched {
            while next < entries.count && entries[next].scalars.lexicographicallyPrecedes(scalars) {
                result.append(entries[next])
                next += 1
            }
            if next < entries.count && entries[next].scalars == scalars { next += 1 }
            let list = lists[term]!
            if !list.isEmpty { result.append(SearchPostings.entry(term, list)) }
        }
        result += entries[next...]
        return result
    }

    /// A term's postings (`id << 5 | score`), read back from its entry's JSON; empty when the
    /// index did not have the term.
    private func postings(of term: String) -> [UInt32] {
        let scalars = term.unicodeScalars.map(\.value)
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].scalars.lexicographicallyPrecedes(scalars) { low = middle + 1 } else { high = middle }
        }
        guard low < entries.count, entries[low].scalars == scalars else { return [] }
        return Self.postings(inFragment: entries[low].fragment)
    }

    /// The numbers after the last `[` of `"term":[gap,gap,…]` (a term is letters and numbers
    /// only), each the gap from the previous id shifted left by five, or'ed with the score.
    static func postings(inFragment fragment: [UInt8]) -> [UInt32] {
        guard let open = fragment.lastIndex(of: UInt8(ascii: "[")) else { return [] }
        var postings: [UInt32] = []
        var id: UInt32 = 0
        var value: UInt64 = 0
        var digits = 0
        for byte in fragment[(open + 1)...] {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
                digits += 1
                continue
            }
            if digits > 0 {
                id += UInt32(truncatingIfNeeded: value >> 5)
                postings.append(id << 5 | UInt32(truncatingIfNeeded: value & 31))
            }
            value = 0
            digits = 0
        }
        return postings
    }

    // MARK: In the session file

    func write(to writer: inout BinaryWriter) {
        Self.write(digests: digests, entries: entries, to: &writer)
    }

    static func write(digests: [Fingerprint], entries: [SearchIndex.ShardEntry], to writer: inout BinaryWriter) {
        writer.write(count: digests.count)
        for digest in digests { writer.write(digest) }
        writer.write(count: entries.count)
        for entry in entries {
            writer.write(count: entry.scalars.count)
            for scalar in entry.scalars { writer.write(UInt64(scalar)) }
            writer.write(count: entry.fragment.count)
            writer.write(bytes: entry.fragment)
        }
    }

    static func read(_ reader: inout BinaryReader) -> SavedSearchPostings {
        let digests = (0..<reader.readCount()).map { _ in reader.readFingerprint() }
        let entries = (0..<reader.readCount()).map { _ in
            let scalars = (0..<reader.readCount()).map { _ in UInt32(truncatingIfNeeded: reader.readUInt64()) }
            return SearchIndex.ShardEntry(scalars: scalars, fragment: reader.readBytes())
        }
        return SavedSearchPostings(digests: digests, entries: entries)
    }
}
