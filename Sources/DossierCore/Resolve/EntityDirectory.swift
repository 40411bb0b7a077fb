import Foundation

/// Finds entities by id, name or alias the way users write them in front matter and wiki-links:
/// case-insensitive, NFC, curly and straight apostrophes equal, whitespace collapsed.
struct EntityDirectory {
    private(set) var entities: [Entity]
    private var byKey: [String: [Int]] = [:]
    private var byID: [Entity.Kind: [String: Int]] = [.actor: [:], .place: [:]]

    init(entities: [Entity]) {
        self.entities = []
        for entity in entities.sorted(by: { ($0.kind.rawValue, $0.id) < ($1.kind.rawValue, $1.id) }) {
            add(entity)
        }
    }

    static func key(_ text: String) -> String { keyMemo(text) }

    private static let keyMemo = Memo { text in computeKey(text) }

    private static func computeKey(_ text: String) -> String {
        asciiKey(text) ?? unicodeKey(text)
    }

    static func unicodeKey(_ text: String) -> String {
        let folded = text.precomposedStringWithCanonicalMapping.lowercased()
            .replacingOccurrences(of: "\u{2019}", with: "'")
            .replacingOccurrences(of: "\u{2018}", with: "'")
            .replacingOccurrences(of: "\u{02BC}", with: "'")
        return folded.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `computeKey` for ASCII text, which NFC leaves alone and which has no curly apostrophes:
    /// lowercase, and whitespace runs (the ASCII ones `Character.isWhitespace` knows) to one
    /// space. Most names and references are ASCII, and Foundation's path costs microseconds.
    static func asciiKey(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var key: [UInt8] = []
            key.reserveCapacity(bytes.count)
            var pendingSpace = false
            for byte in bytes {
                guard byte < 0x80 else { return nil }
                if byte == 0x20 || (0x09...0x0D).contains(byte) {
                    pendingSpace = !key.isEmpty
                    continue
                }
                if pendingSpace {
                    key.append(0x20)
                    pendingSpace = false
                }
                key.append((0x41...0x5A).contains(byte) ? byte + 0x20 : byte)
            }
            return String(decoding: key, as: UTF8.self)
        }
    }

    @discardableResult
    mutating func add(_ entity: Entity) -> Int {
        let index = entities.count
        entities.append(entity)
        byID[entity.kind, default: [:]][entity.id] = index
        for name in [entity.id, entity.name] + entity.aliases {
            let key = Self.key(name)
            guard !key.isEmpty else { continue }
            if !(byKey[key]?.contains(index) ?? false) { byKey[key, default: []].append(index) }
        }
        return index
    }

    func index(kind: Entity.Kind, id: String) -> Int? {
        byID[kind]?[id]
    }

    /// Candidates of either kind for a written name.
    func lookup(_ text: String) -> [Int] {
        byKey[Self.key(text)] ?? []
    }

    /// The entity of `kind` a front-matter entry names, if any.
    func resolve(_ text: String, kind: Entity.Kind) -> Int? {
        if let byID = index(kind: kind, id: text) { return byID }
        return lookup(text).first { entities[$0].kind == kind }
    }

    /// Every id, name and alias, for did-you-mean suggestions.
    var allNames: [String] {
        entities.flatMap { [$0.id, $0.name] + $0.aliases }
    }
}

/// "Did you mean" by edit distance; only close names are suggested.
enum Suggestion {
    static func closest(to text: String, in candidates: [String]) -> String? {
        let target = Array(EntityDirectory.key(text))
        guard !target.isEmpty else { return nil }
        let limit = max(2, target.count / 4)
        var best: (distance: Int, name: String)?
        for candidate in Set(candidates).sorted() {
            let folded = Array(EntityDirectory.key(candidate))
            guard abs(folded.count - target.count) <= limit else { continue }
            let distance = editDistance(target, folded, limit: limit)
            if distance <= limit, distance < (best?.distance ?? .max) { best = (distance, candidate) }
        }
        return best?.name
    }

    /// Levenshtein distance, giving up early once every cell exceeds `limit`.
    static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
