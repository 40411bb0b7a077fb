import CCmarkGFM
import Foundation

/// A stretch of prose: adjacent text nodes of one parent, soft line breaks included as "\n".
///
/// Names broken across a source line ("Kata’ib⏎Hezbollah") sit in one run, so they can match.
public struct TextRun {
    public enum Context: Sendable, Equatable {
        /// Ordinary prose: mentions may become links.
        case prose
        /// Inside a heading: found but never linked.
        case heading
        /// Inside a link or an image's alt text: found but never linked.
        case link
    }

    public let text: String
    /// 1-based source line and column of the run's first character, relative to the Markdown text.
    public let line: Int
    public let column: Int
    public let context: Context
    fileprivate let nodes: [OpaquePointer]
}

/// Turns `range` of a run's text into a link to `url`; `label` replaces the text when given.
public struct TextLink: Sendable {
    public var range: Range<String.Index>
    public var url: String
    public var title: String
    public var label: String?

    public init(range: Range<String.Index>, url: String, title: String = "", label: String? = nil) {
        self.range = range
        self.url = url
        self.title = title
        self.label = label
    }
}

extension MarkdownDocument {
    /// Every run of text in document order. Code, raw HTML and other non-text nodes end a run.
    public func textRuns() -> [TextRun] {
        var runs: [TextRun] = []
        var current: [OpaquePointer] = []
        var currentContext = TextRun.Context.prose
        var linkDepth = 0
        var headingDepth = 0
        var blockLine = 1
        var bytes: [UInt8] = []  // reused by every run

        // A plain loop over the iterator, not `forEachNode`: state captured by a closure is
        // boxed, and every access to it was checked for exclusivity at run time.
        func flush() {
            defer { current.removeAll(keepingCapacity: true) }
            guard current.contains(where: { cmark_node_get_type($0) == CMARK_NODE_TEXT }) else { return }
            // The nodes' bytes, then one string: a string per node cost an allocation and a
            // UTF-8 check each (cmark-gfm's literals are valid UTF-8, so the result is the same).
            bytes.removeAll(keepingCapacity: true)
            for node in current {
                if cmark_node_get_type(node) == CMARK_NODE_TEXT {
                    if let literal = cmark_node_get_literal(node) {
                        bytes.append(contentsOf: UnsafeRawBufferPointer(start: literal, count: strlen(literal)))
                    }
                } else {
                    bytes.append(0x0A)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let first = current[0]
            let line = Int(cmark_node_get_start_line(first))
            let column = Int(cmark_node_get_start_column(first))
            runs.append(TextRun(
                text: text,
                line: line > 0 ? line : blockLine,
                column: max(column, 1),
                context: currentContext,
                nodes: current
            ))
        }

        let iterator = cmark_iter_new(root)
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let entering = event == CMARK_EVENT_ENTER
            let type = cmark_node_get_type(node)
            switch type {
            case CMARK_NODE_TEXT, CMARK_NODE_SOFTBREAK:
                let context: TextRun.Context = linkDepth > 0 ? .link : (headingDepth > 0 ? .heading : .prose)
                if let last = current.last, cmark_node_next(last) == node, context == currentContext {
                    current.append(node)
                } else {
                    flush()
                    current.append(node)
                    currentContext = context
                }
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                flush()
                linkDepth += entering ? 1 : -1
            case CMARK_NODE_HEADING:
                flush()
                headingDepth += entering ? 1 : -1
                if entering { blockLine = Int(cmark_node_get_start_line(node)) }
            default:
                flush()
                if entering, cmark_node_get_start_line(node) > 0 {
                    blockLine = Int(cmark_node_get_start_line(node))
                }
            }
        }
        flush()
        return runs
    }

    /// Replaces ranges of a run by link nodes. `links` must be sorted and non-overlapping.
    /// Call at most once per run, after collecting all runs (the old nodes are freed).
    public func insertLinks(_ links: [TextLink], in run: TextRun) {
        guard !links.isEmpty, let anchor = run.nodes.first else { return }
        var cursor = run.text.startIndex
        var newNodes: [OpaquePointer] = []
        for link in links where link.range.lowerBound >= cursor {
            newNodes += Self.proseNodes(run.text[cursor..<link.range.lowerBound])
            let linkNode = cmark_node_new(CMARK_NODE_LINK)!
            cmark_node_set_url(linkNode, link.url)
            cmark_node_set_title(linkNode, link.title)
            let label: Substring = link.label.map { Substring($0) } ?? run.text[link.range]
            for child in Self.proseNodes(label) {
                cmark_node_append_child(linkNode, child)
            }
            newNodes.append(linkNode)
            cursor = link.range.upperBound
        }
        newNodes += Self.proseNodes(run.text[cursor...])
        for node in newNodes {
            cmark_node_insert_before(anchor, node)
        }
        for node in run.nodes {
            cmark_node_unlink(node)
            cmark_node_free(node)
        }
    }

    /// Text and soft-break nodes for `text`. Split on UTF-8 bytes: splitting a `Substring` on a
    /// `Character` walks grapheme clusters, and was a fifth of rendering a body with links.
    private static func proseNodes(_ text: Substring) -> [OpaquePointer] {
        var text = text
        return text.withUTF8 { bytes in
            var nodes: [OpaquePointer] = []
            var lineStart = 0
            func appendLine(upTo end: Int) {
                guard lineStart < end else { return }
                let node = cmark_node_new(CMARK_NODE_TEXT)!
                cmark_node_set_literal(node, String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<end]), as: UTF8.self))
                nodes.append(node)
            }
            guard let base = bytes.baseAddress else { return nodes }
            while lineStart < bytes.count, let found = memchr(base + lineStart, 0x0A, bytes.count - lineStart) {
                let newline = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                appendLine(upTo: newline)
                nodes.append(cmark_node_new(CMARK_NODE_SOFTBREAK)!)
                lineStart = newline + 1
            }
            appendLine(upTo: bytes.count)
            return nodes
        }
    }
}
