import FlyingSocks
import Foundation

/// Server-sent events for open pages: `hello` on connect (the current build, and `failed` right
/// after it while the last rebuild is broken), `reload` after each successful rebuild, `failed`
/// with the diagnostics when a rebuild fails. SSE rather than a WebSocket: one-way is all that
/// is needed, and `EventSource` reconnects by itself after the server restarts.
final class EventHub: @unchecked Sendable {
    struct Failure: Sendable, Equatable {
        var build: String
        var diagnostics: [String]
    }

    private struct State {
        var build = "none"
        var failure: Failure?
        var clients: [UInt64: AsyncStream<Data>.Continuation] = [:]
        var nextID: UInt64 = 0
        var closed = false
    }

    private let state = Locked(State())

    var clientCount: Int { state.current.clients.count }
    var currentFailure: Failure? { state.current.failure }

    /// A new stream that starts with the current state. Registering and sending the first
    /// messages happen under the same lock as broadcasts, so no event can slip in between.
    func subscribe() -> EventBody {
        let (stream, continuation) = AsyncStream<Data>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let id: UInt64? = state.withLock { state in
            guard !state.closed else { return nil }
            state.nextID += 1
            state.clients[state.nextID] = continuation
            continuation.yield(Self.message("hello", ["build": state.build], retry: 500))
            if let failure = state.failure { continuation.yield(Self.failed(failure)) }
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            return EventBody(stream: stream, subscription: nil)
        }
        let subscription = Subscription { [weak self] in self?.remove(id) }
        continuation.onTermination = { [weak subscription] _ in subscription?.cancel() }
        return EventBody(stream: stream, subscription: subscription)
    }

    func published(build: String) {
        broadcast { state in
            state.build = build
            state.failure = nil
            return Self.message("reload", ["build": build])
        }
    }

    func failed(diagnostics: [String]) {
        broadcast { state in
            let failure = Failure(build: state.build, diagnostics: diagnostics)
            state.failure = failure
            return Self.failed(failure)
        }
    }

    /// A comment line: keeps idle connections open through proxies and lets a dead client's
    /// write fail, which removes it.
    func ping() {
        broadcast { _ in Data(": ping\n\n".utf8) }
    }

    func close() {
        let clients = state.withLock { state in
            state.closed = true
            defer { state.clients = [:] }
            return Array(state.clients.values)
        }
        for client in clients { client.finish() }
    }

    private func broadcast(_ update: (inout State) -> Data) {
        state.withLock { state in
            let message = update(&state)
            for client in state.clients.values { client.yield(message) }
        }
    }

    private func remove(_ id: UInt64) {
        _ = state.withLock { $0.clients.removeValue(forKey: id) }
    }

    private static func failed(_ failure: Failure) -> Data {
        message("failed", ["build": failure.build, "diagnostics": failure.diagnostics])
    }

    /// One SSE message; JSON keeps newlines escaped, so the payload is always one `data:` line.
    static func message(_ event: String, _ payload: [String: any Sendable], retry: Int? = nil) -> Data {
        let json = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        var text = retry.map { "retry: \($0)\n" } ?? ""
        text += "event: \(event)\ndata: " + String(decoding: json, as: UTF8.self) + "\n\n"
        return Data(text.utf8)
    }
}

/// Runs its action once, from whichever of cancellation or deallocation comes first: the
/// stream's termination handler does not fire when a client's socket dies mid-write, but the
/// response body (and this with it) is released then.
final class Subscription: @unchecked Sendable {
    private let action: Locked<(@Sendable () -> Void)?>

    init(_ action: @escaping @Sendable () -> Void) { self.action = Locked(action) }

    func cancel() {
        let run = action.withLock { action in
            defer { action = nil }
            return action
        }
        run?()
    }

    deinit { cancel() }
}

/// Adapts the event stream to the byte sequence FlyingFox streams as a chunked response; each
/// message goes out as its own chunk as soon as it is yielded.
struct EventBody: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let stream: AsyncStream<Data>
    let subscription: Subscription?

    func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), subscription: subscription)
    }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var base: AsyncStream<Data>.Iterator
        let subscription: Subscription?
        var pending: [UInt8] = []

        mutating func next() async -> UInt8? {
            await nextBuffer(suggested: 1)?.first
        }

        mutating func nextBuffer(suggested count: Int) async -> [UInt8]? {
            if pending.isEmpty {
                guard let data = await base.next() else { return nil }
                pending = Array(data)
            }
            let take = Swift.min(Swift.max(count, 1), pending.count)
            defer { pending.removeFirst(take) }
            return Array(pending.prefix(take))
        }
    }
}

enum LiveReloadScript {
    static let path = "/__dossier/live.js"
    static let eventsPath = "/__dossier/events"

    /// Inserted before the last `</body>` (or appended when there is none). External rather
    /// than inline so a page with a strict Content-Security-Policy still reloads.
    static func inject(into html: Data, build: String) -> Data {
        let tag = Data("<script src=\"\(path)\" data-build=\"\(build)\" defer></script>\n".utf8)
        var result = html
        result.insert(contentsOf: tag, at: lastBodyClose(in: html) ?? html.endIndex)
        return result
    }

    private static func lastBodyClose(in html: Data) -> Data.Index? {
        let needle = Array("</body".utf8)
        return html.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Data.Index? in
            guard bytes.count >= needle.count else { return nil }
            var index = bytes.count - needle.count
            while index >= 0 {
                var matches = true
                for offset in 0..<needle.count where bytes[index + offset] | 0x20 != needle[offset] | 0x20 {
                    matches = false
                    break
                }
                if matches { return html.startIndex + index }
                index -= 1
            }
            return nil
        }
    }

    /// Builds the overlay with textContent only, so diagnostics are never parsed as HTML.
    static let source = """
    (function () {
      "use strict";
      var script = document.currentScript;
      var build = script ? script.getAttribute("data-build") : null;
      var overlay = null;
      function show(failure) {
        if (!overlay) {
          overlay = document.createElement("div");
          overlay.id = "dossier-error-overlay";
          overlay.setAttribute("role", "alert");
          overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
            "background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 ui-monospace,monospace";
          document.body.appendChild(overlay);
        }
        overlay.textContent = "";
        var title = document.createElement("h2");
        title.textContent = "dossier: the last rebuild failed \\u2014 showing the last good version";
        var list = document.createElement("pre");
        list.style.whiteSpace = "pre-wrap";
        list.textContent = failure.diagnostics.join("\\n");
        var hint = document.createElement("p");
        hint.textContent = "Fix the file and save: this page reloads by itself.";
        overlay.appendChild(title);
        overlay.appendChild(list);
        overlay.appendChild(hint);
      }
      var events = new EventSource("\(eventsPath)");
      events.addEventListener("hello", function (event) {
        var state = JSON.parse(event.data);
        if (build !== null && state.build !== build) { location.reload(); }
      });
      events.addEventListener("reload", function () { location.reload(); });
      events.addEventListener("failed", function (event) { show(JSON.parse(event.data)); });
    })();

    """
}
