import DossierCore
@testable import DossierServer
import Foundation
import XCTest

/// A small real site in a temporary folder and a preview server on 127.0.0.1, on a free port.
final class PreviewFixture {
    let root: URL
    private(set) var server: RunningServer!
    /// Every rebuild the server reported, the first build included.
    let outcomes = Locked<[RebuildOutcome]>([])
    var port: UInt16 { server.port }
    var host: String { "127.0.0.1:\(port)" }

    init(_ files: [String: String] = PreviewFixture.defaultSite) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-serve-\(UUID().uuidString)")
            .resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (path, text) in files { try write(path, text) }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: root)
    }

    static let defaultSite: [String: String] = [
        "site.yml": "title: Serve Test\nbase_url: https://briefings.example.org/\n",
        "Content/briefings/2017-06-22-first.md": briefing("First briefing", body: "The first body."),
        "Content/briefings/2016-01-05-second.md": briefing("Second briefing", date: "2016-01-05", body: "The second body."),
        "Content/pages/about.md": "---\ntitle: About\n---\nAbout this site.\n",
        "Content/static/notes/readme.txt": "plain text notes\n",
        "Content/static/logo.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    ]

    var buildOptions: BuildOptions {
        var options = BuildOptions(paths: SitePaths(root: root))
        options.writeOutput = false
        return options
    }

    func start(watch: WatchMode = .none, debounce: TimeInterval = 0.02, baseURL: String? = nil) throws {
        var options = PreviewOptions(build: buildOptions)
        options.build.baseURL = baseURL
        options.port = 0
        options.watch = watch
        options.debounce = debounce
        let outcomes = self.outcomes
        options.report = { outcome in outcomes.withLock { $0.append(outcome) } }
        server = try blocking { [options] in try await PreviewServer.start(options) }
    }

    func stop() {
        guard let server else { return }
        try? blocking { await server.stop() }
        self.server = nil
    }

    /// Atomic writes go through a temporary file renamed over the target (what editors do);
    /// the others truncate and rewrite in place.
    func write(_ path: String, _ text: String, atomic: Bool = true) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: atomic ? [.atomic] : [])
    }

    /// One request on its own connection.
    func get(_ target: String, method: String = "GET", host: String? = nil, headers: [String: String] = [:]) throws -> Reply {
        let connection = try RawConnection(port: port)
        try connection.request(target, method: method, host: host ?? self.host, headers: headers, close: true)
        return try connection.readReply(head: method == "HEAD")
    }

    /// Opens the live-reload stream and reads its first event.
    func openEvents() throws -> (connection: RawConnection, events: EventReader, hello: String) {
        let connection = try RawConnection(port: port)
        try connection.request("/__dossier/events", host: host)
        let head = try connection.readHead()
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.headers["content-type"], "text/event-stream; charset=utf-8")
        let events = EventReader(connection)
        return (connection, events, try events.next(named: "hello"))
    }

    /// Polls `condition` every 10 ms until it holds; fails after `timeout`.
    func waitUntil(_ what: String, timeout: TimeInterval = 20, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? condition()) == true { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTFail("timed out waiting for \(what)")
        throw RawHTTPError.timeout
    }
}

func briefing(_ title: String, date: String = "2017-06-22", body: String = "Text.") -> String {
    "---\ntitle: \"\(title)\"\ndate: \(date)\n---\n\(body)\n"
}

/// Runs async code from a synchronous test. The tests block on raw sockets, so they run on
/// XCTest's thread, never on the cooperative pool the server needs.
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let result = Locked<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do {
            let value = try await body()
            result.withLock { $0 = .success(value) }
        } catch {
            result.withLock { $0 = .failure(error) }
        }
        done.signal()
    }
    done.wait()
    return try result.current!.get()
}
