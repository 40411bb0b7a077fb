import Yams

/// One node of a front-matter document, with where it starts. Readers work on this tree, which
/// comes either from `PlainYAML` (the common shapes, read directly) or from Yams' tree.
struct YAMLNode {
    enum Content {
        /// `isPlain`: written without quotes, so `~`, `null` and nothing mean "no value".
        /// `isString`: its tag is a string's, as every untagged or quoted scalar's is.
        case scalar(String, isPlain: Bool, isString: Bool)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
        /// Only from Yams; the loader refuses aliases before reading values.
        case alias
    }

    var content: Content
    /// 1-based line within the YAML text.
    var line: Int
    /// 1-based column, counted in Unicode scalars as libyaml counts them.
    var column: Int

    /// The value of the last key whose text is `key` and whose tag is a string's: how Yams'
    /// `Node.Mapping` subscript looks a key up, so both readers answer alike.
    subscript(key: String) -> YAMLNode? {
        guard case let .mapping(pairs) = content else { return nil }
        return pairs.last { pair in
            if case let .scalar(text, _, isString) = pair.key.content { return isString && text == key }
            return false
        }?.value
    }

    /// Whether the tree keeps to the budgets for values and nesting, counted as the loader's
    /// walk of Yams' tree counts them (every key and value, the root at depth 0).
    func isWithin(_ budgets: Budgets) -> Bool {
        var stack: [(node: YAMLNode, depth: Int)] = [(self, 0)]
        var visited = 0
        while let (node, depth) = stack.popLast() {
            visited += 1
            guard visited <= budgets.maxFrontMatterValues, depth <= budgets.maxNesting else { return false }
            switch node.content {
            case let .sequence(items):
                for item in items { stack.append((item, depth + 1)) }
            case let .mapping(pairs):
                for pair in pairs { stack.append((pair.key, depth + 1)); stack.append((pair.value, depth + 1)) }
            case .scalar, .alias:
                break
            }
        }
        return true
    }

    var kindName: String {
        switch content {
        case .scalar: return "string"
        case .sequence: return "list"
        case .mapping: return "mapping"
        case .alias: return "alias"
        }
    }
}

extension YAMLNode {
    /// Converts Yams' tree. Depth is bounded: the loader checks nesting before converting.
    init(_ node: Node) {
        let mark = node.mark
        line = mark?.line ?? 1
        column = mark?.column ?? 1
        switch node {
        case let .scalar(scalar):
            content = .scalar(scalar.string, isPlain: scalar.style == .plain, isString: node.tag.rawValue == Yams.Tag.Name.str.rawValue)
        case let .sequence(sequence):
            content = .sequence(sequence.map(YAMLNode.init))
        case let .mapping(mapping):
            content = .mapping(mapping.map { (key: YAMLNode($0.key), value: YAMLNode($0.value)) })
        case .alias:
            content = .alias
        }
    }
}

extension YAMLNode {
    /// Yams' reading of `yaml` as one document, converted; nil for a document without content.
    /// Throws Yams' error. For comparing `PlainYAML` with Yams in tests.
    static func readByYams(_ yaml: String) throws -> YAMLNode? {
        let parser = try FrontMatter.yamsParser(yaml)
        return try withExtendedLifetime(parser) { try parser.singleRoot().map(YAMLNode.init) }
    }
}
