import Foundation

/// The line under a briefing on an entity page ("Concerns Mosul · 3 mentions"), rendered by the
/// `reference-meta` template once per distinct `via` and `mentions` and shared by every item
/// that shows the same line.
///
/// An entity page lists every briefing that refers to it or to its members, so the large sites'
/// entity pages hold 200,000 such items. Each Mustache name lookup costs a few microseconds
/// (swift-mustache casts every value it meets to several protocols), and the line took seven of
/// them per item: about a third of a full build's templating. `reference-meta` sees only the
/// line's own values, so its output depends on nothing else and one rendering serves them all.
final class ReferenceLines: @unchecked Sendable {
    struct Key: Hashable {
        var via: Int?
        var mentions: Int
    }

    private let templates: TemplateSet
    private let rendered = LockedCache<Key, HTMLFragment>()

    init(templates: TemplateSet) {
        self.templates = templates
    }

    /// The rendered line; `mentions` 0 means the briefing does not name the entity itself.
    func line(via: Int?, mentions: Int, view: ViewContext) -> HTMLFragment {
        line(Key(via: via, mentions: mentions), view: view)
    }

    func line(_ key: Key, view: ViewContext) -> HTMLFragment {
        rendered.value(key) {
            let context: [String: Any] = [
                "reference": true,
                "mentions": key.mentions > 0 ? key.mentions : false,
                "plural": key.mentions != 1,
                "via": key.via.map(view.entityRef) ?? false,
            ]
            var ignored = Diagnostics()
            return HTMLFragment(templates.render(context, template: "reference-meta", diagnostics: &ignored) ?? "")
        }
    }
}
