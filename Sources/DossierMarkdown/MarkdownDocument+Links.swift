import CCmarkGFM

/// A link or image the author wrote, with where it was written.
public struct MarkdownLink: Sendable, Equatable {
    public var url: String
    public var isImage: Bool
    /// 1-based, relative to the Markdown text (the enclosing block's line when cmark-gfm
    /// does not track inline positions).
    public var line: Int
    public var column: Int

    public init(url: String, isImage: Bool, line: Int, column: Int) {
        self.url = url
        self.isImage = isImage
        self.line = line
        self.column = column
    }
}

extension MarkdownDocument {
    /// Every link and image destination in document order. Call before inserting links.
    /// Destinations rooted at "/" (but not "//") get `rootPrefix` in place of the "/", so a
    /// site deployed under a sub-path keeps its internal links.
    public func authoredLinks(rootPrefix: String = "/") -> [MarkdownLink] {
        var links: [MarkdownLink] = []
        var blockLine = 1
        var blockColumn = 1
        forEachNode { node, entering in
            guard entering else { return }
            let type = cmark_node_get_type(node)
            let line = Int(cmark_node_get_start_line(node))
            let column = Int(cmark_node_get_start_column(node))
            if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                var url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                if rootPrefix != "/", url.hasPrefix("/"), !url.hasPrefix("//") {
                    url = rootPrefix + url.dropFirst()
                    cmark_node_set_url(node, url)
                }
                links.append(MarkdownLink(url: url, isImage: type == CMARK_NODE_IMAGE,
                                          line: line > 0 ? line : blockLine, column: line > 0 ? max(column, 1) : blockColumn))
            } else if line > 0 {
                blockLine = line
                blockColumn = max(column, 1)
            }
        }
        return links
    }
}
