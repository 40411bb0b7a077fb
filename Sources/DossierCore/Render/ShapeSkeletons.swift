import Foundation
import Mustache

/// Built-in templates rendered once per *shape* of their context, with a placeholder for each
/// value, and then filled in for every context of that shape.
///
/// At 10,000 briefings there are 30,000 event cards and 10,000 briefing cards, each unique, and
/// each a dozen Mustache lookups (1.5–3 µs apiece in swift-mustache); entity and list pages
/// likewise. Their built-in templates test only flags (`publication`, `hasTags`, whether
/// `summary` is `false`) and lists, and otherwise print values, so the output of one is the
/// same text for every context whose flags and list lengths agree, with the values in the same
/// places. The shape is the context's keys, nesting and flags; a string or
/// number becomes a placeholder that shows, once rendered, whether the template escaped it
/// (`{{x}}`) or not (`{{{x}}}`), and filling in escapes the value exactly as `HTMLEscaping` does.
/// A list is part of the shape with its length. A context holding anything else is rendered the
/// ordinary way, and so is a template whose output holds a placeholder in any other form.
///
/// Only templates named in `templates` are rendered so, and `TemplateSet` names only built-in
/// ones that reach no template of the theme's as a partial or layout: a theme's own template
/// could transform a value or test a string in ways a placeholder does not show. `JoinedListsTests` compares the output
/// with the ordinary rendering, byte for byte.
final class ShapeSkeletons: @unchecked Sendable {
    let templates: Set<String>
    /// Template and shape → its skeleton, or nil when the shape must be rendered the ordinary
    /// way. Bounded for `serve`, whose rebuilds may each bring `site` values of their own.
    private let skeletons = LockedCache<String, Skeleton?>(limit: 4_096)

    private enum Piece {
        case text(String)
        case escaped(Int)
        case raw(Int)
    }

    private struct Skeleton {
        let pieces: [Piece]
    }

    /// Stands for value `id`: U+0001 cannot come from a built-in template, and the `&` shows
    /// whether the value was escaped (`&amp;`).
    private static func placeholder(_ id: Int) -> String { "\u{1}&\(id)\u{1}" }

    /// A dictionary holding this key (a string) is the same wherever the string is: it is part
    /// of the shape as that string, and its values stay in the skeleton (`site`).
    static let constantKey = "builtInShape"

    init(templates: Set<String>) {
        self.templates = templates
    }

    /// The rendered template, or nil to render it the ordinary way.
    func render(_ context: [String: Any], template: String, library: MustacheLibrary) -> String? {
        guard templates.contains(template) else { return nil }
        var shape = template
        var values: [String] = []
        var none: [String: Any]?
        guard Self.walk(context, shape: &shape, values: &values, placeholders: &none) else { return nil }
        let skeleton = skeletons.value(shape) {
            // Only a shape not seen before needs the context with placeholders, from the same walk.
            var (again, valuesAgain) = ("", [String]())
            var placeholders: [String: Any]? = [:]
            guard Self.walk(context, shape: &again, values: &valuesAgain, placeholders: &placeholders),
                  let placeholders else { return nil }
            return library.render(placeholders, withTemplate: template).flatMap { Self.parse($0, valueCount: values.count) }
        }
        return skeleton.map { Self.fill($0, values) }
    }

    /// Appends the context's shape to `shape` and its strings, numbers and non-empty fragments
    /// to `values`, in key order; with `placeholders`, also puts there the context with each of
    /// those values replaced by its placeholder. False when the context holds anything else.
    private static func walk(_ context: [String: Any], shape: inout String, values: inout [String],
                             placeholders result: inout [String: Any]?) -> Bool {
        result?.reserveCapacity(context.count)
        shape += "{"
        for key in context.keys.sorted() {
            shape += key
            var placeholder: Any?
            guard walk(value: context[key]!, shape: &shape, values: &values, placeholder: &placeholder,
                       wanted: result != nil) else { return false }
            if let placeholder { result?[key] = placeholder }
            shape += ","
        }
        shape += "}"
        return true
    }

    /// One value of a context: its shape, its values and, when `wanted`, its placeholder form.
    /// A list's shape holds its length (a section over it shows its body that many times) and
    /// each element's shape.
    private static func walk(value: Any, shape: inout String, values: inout [String], placeholder: inout Any?,
                             wanted: Bool) -> Bool {
        switch kind(of: value) {
        case let .text(text)?:
            shape += ":s"
            if wanted { placeholder = Self.placeholder(values.count) }
            values.append(text)
        case let .flag(flag)?:
            shape += flag ? ":T" : ":F"
            if wanted { placeholder = flag }
        case let .number(number)?:
            shape += ":s"
            if wanted { placeholder = Self.placeholder(values.count) }
            values.append(String(number))
        case let .fragment(fragment)?:
            // An empty fragment is false in a section: it stays as it is.
            let html = fragment.html
            shape += html.isEmpty ? ":e" : ":h"
            if wanted { placeholder = html.isEmpty ? fragment : HTMLFragment(html: Self.placeholder(values.count), digest: fragment.digest) }
            if !html.isEmpty { values.append(html) }
        case let .joined(joined)?:
            shape += joined.isNull ? ":e" : ":h"
            if wanted { placeholder = joined.isNull ? joined : JoinedHTML(renderText: Self.placeholder(values.count)) }
            if !joined.isNull { values.append(joined.renderText) }
        case let .constant(nested, name)?:
            shape += "=" + name
            if wanted { placeholder = nested }
        case let .nested(nested)?:
            shape += ":"
            var inner: [String: Any]? = wanted ? [:] : nil
            guard walk(nested, shape: &shape, values: &values, placeholders: &inner) else { return false }
            if wanted { placeholder = inner }
        case let .list(list)?:
            shape += ":[\(list.count)"
            var elements: [Any] = []
            for element in list {
                var elementPlaceholder: Any?
                guard walk(value: element, shape: &shape, values: &values, placeholder: &elementPlaceholder,
                           wanted: wanted) else { return false }
                if let elementPlaceholder { elements.append(elementPlaceholder) }
            }
            shape += "]"
            if wanted { placeholder = elements }
        case nil:
            return false
        }
        return true
    }

    private enum Kind {
        case text(String), flag(Bool), number(Int), fragment(HTMLFragment), joined(JoinedHTML)
        /// A dictionary that holds `constantKey`, and that key's string.
        case constant([String: Any], String)
        case nested([String: Any])
        case list([Any])
    }

    /// What a context value is; nil for anything a shape cannot hold.
    private static func kind(of value: Any) -> Kind? {
        // The common types by the identity of their metatype: each failed cast of the chain
        // below cost a runtime call, a quarter of the walk. The chain still decides the rest
        // (an array of another element type, an optional), as it did alone before.
        switch ObjectIdentifier(type(of: value)) {
        case stringType: return .text(value as! String)
        case boolType: return .flag(value as! Bool)
        case fragmentType: return .fragment(value as! HTMLFragment)
        case dictionaryType: return dictionaryKind(value as! [String: Any])
        case listType: return .list(value as! [Any])
        default: break
        }
        // Strings first: most values are, and each failed cast costs.
        switch value {
        case let text as String: return .text(text)
        case let flag as Bool: return .flag(flag)
        case let number as Int: return .number(number)
        case let fragment as HTMLFragment: return .fragment(fragment)
        case let joined as JoinedHTML: return .joined(joined)
        case let nested as [String: Any]: return dictionaryKind(nested)
        case let list as [Any]: return .list(list)
        default: return nil
        }
    }

    private static func dictionaryKind(_ nested: [String: Any]) -> Kind {
        if let name = nested[constantKey] as? String { return .constant(nested, name) }
        return .nested(nested)
    }

    private static let stringType = ObjectIdentifier(String.self)
    private static let boolType = ObjectIdentifier(Bool.self)
    private static let fragmentType = ObjectIdentifier(HTMLFragment.self)
    private static let dictionaryType = ObjectIdentifier([String: Any].self)
    private static let listType = ObjectIdentifier([Any].self)

    /// Text and placeholders, or nil when a placeholder appears in any other form.
    private static func parse(_ rendered: String, valueCount: Int) -> Skeleton? {
        let bytes = Array(rendered.utf8)
        var pieces: [Piece] = []
        var textStart = 0
        var index = 0
        let escapedMark = Array("&amp;".utf8)
        while index < bytes.count {
            guard bytes[index] == 1 else {
                index += 1
                continue
            }
            if index > textStart { pieces.append(.text(String(decoding: bytes[textStart..<index], as: UTF8.self))) }
            var cursor = index + 1
            let escaped: Bool
            if bytes[cursor...].starts(with: escapedMark) {
                escaped = true
                cursor += escapedMark.count
            } else if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "&") {
                escaped = false
                cursor += 1
            } else {
                return nil
            }
            var id = 0
            let digitsStart = cursor
            while cursor < bytes.count, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39, cursor - digitsStart < 9 {
                id = id * 10 + Int(bytes[cursor] - 0x30)
                cursor += 1
            }
            guard cursor > digitsStart, cursor < bytes.count, bytes[cursor] == 1, id < valueCount else { return nil }
            pieces.append(escaped ? .escaped(id) : .raw(id))
            index = cursor + 1
            textStart = index
        }
        if textStart < bytes.count { pieces.append(.text(String(decoding: bytes[textStart...], as: UTF8.self))) }
        return Skeleton(pieces: pieces)
    }

    private static func fill(_ skeleton: Skeleton, _ values: [String]) -> String {
        var size = 0
        for piece in skeleton.pieces {
            switch piece {
            case let .text(literal): size += literal.utf8.count
            case let .escaped(id), let .raw(id): size += values[id].utf8.count
            }
        }
        var text = ""
        text.reserveCapacity(size + size / 16)
        for piece in skeleton.pieces {
            switch piece {
            case let .text(literal): text += literal
            case let .escaped(id): text += HTMLEscaping.escape(values[id])
            case let .raw(id): text += values[id]
            }
        }
        return text
    }
}
