/// One search document's distinct terms with their score bits, as UTF-8 bytes in one buffer.
///
/// A full build scores 10,000 documents of about 400 distinct terms each, saves every
/// document's terms in the session file (`SearchTermBlob`) and merges them into postings keyed
/// by the term's bytes (`SearchPostings.Builder`): none of that needs a `String` per term, and
/// making four million of them was a sixth of the index's time.
struct ScoredTerms {
    private(set) var bytes: [UInt8] = []
    private(set) var terms: [(offset: Int32, length: Int32, score: UInt32)] = []

    init() {}

    init(bytes: [UInt8], terms: [(offset: Int32, length: Int32, score: UInt32)]) {
        self.bytes = bytes
        self.terms = terms
    }

    init(_ pairs: [(String, UInt32)]) {
        for (term, score) in pairs {
            var term = term
            term.withUTF8 { append($0, score: score) }
        }
    }

    /// Decodes a `SearchTermBlob`; nil when the bytes are not one.
    init?(blob: [UInt8]) {
        let decoded: Bool = blob.withUnsafeBytes { raw in
            var reader = BinaryReader(raw)
            let count = reader.readCount()
            terms.reserveCapacity(count)
            bytes.reserveCapacity(raw.count)
            for _ in 0..<count {
                let length = reader.readCount()  // checked against the bytes left
                guard !reader.failed else { return false }
                let textStart = reader.position
                reader.skip(length)
                let text = UnsafeRawBufferPointer(rebasing: raw[textStart..<textStart + length])
                let score = UInt32(truncatingIfNeeded: reader.readUInt64())
                terms.append((Int32(bytes.count), Int32(length), score))
                bytes.append(contentsOf: text)
            }
            return reader.atEnd && !reader.failed
        }
        guard decoded else { return nil }
    }

    var count: Int { terms.count }

    mutating func append(_ term: UnsafeBufferPointer<UInt8>, score: UInt32) {
        terms.append((Int32(bytes.count), Int32(term.count), score))
        bytes.append(contentsOf: term)
    }

    /// Calls `body` with each term's bytes (valid only during the call) and its score bits.
    func forEach(_ body: (UnsafeBufferPointer<UInt8>, UInt32) -> Void) {
        bytes.withUnsafeBufferPointer { all in
            for term in terms {
                body(UnsafeBufferPointer(rebasing: all[Int(term.offset)..<Int(term.offset) + Int(term.length)]), term.score)
            }
        }
    }

    /// The terms as strings, for the paths that move postings term by term (`serve`).
    var pairs: [(String, UInt32)] {
        var pairs: [(String, UInt32)] = []
        pairs.reserveCapacity(terms.count)
        forEach { pairs.append((String(decoding: $0, as: UTF8.self), $1)) }
        return pairs
    }

    /// The terms in `SearchTermBlob`'s format.
    var blob: [UInt8] {
        var blob: [UInt8] = []
        blob.reserveCapacity(bytes.count + terms.count * 3 + 4)
        BinaryWriter.append(UInt64(terms.count), to: &blob)
        forEach { term, score in
            BinaryWriter.append(UInt64(term.count), to: &blob)
            blob.append(contentsOf: term)
            BinaryWriter.append(UInt64(score), to: &blob)
        }
        return blob
    }
}
