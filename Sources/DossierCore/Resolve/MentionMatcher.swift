import Foundation

/// A name or alias of an entity, as written by the user.
struct MentionPattern: Sendable {
    var text: String
    var entity: Int
    var caseInsensitive: Bool
}

/// One mention found in a searched string.
struct MentionMatch: Sendable, Equatable {
    /// Bounds are `unicodeScalars` indices of the searched string.
    var range: Range<String.Index>
    /// Every entity owning the matched name (names may be shared), sorted and unique.
    var entities: [Int]
}

/// Finds whole-word mentions of many names in one pass (Aho–Corasick over Unicode scalars),
/// so the cost per document is linear in its length and independent of the number of names.
///
/// The automaton only tracks names that start where a word can start: its failure links skip
/// suffixes that begin inside a word, and it leaves the root only after a non-word scalar. Inside
/// a word it stays at the root, which is most of the text, so a step rarely leaves the few
/// cache lines of the root's table.
///
/// Semantics:
/// - Whole words: the scalar before and after a match must not be a letter, number, combining
///   mark or "_" (Unicode general categories, so Arabic letters count as letters).
/// - Leftmost-longest, non-overlapping: among candidates, the one starting earliest wins, ties go
///   to the longest; scanning resumes after it. "New York" beats "York City" in "New York City".
/// - Case-sensitive unless the pattern opts out; folding is simple per-scalar lowercasing.
/// - ’ ‘ ʼ and ' are one character; any whitespace run in the text equals one space in a pattern.
/// - Patterns are NFC-normalized; the searched text is assumed to be NFC already (callers should
///   normalize a document once when loading it: doing it here would copy every searched text).
final class MentionMatcher: Sendable {
    /// Entities of one normalized name. Case-sensitive owners must also match `exact` spellings.
    private struct Output: Sendable {
        var insensitive: [Int]          // owners matching regardless of case
        var exact: [[UInt32]]           // distinct case-sensitive spellings of this folded key
        var exactEntities: [[Int]]      // per spelling: its owners merged with `insensitive`
    }

    /// What the scan loop reads for every scalar, packed so a step touches one cache line.
    private struct State: Sendable {
        var edgeStart: Int32, edgeEnd: Int32  // its edges, sorted by label, in `edges`
        var fail: Int32
        var firstOutput: Int32                // itself if it has an output, else outLink
        /// Its first edge again (`noLabel` when it has none): most states past a name's first
        /// letters have one edge, which a step then takes without reading `edges`.
        var firstLabel: UInt32, firstTarget: Int32
    }
    private static let noLabel = UInt32.max
    private struct Edge: Sendable { var label: UInt32, target: Int32 }

    // edges[0..<128] is a dense ASCII table for the root, which nearly every step visits;
    // target 0 there means "no edge", as no edge leads back to the root.
    private let states: [State]
    private let edges: [Edge]
    private let outLink: [Int32]     // nearest proper suffix state with an output, or -1
    private let outputOf: [Int32]    // index into `outputs`, or -1
    private let depth: [Int32]       // pattern length in normalized scalars
    private let outputs: [Output]
    private let ringMask: Int        // ring buffer must hold the longest pattern plus one scalar
    /// A bit per hashed opening (first three folded scalars) a name can show at a word's start,
    /// for names that start with an ASCII word character (see `startsNoName`).
    private let openings: [UInt64]

    var isEmpty: Bool { outputs.isEmpty }

    init(patterns: [MentionPattern]) {
        let named = patterns.map { (spelled: Self.normalizePattern($0.text), pattern: $0) }
            .filter { !$0.spelled.isEmpty }
        let maxDepth = named.map(\.spelled.count).max() ?? 0
        // Insert all patterns one level at a time so state ids come out breadth-first: the shallow
        // states most steps visit share cache lines, and id order is a BFS order for failure links.
        var children: [[UInt32: Int32]] = [[:]]
        var nodeDepth: [Int32] = [0]
        var nodeLabel: [UInt32] = [0x20]  // the folded scalar on the edge into each state
        var at = [Int32](repeating: 0, count: named.count)  // each pattern's state so far
        for level in 0..<maxDepth {
            for (i, name) in named.enumerated() where level < name.spelled.count {
                let key = Self.fold(name.spelled[level]), node = Int(at[i])
                if let next = children[node][key] { at[i] = next; continue }
                at[i] = Int32(children.count)
                children[node][key] = at[i]
                children.append([:])
                nodeDepth.append(Int32(level + 1))
                nodeLabel.append(key)
            }
        }
        var insensitive: [Int32: Set<Int>] = [:]
        var exact: [Int32: [[UInt32]: Set<Int>]] = [:]
        for (node, name) in zip(at, named) {
            if name.pattern.caseInsensitive {
                insensitive[node, default: []].insert(name.pattern.entity)
            } else {
                exact[node, default: [:]][name.spelled, default: []].insert(name.pattern.entity)
            }
        }

        let count = children.count
        var outputOf = [Int32](repeating: -1, count: count)
        var outputs: [Output] = []
        for node in Set(insensitive.keys).union(exact.keys).sorted() {
            let loose = insensitive[node] ?? []
            let spellings = (exact[node] ?? [:]).sorted { $0.key.lexicographicallyPrecedes($1.key) }
            outputOf[Int(node)] = Int32(outputs.count)
            outputs.append(Output(insensitive: loose.sorted(),
                                  exact: spellings.map(\.key),
                                  exactEntities: spellings.map { $0.value.union(loose).sorted() }))
        }

        var edges = (0..<128).map { Edge(label: UInt32($0), target: children[0][UInt32($0)] ?? 0) }
        var states: [State] = []
        for (node, out) in children.enumerated() {
            let start = Int32(edges.count)
            edges += out.filter { node > 0 || $0.key >= 128 }.sorted { $0.key < $1.key }
                .map { Edge(label: $0.key, target: $0.value) }
            let first = edges.count > Int(start) ? edges[Int(start)] : Edge(label: Self.noLabel, target: 0)
            states.append(State(edgeStart: start, edgeEnd: Int32(edges.count), fail: 0,
                                firstOutput: outputOf[node] >= 0 ? Int32(node) : -1,
                                firstLabel: first.label, firstTarget: first.target))
        }

        // Failure and output links in id (= BFS) order, so every shallower state is finished first.
        // A failure link leads to the longest proper suffix that is a prefix of some name and
        // starts where a word can: a name starting inside a word could never be a mention.
        var outLink = [Int32](repeating: -1, count: count)
        for node in 1..<count {
            let endsInWord = Self.isWord(nodeLabel[node])
            for (label, child) in children[node] {
                var f = Int32(node), target: Int32 = 0
                while f != 0 {
                    f = states[Int(f)].fail
                    if f == 0 && endsInWord { break }
                    if let t = children[Int(f)][label] { target = t; break }
                }
                states[Int(child)].fail = target
                outLink[Int(child)] = outputOf[Int(target)] >= 0 ? target : outLink[Int(target)]
                if outputOf[Int(child)] < 0 { states[Int(child)].firstOutput = outLink[Int(child)] }
            }
        }

        var openings = [UInt64](repeating: 0, count: Self.openingWords)
        for name in named {
            for opening in Self.openings(of: name.spelled.map(Self.fold)) {
                let bit = Self.openingBit(opening.0, opening.1, opening.2)
                openings[bit >> 6] |= 1 << UInt64(bit & 63)
            }
        }
        self.openings = openings

        var ring = 2
        while ring < maxDepth + 2 { ring <<= 1 }
        self.states = states
        self.edges = edges
        self.outLink = outLink
        self.outputOf = outputOf
        self.depth = nodeDepth
        self.outputs = outputs
        self.ringMask = ring - 1
    }

    func matches(in text: String) -> [MentionMatch] {
        guard !outputs.isEmpty else { return [] }
        // Scanning raw UTF-8 avoids per-scalar index validation, which dominated the profile.
        // Native strings are already contiguous, so this copy costs nothing for them.
        var native = text
        native.makeContiguousUTF8()
        // Unchecked access to the automaton: every stored index was produced by `init`.
        let found = native.utf8.withContiguousStorageIfAvailable { bytes in
            states.withUnsafeBufferPointer { states in
                edges.withUnsafeBufferPointer { edges in
                    openings.withUnsafeBufferPointer { openings in scan(bytes, states, edges, openings) }
                }
            }
        } ?? []
        // Offsets are UTF-8 offsets of the content, converted against `text` itself so the
        // indices are valid in the caller's string whatever its storage; found is sorted.
        var result: [MentionMatch] = []
        result.reserveCapacity(found.count)
        var cursor = text.utf8.startIndex, cursorOffset = 0
        for match in found {
            let lower = text.utf8.index(cursor, offsetBy: match.lower - cursorOffset)
            cursor = text.utf8.index(lower, offsetBy: match.upper - match.lower)
            cursorOffset = match.upper
            let range = (String.Index(lower, within: text.unicodeScalars) ?? lower)
                ..< (String.Index(cursor, within: text.unicodeScalars) ?? cursor)
            result.append(MentionMatch(range: range, entities: match.entities))
        }
        return result
    }

    /// Leftmost-longest matches as UTF-8 offsets into `bytes` (valid UTF-8, as any String's).
    private func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, _ states: UnsafeBufferPointer<State>, _ edges: UnsafeBufferPointer<Edge>,
        _ openings: UnsafeBufferPointer<UInt64>
    ) -> [(lower: Int, upper: Int, entities: [Int])] {
        // Recent normalized scalars and the byte offset of each: enough to find a candidate's
        // start and check it, without materializing a normalized copy of the whole text. On the
        // stack and unchecked: a document has hundreds of text runs, and the ring's checked
        // writes were an eighth of matching.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: ringMask + 1) { ringOffset in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: ringMask + 1) { ringScalar in
                ringOffset.initialize(repeating: 0)
                ringScalar.initialize(repeating: 0)
                return scan(bytes, states, edges, openings, ringOffset, ringScalar)
            }
        }
    }

    private func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, _ states: UnsafeBufferPointer<State>, _ edges: UnsafeBufferPointer<Edge>,
        _ openings: UnsafeBufferPointer<UInt64>,
        _ ringOffset: UnsafeMutableBufferPointer<Int>, _ ringScalar: UnsafeMutableBufferPointer<UInt32>
    ) -> [(lower: Int, upper: Int, entities: [Int])] {
        var candidates: [(start: Int, end: Int, lower: Int, upper: Int, entities: [Int])] = []
        var state: Int32 = 0
        var position = 0  // count of normalized scalars fed so far
        var inSpace = false
        var previousIsWord = false  // the start of the text is a word boundary
        var offset = 0
        let count = bytes.count
        while true {
            // Inside a word with no name under way, no name can start before the word ends:
            // names start at word boundaries (see `step`). The rest of an ASCII word is skipped
            // (its ring slots are never read: a later candidate starts after it).
            if state == 0 && previousIsWord {
                while offset < count, Self.isASCIIWord(bytes[offset]) {
                    offset += 1
                    position += 1
                }
                // One space, then a word that opens no name (most of a text): both are skipped
                // here instead of the space going through the step below. After a word the
                // root stays the root, and nothing reads the space's ring slot.
                while offset + 4 <= count, bytes[offset] == 0x20, Self.isASCIIWord(bytes[offset + 1]),
                      Self.startsNoName(bytes[offset + 1], bytes[offset + 2], bytes[offset + 3], openings) {
                    offset += 2
                    position += 2
                    while offset < count, Self.isASCIIWord(bytes[offset]) {
                        offset += 1
                        position += 1
                    }
                }
            } else if state == 0 && offset + 3 <= count, Self.isASCIIWord(bytes[offset]),
                      Self.startsNoName(bytes[offset], bytes[offset + 1], bytes[offset + 2], openings) {
                // A word whose opening starts no name (most words of a text): nothing starts in
                // it, so it is skipped whole.
                offset += 1
                position += 1
                while offset < count, Self.isASCIIWord(bytes[offset]) {
                    offset += 1
                    position += 1
                }
                previousIsWord = true
                inSpace = false
            }
            // Past the end, a space stands in so matches ending there get reported.
            var c: UInt32 = 0x20
            var width = 1
            if offset < bytes.count {
                c = UInt32(bytes[offset])
                if c >= 0x80 {
                    width = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
                    c &= 0x3F >> (width - 1)
                    for k in 1..<width { c = c << 6 | UInt32(bytes[offset + k] & 0x3F) }
                }
            }
            let atEnd = offset >= bytes.count
            if Self.isSpace(c) {
                if inSpace && !atEnd { offset += width; continue }
                inSpace = true
                c = 0x20
            } else {
                inSpace = false
                c = Self.unifyApostrophe(c)
            }
            // Matches ending just before `c` are reported only once `c` proves a word boundary.
            // Every state and output link is a name starting at a word boundary (see `init`).
            let isWord = Self.isWord(c)
            var s = states[Int(state)].firstOutput
            if s >= 0 && !isWord {
                repeat {
                    defer { s = outLink[Int(s)] }
                    let start = position - Int(depth[Int(s)])
                    let output = outputs[Int(outputOf[Int(s)])]
                    var entities = output.insensitive
                    for (i, spelling) in output.exact.enumerated()
                    where spelling.indices.allSatisfy({ spelling[$0] == ringScalar[(start + $0) & ringMask] }) {
                        entities = output.exactEntities[i]
                        break  // spellings are distinct, so at most one can match
                    }
                    guard !entities.isEmpty else { continue }
                    candidates.append((start, position, ringOffset[start & ringMask], offset, entities))
                } while s >= 0
            }
            if atEnd { break }
            ringOffset[position & ringMask] = offset
            ringScalar[position & ringMask] = c
            state = Self.step(state, Self.fold(c), afterWord: previousIsWord, states, edges)
            previousIsWord = isWord
            position += 1
            offset += width
        }

        // Candidates arrive ordered by end; leftmost-longest needs them by start, longest first.
        candidates.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var covered = 0
        return candidates.compactMap { candidate in
            guard candidate.start >= covered else { return nil }
            covered = candidate.end
            return (candidate.lower, candidate.upper, candidate.entities)
        }
    }

    /// One Aho–Corasick transition: follow failure links until some state has an edge for `c`.
    /// From the root, a name can start only if the scalar before `c` ends no word.
    @inline(__always) private static func step(
        _ from: Int32, _ c: UInt32, afterWord: Bool, _ states: UnsafeBufferPointer<State>, _ edges: UnsafeBufferPointer<Edge>
    ) -> Int32 {
        var s = from
        while true {
            if s == 0 && afterWord { return 0 }
            if s == 0 && c < 128 { return edges[Int(c)].target }
            let state = states[Int(s)]
            if state.firstLabel == c { return state.firstTarget }
            if state.firstLabel < c {  // the edges are sorted: only then can a later one match
                var lo = Int(state.edgeStart) + 1, hi = Int(state.edgeEnd)
                while lo < hi {
                    let mid = (lo + hi) >> 1
                    let label = edges[mid].label
                    if label == c { return edges[mid].target }
                    if label < c { lo = mid + 1 } else { hi = mid }
                }
            }
            if s == 0 { return 0 }
            s = state.fail
        }
    }

    /// NFC, unified apostrophes, trimmed and with whitespace runs collapsed; case is kept because
    /// case-sensitive owners compare against it, while the trie is keyed on the folded form.
    private static func normalizePattern(_ text: String) -> [UInt32] {
        var out: [UInt32] = []
        var pendingSpace = false
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            if isSpace(scalar.value) { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.append(0x20); pendingSpace = false }
            out.append(unifyApostrophe(scalar.value))
        }
        return out
    }

    /// ’ ‘ ʼ → ', so curly and straight spellings of a name are one.
    @inline(__always) private static func unifyApostrophe(_ c: UInt32) -> UInt32 {
        c == 0x2019 || c == 0x2018 || c == 0x02BC ? 0x27 : c
    }

    /// Unicode White_Space, spelled out: looking the property up per scalar halved the
    /// throughput on non-Latin text, and this set has been stable since Unicode 6.
    @inline(__always) private static func isSpace(_ c: UInt32) -> Bool {
        switch c {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// Per-scalar lowercasing; scalars whose lowercase is several scalars (e.g. "İ") stay as they
    /// are, so a pattern and a text always fold to the same number of scalars.
    @inline(__always) private static func fold(_ c: UInt32) -> UInt32 {
        if c < 0x80 { return c >= 0x41 && c <= 0x5A ? c + 0x20 : c }
        return c < 0x2000 ? UInt32(foldTable[Int(c)]) : lowercase(c)
    }

    /// `lowercase` of U+0000..<U+2000 (Latin, Greek, Cyrillic, Arabic, Hebrew, Indic…), computed
    /// once because a property lookup per scalar dominated scanning non-Latin text.
    private static let foldTable: [UInt16] = (0..<0x2000).map { c in
        let folded = lowercase(UInt32(c))
        return folded <= 0xFFFF ? UInt16(folded) : UInt16(c)
    }

    private static func lowercase(_ c: UInt32) -> UInt32 {
        guard let scalar = Unicode.Scalar(c), scalar.properties.changesWhenLowercased else { return c }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars
        guard lower.count == 1, let single = lower.first else { return c }
        return single.value
    }

    private static let openingWords = 1024  // 65,536 bits: few names share a hash, so few words are scanned for nothing

    @inline(__always) private static func openingBit(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        let key = UInt32(a) << 14 | UInt32(b) << 7 | UInt32(c)
        return Int((key &* 0x9E37_79B1) >> 16)
    }

    /// True when no name can start at a word whose first byte is `a` (an ASCII word character)
    /// and which goes on with `b` and `c`: all three ASCII, folded, with whitespace as a space.
    /// Not decided (false) for a non-ASCII `b` or `c`, or for two whitespace bytes in a row, which
    /// a name spells as one space.
    @inline(__always) private static func startsNoName(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ openings: UnsafeBufferPointer<UInt64>) -> Bool {
        guard b < 0x80, c < 0x80 else { return false }
        let second = foldASCII(b), third = foldASCII(c)
        if second == 0x20 && third == 0x20 { return false }
        let bit = openingBit(foldASCII(a), second, third)
        return openings[bit >> 6] & (1 << UInt64(bit & 63)) == 0
    }

    /// The openings (`startsNoName`) at which text can start `name` (folded, normalized): its
    /// first three scalars, or for a name of one or two, those followed by what may end a word.
    /// None for a name that starts with anything but an ASCII word character, or that has a
    /// scalar beyond ASCII among its first three: text showing such an opening is not decided.
    private static func openings(of name: [UInt32]) -> [(UInt8, UInt8, UInt8)] {
        guard let first = name.first, first < 0x80, isASCIIWord(UInt8(first)) else { return [] }
        let prefix = name.prefix(3)
        guard prefix.allSatisfy({ $0 < 0x80 }) else { return [] }
        let bytes = prefix.map { UInt8($0) }
        switch bytes.count {
        case 3: return [(bytes[0], bytes[1], bytes[2])]
        case 2: return asciiBoundaries.map { (bytes[0], bytes[1], $0) }
        default: return asciiBoundaries.flatMap { second in asciiFolded.map { (bytes[0], second, $0) } }
        }
    }

    /// What may follow the last scalar of a name in text: anything but a word character, folded
    /// as `startsNoName` folds text.
    private static let asciiBoundaries = Set((0..<0x80).map(UInt8.init).filter { !isASCIIWord($0) }.map(foldASCII)).sorted()
    private static let asciiFolded = Set((0..<0x80).map(UInt8.init).map(foldASCII)).sorted()

    /// Lowercase, and whitespace as a space (as a name spells it).
    @inline(__always) private static func foldASCII(_ byte: UInt8) -> UInt8 {
        if byte >= 0x41 && byte <= 0x5A { return byte + 0x20 }
        return byte >= 0x09 && byte <= 0x0D ? 0x20 : byte
    }

    @inline(__always) private static func isASCIIWord(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
    }

    /// Asked for every scalar of the text, so U+0000..<U+2000 come from a table.
    @inline(__always) private static func isWord(_ c: UInt32) -> Bool {
        if c < 0x80 { return isASCIIWord(UInt8(c)) }
        return c < 0x2000 ? wordTable[Int(c)] : isWordByProperty(c)
    }

    private static let wordTable: [Bool] = (0..<0x2000).map { isWordByProperty(UInt32($0)) }

    private static func isWordByProperty(_ c: UInt32) -> Bool {
        if c < 0x80 { return isASCIIWord(UInt8(c)) }
        guard let scalar = Unicode.Scalar(c) else { return false }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber,
             .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }
}
