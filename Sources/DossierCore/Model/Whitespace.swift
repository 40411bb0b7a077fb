import Foundation

extension String {
    /// `trimmingCharacters(in: .whitespaces)`, answered without Foundation when neither end is
    /// white space, which is nearly always: that call converts the text to UTF-16 and back, and
    /// was 6 % of a build's CPU when it ran on every front matter.
    func trimmingWhitespace() -> String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last,
              !CharacterSet.whitespaces.contains(first), !CharacterSet.whitespaces.contains(last) else {
            return trimmingCharacters(in: .whitespaces)
        }
        return self
    }

    /// Empty, or nothing but white space and line breaks; reads only up to the first other
    /// character.
    var isBlank: Bool {
        unicodeScalars.allSatisfy { CharacterSet.whitespacesAndNewlines.contains($0) }
    }
}
