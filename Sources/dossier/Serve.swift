import ArgumentParser
import DossierCore
import DossierServer
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preview the site locally; rebuilds and reloads open pages on every save.",
        discussion: """
        Builds the site in memory (nothing is written to the output folder), serves it, watches \
        the content folder, the templates folder and site.yml, and reloads open pages after each \
        rebuild. A failed rebuild shows its errors over the page and keeps serving the last good \
        site. Listens on 127.0.0.1 unless --host says otherwise. Ctrl-C stops it.
        """
    )

    @OptionGroup var site: SiteOptions

    @Option(help: ArgumentHelp("Port to listen on (0 picks a free one).", valueName: "port"))
    var port: UInt16 = 8000

    @Option(help: ArgumentHelp("Address to listen on: an IP address or localhost. Anything but loopback exposes the preview to your network.",
                               valueName: "address"))
    var host = "127.0.0.1"

    @Flag(help: "Open the site in the default browser.")
    var open = false

    @Flag(help: "Watch by comparing modification times every half second instead of inotify (e.g. on network file systems).")
    var poll = false

    func run() throws {
        var options = PreviewOptions(build: site.buildOptions(output: "Output"))
        options.host = host
        options.port = port
        options.watch = poll ? .polling(interval: 0.5) : .automatic
        options.report = { ServeLog.rebuilt($0) }
        // A runaway render must not end the preview: report it and keep serving the last good
        // site (the stuck C call finishes or the user stops the server).
        Watchdog.shared.setAction { expiry in
            FileHandle.standardError.write(Data((expiry.diagnostic.formatted
                + "\nthe page is still rendering; the last good site is served meanwhile\n").utf8))
        }

        // Ctrl-C (and SIGTERM) stop the server cleanly; a second Ctrl-C exits at once.
        let (stops, stop) = AsyncStream<Void>.makeStream()
        let signals = ServeLog.Counter()
        var sources: [any DispatchSourceSignal] = []
        for number: Int32 in [SIGINT, SIGTERM] {
            _ = signal(number, SIG_IGN)  // delivered to the dispatch source instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if signals.increment() > 1 { Foundation.exit(130) }
                stop.yield()
            }
            source.resume()
            sources.append(source)
        }
        let exitCode = ServeLog.Counter()
        let finished = DispatchSemaphore(value: 0)
        let openBrowser = open
        Task.detached {
            do {
                let server = try await PreviewServer.start(options)
                ServeLog.say("Serving \(server.url)  (watching with \(server.watcherKind); Ctrl-C to stop)")
                if !server.isLoopback {
                    ServeLog.warn("warning: listening on \(options.host), not a loopback address: other machines can read this preview, drafts included")
                }
                if openBrowser { ServeLog.openInBrowser(server.url) }
                for await _ in stops { break }
                ServeLog.say("stopping")
                await server.stop()
            } catch {
                ServeLog.warn("error: \(error)")
                _ = exitCode.increment()
            }
            finished.signal()
        }
        finished.wait()
        sources.forEach { $0.cancel() }
        if exitCode.value > 0 { throw ExitCode(2) }
    }
}

/// Console output for `serve`: line-flushed, because it is often read through a pipe.
enum ServeLog {
    final class Counter: @unchecked Sendable {
        private var count = 0
        private let lock = NSLock()
        func increment() -> Int {
            lock.lock()
            defer { lock.unlock() }
            count += 1
            return count
        }
        var value: Int {
            lock.lock()
            defer { lock.unlock() }
            return count
        }
    }

    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func warn(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static func rebuilt(_ outcome: RebuildOutcome) {
        let time = String(format: "%.0f ms", outcome.seconds * 1000)
        let result = outcome.result
        if outcome.succeeded {
            let warnings = result.diagnostics.count
            let suffix = warnings == 0 ? "" : ", \(warnings) warning\(warnings == 1 ? "" : "s") (dossier check lists them)"
            let render = String(format: "%.0f ms", result.seconds * 1000)
            let how = outcome.bodyEdit ? "body edit, \(result.bodyEdits) briefing\(result.bodyEdits == 1 ? "" : "s")" : "render \(render)"
            say("\(clock()) built \(result.pageCount) pages in \(time) (\(how), generation \(outcome.generation))\(suffix)")
        } else {
            for diagnostic in result.diagnostics where diagnostic.severity == .error { warn(diagnostic.formatted) }
            let errors = result.diagnostics.filter { $0.severity == .error }.count
            let serving = outcome.generation == 0 ? "pages show the errors until the site builds"
                : "still serving the last good site"
            say("\(clock()) build failed (\(errors) error\(errors == 1 ? "" : "s")) in \(time); \(serving)")
        }
    }

    static func openInBrowser(_ url: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        #if os(macOS)
        process.arguments = ["open", url]
        #else
        process.arguments = ["xdg-open", url]
        #endif
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()  // no browser is not an error: the address is printed anyway
    }

    private static func clock() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return "[" + formatter.string(from: Date()) + "]"
    }
}
