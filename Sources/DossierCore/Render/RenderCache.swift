import Foundation

/// Remembers the fingerprint of every page's template context, so a rebuild renders only
/// pages whose inputs changed. Exact by construction: a page is reused only when its whole
/// context and the theme are identical to the previous build's.
///
/// On disk (for `dossier build`) the cache is a small dot-file inside the output folder (so a
/// build writes nothing outside it) and the page bytes are the previous build's files, which
/// the writer hard-links. In memory (for
/// `dossier serve`) the bytes are kept with the fingerprints. Deleting the cache file only
/// makes the next build a full one.
public final class RenderCache: @unchecked Sendable {
    struct Entry {
        var fingerprint: Fingerprint
        var data: Data?
        /// `stampText` of the output file, to notice hand edits and deletions.
        var stamp: String?
    }

    enum Reuse {
        case bytes(Data)
        case previousFile
    }

    private static let format = "dossier-render-cache 4"
    /// The first line: the format and the executable that wrote it. Page keys digest the site
    /// model, not the code that turns it into pages, so another build of Dossier must not
    /// trust them.
    private let header: String
    private let lock = NSLock()
    private var previous: [String: Entry]
    private var next: [String: Entry] = [:]
    /// Paths this build took from the previous one, for `--verbose` and tests.
    private var reusedNow: [String] = []
    /// The stamps of the previous files this build reused, as checked when they were reused.
    private var verified: [String: String] = [:]
    private let output: URL?

    /// An in-memory cache that keeps page bytes between builds of one process.
    public init() {
        previous = [:]
        output = nil
        header = Self.format
    }

    private init(output: URL, identity: String, entries: [String: Entry]) {
        self.output = output
        header = Self.format + " " + identity
        previous = entries
    }

    public static let fileName = ".dossier-cache"

    static func file(in output: URL) -> URL {
        output.appendingPathComponent(fileName)
    }

    /// Loads the cache written by the previous build into `output`; an unreadable or
    /// foreign file gives an empty cache (a full build).
    public static func load(in output: URL, identity: String) -> RenderCache {
        let url = file(in: output)
        let empty = RenderCache(output: output, identity: identity, entries: [:])
        guard !identity.isEmpty, let data = FileManager.default.contents(atPath: url.path) else { return empty }
        let entries: [String: Entry]? = data.withUnsafeBytes { bytes in
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            guard let first = lines.first, first.elementsEqual(empty.header.utf8) else { return nil }
            var entries: [String: Entry] = [:]
            entries.reserveCapacity(lines.count)
            for line in lines.dropFirst() {
                // fingerprint (32 hex digits) TAB stamp TAB path; a path may hold tabs.
                guard let tab = line.firstIndex(of: UInt8(ascii: "\t")), tab - line.startIndex == 32,
                      let fingerprint = Fingerprint(hexBytes: line[..<tab]),
                      let next = line[(tab + 1)...].firstIndex(of: UInt8(ascii: "\t")) else { continue }
                let stamp = String(decoding: line[(tab + 1)..<next], as: UTF8.self)
                entries[String(decoding: line[(next + 1)...], as: UTF8.self)] = Entry(fingerprint: fingerprint, stamp: stamp)
            }
            return entries
        }
        guard let entries else { return empty }
        return RenderCache(output: output, identity: identity, entries: entries)
    }

    /// Starts recording a new build.
    func begin() {
        lock.lock()
        next = [:]
        reusedNow = []
        verified = [:]
        lock.unlock()
    }

    /// The output paths this build reused (pages and feeds), sorted.
    var reusedPaths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return reusedNow.sorted()
    }

    func reuse(_ path: String, fingerprint: Fingerprint) -> Reuse? {
        lock.lock()
        let entry = previous[path]
        lock.unlock()
        guard let entry, entry.fingerprint == fingerprint else { return nil }
        let reuse: Reuse
        if let data = entry.data {
            reuse = .bytes(data)
        } else {
            guard let output, let recorded = entry.stamp, let stamp = FileStamp(path: output.path + "/" + path),
                  Self.stampText(stamp) == recorded else { return nil }
            reuse = .previousFile
        }
        lock.lock()
        reusedNow.append(path)
        if case .previousFile = reuse { verified[path] = entry.stamp }
        lock.unlock()
        return reuse
    }

    func record(_ path: String, fingerprint: Fingerprint, data: Data?) {
        lock.lock()
        next[path] = Entry(fingerprint: fingerprint, data: output == nil ? data : nil)
        lock.unlock()
    }

    /// Makes this build's fingerprints the ones the next build compares against; on disk,
    /// records the written files' stamps in the output folder. `keptInPlace`: the commit left
    /// the previous files this build reused untouched (`InPlaceCommit`), so the stamps checked
    /// when they were reused still hold and they are not read again. A swap hard-links them,
    /// which changes their change time.
    public func commit(keptInPlace: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        previous = next
        next = [:]
        guard let output else { return }
        var text = Array((header + "\n").utf8)
        let paths = previous.keys.sorted()
        // A `stat` per written file (12,000 at 10,000 briefings), on both cores: the build waits
        // for this after its last file is in place.
        let stamps = ResultSlots<String>(count: paths.count)
        let stride = 1_024
        let box = UncheckedBox((verified, output.path + "/"))
        DispatchQueue.concurrentPerform(iterations: (paths.count + stride - 1) / stride) { chunk in
            let (verified, folder) = box.value
            for index in chunk * stride..<min(paths.count, (chunk + 1) * stride) {
                if keptInPlace, let checked = verified[paths[index]] {
                    stamps.set(index, checked)
                } else if let read = FileStamp(path: folder + paths[index]) {
                    stamps.set(index, Self.stampText(read))
                }
            }
        }
        for (path, stamp) in zip(paths, stamps.values) {
            guard let stamp else { continue }
            previous[path]!.stamp = stamp
            text += previous[path]!.fingerprint.description.utf8
            text.append(UInt8(ascii: "\t"))
            text += stamp.utf8
            text.append(UInt8(ascii: "\t"))
            text += path.utf8
            text.append(UInt8(ascii: "\n"))
        }
        verified = [:]
        // Written beside and renamed over: a symbolic link planted under the cache's name is
        // replaced, not written through.
        try? Data(text).write(to: Self.file(in: output), options: .atomic)
    }

    /// Size, modification time, inode and change time: a file rewritten in place within one tick of a
    /// coarse clock, replaced by another file, or edited and given its old time back (`touch -r`)
    /// no longer matches. Builds leave kept files alone between two builds (unchanged files are
    /// hard-linked before the stamps are taken), so a kept file keeps all three.
    private static func stampText(_ stamp: FileStamp) -> String {
        "\(stamp.size):\(stamp.modified):\(stamp.inode):\(stamp.changed)"
    }

    /// Forgets what this build recorded, e.g. after a failed write. The file on disk is left
    /// alone: a failed write leaves the previous output, which it still describes, untouched.
    public func discard() {
        lock.lock()
        defer { lock.unlock() }
        next = [:]
    }
}
