import Foundation

/// Limits that keep one hostile content file from hanging, exhausting or flooding a build.
///
/// Every budget has a default and can be changed in `site.yml` under `budgets:`. Exceeding one
/// is an error at the file (and line) that did it, naming the budget, e.g.
/// `Content/briefings/x.md:1:1: error: file is 7340032 bytes (budget max_file_bytes = 5000000)`.
/// The defaults and the reasons for them are in docs/hostile-input.md.
public struct Budgets: Sendable, Equatable {
    /// Largest Markdown or `site.yml` file, checked from the file size before it is read.
    public var maxFileBytes = 5_000_000
    /// Largest front matter (the YAML between the fences), checked before YAML parsing.
    public var maxFrontMatterBytes = 65_536
    /// Most YAML values (scalars, lists, mappings) in one front matter.
    public var maxFrontMatterValues = 20_000
    /// Deepest nesting of the Markdown tree (blockquotes, lists, emphasis…) and of front matter.
    public var maxNesting = 200
    /// Rendered HTML of one body may be at most this many times its Markdown, plus 64 KiB.
    public var maxOutputRatio: Double = 40
    /// Most cells of one Markdown table (rows × columns, including the cells cmark-gfm pads in).
    public var maxTableCells = 50_000
    /// Longest time one page's body may take to parse and render (the watchdog's limit).
    public var maxPageSeconds: Double = 10

    public init() {}

    /// Rendered HTML bytes allowed for a body of `inputBytes` of Markdown.
    public func outputAllowance(inputBytes: Int) -> Int {
        let allowance = maxOutputRatio * Double(inputBytes) + Double(Self.outputConstant)
        return allowance >= Double(Int.max / 2) ? Int.max / 2 : Int(allowance)
    }

    /// The "+ a small constant" of the output budget, so tiny bodies with a table still render.
    public static let outputConstant = 65_536

    /// Pre-checks refuse a body when the predicted parse time of a known slow construct exceeds
    /// this fraction of `max_page_seconds`: predictions are rough and machines differ, and a
    /// refusal in milliseconds beats a watchdog kill after ten seconds.
    static let precheckFraction = 0.1

    // MARK: Names and values

    enum Name: String, CaseIterable {
        case maxFileBytes = "max_file_bytes"
        case maxFrontMatterBytes = "max_front_matter_bytes"
        case maxFrontMatterValues = "max_front_matter_values"
        case maxNesting = "max_nesting"
        case maxOutputRatio = "max_output_ratio"
        case maxTableCells = "max_table_cells"
        case maxPageSeconds = "max_page_seconds"

        /// Decimals make sense for these; the others are whole numbers.
        var allowsFraction: Bool { self == .maxOutputRatio || self == .maxPageSeconds }
    }

    func value(_ name: Name) -> Double {
        switch name {
        case .maxFileBytes: return Double(maxFileBytes)
        case .maxFrontMatterBytes: return Double(maxFrontMatterBytes)
        case .maxFrontMatterValues: return Double(maxFrontMatterValues)
        case .maxNesting: return Double(maxNesting)
        case .maxOutputRatio: return maxOutputRatio
        case .maxTableCells: return Double(maxTableCells)
        case .maxPageSeconds: return maxPageSeconds
        }
    }

    mutating func set(_ name: Name, _ value: Double) {
        let whole = Int(min(value, Double(Int.max / 4)))
        switch name {
        case .maxFileBytes: maxFileBytes = whole
        case .maxFrontMatterBytes: maxFrontMatterBytes = whole
        case .maxFrontMatterValues: maxFrontMatterValues = whole
        case .maxNesting: maxNesting = whole
        case .maxOutputRatio: maxOutputRatio = value
        case .maxTableCells: maxTableCells = whole
        case .maxPageSeconds: maxPageSeconds = value
        }
    }

    /// "(budget max_nesting = 200)": the suffix of every budget error.
    func label(_ name: Name) -> String {
        "(budget \(name.rawValue) = \(Self.format(value(name))))"
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    // MARK: site.yml

    /// Reads the `budgets:` mapping of site.yml. Unknown names are warnings; bad values errors.
    static func read(_ node: YAMLNode, reader: FrontMatter, diagnostics: inout Diagnostics) -> Budgets {
        var budgets = Budgets()
        guard case let .mapping(mapping) = node.content else {
            let (line, column) = reader.position(of: node)
            diagnostics.error("dossier.config.budgets", reader.path, line: line, column: column,
                              "budgets must be a mapping, e.g. 'budgets: {max_file_bytes: 5000000}'")
            return budgets
        }
        for (keyNode, valueNode) in mapping {
            guard case let .scalar(keyText, _, _) = keyNode.content else { continue }
            let (keyLine, keyColumn) = reader.position(of: keyNode)
            guard let name = Name(rawValue: keyText) else {
                let known = Name.allCases.map(\.rawValue)
                let suggestion = Suggestion.closest(to: keyText, in: known)
                diagnostics.warning("dossier.config.unknown-budget", reader.path, line: keyLine, column: keyColumn,
                                    "unknown budget '\(keyText.shownInMessage)' in site.yml; ignored",
                                    notes: suggestion.map { ["did you mean '\($0)'?"] } ?? ["known: " + known.joined(separator: ", ")])
                continue
            }
            guard let text = reader.scalarString(valueNode, key: "budgets.\(name.rawValue)", diagnostics: &diagnostics) else {
                continue
            }
            let cleaned = text.value.replacingOccurrences(of: "_", with: "").trimmingCharacters(in: .whitespaces)
            let number: Double? = name.allowsFraction ? Double(cleaned) : Int(cleaned).map(Double.init)
            guard let number, number.isFinite, number > 0 else {
                let kind = name.allowsFraction ? "a positive number" : "a positive whole number"
                diagnostics.error("dossier.config.budget-value", reader.path, line: text.line, column: text.column,
                                  "budget \(name.rawValue) must be \(kind), not '\(text.value.shownInMessage)'")
                continue
            }
            budgets.set(name, number)
        }
        return budgets
    }

    // MARK: The budgets of the build running on this thread

    /// A task-local value, which outside a task is kept per thread: cheaper to set and read
    /// than the thread's dictionary, which cost 50 ms of a 10,000-briefing load.
    @TaskLocal private static var inForce: Budgets?

    /// The budgets in force on this thread: the site's inside `with(_:_:)`, the defaults elsewhere.
    /// Front matter is parsed by readers that do not carry the site's settings, on many threads
    /// at once, so the loader hands the budgets down this way.
    static var current: Budgets {
        inForce ?? Budgets()
    }

    static func with<T>(_ budgets: Budgets, _ body: () throws -> T) rethrows -> T {
        try $inForce.withValue(budgets, operation: body)
    }
}

/// A budget a body broke, positioned relative to the Markdown text (1-based).
struct BudgetRefusal: Sendable, Equatable {
    var id: String
    var line: Int
    var column: Int
    var message: String
}

/// Cheap linear scans for the inputs that make cmark-gfm 0.29.0.gfm.6 (Debian 12) quadratic
/// or make its output explode, so typical reproducers fail in milliseconds with a budget error
/// instead of running into the watchdog. Every estimate errs on the high side for hostile
/// input and stays far below the limits for real briefings. Costs were measured on gfm.6.
enum MarkdownPrecheck {
    /// Seconds per byte cmark-gfm rescans for an unclosed `<?`, `<![CDATA[` or `<!--`.
    static let rescanCost = 3e-9
    /// Seconds per (open `![`, later `]`) pair: gfm.6 walks every open image bracket per link.
    static let imageBracketCost = 3e-8
    /// Seconds per `@` the autolink extension inspects for an e-mail address.
    static let atSignCost = 1.2e-5
    /// Seconds per (emphasis delimiter run, later `]`) pair: on closing a link, gfm.6 looks for
    /// the delimiters inside it by walking down from the top of the delimiter stack, and with none
    /// inside it walks past every delimiter the paragraph still holds (measured 2–2.6e-9).
    static let emphasisBracketCost = 4e-9

    static func firstRefusal(_ markdown: String, budgets: Budgets) -> BudgetRefusal? {
        let bytes = Array(markdown.utf8)
        let lines = lineRanges(bytes)
        if let refusal = tables(bytes, lines: lines, budgets: budgets) { return refusal }
        if let refusal = inlineHazards(bytes, lines: lines, budgets: budgets) { return refusal }
        return referenceExpansion(bytes, lines: lines, budgets: budgets)
    }

    /// Start and end (exclusive, without the newline) of every line.
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        // memchr finds each newline (lines are tens of bytes) far faster than a loop over bytes.
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            while start < buffer.count, let found = memchr(base + start, 0x0A, buffer.count - start) {
                let newline = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                ranges.append(start..<newline)
                start = newline + 1
            }
        }
        ranges.append(start..<bytes.count)
        return ranges
    }

    /// Skips indentation and blockquote markers, where tables and paragraphs can also live.
    static func contentStart(_ bytes: [UInt8], _ range: Range<Int>) -> Int {
        var index = range.lowerBound
        while index < range.upperBound, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x3E {
            index += 1
        }
        return index
    }

    static func isBlank(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        let start = contentStart(bytes, range)
        return (start..<range.upperBound).allSatisfy { bytes[$0] == 0x20 || bytes[$0] == 0x09 || bytes[$0] == 0x0B || bytes[$0] == 0x0C }
    }

    // MARK: Tables

    /// cmark-gfm pads every row to the header's width, so a wide header over many short rows is
    /// quadratic in time and output (39 KiB of input → hundreds of MiB of HTML on gfm.6).
    static func tables(_ bytes: [UInt8], lines: [Range<Int>], budgets: Budgets) -> BudgetRefusal? {
        var index = 1
        while index < lines.count {
            guard let columns = delimiterColumns(bytes, lines[index]), !isBlank(bytes, lines[index - 1]) else {
                index += 1
                continue
            }
            var rows = 1
            var next = index + 1
            while next < lines.count, !isBlank(bytes, lines[next]) {
                rows += 1
                next += 1
            }
            let cells = columns.multipliedReportingOverflow(by: rows)
            if cells.overflow || cells.partialValue > budgets.maxTableCells {
                let count = cells.overflow ? "too many" : "\(cells.partialValue)"
                return BudgetRefusal(id: "dossier.budget.table-cells", line: index, column: 1,
                                     message: "table has \(count) cells (\(columns) columns × \(rows) rows, counting the empty cells "
                                         + "cmark-gfm adds to short rows) \(budgets.label(.maxTableCells))")
            }
            index = next
        }
        return nil
    }

    /// Number of columns when the line can be a table's delimiter row (`|---|:--:|`), else nil.
    /// A bare `---` is a heading underline or a rule, never a delimiter row, so a row needs a `|`,
    /// a `:` or an unusual blank (`-\v` is a one-column delimiter row to cmark-gfm).
    static func delimiterColumns(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        let start = contentStart(bytes, range)
        guard start < range.upperBound else { return nil }
        var pipes = 0
        var hyphens = 0
        var marker = false
        var cells = 0
        var inCell = false
        for index in start..<range.upperBound {
            switch bytes[index] {
            case 0x7C:  // |
                pipes += 1
                marker = true
                inCell = false
            case 0x2D:  // -
                hyphens += 1
                if !inCell { cells += 1; inCell = true }
            case 0x3A:  // :
                marker = true
                if !inCell { cells += 1; inCell = true }
            case 0x0B, 0x0C:
                marker = true
            case 0x20, 0x09:
                continue
            default:
                return nil
            }
        }
        guard hyphens > 0, marker || pipes > 0 else { return nil }
        return max(cells, 1)
    }

    // MARK: Inline rescans

    /// Raw-HTML openers gfm.6 rescans to the end of the paragraph when their closer is missing
    /// (inline parsing never crosses a blank line, so a paragraph bounds each rescan).
    static let rescannedOpeners: [(name: String, open: [UInt8], close: [UInt8])] = [
        ("'<?' without a closing '?>'", Array("<?".utf8), Array("?>".utf8)),
        ("'<![CDATA[' without a closing ']]>'", Array("<![CDATA[".utf8), Array("]]>".utf8)),
        ("'<!--' without a closing '-->'", Array("<!--".utf8), Array("-->".utf8)),
    ]

    static func inlineHazards(_ bytes: [UInt8], lines: [Range<Int>], budgets: Budgets) -> BudgetRefusal? {
        let limit = budgets.maxPageSeconds * Budgets.precheckFraction
        var atSigns = 0
        var firstAt: (line: Int, column: Int)?
        var lineIndex = 0
        while lineIndex < lines.count {
            if isBlank(bytes, lines[lineIndex]) {
                lineIndex += 1
                continue
            }
            var last = lineIndex
            while last + 1 < lines.count, !isBlank(bytes, lines[last + 1]) { last += 1 }
            let stretch = lines[lineIndex].lowerBound..<lines[last].upperBound
            // Unclosed raw-HTML openers: each one rescans to the end of the paragraph. They all
            // start with '<', and most paragraphs have none: those skip the six scans below.
            let hasAngle = !stretch.isEmpty && bytes.withUnsafeBufferPointer { buffer in
                memchr(buffer.baseAddress! + stretch.lowerBound, Int32(UInt8(ascii: "<")), stretch.count) != nil
            }
            for opener in rescannedOpeners where hasAngle {
                var work = 0.0
                var count = 0
                var first: Int?
                var lastClose = stretch.lowerBound - 1
                if let found = lastOccurrence(of: opener.close, in: bytes, stretch) { lastClose = found }
                var cursor = max(stretch.lowerBound, lastClose)
                while let found = nextOccurrence(of: opener.open, in: bytes, from: cursor, end: stretch.upperBound) {
                    work += Double(stretch.upperBound - found)
                    count += 1
                    if first == nil { first = found }
                    cursor = found + 1
                }
                if work * rescanCost > limit, let first {
                    let (line, column) = position(of: first, lines: lines)
                    return BudgetRefusal(id: "dossier.budget.page-seconds", line: line, column: column,
                                         message: "\(count) \(opener.name) in one paragraph would make cmark-gfm rescan it "
                                             + "\(count) times; refused before rendering \(budgets.label(.maxPageSeconds))")
                }
            }
            // Open image brackets that every later link has to walk past.
            let counts = bytes.withUnsafeBufferPointer { bracketsAndAtSigns($0, stretch) }
            let (imageOpeners, pairs, firstImage) = (counts.imageOpeners, counts.pairs, counts.firstImage)
            atSigns += counts.atSigns
            if firstAt == nil, let first = counts.firstAt { firstAt = position(of: first, lines: lines) }
            if pairs * imageBracketCost > limit, let firstImage {
                let (line, column) = position(of: firstImage, lines: lines)
                return BudgetRefusal(id: "dossier.budget.page-seconds", line: line, column: column,
                                     message: "\(imageOpeners) image openers '![' followed by many brackets in one paragraph "
                                         + "would make cmark-gfm's bracket matching quadratic; refused before rendering "
                                         + budgets.label(.maxPageSeconds))
            }
            if counts.emphasisPairs * emphasisBracketCost > limit, let first = counts.firstEmphasis {
                let (line, column) = position(of: first, lines: lines)
                return BudgetRefusal(id: "dossier.budget.page-seconds", line: line, column: column,
                                     message: "\(counts.emphasisRuns) emphasis delimiters ('*', '_', '~') followed by many "
                                         + "links in one paragraph would make cmark-gfm's emphasis matching quadratic; "
                                         + "refused before rendering \(budgets.label(.maxPageSeconds))")
            }
            lineIndex = last + 1
        }
        if Double(atSigns) * atSignCost > limit, let firstAt {
            return BudgetRefusal(id: "dossier.budget.page-seconds", line: firstAt.line, column: firstAt.column,
                                 message: "\(atSigns) '@' signs that may start e-mail autolinks would take cmark-gfm too long; "
                                     + "refused before rendering \(budgets.label(.maxPageSeconds))")
        }
        return nil
    }

    struct BracketCounts: Equatable {
        var imageOpeners = 0
        /// For every `]`, the image openers before it.
        var pairs = 0.0
        var firstImage: Int?
        /// `@` signs after a byte that may end an e-mail address's local part.
        var atSigns = 0
        var firstAt: Int?
        /// Runs of `*`, `_` or `~` (each run is one delimiter to cmark), and for every `]` the
        /// runs before it.
        var emphasisRuns = 0
        var emphasisPairs = 0.0
        var firstEmphasis: Int?
    }

    /// The image openers `![`, brackets, emphasis delimiters and possible e-mail `@` signs of
    /// one paragraph.
    static func bracketsAndAtSigns(_ bytes: UnsafeBufferPointer<UInt8>, _ stretch: Range<Int>) -> BracketCounts {
        var counts = BracketCounts()
        var index = stretch.lowerBound
        while index < stretch.upperBound {
            // Eight bytes with no '!', ']', '@', '*', '_' or '~' (nearly all of a text) at once.
            if index + 8 <= stretch.upperBound {
                let word = ByteLanes.load(bytes, at: index)
                if ByteLanes.bytes(word, equalTo: 0x21) | ByteLanes.bytes(word, equalTo: 0x5D) | ByteLanes.bytes(word, equalTo: 0x40)
                    | ByteLanes.bytes(word, equalTo: 0x2A) | ByteLanes.bytes(word, equalTo: 0x5F) | ByteLanes.bytes(word, equalTo: 0x7E) == 0 {
                    index += 8
                    continue
                }
            }
            let byte = bytes[index]
            if byte == 0x2A || byte == 0x5F || byte == 0x7E {  // * _ ~
                if index == stretch.lowerBound || bytes[index - 1] != byte {
                    counts.emphasisRuns += 1
                    if counts.firstEmphasis == nil { counts.firstEmphasis = index }
                }
                index += 1
                continue
            }
            if byte == 0x21, index + 1 < stretch.upperBound, bytes[index + 1] == 0x5B {  // ![
                counts.imageOpeners += 1
                if counts.firstImage == nil { counts.firstImage = index }
                index += 2
                continue
            }
            if byte == 0x5D {  // ]
                counts.pairs += Double(counts.imageOpeners)
                counts.emphasisPairs += Double(counts.emphasisRuns)
            }
            if byte == 0x40, index > stretch.lowerBound, isEmailByte(bytes[index - 1]) {  // @ after a local part
                counts.atSigns += 1
                if counts.firstAt == nil { counts.firstAt = index }
            }
            index += 1
        }
        return counts
    }

    private static func isEmailByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == 0x2E || byte == 0x2D || byte == 0x5F || byte == 0x2B
    }

    static func nextOccurrence(of needle: [UInt8], in bytes: [UInt8], from start: Int, end: Int) -> Int? {
        guard let first = needle.first, end - start >= needle.count else { return nil }
        var index = start
        while index + needle.count <= end {
            if bytes[index] == first {
                var matched = true
                for offset in 1..<needle.count where bytes[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    static func lastOccurrence(of needle: [UInt8], in bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard range.count >= needle.count else { return nil }
        var index = range.upperBound - needle.count
        while index >= range.lowerBound {
            if bytes[index] == needle[0], (1..<needle.count).allSatisfy({ bytes[index + $0] == needle[$0] }) {
                return index
            }
            index -= 1
        }
        return nil
    }

    /// 1-based line and column (in bytes) of a byte offset; binary search over the lines.
    static func position(of offset: Int, lines: [Range<Int>]) -> (line: Int, column: Int) {
        var low = 0
        var high = lines.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lines[middle].lowerBound <= offset { low = middle } else { high = middle - 1 }
        }
        return (low + 1, offset - lines[low].lowerBound + 1)
    }

    // MARK: Reference links

    /// Every use of a link reference copies its destination and title into the HTML: a long
    /// definition used thousands of times multiplies the output (gfm.6 has no expansion limit).
    static func referenceExpansion(_ bytes: [UInt8], lines: [Range<Int>], budgets: Budgets) -> BudgetRefusal? {
        var definitions: [String: (size: Int, line: Int)] = [:]
        for (number, range) in lines.enumerated() {
            var start = range.lowerBound
            var spaces = 0
            while start < range.upperBound, bytes[start] == 0x20 || bytes[start] == 0x3E, spaces < 8 {
                start += 1
                spaces += 1
            }
            guard start < range.upperBound, bytes[start] == 0x5B else { continue }
            guard let close = nextOccurrence(of: [0x5D, 0x3A], in: bytes, from: start, end: min(range.upperBound, start + 1002)) else {
                continue
            }
            let label = normalizedLabel(bytes[(start + 1)..<close])
            guard !label.isEmpty, !label.hasPrefix("^") else { continue }
            var size = range.upperBound - close
            if number + 1 < lines.count { size += lines[number + 1].count }  // a title may sit on the next line
            if definitions[label] == nil { definitions[label] = (size, number + 1) }
        }
        guard !definitions.isEmpty else { return nil }
        var uses: [String: Int] = [:]
        var open: Int?
        for index in bytes.indices {
            switch bytes[index] {
            case 0x5B: open = index
            case 0x5D:
                if let start = open, index - start <= 1000 {
                    let label = normalizedLabel(bytes[(start + 1)..<index])
                    if definitions[label] != nil { uses[label, default: 0] += 1 }
                }
                open = nil
            case 0x0A where index + 1 < bytes.count && bytes[index + 1] == 0x0A:
                open = nil
            default: break
            }
        }
        var total = 0
        var worst: (label: String, bytes: Int) = ("", 0)
        for (label, count) in uses {
            let (product, overflow) = count.multipliedReportingOverflow(by: definitions[label]!.size)
            let bytes = overflow ? Int.max / 4 : product
            total = min(total + bytes, Int.max / 4)
            if bytes > worst.bytes { worst = (label, bytes) }
        }
        let allowance = budgets.outputAllowance(inputBytes: bytes.count)
        guard total > allowance, let definition = definitions[worst.label] else { return nil }
        return BudgetRefusal(id: "dossier.budget.output-ratio", line: definition.line, column: 1,
                             message: "link reference '[\(worst.label.prefix(40))]' is used \(uses[worst.label] ?? 0) times: "
                                 + "the HTML would be about \(total) bytes for \(bytes.count) bytes of Markdown "
                                 + budgets.label(.maxOutputRatio))
    }

    /// Reference labels match case-insensitively with runs of white space collapsed.
    private static func normalizedLabel(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
    }
}

extension String {
    /// The text as shown inside a one-line diagnostic: line breaks, tabs and other control
    /// characters escaped (`\n`), and long values shortened, so a hostile value cannot forge or
    /// break up the `path:line:column: error:` lines editors and CI read.
    var shownInMessage: String {
        var result = ""
        var count = 0
        for scalar in unicodeScalars {
            if count == 120 {
                result += "…"
                break
            }
            count += 1
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    result += String(format: "\\u{%X}", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
