import Foundation
import Mustache

/// The text around the card of each distinct kind of list item, rendered once by the built-in
/// item partial (see `JoinedLists`).
final class ItemWrappers: @unchecked Sendable {
    enum Key: Hashable {
        /// A briefing item; `line` is the reference line's key, nil for an item without one.
        case briefing(line: ReferenceLines.Key?)
        case event(publication: Bool, via: Int?)
    }

    struct Wrapper {
        let prefix: String
        let suffix: String
    }

    /// Stands for the card while a wrapper renders; it cannot occur in a rendered template.
    private static let placeholder = "\u{0}dossier-item-card\u{0}"

    let templates: TemplateSet
    private let wrappers = LockedCache<Key, Wrapper>()
    private let frames = LockedCache<String, Wrapper>()
    private let chips = LockedCache<Int, String>()
    private let inlineItems = LockedCache<InlineKey, String>()

    struct InlineKey: Hashable {
        let site: String
        let item: String
    }

    init(templates: TemplateSet) {
        self.templates = templates
    }

    func wrapper(_ key: Key, view: ViewContext) -> Wrapper {
        wrappers.value(key) {
            let card = HTMLFragment(Self.placeholder)
            let context: [String: Any]
            let partial: String
            switch key {
            case let .briefing(line):
                partial = "briefing-item"
                context = ["card": card, "referenceMeta": line.map { view.referenceLines.line($0, view: view) } ?? HTMLFragment("")]
            case let .event(publication, via):
                partial = "event-item"
                context = ["card": card, "publication": publication, "via": via.map(view.entityRef) ?? false]
            }
            var ignored = Diagnostics()
            let text = templates.render(context, template: partial, diagnostics: &ignored) ?? ""
            // The built-in partials show the card exactly once; anything else is a bug worth seeing.
            guard let wrapper = Self.split(text, at: Self.placeholder) else {
                preconditionFailure("the built-in \(partial) must show its card exactly once")
            }
            return wrapper
        }
    }

    /// The text before and after the one occurrence of `marker`; nil when it occurs more or less
    /// than once. On UTF-8 bytes: `components(separatedBy:)` compared characters through
    /// Foundation, for thousands of wrappers a build.
    static func split(_ text: String, at marker: String) -> Wrapper? {
        let bytes = Array(text.utf8), needle = Array(marker.utf8)
        func find(from start: Int) -> Int? {
            guard needle.count <= bytes.count - start else { return nil }
            return (start...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
        }
        guard !needle.isEmpty, let found = find(from: 0), find(from: found + needle.count) == nil else { return nil }
        return Wrapper(prefix: String(decoding: bytes[..<found], as: UTF8.self),
                       suffix: String(decoding: bytes[(found + needle.count)...], as: UTF8.self))
    }

    /// The built-in `entity-list` around no entity, split where its chips go: before its
    /// `{{#.}}` section and after it.
    func entityListFrame() -> Wrapper {
        frames.value("entity-list") {
            let empty = renderEntityList([])
            let source = DefaultTheme.entityList
            let prefix = String(source[..<source.range(of: "{{#.}}")!.lowerBound])
            precondition(empty.hasPrefix(prefix), "the built-in entity-list must open with plain text")
            return Wrapper(prefix: prefix, suffix: String(empty.dropFirst(prefix.count)))
        }
    }

    /// One entity as the built-in `entity-list` shows it, without the frame.
    func chip(_ entity: Int, view: ViewContext) -> String {
        chips.value(entity) {
            let frame = entityListFrame()
            let framed = renderEntityList([view.entityRef(entity)])
            precondition(framed.hasPrefix(frame.prefix) && framed.hasSuffix(frame.suffix), "the built-in entity-list must frame its chips")
            return String(framed.dropFirst(frame.prefix.count).dropLast(frame.suffix.count))
        }
    }

    /// One element of an inline joined section, rendered once per `item` by the section's body.
    func inlineItem(_ site: JoinedLists.Site, item: String, context: () -> [String: Any]) -> String {
        inlineItems.value(InlineKey(site: site.itemTemplate, item: item)) {
            var ignored = Diagnostics()
            return templates.render(context(), template: site.itemTemplate, diagnostics: &ignored) ?? ""
        }
    }

    private func renderEntityList(_ refs: [[String: Any]]) -> String {
        // The partial's context is the list itself, as `{{#actors}}` hands it over.
        templates.library.render(refs, withTemplate: "entity-list") ?? ""
    }
}
