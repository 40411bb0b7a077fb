import Foundation

/// The client-side search index, written at build time under `search/` and read by
/// `assets/search.js`. Format and normalisation are described in docs/search.md.
///
/// - `search/index.json`: the manifest (base path, document count, the shard list).
/// - `search/docs-N.json`: documents `N*chunk ..< (N+1)*chunk`, what a result shows.
/// - `search/terms*.json`: the inverted index, split by term prefix so that no shard is much
///   larger than `shardBudget` bytes; a term lives in the shard whose key is the longest key
///   that is a prefix of the term.
///
/// Document ids: entities first (in directory order), then briefings newest first, then pages,
/// so ascending ids are the tie-break order the client uses.
struct SearchIndex {
    let model: SiteModel
    /// Keeps each document's scored terms between the builds of `serve`.
    var cache: SessionCache?
    /// Target size of one term shard, in bytes of JSON.
    var shardBudget = 48_000
    /// Documents per `docs-N.json` file.
    var chunkSize = 25
    static let formatVersion = 1

    init(model: SiteModel, cache: SessionCache? = nil, shardBudget: Int = 48_000, chunkSize: Int = 25) {
        self.model = model
        self.cache = cache
        self.shardBudget = shardBudget
        self.chunkSize = chunkSize
    }

    /// Where a token was found; the bits of a posting's score.
    enum Field: UInt32 {
        /// Title of a briefing or page, name or alias of an entity.
        case title = 16
        /// Tags, actors and places of a briefing (names and aliases); id and category of an entity.
        case meta = 8
        case summary = 4
        /// Body text: the low two bits hold min(occurrences, 3).
        case body = 1
    }

    struct Document: Sendable {
        var kind: String
        var title: String
        /// Site-relative, without the leading slash: `briefings/x/`.
        var url: String
        var date: String?
        var summary: String
        var category: String
        var aliases: [String]
        var fields: [(Field, String)]
        /// Rendered body, indexed as `.body` text; kept as HTML so the plain text is only
        /// extracted when the document's terms are not cached.
        var body: HTMLFragment?

        /// Everything `score` reads.
        var digest: Fingerprint {
            var digest = Fingerprint()
            for (field, text) in fields {
                digest.combine(byte: UInt8(field.rawValue))
                digest.combine(text)
            }
            digest.combine(body?.digest ?? Fingerprint())
            return digest
        }
    }

    func files() -> [OutputFile] {
        let (documents, digests) = documentsAndDigests()
        let entries: [ShardEntry]
        if let cache, !cache.persistent {
            let scored = Self.scoreAll(documents, digests: digests, cache: cache)
            entries = cache.searchPostings.entries(digests: digests, terms: scored)
        } else if let cache {
            // `dossier build`: the index the previous build saved, or every document's terms.
            entries = Self.patchedEntries(documents, digests: digests, cache: cache)
                ?? Self.entries(Self.postings(documents, saving: cache))
            cache.searchIndex = SavedSearchPostings(digests: digests, entries: entries)
        } else {
            entries = Self.entries(Self.postings(documents))
        }
        var files = termFiles(entries, documentCount: documents.count)
        // The chunks' JSON (11 MB at 10,000 briefings) on both cores.
        let size = chunkSize
        let chunkCount = (documents.count + size - 1) / size
        let chunks = ResultSlots<OutputFile>(count: chunkCount)
        let box = UncheckedBox((self, documents))
        DispatchQueue.concurrentPerform(iterations: chunkCount) { number in
            let (index, documents) = box.value
            let chunk = documents[number * size..<min((number + 1) * size, documents.count)]
            chunks.set(number, OutputFile(path: "search/docs-\(number).json", text: index.chunkJSON(chunk)))
        }
        files += chunks.values.compactMap { $0 }
        return files.sorted { $0.path < $1.path }
    }

    /// The term shards and the manifest after only these briefings' bodies changed
    /// (`BodyEdit`): their terms move in the kept postings, and the documents' listed values,
    /// hence `docs-N.json`, stay as they are. Nil without a session cache.
    func files(afterBodyEdits briefings: [Int]) -> [OutputFile]? {
        guard let cache else { return nil }
        let tagNames = model.tagNames
        var changes: [(id: Int, digest: Fingerprint, terms: [(String, UInt32)])] = []
        for index in briefings {
            let document = briefingDocument(index, tagNames: tagNames)
            let digest = document.digest
            let terms = cache.searchTerms.reuse(digest) ?? Self.score(document)
            cache.searchTerms.record(digest, terms)
            changes.append((model.entities.count + index, digest, terms))
        }
        guard let entries = cache.searchPostings.replacing(changes) else { return nil }
        let count = model.entities.count + model.briefings.count + model.pages.count
        return termFiles(entries, documentCount: count)
    }

    /// `search/terms*.json` and `search/index.json`.
    private func termFiles(_ entries: [ShardEntry], documentCount: Int) -> [OutputFile] {
        var files: [OutputFile] = []
        var shardList: [(key: String, file: String, bytes: Int)] = []
        for shard in Self.split(entries[...], depth: 0, prefix: [], budget: shardBudget) {
            let key = String(String.UnicodeScalarView(shard.key.compactMap(Unicode.Scalar.init)))
            let file = Self.shardFileName(shard.key)
            var bytes: [UInt8] = [UInt8(ascii: "{")]
            for (position, entry) in shard.entries.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += entry.fragment
            }
            bytes += Array("}\n".utf8)
            shardList.append((key, file, bytes.count))
            files.append(OutputFile(path: "search/" + file, contents: Data(bytes)))
        }
        shardList.sort { Self.codePointOrder($0.key, $1.key) }

        let entityCount = model.entities.count
        var manifest = "{\"base\":" + JSON.string(model.config.basePath)
        manifest += ",\"chunk\":\(chunkSize),\"count\":\(documentCount),\"entities\":\(entityCount)"
        manifest += ",\"shards\":[\n"
        manifest += shardList.map { "[" + JSON.string($0.key) + "," + JSON.string($0.file) + ",\($0.bytes)]" }
            .joined(separator: ",\n")
        manifest += "\n],\"version\":\(Self.formatVersion)}\n"
        files.append(OutputFile(path: "search/index.json", text: manifest))
        return files
    }

    // MARK: Documents

    /// Entities, then briefings, then pages: a document's position is its id in the index.
    func documents() -> [Document] {
        documentsAndDigests().documents
    }

    /// The documents with each one's digest, made on all cores: one after another they were a
    /// twentieth of a second with the other core idle, at 10,000 briefings.
    func documentsAndDigests() -> (documents: [Document], digests: [Fingerprint]) {
        let tagNames = model.tagNames
        let count = documentCount
        let chunk = 256
        let slots = ResultSlots<[(Document, Fingerprint)]>(count: (count + chunk - 1) / chunk)
        let box = UncheckedBox(self)
        DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { part in
            slots.set(part, (part * chunk..<min(count, (part + 1) * chunk)).map { id in
                let document = box.value.document(id, tagNames: tagNames)
                return (document, document.digest)
            })
        }
        let made = slots.values.flatMap { $0 ?? [] }
        return (made.map(\.0), made.map(\.1))
    }

    private var documentCount: Int { model.entities.count + model.briefings.count + model.pages.count }

    private func document(_ id: Int, tagNames: [String: String]) -> Document {
        let entities = model.entities
        if id >= entities.count + model.briefings.count {
            let page = model.pages[id - entities.count - model.briefings.count]
            let fields: [(Field, String)] = [(.title, page.source.title), (.summary, page.source.summary)]
            return Document(kind: "page", title: page.source.title, url: Self.relative(page.url), date: nil,
                            summary: page.source.summary, category: "", aliases: [], fields: fields, body: page.body.fragment)
        }
        if id >= entities.count { return briefingDocument(id - entities.count, tagNames: tagNames) }
        let entity = entities[id]
        var fields: [(Field, String)] = [(.title, entity.name)]
        fields += entity.aliases.map { (Field.title, $0) }
        fields.append((.meta, entity.id))
        fields.append((.meta, entity.category))
        fields.append((.summary, entity.summary))
        let profile = id < model.facts.count ? model.facts[id].profile?.fragment : nil
        return Document(kind: entity.kind.rawValue, title: entity.name, url: Self.relative(entity.url),
                        date: nil, summary: entity.summary, category: entity.category,
                        aliases: entity.aliases, fields: fields, body: profile)
    }

    /// The `docs-N.json` files that list these briefings (after `BodyEdit` changed their titles
    /// or summaries).
    func documentChunks(containing briefings: Set<Int>) -> [OutputFile] {
        let tagNames = model.tagNames
        let chunks = Set(briefings.map { (model.entities.count + $0) / chunkSize })
        return chunks.sorted().map { chunk in
            let ids = chunk * chunkSize..<min((chunk + 1) * chunkSize, documentCount)
            let documents = ids.map { document($0, tagNames: tagNames) }
            return OutputFile(path: "search/docs-\(chunk).json", text: chunkJSON(documents[...]))
        }
    }

    private func briefingDocument(_ index: Int, tagNames: [String: String]) -> Document {
        let briefing = model.briefings[index]
        let entities = model.entities
        let source = briefing.source
        var fields: [(Field, String)] = [(.title, source.title), (.summary, source.summary)]
        fields += briefing.tags.map { (Field.meta, tagNames[$0] ?? $0) }
        for index in briefing.entities where index < entities.count {
            fields.append((.meta, entities[index].name))
            fields += entities[index].aliases.map { (Field.meta, $0) }
        }
        return Document(kind: "briefing", title: source.title, url: Self.relative(briefing.url),
                        date: source.date.description, summary: source.summary, category: "",
                        aliases: [], fields: fields, body: briefing.body.fragment)
    }

    private static func relative(_ url: String) -> String {
        String(url.drop { $0 == "/" })
    }

    /// Every document's terms merged into postings, a batch of documents at a time: the scored
    /// terms of all documents at once (about 100 MB for 10,000 briefings) made the build's
    /// memory peak. With a persistent session cache (`dossier build`), terms the previous build
    /// saved are read back instead of scored, and every document's terms go into this build's
    /// file as they are merged.
    static func postings(_ documents: [Document], batch: Int = 256, saving cache: SessionCache? = nil) -> [String: [UInt32]] {
        var postings = SearchPostings.Builder()
        let file = cache?.file
        let starts = Array(stride(from: 0, to: documents.count, by: batch))
        func scored(_ start: Int) -> [ScoredTerms] {
            let slice = Array(documents[start..<min(start + batch, documents.count)])
            return cache.map { savedOrScored(slice, cache: $0, file: file) } ?? scoredTermsOfAll(slice)
        }
        // Each batch is merged while the next one is scored: merging alone left a core idle
        // for a fifth of the index's time. Batches are merged in order, as before.
        var pending = starts.first.map(scored)
        for (position, start) in starts.enumerated() {
            guard let terms = pending else { break }
            let next = position + 1 < starts.count ? starts[position + 1] : nil
            pending = sideBySide({ postings.merge(terms, firstID: start) }, { next.map(scored) }).1
        }
        return postings.postings()
    }

    /// The entries of the index the previous build saved (`SavedSearchPostings`), with the
    /// postings of the documents that changed moved; nil when there is none or too much
    /// changed. Every document's terms still go into this build's file, unchanged ones copied
    /// without being decoded.
    private static func patchedEntries(_ documents: [Document], digests: [Fingerprint], cache: SessionCache) -> [ShardEntry]? {
        guard let saved = cache.savedSearchIndex, let savedTerms = cache.savedTerms else { return nil }
        var scored: [Int: [UInt8]] = [:]
        let patched = saved.entries(for: digests) { id, previous in
            guard let blob = savedTerms.blob(previous), let before = SearchTermBlob.decode(blob) else { return nil }
            if let blob = savedTerms.blob(digests[id]), let after = SearchTermBlob.decode(blob) { return (before, after) }
            let after = score(documents[id])
            scored[id] = SearchTermBlob.encode(after)
            return (before, after)
        }
        guard let (entries, moved) = patched else { return nil }
        cache.searchDocumentsMoved = moved
        let file = cache.file
        for (id, digest) in digests.enumerated() {
            if let blob = scored[id] {
                cache.searchTerms.noteUnrecorded()
                file?.addTerms(digest, blob)
            } else {
                cache.searchTerms.noteReused()
                if let file, let blob = savedTerms.blob(digest) { file.addTerms(digest, blob) }
            }
        }
        return entries
    }

    private static func savedOrScored(_ documents: [Document], cache: SessionCache,
                                      file: SessionCacheFile.Writer?) -> [ScoredTerms] {
        let slots = ResultSlots<(digest: Fingerprint, blob: [UInt8], terms: ScoredTerms)>(count: documents.count)
        let box = UncheckedBox(documents)
        DispatchQueue.concurrentPerform(iterations: documents.count) { index in
            let document = box.value[index]
            let digest = document.digest
            if let blob = cache.savedTerms?.blob(digest), let terms = ScoredTerms(blob: blob) {
                cache.searchTerms.noteReused()
                return slots.set(index, (digest, blob, terms))
            }
            cache.searchTerms.noteUnrecorded()
            let terms = scoredTerms(document)
            slots.set(index, (digest, terms.blob, terms))
        }
        return slots.values.map { slot in
            guard let slot else { return ScoredTerms() }
            file?.addTerms(slot.digest, slot.blob)
            return slot.terms
        }
    }

    private static func scoredTermsOfAll(_ documents: [Document]) -> [ScoredTerms] {
        let slots = ResultSlots<ScoredTerms>(count: documents.count)
        let box = UncheckedBox(documents)
        DispatchQueue.concurrentPerform(iterations: documents.count) { index in
            slots.set(index, scoredTerms(box.value[index]))
        }
        return slots.values.map { $0 ?? ScoredTerms() }
    }

    /// Term → score for every document, computed in parallel.
    static func scoreAll(_ documents: [Document], digests: [Fingerprint]? = nil, cache: SessionCache? = nil) -> [[(String, UInt32)]] {
        let slots = ResultSlots<[(String, UInt32)]>(count: documents.count)
        let box = UncheckedBox((documents, digests))
        DispatchQueue.concurrentPerform(iterations: documents.count) { index in
            let document = box.value.0[index]
            guard let cache else { return slots.set(index, score(document)) }
            let key = box.value.1?[index] ?? document.digest
            if let terms = cache.searchTerms.reuse(key) { return slots.set(index, terms) }
            let terms = score(document)
            cache.searchTerms.record(key, terms)
            slots.set(index, terms)
        }
        return slots.values.map { $0 ?? [] }
    }

    /// The score bits of every term in one document (in no particular order: postings are
    /// merged by document id, and terms sorted once for the whole index).
    static func score(_ document: Document) -> [(String, UInt32)] {
        scoredTerms(document).pairs
    }

    /// `score` without a `String` per term.
    static func scoredTerms(_ document: Document) -> ScoredTerms {
        // One dictionary, one hash per token: field bits above bit 16, body occurrences (up to 3) below.
        func count(_ value: inout UInt32) { if value & 0xFFFF < 3 { value += 1 } }
        var packed = TermCounter()
        for (field, text) in document.fields {
            SearchText.forEachToken(text) { token in packed.update(token) { $0 |= field.rawValue << 16 } }
        }
        if let body = document.body {
            SearchText.forEachToken(normalized: normalizedPlainText(fromHTML: body.html)) { token in packed.update(token) { count(&$0) } }
        }
        return packed.scored { value in value >> 16 | value & 0xFFFF }
    }

    // MARK: Sharding

    struct ShardEntry {
        var scalars: [UInt32]
        /// `"term":[postings]` as UTF-8.
        var fragment: [UInt8]
        var bytes: Int { fragment.count + 1 }
    }

    /// Splits sorted entries by the code point at `depth` until each shard fits the budget.
    /// Children small enough stay in the parent's shard (smallest first), so a term always
    /// lives in the shard whose key is the longest shard key that is a prefix of it.
    static func split(_ entries: ArraySlice<ShardEntry>, depth: Int, prefix: [UInt32],
                      budget: Int) -> [(key: [UInt32], entries: [ShardEntry])] {
        guard !entries.isEmpty else { return [] }
        let total = entries.reduce(0) { $0 + $1.bytes }
        if total <= budget || entries.allSatisfy({ $0.scalars.count <= depth }) {
            return [(prefix, Array(entries))]
        }
        var own = entries.filter { $0.scalars.count <= depth }
        var ownBytes = own.reduce(0) { $0 + $1.bytes }
        var children: [(scalar: UInt32, entries: ArraySlice<ShardEntry>, bytes: Int)] = []
        var start = entries.startIndex
        while start < entries.endIndex {
            guard entries[start].scalars.count > depth else { start += 1; continue }
            let scalar = entries[start].scalars[depth]
            var end = start
            var bytes = 0
            while end < entries.endIndex, entries[end].scalars.count > depth, entries[end].scalars[depth] == scalar {
                bytes += entries[end].bytes
                end += 1
            }
            children.append((scalar, entries[start..<end], bytes))
            start = end
        }
        var result: [(key: [UInt32], entries: [ShardEntry])] = []
        var kept: Set<UInt32> = []
        for child in children.sorted(by: { ($0.bytes, $0.scalar) < ($1.bytes, $1.scalar) }) where ownBytes + child.bytes <= budget {
            ownBytes += child.bytes
            kept.insert(child.scalar)
        }
        for child in children {
            if kept.contains(child.scalar) {
                own += child.entries
            } else {
                result += split(child.entries, depth: depth + 1, prefix: prefix + [child.scalar], budget: budget)
            }
        }
        if !own.isEmpty {
            own.sort { $0.scalars.lexicographicallyPrecedes($1.scalars) }
            result.insert((prefix, own), at: 0)
        }
        return result
    }

    /// `terms.json` for the root shard; otherwise ASCII letters and digits as they are and any
    /// other code point as `_hex_`: "th" → `terms-th.json`, "ال" → `terms-_627__644_.json`.
    static func shardFileName(_ key: [UInt32]) -> String {
        guard !key.isEmpty else { return "terms.json" }
        var name = "terms-"
        for value in key {
            if (0x61...0x7A).contains(value) || (0x30...0x39).contains(value) {
                name.unicodeScalars.append(Unicode.Scalar(value)!)
            } else {
                name += "_" + String(value, radix: 16) + "_"
            }
        }
        return name + ".json"
    }

    static func appendDecimal(_ value: UInt64, to bytes: inout [UInt8]) {
        // Least significant digit first into a buffer on the stack, then appended in one piece:
        // dividing by the constant 10 compiles to a multiplication, where the running divisor
        // of most-significant-first cost two real divisions a digit.
        var room: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes; a UInt64 has at most 20 digits
        withUnsafeMutableBytes(of: &room) { digits in
            var start = digits.count
            var rest = value
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            bytes.append(contentsOf: digits[start...])
        }
    }

    /// Every term's shard entry, in code point order (the order of `terms`, when given); the
    /// JSON is written in parallel.
    static func entries(_ postings: [String: [UInt32]], terms: [String]? = nil) -> [ShardEntry] {
        let terms = terms ?? postings.keys.sorted(by: codePointOrder)
        // Small chunks: a term's cost grows with its postings, and with a few large chunks the
        // one holding the commonest terms kept a core busy alone for 50 ms at 10,000 briefings.
        let stride = 128
        let slots = ResultSlots<[ShardEntry]>(count: (terms.count + stride - 1) / stride)
        DispatchQueue.concurrentPerform(iterations: slots.count) { chunk in
            let range = chunk * stride..<min(terms.count, (chunk + 1) * stride)
            slots.set(chunk, terms[range].map { SearchPostings.entry($0, postings[$0]!) })
        }
        return slots.values.flatMap { $0 ?? [] }
    }

    static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    // MARK: JSON

    /// One `docs-N.json`; in `serve`, reused while the listed values of its documents are unchanged.
    private func chunkJSON(_ chunk: ArraySlice<Document>) -> String {
        var key = Fingerprint()
        if cache != nil {
            for document in chunk {
                for value in [document.kind, document.title, document.url, document.date ?? "\u{0}", document.summary,
                              document.category] + document.aliases {
                    key.combine(value)
                }
                key.combine(byte: 0xFE)
            }
            if let text = cache?.searchChunks.reuse(key) { return text }
        }
        let text = "[\n" + chunk.map(Self.documentJSON).joined(separator: ",\n") + "\n]\n"
        cache?.searchChunks.record(key, text)
        return text
    }

    static func documentJSON(_ document: Document) -> String {
        var pairs: [(String, String)] = []
        if !document.aliases.isEmpty { pairs.append(("a", "[" + document.aliases.map(JSON.string).joined(separator: ",") + "]")) }
        if !document.category.isEmpty { pairs.append(("c", JSON.string(document.category))) }
        if let date = document.date { pairs.append(("d", JSON.string(date))) }
        pairs.append(("k", JSON.string(document.kind)))
        if !document.summary.isEmpty { pairs.append(("s", JSON.string(truncated(document.summary, to: 280)))) }
        pairs.append(("t", JSON.string(document.title)))
        pairs.append(("u", JSON.string(document.url)))
        return "{" + pairs.map { JSON.string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        let cut = text.prefix(limit)
        let end = cut.lastIndex(where: \.isWhitespace) ?? cut.endIndex
        return cut[..<end].trimmingCharacters(in: .whitespaces) + "…"
    }

    enum JSON {
        static func string(_ text: String) -> String { Escape.json(text) }
    }

    // MARK: Plain text from rendered HTML

    static let blockTags: Set<String> = [
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "img", "li",
        "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "ul", "sup", "input",
    ]

    private static let blockTagCodes = Set(blockTags.compactMap { tagCode(Array($0.utf8)[...]) })

    /// A tag name of up to ten ASCII letters and digits, case folded, packed six bits a
    /// character: looking it up allocates nothing, where a lowercased `String` per tag did.
    private static func tagCode<Name: Collection<UInt8>>(_ name: Name) -> UInt64? {
        guard (1...10).contains(name.count) else { return nil }
        var code: UInt64 = 0
        for byte in name {
            let folded = (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
            let value: UInt8 = (0x61...0x7A).contains(folded) ? folded - 0x60 : folded - 0x30 + 27  // 1–26, 27–36
            code = code << 6 | UInt64(value)
        }
        return code
    }

    /// The text of HTML Dossier rendered from Markdown: tags removed (block tags become a space,
    /// inline tags nothing, so "Daesh</a>’s" stays one word), comments dropped, entities decoded.
    /// Works on UTF-8 bytes: everything it looks for is ASCII.
    static func plainText(fromHTML html: String) -> String {
        String(decoding: plainTextUTF8(fromHTML: html), as: UTF8.self)
    }

    /// `plainText` as UTF-8, valid because tags and entities are cut at ASCII bytes.
    static func plainTextUTF8(fromHTML html: String) -> [UInt8] {
        plainTextUTF8(fromHTML: html) { $1.append(contentsOf: $0) }
    }

    /// `SearchText.normalizedUTF8` of `plainText`, in one pass over the HTML: each piece of text
    /// is normalised as it is copied out.
    static func normalizedPlainText(fromHTML html: String) -> [UInt8] {
        plainTextUTF8(fromHTML: html, appending: SearchText.appendNormalized)
    }

    private static func plainTextUTF8(fromHTML html: String,
                                      appending append: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void) -> [UInt8] {
        var html = html
        return html.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var decoded: [UInt8] = []  // one entity's UTF-8
            let count = bytes.count
            var index = 0
            func isNameByte(_ byte: UInt8) -> Bool {
                (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte)
            }
            while index < count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "<") {
                    if index + 3 < count, bytes[index + 1] == UInt8(ascii: "!"), bytes[index + 2] == UInt8(ascii: "-"),
                       bytes[index + 3] == UInt8(ascii: "-") {
                        var end = index + 4
                        while end + 2 < count,
                              !(bytes[end] == UInt8(ascii: "-") && bytes[end + 1] == UInt8(ascii: "-") && bytes[end + 2] == UInt8(ascii: ">")) {
                            end += 1
                        }
                        index = end + 3
                        out.append(0x20)
                        continue
                    }
                    var nameStart = index + 1
                    if nameStart < count, bytes[nameStart] == UInt8(ascii: "/") { nameStart += 1 }
                    var nameEnd = nameStart
                    while nameEnd < count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
                    let end = nameEnd < count
                        ? memchr(bytes.baseAddress! + nameEnd, Int32(UInt8(ascii: ">")), count - nameEnd)
                            .map { UnsafeRawPointer($0) - UnsafeRawPointer(bytes.baseAddress!) } ?? count
                        : nameEnd
                    if let code = tagCode(bytes[nameStart..<nameEnd]), blockTagCodes.contains(code) { out.append(0x20) }
                    index = end + 1
                    continue
                }
                if byte == UInt8(ascii: "&") {
                    var end = index + 1
                    while end < count, end - index <= 10, bytes[end] != UInt8(ascii: ";"), bytes[end] != UInt8(ascii: "&"),
                          bytes[end] != UInt8(ascii: "<") {
                        end += 1
                    }
                    if end < count, bytes[end] == UInt8(ascii: ";"),
                       let scalar = decodeEntity(UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end])) {
                        decoded.removeAll(keepingCapacity: true)
                        UTF8.encode(scalar) { decoded.append($0) }
                        decoded.withUnsafeBufferPointer { append($0, &out) }
                        index = end + 1
                        continue
                    }
                }
                // Text up to the next tag or entity, in one copy; eight bytes at a time to find it.
                let start = index
                index = nextTagOrEntity(bytes, from: index + 1)
                append(UnsafeBufferPointer(rebasing: bytes[start..<index]), &out)
            }
            return out
        }
    }

    /// The offset of the first `<` or `&` at or after `start`, or the end.
    private static func nextTagOrEntity(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index + 8 <= bytes.count {
            let word = ByteLanes.load(bytes, at: index)
            let found = ByteLanes.bytes(word, equalTo: UInt8(ascii: "<")) | ByteLanes.bytes(word, equalTo: UInt8(ascii: "&"))
            if found != 0 { return index + found.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < bytes.count, bytes[index] != UInt8(ascii: "<"), bytes[index] != UInt8(ascii: "&") { index += 1 }
        return index
    }

    /// The entities cmark-gfm writes (quotes and `&`, nearly every one) without a `String`.
    private static func decodeEntity(_ name: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        func named(_ text: StaticString) -> Bool { name.count == text.utf8CodeUnitCount && name.hasBytes(text, endingAt: name.count) }
        if name.isEmpty { return nil }
        if named("quot") { return "\"" }
        if named("amp") { return "&" }
        if named("#39") { return "'" }
        if named("lt") { return "<" }
        if named("gt") { return ">" }
        return decodeEntity(String(decoding: name, as: UTF8.self))
    }

    private static func decodeEntity(_ name: String) -> Unicode.Scalar? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return " "
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init)
        }
    }
}

/// Search normalisation, mirrored exactly by `normalize`/`tokens` in assets/search.js:
/// NFKD, lowercase, combining marks removed, final sigma as sigma, apostrophes dropped (a
/// possessive "'s" with them), Arabic tatweel and harakat removed, alef forms, ta marbuta, alef
/// maqsura and Persian yeh/kaf unified, Arabic-Indic digits as ASCII; then split on every code
/// point that is not a letter or a number. Tokens longer than 40 code points are skipped.
enum SearchText {
    static let maxTokenLength = 40

    /// Works on the normalised text's UTF-8 bytes. A token that is a run of those bytes (nearly
    /// every one) is made straight from the run; only a token with a dropped or mapped code point
    /// inside it (“Kata’ib”, Arabic with harakat) is assembled in a buffer.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        forEachToken(text) { tokens.append(String(decoding: $0, as: UTF8.self)) }
        return tokens
    }

    /// Calls `body` with every token's UTF-8 bytes, in order; the bytes are valid only during
    /// the call. Scoring counts tokens without making a `String` of every occurrence.
    static func forEachToken(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard !text.isEmpty else { return }
        forEachToken(normalized: normalizedUTF8(text), body)
    }

    /// `forEachToken` of text already normalised (`SearchIndex.normalizedPlainText`).
    static func forEachToken(normalized: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        normalized.withUnsafeBufferPointer { bytes in
            var buffer: [UInt8] = []   // the token so far, once it stopped being one run of `bytes`
            var assembled = false
            var start = 0, end = 0     // the token's run of `bytes`, while not `assembled`
            var length = 0             // code points in the token
            let count = bytes.count

            func flush() {
                if length > 0 && length <= maxTokenLength {
                    if assembled {
                        buffer.withUnsafeBufferPointer(body)
                    } else {
                        body(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                    }
                }
                length = 0
                assembled = false
            }
            func assemble() {
                guard !assembled else { return }
                buffer.removeAll(keepingCapacity: true)
                if length > 0 { buffer.append(contentsOf: bytes[start..<end]) }
                assembled = true
            }
            /// Adds the code point at `position` as it is written there.
            func append(at position: Int, size: Int) {
                if length == 0 {
                    (start, end) = (position, position + size)
                } else if !assembled && end == position {
                    end += size
                } else {
                    assemble()
                    buffer.append(contentsOf: bytes[position..<position + size])
                }
                length += 1
            }
            // The bytes come from Swift strings, so they are valid UTF-8.
            func decode(at position: Int) -> (scalar: Unicode.Scalar, size: Int) {
                let lead = bytes[position]
                let size = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
                var value = size == 1 ? UInt32(lead) : UInt32(lead) & (0x7F >> UInt32(size))
                for offset in 1..<size { value = value << 6 | UInt32(bytes[position + offset] & 0x3F) }
                return (Unicode.Scalar(value) ?? "\u{FFFD}", size)
            }

            var index = 0
            while index < count {
                let byte = bytes[index]
                if byte < 0x80, byte != 0x27, byte != 0x60 {
                    // Fast path: ASCII letters and digits, anything else separates.
                    if isASCIIWordByte(byte) {
                        guard length == 0 else {
                            append(at: index, size: 1)
                            index += 1
                            continue
                        }
                        // A word starts: take its run of ASCII letters and digits at once. Ended
                        // by an ASCII separator (nearly always), the run is the whole token.
                        var runEnd = index + 1
                        while runEnd < count, isASCIIWordByte(bytes[runEnd]) { runEnd += 1 }
                        if runEnd == count || (bytes[runEnd] < 0x80 && bytes[runEnd] != 0x27 && bytes[runEnd] != 0x60) {
                            if runEnd - index <= maxTokenLength { body(UnsafeBufferPointer(rebasing: bytes[index..<runEnd])) }
                        } else {
                            (start, end, length) = (index, runEnd, runEnd - index)
                        }
                        index = runEnd
                        continue
                    } else {
                        flush()
                    }
                    index += 1
                    continue
                }
                let (scalar, size) = decode(at: index)
                let position = index
                index += size
                if isDropped(scalar) { continue }
                if isApostrophe(scalar) {
                    // A possessive 's ends the word: "Daesh’s" is "daesh".
                    if length > 0, index < count, bytes[index] == UInt8(ascii: "s"),
                       index + 1 >= count || !isWordScalar(decode(at: index + 1).scalar) {
                        index += 1
                    }
                    continue
                }
                let mapped = map(scalar)
                guard isWordScalar(mapped) else {
                    flush()
                    continue
                }
                if mapped == scalar {
                    append(at: position, size: size)
                } else {
                    assemble()
                    UTF8.encode(mapped) { buffer.append($0) }
                    length += 1
                }
            }
            flush()
        }
    }

    /// NFKD, then lowercase, as UTF-8. ASCII is its own NFKD and lowercases on its own, so only
    /// the runs of other code points go through Foundation: the same result as normalising the
    /// whole text (decomposition works code point by code point; the marks it may reorder are
    /// removed later, and final sigma is mapped to sigma anyway), at a fraction of the cost.
    static func normalizedUTF8(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8(normalizedUTF8)
    }

    /// `normalizedUTF8` of valid UTF-8.
    static func normalizedUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        appendNormalized(bytes, to: &out)
        return out
    }

    /// Appends the normalised form of valid UTF-8. Text may be given in pieces, split anywhere
    /// between code points: decomposition works code point by code point, the marks whose order
    /// a split could change are removed from tokens, and final sigma becomes sigma anyway.
    static func appendNormalized(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = -1
        func flushRun(before end: Int) {
            guard runStart >= 0 else { return }
            let run = String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<end]), as: UTF8.self)
            out += run.decomposedStringWithCompatibilityMapping.lowercased().utf8
            runStart = -1
        }
        // ASCII is copied a span at a time and lowercased in place: appending byte by byte
        // checked the array's uniqueness and capacity for each of 70 MB of text.
        var index = 0
        let count = bytes.count
        while index < count {
            guard bytes[index] < 0x80 else {
                if runStart < 0 { runStart = index }
                index += 1
                continue
            }
            flushRun(before: index)
            let spanStart = index
            while index < count && bytes[index] < 0x80 { index += 1 }
            let first = out.count
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[spanStart..<index]))
            out.withUnsafeMutableBufferPointer { lowered in
                for position in first..<lowered.count where lowered[position] &- 0x41 < 26 { lowered[position] += 0x20 }
            }
        }
        flushRun(before: count)
    }

    /// `normalizedUTF8` as scalars.
    static func normalizedScalars(_ text: String) -> [Unicode.Scalar] {
        Array(String(decoding: normalizedUTF8(text), as: UTF8.self).unicodeScalars)
    }

    /// Removed without splitting a word: combining marks, Arabic harakat and tatweel.
    static func isDropped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x064B...0x065F, 0x0670, 0x0640: return true
        default: break
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    static func isApostrophe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x27, 0x60, 0x2018, 0x2019, 0x201B, 0x2032, 0x02B9, 0x02BB, 0x02BC, 0x02BD, 0x02BE, 0x02BF, 0xFF07: return true
        default: return false
        }
    }

    static func map(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x03C2: return "\u{03C3}"                        // ς → σ
        case 0x0622, 0x0623, 0x0625, 0x0671: return "\u{0627}" // آ أ إ ٱ → ا
        case 0x0629: return "\u{0647}"                        // ة → ه
        case 0x0649, 0x06CC: return "\u{064A}"                // ى ی → ي
        case 0x06A9: return "\u{0643}"                        // ک → ك
        case 0x0660...0x0669: return Unicode.Scalar(scalar.value - 0x0660 + 0x30)!
        case 0x06F0...0x06F9: return Unicode.Scalar(scalar.value - 0x06F0 + 0x30)!
        default: return scalar
        }
    }

    /// A lowercase ASCII letter or a digit: the bytes normalised ASCII words are made of.
    @inline(__always)
    private static func isASCIIWordByte(_ byte: UInt8) -> Bool {
        byte &- 0x61 < 26 || byte &- 0x30 < 10
    }

    /// Letters (L*) and numbers (N*), as `\p{L}` and `\p{N}` in JavaScript.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return (0x61...0x7A).contains(scalar.value) || (0x41...0x5A).contains(scalar.value) || (0x30...0x39).contains(scalar.value)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }
}
