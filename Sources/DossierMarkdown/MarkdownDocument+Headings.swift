import CCmarkGFM

extension MarkdownDocument {
    /// Gives every heading a stable, unique `id` anchor and returns the headings in order.
    ///
    /// cmark-gfm renders headings without attributes, so each heading is rendered on its own
    /// (through the same safe renderer) and replaced by a custom block carrying that HTML.
    @discardableResult
    public func assignHeadingIDs(reserved: Set<String> = []) -> [MarkdownHeading] {
        let headings = headingNodes()
        var names = AnchorNames(reserved: reserved)
        var result: [MarkdownHeading] = []
        for node in headings {
            let level = Int(cmark_node_get_heading_level(node))
            let text = Self.plainText(of: node)
            let id = names.claim(AnchorSlug.make(text))
            let html = renderSubtree(node).utf8
            let tagOpen = "<h\(level)"
            guard html.starts(with: tagOpen.utf8) else { continue }
            // Sliced as UTF-8: `dropLast` on a String walked every character of the heading.
            let rest = html.dropFirst(tagOpen.utf8.count)
            let withID = tagOpen + " id=\"\(id)\"" + String(Substring(rest.last == 0x0A ? rest.dropLast() : rest))
            let block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK)!
            cmark_node_set_on_enter(block, withID)
            cmark_node_set_on_exit(block, "")
            cmark_node_insert_before(node, block)
            cmark_node_unlink(node)
            cmark_node_free(node)
            result.append(MarkdownHeading(level: level, text: text, id: id))
        }
        return result
    }

    /// Every heading in document order. Only blocks that hold blocks are entered: a heading is
    /// a block, and a block's children are all blocks or all inlines, so paragraphs, table
    /// cells and the inlines in them (most of the tree) are never visited.
    func headingNodes() -> [OpaquePointer] {
        func holdsBlocks(_ node: OpaquePointer) -> OpaquePointer? {
            guard let child = cmark_node_first_child(node),
                  cmark_node_get_type(child).rawValue & Self.typeClassMask == Self.blockClass else { return nil }
            return child
        }
        var headings: [OpaquePointer] = []
        var resume: [OpaquePointer] = []  // the next sibling of each block entered
        var next = holdsBlocks(root)
        while let node = next {
            if cmark_node_get_type(node) == CMARK_NODE_HEADING { headings.append(node) }
            if let child = holdsBlocks(node) {
                if let sibling = cmark_node_next(node) { resume.append(sibling) }
                next = child
            } else {
                next = cmark_node_next(node) ?? resume.popLast()
            }
        }
        return headings
    }

    /// `CMARK_NODE_TYPE_MASK` and `CMARK_NODE_TYPE_BLOCK` of cmark-gfm.h, which Swift does not import.
    private static let typeClassMask: UInt32 = 0xC000
    private static let blockClass: UInt32 = 0x8000

    static func plainText(of node: OpaquePointer) -> String {
        var text = ""
        let iterator = cmark_iter_new(node)
        defer { cmark_iter_free(iterator) }
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard let child = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(child)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE, let literal = cmark_node_get_literal(child) {
                text += String(cString: literal)
            } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                text += " "
            }
        }
        return text
    }
}

/// GitHub-style anchor ids: lowercase letters and digits of any script, hyphens for spaces.
public enum AnchorSlug {
    public static func make(_ text: String) -> String {
        // ASCII headings (nearly all) byte by byte: there, letters are a–z once lowercased and
        // numbers are 0–9, and looking Unicode properties up per scalar was most of the cost.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): bytes.append(byte)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes.append(byte + 0x20)
                case UInt8(ascii: " "), UInt8(ascii: "-"): bytes.append(UInt8(ascii: "-"))
                case UInt8(ascii: "_"): bytes.append(byte)
                default: continue
                }
            }
            return bytes.isEmpty ? "section" : String(decoding: bytes, as: UTF8.self)
        }
        return byProperties(text)
    }

    static func byProperties(_ text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                slug.unicodeScalars.append(scalar)
            } else if scalar == " " || scalar == "-" || scalar == "_" {
                slug.append(scalar == "_" ? "_" : "-")
            }
        }
        return slug.isEmpty ? "section" : slug
    }

}

/// Hands out unique anchor ids: the first "outlook" stays "outlook", then "outlook-1", … .
/// The next suffix is remembered per base name, so thousands of identical headings stay linear.
public struct AnchorNames {
    /// Kept apart from `used`: copying the caller's set to insert into it cost an allocation
    /// and a rehash for every body.
    private let reserved: Set<String>
    private var used: Set<String> = []
    private var nextSuffix: [String: Int] = [:]

    public init(reserved: Set<String> = []) {
        self.reserved = reserved
        used.reserveCapacity(8)
        nextSuffix.reserveCapacity(8)
    }

    public mutating func claim(_ base: String) -> String {
        var suffix = nextSuffix[base] ?? 0
        var candidate = suffix == 0 ? base : "\(base)-\(suffix)"
        while used.contains(candidate) || reserved.contains(candidate) {
            suffix += 1
            candidate = "\(base)-\(suffix)"
        }
        nextSuffix[base] = suffix + 1
        used.insert(candidate)
        return candidate
    }
}
