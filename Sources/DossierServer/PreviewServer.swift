import DossierCore
import FlyingFox
import FlyingSocks
import Foundation

/// Everything `dossier serve` needs; tests start servers in-process with the same options.
public struct PreviewOptions: Sendable {
    /// Paths and drafts. `baseURL` only contributes its path (e.g. "/levant/"): the site is
    /// served under that prefix, at this server's own address.
    public var build: BuildOptions
    /// An IP address or `localhost`. Loopback by default: a preview is not for the network.
    public var host = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var port: UInt16 = 8000
    public var watch = WatchMode.automatic
    /// Quiet time after the last change before rebuilding; a burst of saves is one rebuild.
    public var debounce: TimeInterval = 0.05
    public var pingInterval: TimeInterval = 15
    /// Called after every rebuild, the first one included, on the rebuild queue.
    public var report: (@Sendable (RebuildOutcome) -> Void)?

    public init(build: BuildOptions) {
        self.build = build
    }
}

public struct PreviewServerError: Error, CustomStringConvertible {
    public var description: String
}

public enum PreviewServer {
    /// Binds, builds the site once, starts watching, and returns once the site is served (or,
    /// when the first build failed, once the error page is).
    public static func start(_ options: PreviewOptions) async throws -> RunningServer {
        let bind: BindAddress
        do { bind = try BindAddress(options.host) } catch { throw PreviewServerError(description: "\(error)") }
        let http = HTTPServer(config: .init(address: try bind.socketAddress(port: options.port), logger: .disabled))
        let failure = Locked<(any Error)?>(nil)
        let runTask = Task {
            do { try await http.run() } catch { failure.withLock { $0 = error } }
        }
        let port = try await waitUntilListening(http, failure: failure, host: bind.urlHost, port: options.port)

        let boot = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let basePath = Self.basePath(of: options.build.baseURL)
        let root = "http://\(bind.urlHost):\(port)"
        var build = options.build
        build.baseURL = root + basePath
        build.writeOutput = false
        let rebuilder = Rebuilder(options: build, boot: boot, hub: EventHub(), report: options.report ?? { _ in })
        let handler = SiteHandler(rebuilder: rebuilder, policy: HostPolicy(bound: bind, port: port), basePath: basePath,
                                  boot: boot)
        await http.appendRoute("*", to: handler)

        // Watch before the first build, so an edit made during it is not lost.
        let debouncer = Debouncer(delay: options.debounce, queue: rebuilder.queue) { rebuilder.rebuildPendingOnQueue() }
        let watcher: (any SiteWatcher)?
        do {
            watcher = try WatcherFactory.make(options.watch, targets: WatchTargets(paths: build.paths),
                                              onChange: { changes in
                                                  rebuilder.noteChanges(changes)
                                                  debouncer.signal()
                                              })
        } catch {
            await http.stop()
            throw PreviewServerError(description: "\(error)")
        }
        let initial = await rebuilder.rebuild()
        return RunningServer(http: http, runTask: runTask, rebuilder: rebuilder, watcher: watcher, debouncer: debouncer,
                             port: port, url: root + basePath, isLoopback: bind.isLoopback, initialBuild: initial,
                             pingInterval: options.pingInterval)
    }

    private static func waitUntilListening(_ http: HTTPServer, failure: Locked<(any Error)?>, host: String,
                                           port: UInt16) async throws -> UInt16 {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if await http.isListening, let address = await http.listeningAddress {
                switch address {
                case .ip4(_, let port), .ip6(_, let port): return port
                case .unix: break
                }
            }
            if let error = failure.current {
                throw PreviewServerError(description: "cannot listen on \(host):\(port): \(error)")
            }
            try await Task.sleep(nanoseconds: 2_000_000)
        }
        await http.stop()
        throw PreviewServerError(description: "the server did not start listening on \(host):\(port)")
    }

    /// "/levant/" for https://example.org/levant/ or /levant; "/" otherwise.
    static func basePath(of baseURL: String?) -> String {
        guard let baseURL else { return "/" }
        var path = baseURL.hasPrefix("/") ? baseURL : (URL(string: baseURL)?.path ?? "/")
        if !path.hasPrefix("/") { path = "/" + path }
        if !path.hasSuffix("/") { path += "/" }
        return path
    }
}

/// A started preview server. `stop()` ends the watcher, the event streams and the listener.
public final class RunningServer: @unchecked Sendable {
    /// The bound port (the real one when 0 was asked for).
    public let port: UInt16
    /// The site's address, e.g. http://127.0.0.1:8000/.
    public let url: String
    public let isLoopback: Bool
    /// "inotify", "polling" or "off".
    public let watcherKind: String
    public let initialBuild: RebuildOutcome

    private let http: HTTPServer
    private let runTask: Task<Void, Never>
    private let rebuilder: Rebuilder
    private let watcher: (any SiteWatcher)?
    private let debouncer: Debouncer
    private let ping: DispatchSourceTimer
    private let stopped = Locked(false)

    init(http: HTTPServer, runTask: Task<Void, Never>, rebuilder: Rebuilder, watcher: (any SiteWatcher)?,
         debouncer: Debouncer, port: UInt16, url: String, isLoopback: Bool, initialBuild: RebuildOutcome,
         pingInterval: TimeInterval) {
        self.http = http
        self.runTask = runTask
        self.rebuilder = rebuilder
        self.watcher = watcher
        self.debouncer = debouncer
        self.port = port
        self.url = url
        self.isLoopback = isLoopback
        self.watcherKind = watcher?.kind ?? "off"
        self.initialBuild = initialBuild
        ping = DispatchSource.makeTimerSource(queue: .global())
        let hub = rebuilder.hub
        ping.schedule(deadline: .now() + pingInterval, repeating: max(pingInterval, 0.1))
        ping.setEventHandler { hub.ping() }
        ping.resume()
    }

    /// The generation being served (0 before the first successful build).
    public var generation: Int { rebuilder.current?.generation ?? 0 }

    /// Open live-reload connections.
    public var liveClients: Int { rebuilder.hub.clientCount }

    /// Rebuilds now, after any rebuild already running, and waits for it.
    public func rebuild() async -> RebuildOutcome {
        await rebuilder.rebuild()
    }

    public func stop() async {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        watcher?.stop()
        debouncer.cancel()
        ping.cancel()
        rebuilder.hub.close()  // ends every event stream, so no connection holds the server open
        // FlyingFox waits this long for responses in flight, then cancels what is left; the
        // responses are in memory, so a short grace is plenty.
        await http.stop(timeout: 0.2)
        await runTask.value
    }
}
