import Foundation

/// The search index's terms with their postings, as sorted shard entries.
///
/// A clean build merges every document's terms. `dossier serve` keeps one `SearchPostings`
/// across rebuilds and, when only a few documents changed, moves just their postings: the terms
/// of a changed document lose its old posting and gain the new one, and only those terms' JSON
/// is written again. The entries are the same either way, so the shards are byte-identical.
final class SearchPostings: @unchecked Sendable {
    private let lock = NSLock()
    private var digests: [Fingerprint] = []
    private var terms: [[(String, UInt32)]] = []
    private var postings: [String: [UInt32]] = [:]
    private var sortedTerms: [String] = []
    private var entries: [String: SearchIndex.ShardEntry] = [:]

    /// Entries for documents with these digests and terms, updated from the previous call when
    /// that is cheaper than starting again.
    func entries(digests: [Fingerprint], terms: [[(String, UInt32)]]) -> [SearchIndex.ShardEntry] {
        lock.lock()
        defer { lock.unlock() }
        let changed = digests.count == self.digests.count ? digests.indices.filter { digests[$0] != self.digests[$0] } : nil
        if let changed, changed.count <= Self.patchLimit(documents: digests.count) {
            update(changed, terms: terms)
        } else {
            postings = Self.postings(terms)
            sortedTerms = postings.keys.sorted(by: SearchIndex.codePointOrder)
            entries = Dictionary(uniqueKeysWithValues: zip(sortedTerms, SearchIndex.entries(postings, terms: sortedTerms)))
        }
        self.digests = digests
        self.terms = terms
        return sortedTerms.map { entries[$0]! }
    }

    /// Entries after replacing the named documents' digests and terms; nil when the postings do
    /// not hold those documents (then the caller builds the index from scratch).
    func replacing(_ changes: [(id: Int, digest: Fingerprint, terms: [(String, UInt32)])]) -> [SearchIndex.ShardEntry]? {
        lock.lock()
        defer { lock.unlock() }
        guard changes.allSatisfy({ $0.id < digests.count }) else { return nil }
        var newTerms: [Int: [(String, UInt32)]] = [:]
        for change in changes { newTerms[change.id] = change.terms }
        update(changes.map(\.id)) { newTerms[$0]! }
        for change in changes {
            digests[change.id] = change.digest
            terms[change.id] = change.terms
        }
        return sortedTerms.map { entries[$0]! }
    }

    private func update(_ changed: [Int], terms newTerms: [[(String, UInt32)]]) {
        update(changed) { newTerms[$0] }
    }

    /// Moves the postings of changed documents (`moves`) and writes the touched terms' JSON.
    private func update(_ changed: [Int], newTerms: (Int) -> [(String, UInt32)]) {
        var touched: Set<String> = []
        for id in changed {
            Self.moves(of: id, from: terms[id], to: newTerms(id)) { term, move in
                move.apply(to: &postings[term, default: []])
                touched.insert(term)
            }
        }
        for term in touched {
            let list = postings[term] ?? []
            let at = Self.insertionPoint(of: term, in: sortedTerms)
            let present = at < sortedTerms.count && sortedTerms[at] == term
            if list.isEmpty {
                postings[term] = nil
                entries[term] = nil
                if present { sortedTerms.remove(at: at) }
            } else {
                entries[term] = Self.entry(term, list)
                if !present { sortedTerms.insert(term, at: at) }
            }
        }
    }

    /// How many changed documents are moved one by one; with more, merging every document's
    /// terms again is cheaper.
    static func patchLimit(documents: Int) -> Int {
        max(32, documents / 20)
    }

    /// A change to one term's postings.
    enum Move {
        case remove(document: UInt32)
        case insert(posting: UInt32)

        func apply(to list: inout [UInt32]) {
            switch self {
            case .remove(let document):
                let at = position(of: document << 5, in: list)
                if at < list.count, list[at] >> 5 == document { list.remove(at: at) }
            case .insert(let posting):
                list.insert(posting, at: position(of: posting, in: list))
            }
        }
    }

    /// The moves that take document `id`'s terms from `before` to `after`, removals first. A
    /// term whose score is the same before and after keeps its posting, so an edit touches only
    /// the terms it really changed (common words keep their long lists, and their JSON is not
    /// written again).
    static func moves(of id: Int, from before: [(String, UInt32)], to after: [(String, UInt32)],
                      _ body: (String, Move) -> Void) {
        let document = UInt32(id)
        let beforeScores = Dictionary(before, uniquingKeysWith: { first, _ in first })
        let afterScores = Dictionary(after, uniquingKeysWith: { first, _ in first })
        for (term, score) in before where afterScores[term] != score {
            body(term, .remove(document: document))
        }
        for (term, score) in after where beforeScores[term] != score {
            body(term, .insert(posting: document << 5 | score))
        }
    }

    /// First position whose document id is not below `key`'s (postings are sorted by id).
    private static func position(of key: UInt32, in list: [UInt32]) -> Int {
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] >> 5 < key >> 5 { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func insertionPoint(of term: String, in sorted: [String]) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if SearchIndex.codePointOrder(sorted[middle], term) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Term → [id << 5 | score], ids ascending because documents are visited in order.
    static func postings(_ terms: [[(String, UInt32)]]) -> [String: [UInt32]] {
        var builder = Builder()
        builder.merge(terms.map(ScoredTerms.init), firstID: 0)
        return builder.postings()
    }

    /// Postings gathered under each term's bytes, with `TermCounter` as the table of terms:
    /// a `[String: [UInt32]]` hashed every one of four million (document, term) pairs with
    /// SipHash and compared them as strings. Each term's string is looked up once, at the end.
    struct Builder {
        private var terms = TermCounter()
        private var lists: [[UInt32]] = []

        /// Appends the postings of documents `firstID`, `firstID + 1`, … (after every lower id).
        mutating func merge(_ documents: [ScoredTerms], firstID: Int) {
            for (offset, document) in documents.enumerated() {
                let id = UInt32(firstID + offset) << 5
                document.forEach { term, score in
                    let index = terms.index(term)
                    if index == lists.count { lists.append([]) }
                    lists[index].append(id | score)
                }
            }
        }

        func postings() -> [String: [UInt32]] {
            var postings = [String: [UInt32]](minimumCapacity: lists.count)
            for (index, (term, _)) in terms.terms({ $0 }).enumerated() {
                // Distinct bytes are distinct strings here: tokens are NFKD with every combining
                // mark removed, and two such texts that are canonically equivalent are equal.
                assert(postings[term] == nil, "two spellings of the search term \(term)")
                postings[term] = lists[index]
            }
            return postings
        }
    }

    /// `"term":[…]` with ids stored as gaps from the previous one.
    static func entry(_ term: String, _ postings: [UInt32]) -> SearchIndex.ShardEntry {
        var fragment = Array((SearchIndex.JSON.string(term) + ":[").utf8)
        var previous: UInt32 = 0
        for (position, posting) in postings.enumerated() {
            let id = posting >> 5
            if position > 0 { fragment.append(UInt8(ascii: ",")) }
            SearchIndex.appendDecimal(UInt64(id - previous) << 5 | UInt64(posting & 31), to: &fragment)
            previous = id
        }
        fragment.append(UInt8(ascii: "]"))
        return SearchIndex.ShardEntry(scalars: term.unicodeScalars.map(\.value), fragment: fragment)
    }
}
