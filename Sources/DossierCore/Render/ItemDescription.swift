import Mustache

/// `{{.}}` on a whole item (a template context is a `[String: Any]`) prints the item. Swift's own
/// description lists a dictionary in its hash order, which changes from one process to the next,
/// so two builds of the same site gave different pages. This lists keys in sorted order, at every
/// depth, in the same notation: `["name": "Mosul", "url": "/places/mosul/"]`.
extension Dictionary: @retroactive MustacheCustomRenderable where Key == String, Value == Any {
    public var renderText: String { ItemDescription.describe(self) }
    public var isNull: Bool { false }
}

enum ItemDescription {
    static func describe(_ value: Any) -> String {
        switch value {
        case let item as [String: Any]:
            guard !item.isEmpty else { return "[:]" }
            return "[" + item.keys.sorted().map { String(reflecting: $0) + ": " + describe(item[$0]!) }.joined(separator: ", ") + "]"
        case let items as [Any]:
            return "[" + items.map(describe).joined(separator: ", ") + "]"
        default:
            return String(reflecting: value)
        }
    }
}
