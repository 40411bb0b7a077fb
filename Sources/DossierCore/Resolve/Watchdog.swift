import DossierMarkdown
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Catches a page whose parse or render runs away inside cmark-gfm.
///
/// A C call cannot be cancelled, so the watchdog does not try: a background thread notes when
/// each body render starts, and when one outlives `max_page_seconds` it hands the overdue
/// render to its `onExpiry` action. The default action prints the budget error to stderr and
/// ends the process with exit status 1. That is safe because a build writes nothing — not even
/// its staging folder, which is made when the first page is rendered — until every body is
/// rendered, and then swaps `Output/` in atomically: a killed build leaves `Output/`
/// exactly as it was. Tests (and a long-running host such as a preview server) install their
/// own action instead.
public final class Watchdog: @unchecked Sendable {
    /// A render that outlived its budget.
    public struct Expiry: Sendable, Equatable {
        public var file: String
        public var line: Int
        public var seconds: Double
        /// The diagnostic that describes it, `file:line:1: error: rendering took longer than …`.
        public var diagnostic: Diagnostic {
            Diagnostic(.error, id: "dossier.budget.page-seconds", file: file, line: line,
                       "rendering took longer than \(Budgets.format(seconds)) s "
                           + "(budget max_page_seconds = \(Budgets.format(seconds)))")
        }
    }

    /// One watched render.
    public struct Token: Sendable {
        let id: Int
        public let started: Date
        public let seconds: Double
    }

    public typealias Action = @Sendable (Expiry) -> Void

    /// The watchdog every body render reports to.
    public static let shared = Watchdog()

    /// Prints the diagnostic and ends the process with exit status 1.
    public static let terminate: Action = { expiry in
        let text = expiry.diagnostic.formatted + "\nbuild stopped: a page took too long to render; the output folder was left unchanged\n"
        FileHandle.standardError.write(Data(text.utf8))
        _exit(1)
    }

    private struct Watch {
        var file: String
        var line: Int
        var deadline: Date
        var seconds: Double
        var fired = false
    }

    private let condition = NSCondition()
    private var watches: [Int: Watch] = [:]
    /// When the watching thread wakes next on its own (nil: only when signalled). A new watch
    /// wakes it only when it must wake sooner: signalling it for each of 10,000 bodies made it
    /// contend for the lock with the renderers, a tenth of a second of a full build.
    private var wakeAt: Date?
    private var nextID = 0
    private var action: Action
    private var thread: Thread?

    public init(onExpiry: @escaping Action = Watchdog.terminate) {
        action = onExpiry
    }

    /// Replaces the action taken when a render overruns; returns the previous one.
    @discardableResult
    public func setAction(_ newAction: @escaping Action) -> Action {
        condition.lock()
        defer { condition.unlock() }
        let old = action
        action = newAction
        return old
    }

    /// Starts watching one render of `file` (its body begins at `line`).
    public func begin(file: String, line: Int, seconds: Double) -> Token {
        let now = Date()
        condition.lock()
        defer { condition.unlock() }
        nextID += 1
        watches[nextID] = Watch(file: file, line: line, deadline: now.addingTimeInterval(seconds), seconds: seconds)
        if thread == nil {
            let thread = Thread { [weak self] in self?.run() }
            thread.name = "dossier-watchdog"
            thread.stackSize = 256 * 1024
            self.thread = thread
            thread.start()
        }
        let deadline = watches[nextID]!.deadline
        if wakeAt.map({ deadline < $0 }) ?? true { condition.signal() }
        return Token(id: nextID, started: now, seconds: seconds)
    }

    /// Stops watching; returns how long the render took.
    @discardableResult
    public func end(_ token: Token) -> TimeInterval {
        condition.lock()
        watches[token.id] = nil
        condition.unlock()
        return Date().timeIntervalSince(token.started)
    }

    /// Runs `body` under watch.
    public func watch<T>(file: String, line: Int, seconds: Double, _ body: () throws -> T) rethrows -> T {
        let token = begin(file: file, line: line, seconds: seconds)
        defer { end(token) }
        return try body()
    }

    private func run() {
        condition.lock()
        while true {
            let pending = watches.values.filter { !$0.fired }
            guard let earliest = pending.map(\.deadline).min() else {
                wakeAt = nil
                condition.wait()
                continue
            }
            if earliest > Date() {
                wakeAt = earliest
                _ = condition.wait(until: earliest)
                continue
            }
            wakeAt = nil
            let now = Date()
            var expired: [Expiry] = []
            for (id, watch) in watches where !watch.fired && watch.deadline <= now {
                watches[id]?.fired = true
                expired.append(Expiry(file: watch.file, line: watch.line, seconds: watch.seconds))
            }
            let action = self.action
            condition.unlock()
            for expiry in expired.sorted(by: { ($0.file, $0.line) < ($1.file, $1.line) }) { action(expiry) }
            condition.lock()
        }
    }
}

/// The budget checks around one body render, called from `BodyRenderer.render`.
enum BodyBudget {
    /// Before parsing: constructs that would make cmark-gfm slow or its output explode.
    static func beforeParsing(_ markdown: String, file: String, bodyLine: Int, budgets: Budgets) -> RenderedBody? {
        guard let refusal = MarkdownPrecheck.firstRefusal(markdown, budgets: budgets) else { return nil }
        return refused(Diagnostic(.error, id: refusal.id, file: file, line: bodyLine + refusal.line - 1,
                                  column: refusal.column, refusal.message))
    }

    /// After parsing: the depth of the syntax tree, measured with cmark's iterator (no recursion).
    static func afterParsing(_ document: MarkdownDocument, file: String, bodyLine: Int, budgets: Budgets) -> RenderedBody? {
        guard let deep = document.firstNode(deeperThan: budgets.maxNesting) else { return nil }
        return refused(Diagnostic(.error, id: "dossier.budget.nesting", file: file, line: bodyLine + max(deep.line, 1) - 1,
                                  column: deep.column, "Markdown is nested more than \(budgets.maxNesting) levels deep "
                                      + "(blockquotes, lists, emphasis) \(budgets.label(.maxNesting))"))
    }

    /// After rendering: the size of the HTML, and the time the whole render took.
    static func afterRendering(_ html: String, markdown: String, file: String, bodyLine: Int, budgets: Budgets,
                               watch: Watchdog.Token) -> RenderedBody? {
        let input = markdown.utf8.count
        let output = html.utf8.count
        if output > budgets.outputAllowance(inputBytes: input) {
            return refused(Diagnostic(.error, id: "dossier.budget.output-ratio", file: file, line: bodyLine,
                                      "rendered HTML is \(output) bytes for \(input) bytes of Markdown "
                                          + "(more than \(Budgets.format(budgets.maxOutputRatio))× + \(Budgets.outputConstant)) "
                                          + budgets.label(.maxOutputRatio)))
        }
        let elapsed = Date().timeIntervalSince(watch.started)
        if elapsed > watch.seconds {
            return refused(Watchdog.Expiry(file: file, line: bodyLine, seconds: watch.seconds).diagnostic)
        }
        return nil
    }

    static func refused(_ diagnostic: Diagnostic) -> RenderedBody {
        RenderedBody(fragment: HTMLFragment(""), headings: [], mentions: [:], linkedBriefings: [], wordCount: 0,
                     diagnostics: [diagnostic])
    }
}
