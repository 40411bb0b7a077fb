import ArgumentParser
import DossierCore
import Foundation

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the site into the output folder.",
        discussion: """
        The site is written to a staging folder beside the output folder and put in place only \
        when the build succeeds: a failed build leaves the previous output untouched. Files whose \
        bytes did not change keep their modification time. Unchanged pages and Markdown bodies \
        are reused from the cache the previous build left in the output folder.
        Exit status: 0 success, 1 content errors, 2 usage or I/O errors.
        """
    )

    @OptionGroup var site: SiteOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("output"), help: ArgumentHelp("Folder to write the site into (replaced on every build).", valueName: "dir"))
    var outputFolder = "Output"

    @Flag(name: .customLong("no-cache"), help: "Render every page, ignoring the build cache beside the output folder.")
    var noCache = false

    /// Ctrl-C or SIGTERM during a build: remove the half-written staging folder, leave the
    /// output folder as it was, exit 130 (as shells report an interrupted command).
    static func cleanUpOnInterrupt(output: String) -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if StagingFolder.discardAllActive() {
                    Console.error("interrupted after the new site was written to \(output)/")
                } else {
                    Console.error("interrupted; \(output)/ left unchanged")
                }
                Foundation.exit(130)
            }
            source.resume()
            return source
        }
    }

    func run() throws {
        var options = site.buildOptions(output: outputFolder)
        options.incremental = !noCache
        options.keepMemoryUntilExit = true
        options.progress = Console.progressReporter(enabled: !output.quiet && output.format == .text)
        let interruption = Self.cleanUpOnInterrupt(output: outputFolder)
        defer { interruption.forEach { $0.cancel() } }
        let result: BuildResult
        do {
            result = try Pipeline.build(options)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        Console.report(result, format: output.format)
        guard result.succeeded else {
            if output.format == .text { Console.error("build failed: \(Console.counts(result)); \(outputFolder)/ left unchanged") }
            throw ExitCode(1)
        }
        guard !output.quiet, output.format == .text else { return }
        if output.verbose {
            for stage in result.stages { print("  " + stage.name.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%7.3f s", stage.seconds)) }
            print(String(format: "  matching    %7.3f s CPU for %d mentions in briefing bodies", result.matchingSeconds, result.mentions))
            print("  allocator   \(Allocator.description)")
            if let rendered = result.bodiesRendered, let reused = result.bodiesReused {
                print("  bodies      \(rendered) rendered, \(reused) reused from the cache")
            }
            if let parsed = result.frontMattersParsed, let reused = result.frontMattersReused {
                let unread = result.briefingsNotRead.map { "; \($0) briefing files not read (unchanged since the last build)" } ?? ""
                print("  front matter \(parsed) parsed, \(reused) reused from the cache\(unread)")
            }
            if let scored = result.searchDocumentsScored, let reused = result.searchDocumentsReused {
                let moved = result.searchDocumentsMoved.map { "; the saved index updated for \($0)" } ?? "; a new index"
                print("  search      \(scored) documents scored, \(reused) reused from the cache\(moved)")
            }
            if let bytes = result.htmlStoreBytes, let fresh = result.htmlStoreFresh {
                let size = bytes < 10_000 ? "\(bytes) bytes" : String(format: "%.1f MB", Double(bytes) / 1e6)
                print("  html cache  " + (fresh ? "written afresh (\(size))" : "\(size) appended"))
            }
            if let reused = result.filesReused {
                let feeds = reused.filter { $0.hasSuffix("atom.xml") }.count
                print("  reused      \(reused.count - feeds) pages and \(feeds) feeds from the previous build")
            }
        }
        let written = result.written.map { ", \($0.written) written, \($0.unchanged) unchanged" } ?? ""
        print("built \(result.pageCount) pages (\(result.fileCount) files\(written)) into \(outputFolder)/ in "
              + String(format: "%.2f s", result.seconds) + "; \(Console.counts(result))")
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate content and internal links without writing the site (for CI).",
        discussion: """
        Checks everything build checks, and that every internal link, #fragment and asset \
        reference in the rendered pages resolves.
        Exit status: 0 clean, 1 content errors (or warnings with --strict), 2 usage or I/O errors.
        """
    )

    @OptionGroup var site: SiteOptions
    @OptionGroup var output: OutputOptions

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    func run() throws {
        var options = site.buildOptions(output: "Output")
        options.writeOutput = false
        options.checkLinks = true
        options.strict = strict
        let result = Pipeline.render(options).0
        Console.report(result, format: output.format)
        if !output.quiet && output.format == .text {
            print("checked \(result.pageCount) pages: \(Console.counts(result))")
        }
        if !result.succeeded { throw ExitCode(1) }
    }
}
