import DossierMarkdown
import Foundation

/// Saves the expensive part of a `SessionCache` — briefings' parsed front matter, rendered
/// Markdown bodies, cards, search terms, document chunks and the search index, related
/// briefings, entity facts — in the output folder, so that the next `dossier build` parses, renders and
/// scores only what changed.
///
/// Every entry is keyed by a digest of all its inputs (see `SessionCache`), so a saved entry is
/// either still right or never looked up. What the keys cannot cover is the code itself: the
/// file records the executable and shared libraries that wrote it (`BuildIdentity`) and is
/// ignored by any other. Front matter is keyed by its text, not by file stamps, which a fresh
/// clone of a repository changes; file stamps only let a build skip reading a briefing that did
/// not change (`StampedBriefing`). A damaged or truncated file is ignored, which only makes the build a full
/// one. The file is written into the staging folder and committed with the site (`Writer`).
///
/// Search terms come first and are not decoded when the file is loaded: the build reads each
/// document's terms from the file as it merges postings (`SavedSearchTerms`) and writes them to
/// the next file as it goes, so the terms of 10,000 briefings (24 MB in the file, about 100 MB
/// as Swift arrays) are never all in memory.
enum SessionCacheFile {
    static let fileName = ".dossier-cache-session"
    private static let header = "dossier-session-cache 8"
    private static let trailer: UInt64 = 0x6f6b  // "ok": the file was written to the end

    static func url(in output: URL) -> URL {
        output.appendingPathComponent(fileName)
    }

    /// The cache saved in `output`, or an empty one when there is none that this executable wrote.
    static func load(in output: URL, identity: String) -> SessionCache {
        let cache = SessionCache(persistent: true)
        guard !identity.isEmpty else { return cache }
        // One descriptor for the check and for reading terms later, so both see the same file
        // even if another build replaces it meanwhile.
        let descriptor = open(url(in: output).path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return cache }
        var info = stat()
        guard fstat(descriptor, &info) == 0, let file = MappedFile(descriptor: descriptor, size: Int(info.st_size)) else {
            close(descriptor)
            return cache
        }
        let saved = SavedFile(descriptor: descriptor)
        guard let store = BodyStore.open(in: output) else { return cache }
        var termIndex: [Fingerprint: (offset: Int, length: Int)] = [:]
        if read(file, saved: saved, store: store, identity: identity, into: cache, termIndex: &termIndex) {
            cache.savedTerms = SavedSearchTerms(file: saved, index: termIndex)
            cache.savedFile = saved
            cache.savedBodies = store
        }
        return cache
    }

    /// The HTML of bodies and cards is left in the store (`SavedText`, read through
    /// `store.file`): most builds reuse most pages and never need it.
    private static func read(_ file: MappedFile, saved: SavedFile, store: BodyStore.Opened, identity: String,
                             into cache: SessionCache, termIndex: inout [Fingerprint: (offset: Int, length: Int)]) -> Bool {
        guard let bytes = BinaryReader.verified(file.bytes) else { return false }
        var reader = BinaryReader(bytes)
        guard reader.readString() == header, reader.readString() == identity else { return false }
        while !reader.failed, reader.readBool() {
            let digest = reader.readFingerprint()
            let length = reader.readCount()
            termIndex[digest] = (reader.position, length)
            reader.skip(length)
        }
        let bodies = readEntries(&reader) { reader -> (body: RenderedBody, documents: Fingerprint?) in
            let body = readBody(&reader, in: store)
            return (body, reader.readBool() ? reader.readFingerprint() : nil)
        }
        // Cards are shown on many pages: each is read from the store once.
        let fragments = readEntries(&reader) { reader -> HTMLFragment in
            var text = readText(&reader, in: store)
            text.memo = TextMemo()
            return HTMLFragment(saved: text, digest: reader.readFingerprint())
        }
        let searchChunks = readEntries(&reader) { $0.readString() }
        let related = readEntries(&reader) { reader in
            (0..<reader.readCount()).map { _ in (0..<reader.readCount()).map { _ in reader.readInt() } }
        }
        let briefingFronts = readEntries(&reader) { BriefingCoding.read(&$0) }
        let entityFacts = readEntries(&reader) { reader in (0..<reader.readCount()).map { _ in readFacts(&reader) } }
        var stamped: [String: StampedBriefing] = [:]
        for _ in 0..<reader.readCount() where !reader.failed {
            stamped[reader.readString()] = readStamped(&reader)
        }
        let searchIndex = reader.readBool() ? SavedSearchPostings.read(&reader) : nil
        let checkedPaths = readEntries(&reader) { $0.readBool() }
        guard BodyStore.Reference(reading: &reader) == store.reference else { return false }
        guard reader.readUInt64() == trailer, reader.atEnd, !reader.failed else { return false }
        cache.bodies.seed(bodies)
        cache.fragments.seed(fragments)
        cache.searchChunks.seed(searchChunks)
        cache.related.seed(related)
        cache.briefingFronts.seed(briefingFronts)
        cache.entityFacts.seed(entityFacts)
        cache.stampedBriefings.seed(stamped)
        cache.checkedPaths.seed(checkedPaths)
        cache.savedSearchIndex = searchIndex
        return true
    }

    /// The next build's file, written into the staging folder: search terms while the index is
    /// built, the rest once the build has succeeded.
    final class Writer {
        private var writer: BinaryWriter
        let path: String

        deinit {
            writer.abandon()
        }

        init?(path: String, identity: String) {
            guard !identity.isEmpty, let writer = BinaryWriter(path: path) else { return nil }
            self.writer = writer
            self.path = path
            self.writer.write(header)
            self.writer.write(identity)
        }

        /// One search document's terms (`SearchTermBlob`), in the order the index merges them.
        func addTerms(_ digest: Fingerprint, _ blob: [UInt8]) {
            writer.write(true)
            writer.write(digest)
            writer.write(count: blob.count)
            writer.write(bytes: blob)
        }

        /// Writes what the last committed build used and closes the file; false (and no new
        /// file: the previous one, still right, stays in the output folder) when it could not
        /// be written. Bodies with diagnostics are left out: they are rare, and
        /// rendering them again is what reports their diagnostics.
        func finish(_ cache: SessionCache, bodies store: BodyStore.Writer) -> Bool {
            writer.write(false)
            // The sections after the HTML do not touch the store: they are encoded on the other
            // core meanwhile (this is the last, single-threaded step of a build).
            let rest = sideBySide({
                writeEntries(cache.bodies.committed.filter { $0.value.body.diagnostics.isEmpty }, to: &writer) { writer, value in
                    writeBody(value.body, to: &writer, store: store)
                    writer.write(value.documents != nil)
                    if let documents = value.documents { writer.write(documents) }
                }
                writeEntries(cache.fragments.committed, to: &writer) { writer, fragment in
                    writeText(fragment, to: &writer, store: store)
                    writer.write(fragment.digest)
                }
            }, {
                var rest = BinaryWriter()
                Self.writeSections(cache, to: &rest)
                return rest.bytes
            }).1
            writer.write(bytes: rest)
            guard let stored = store.finish() else {
                writer.abandon()
                unlink(path)
                return false
            }
            stored.write(to: &writer)
            writer.write(trailer)
            // Bodies copied from a previous file changed in place would be saved as right.
            if cache.savedFilesDamaged {
                writer.abandon()
                unlink(path)
                return false
            }
            if writer.finish() { return true }
            unlink(path)
            return false
        }

        /// Everything but the HTML, in the file's order.
        private static func writeSections(_ cache: SessionCache, to writer: inout BinaryWriter) {
            writeEntries(cache.searchChunks.committed, to: &writer) { $0.write($1) }
            writeEntries(cache.related.committed, to: &writer) { writer, lists in
                writer.write(count: lists.count)
                for list in lists {
                    writer.write(count: list.count)
                    for index in list { writer.write(index) }
                }
            }
            writeEntries(cache.briefingFronts.committed, to: &writer) { BriefingCoding.write($1, to: &$0) }
            writeEntries(cache.entityFacts.committed, to: &writer) { writer, facts in
                writer.write(count: facts.count)
                for entity in facts { writeFacts(entity, to: &writer) }
            }
            let stamped = cache.stampedBriefings.committed
            writer.write(count: stamped.count)
            for path in stamped.keys.sorted() {
                writer.write(path)
                writeStamped(stamped[path]!, to: &writer)
            }
            writer.write(cache.searchIndex != nil)
            cache.searchIndex?.write(to: &writer)
            writeEntries(cache.checkedPaths.committed, to: &writer) { $0.write($1) }
        }
    }

    /// Entries in key order, so the same cache always gives the same file.
    private static func writeEntries<Value>(_ entries: [Fingerprint: Value], to writer: inout BinaryWriter,
                                            value write: (inout BinaryWriter, Value) -> Void) {
        writer.write(count: entries.count)
        for key in entries.keys.sorted(by: { ($0.high, $0.low) < ($1.high, $1.low) }) {
            writer.write(key)
            write(&writer, entries[key]!)
        }
    }

    private static func readEntries<Value>(_ reader: inout BinaryReader,
                                           value read: (inout BinaryReader) -> Value) -> [Fingerprint: Value] {
        let count = reader.readCount()
        var entries: [Fingerprint: Value] = [:]
        entries.reserveCapacity(count)
        for _ in 0..<count where !reader.failed {
            let key = reader.readFingerprint()
            entries[key] = read(&reader)
        }
        return entries
    }

    /// HTML (a body or a card) as its range in the store.
    private static func writeText(_ fragment: HTMLFragment, to writer: inout BinaryWriter, store: BodyStore.Writer) {
        let range = store.place(fragment)
        writer.write(range.lowerBound)
        writer.write(range.count)
    }

    /// A range past the end of the store rejects the whole file (it cannot have been written so).
    private static func readText(_ reader: inout BinaryReader, in store: BodyStore.Opened) -> SavedText {
        let start = reader.readInt(), count = reader.readInt()
        let size = Int(store.reference.size)
        guard start >= 0, count >= 0, start <= size, count <= size - start else {
            reader.reject()
            return SavedText(file: store.file, range: 0..<0)
        }
        return SavedText(file: store.file, range: start..<start + count)
    }

    private static func writeBody(_ body: RenderedBody, to writer: inout BinaryWriter, store: BodyStore.Writer) {
        writeText(body.fragment, to: &writer, store: store)
        writer.write(body.fragment.digest)
        writer.write(count: body.headings.count)
        for heading in body.headings {
            writer.write(heading.level)
            writer.write(heading.text)
            writer.write(heading.id)
        }
        writer.write(count: body.mentions.count)
        for entity in body.mentions.keys.sorted() {
            writer.write(entity)
            writer.write(body.mentions[entity]!)
        }
        writer.write(body.linkedBriefings)
        writer.write(body.wordCount)
        writer.write(count: body.links.count)
        for link in body.links {
            writer.write(link.url)
            writer.write(link.isImage)
            writer.write(link.line)
            writer.write(link.column)
        }
        writer.write(body.hasWikiLinks)
        writer.write(body.documentTargets != nil)
        if let targets = body.documentTargets { writer.write(targets) }
        writer.write(body.mentionCount)
    }

    /// An entity's facts without its profile, which is saved with the bodies (the facts' key
    /// covers the profile's digest, and `Aggregates.entityFacts` puts it back).
    private static func writeFacts(_ facts: EntityFacts, to writer: inout BinaryWriter) {
        writer.write(count: facts.references.count)
        for reference in facts.references {
            writer.write(reference.briefing)
            writer.write(reference.mentions)
            writer.write(reference.via ?? -1)
        }
        writer.write(count: facts.appearsWith.count)
        for other in facts.appearsWith {
            writer.write(other.entity)
            writer.write(other.count)
        }
        writer.write(count: facts.events.count)
        for event in facts.events { writer.write(event) }
    }

    private static func readFacts(_ reader: inout BinaryReader) -> EntityFacts {
        var facts = EntityFacts()
        facts.references = (0..<reader.readCount()).map { _ in
            let briefing = reader.readInt()
            let mentions = reader.readInt()
            let via = reader.readInt()
            return EntityFacts.Reference(briefing: briefing, mentions: mentions, via: via < 0 ? nil : via)
        }
        facts.appearsWith = (0..<reader.readCount()).map { _ in
            let entity = reader.readInt()
            return (entity, reader.readInt())
        }
        facts.events = (0..<reader.readCount()).map { _ in reader.readInt() }
        return facts
    }

    private static func writeStamped(_ entry: StampedBriefing, to writer: inout BinaryWriter) {
        writer.write(entry.stamp)
        writer.write(entry.settings)
        writer.write(entry.front)
        writer.write(entry.body)
        writer.write(entry.bodyLine)
    }

    private static func readStamped(_ reader: inout BinaryReader) -> StampedBriefing {
        StampedBriefing(stamp: reader.readFileStamp(), settings: reader.readFingerprint(), front: reader.readFingerprint(),
                               body: reader.readFingerprint(), bodyLine: reader.readInt())
    }

    private static func readBody(_ reader: inout BinaryReader, in store: BodyStore.Opened) -> RenderedBody {
        let fragment = HTMLFragment(saved: readText(&reader, in: store), digest: reader.readFingerprint())
        let headings = (0..<reader.readCount()).map { _ in
            MarkdownHeading(level: reader.readInt(), text: reader.readString(), id: reader.readString())
        }
        var mentions: [Int: Int] = [:]
        for _ in 0..<reader.readCount() {
            let entity = reader.readInt()
            mentions[entity] = reader.readInt()
        }
        let linkedBriefings = reader.readStrings()
        let wordCount = reader.readInt()
        let links = (0..<reader.readCount()).map { _ in
            MarkdownLink(url: reader.readString(), isImage: reader.readBool(), line: reader.readInt(), column: reader.readInt())
        }
        var body = RenderedBody(fragment: fragment, headings: headings, mentions: mentions, linkedBriefings: linkedBriefings,
                                wordCount: wordCount, diagnostics: [], links: links)
        body.hasWikiLinks = reader.readBool()
        body.documentTargets = reader.readBool() ? reader.readStrings() : nil
        body.mentionCount = reader.readInt()  // found by an earlier process: no matching time here
        return body
    }
}

/// Names the code that is running, so caches it saved are not trusted by another build of
/// Dossier, nor after an upgrade of a shared library that shapes the output (cmark-gfm renders
/// the bodies; Foundation's Unicode tables normalise search terms), whose results may differ
/// while every input is the same.
enum BuildIdentity {
    /// Size, modification time and inode of `/proc/self/exe` and of every shared library mapped
    /// into the process; empty (no saved caches are used) when the executable cannot be read.
    static let current = compute()

    static func compute() -> String {
        guard let executable = stamp("/proc/self/exe") else { return "" }
        var libraries = Set<String>()
        for line in String(decoding: readAll("/proc/self/maps"), as: UTF8.self).split(separator: "\n") {
            guard let slash = line.firstIndex(of: "/") else { continue }
            let path = String(line[slash...])
            if path.contains(".so") { libraries.insert(path) }
        }
        return ([executable] + libraries.sorted().map { "\($0):\(stamp($0) ?? "?")" }).joined(separator: ";")
    }

    /// A `/proc` file to its end: they report a size of 0, so whole-file readers stop early.
    private static func readAll(_ path: String) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return bytes
    }

    private static func stamp(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)-\(info.st_ino)"
    }
}
