import CCmarkGFM
import Foundation

/// Parsing options Dossier exposes; everything else is fixed so every site renders the same way.
public struct MarkdownOptions: Sendable, Hashable {
    /// Keep raw HTML from the source (`raw_html: true`); it is still sanitised.
    public var allowRawHTML: Bool

    public init(allowRawHTML: Bool = false) {
        self.allowRawHTML = allowRawHTML
    }

    var cmarkFlags: Int32 {
        var flags = CMARK_OPT_FOOTNOTES | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE
        if allowRawHTML { flags |= CMARK_OPT_UNSAFE }
        return flags
    }
}

/// A heading of the document with the anchor id it was given.
public struct MarkdownHeading: Sendable, Equatable {
    public var level: Int
    public var text: String
    public var id: String

    public init(level: Int, text: String, id: String) {
        self.level = level
        self.text = text
        self.id = id
    }
}

/// A parsed Markdown document. Owns the cmark-gfm parser and tree; nothing unsafe escapes.
///
/// Not thread-safe: one document belongs to one task. Different documents may be used in parallel.
public final class MarkdownDocument {
    private let parser: OpaquePointer
    let root: OpaquePointer
    private let options: MarkdownOptions

    public init(markdown: String, options: MarkdownOptions = MarkdownOptions()) {
        CmarkRuntime.ensureRegistered()
        self.options = options
        let parser = cmark_parser_new(options.cmarkFlags)!
        self.parser = parser
        for name in CmarkRuntime.extensionNames {
            if let ext = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, ext)
            }
        }
        var bytes = Array(markdown.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                cmark_parser_feed(parser, chars, buffer.count)
            }
        }
        root = CmarkRuntime.finish(parser)
        // Unmatched brackets become separate text nodes; merge them so `[[x]]` is one string.
        cmark_consolidate_text_nodes(root)
        if options.allowRawHTML { sanitizeRawHTML() }
    }

    deinit {
        cmark_node_free(root)
        cmark_parser_free(parser)
    }

    /// Renders the (possibly modified) tree to HTML.
    public func renderHTML() -> String {
        let extensions = cmark_parser_get_syntax_extensions(parser)
        guard let raw = cmark_render_html(root, options.cmarkFlags, extensions) else { return "" }
        defer { free(raw) }
        return String(cString: raw)
    }

    // MARK: Tree helpers shared by the extensions in other files.

    func forEachNode(_ body: (OpaquePointer, Bool) -> Void) {
        let iterator = cmark_iter_new(root)
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            body(node, event == CMARK_EVENT_ENTER)
        }
    }

    func renderSubtree(_ node: OpaquePointer) -> String {
        let extensions = cmark_parser_get_syntax_extensions(parser)
        guard let raw = cmark_render_html(node, options.cmarkFlags, extensions) else { return "" }
        defer { free(raw) }
        return String(cString: raw)
    }
}

/// Process-wide cmark-gfm state: extension registration and the parser-finish lock.
enum CmarkRuntime {
    static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    private static let registration: Void = {
        cmark_gfm_core_extensions_ensure_registered()
    }()

    /// `cmark_parser_finish` mutates a process-global table of special characters; two
    /// concurrent finishes corrupt each other's output silently, so they are serialised.
    private static let finishLock = NSLock()

    static func ensureRegistered() {
        _ = registration
    }

    static func finish(_ parser: OpaquePointer) -> OpaquePointer {
        finishLock.lock()
        defer { finishLock.unlock() }
        return cmark_parser_finish(parser)
    }
}
