// TEMPORARY until the Aho-Corasick matcher lands.
import Foundation
struct MentionPattern: Sendable { var text: String; var entity: Int; var caseInsensitive: Bool }
struct MentionMatch: Sendable, Equatable { var range: Range<String.Index>; var entities: [Int] }
final class MentionMatcher: Sendable {
    let patterns: [MentionPattern]
    init(patterns: [MentionPattern]) { self.patterns = patterns }
    var isEmpty: Bool { patterns.isEmpty }
    func matches(in text: String) -> [MentionMatch] {
        var found: [MentionMatch] = []
        for p in patterns where !p.text.isEmpty {
            var start = text.startIndex
            while let r = text.range(of: p.text, range: start..<text.endIndex) {
                found.append(MentionMatch(range: r, entities: [p.entity])); start = r.upperBound
            }
        }
        found.sort { ($0.range.lowerBound, text.distance(from: $1.range.lowerBound, to: $1.range.upperBound)) < ($1.range.lowerBound, text.distance(from: $0.range.lowerBound, to: $0.range.upperBound)) }
        var result: [MentionMatch] = []
        for m in found where result.last.map({ $0.range.upperBound <= m.range.lowerBound }) ?? true { result.append(m) }
        return result
    }
}
