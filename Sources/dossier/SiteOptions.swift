import ArgumentParser
import DossierCore
import Foundation

/// Options every command that reads a site shares.
struct SiteOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder holding briefings/, actors/, places/, pages/ and static/.", valueName: "dir"))
    var content = "Content"

    @Option(help: ArgumentHelp("Folder whose files override the built-in theme by name.", valueName: "dir"))
    var templates = "Templates"

    @Flag(help: "Include briefings marked 'draft: true'.")
    var drafts = false

    @Option(name: .customLong("base-url"),
            help: ArgumentHelp("Public address of the site (overrides base_url in site.yml), e.g. https://example.org/levant/.",
                               valueName: "url"))
    var baseURL: String?

    func buildOptions(output: String) -> BuildOptions {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var options = BuildOptions(paths: SitePaths(root: cwd, content: resolve(content), templates: resolve(templates),
                                                    output: resolve(output)))
        options.includeDrafts = drafts
        options.baseURL = baseURL
        return options
    }

    func resolve(_ path: String) -> URL {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
    }
}

/// How much a command prints and in which format.
struct OutputOptions: ParsableArguments {
    @Option(help: "Diagnostic format: text, json (one object per line) or github (Actions annotations).")
    var format: DiagnosticFormat = .text

    @Flag(name: .shortAndLong, help: "Print only diagnostics.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print each stage's counts.")
    var verbose = false
}

extension DiagnosticFormat: ExpressibleByArgument {}

enum Console {
    static let isTerminal = isatty(STDERR_FILENO) == 1

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Diagnostics go to standard error in text form, to standard output for json and github
    /// (which programs and the Actions runner read).
    static func report(_ result: BuildResult, format: DiagnosticFormat) {
        for diagnostic in result.diagnostics {
            let line = format.render(diagnostic)
            if format == .text { error(line) } else { print(line) }
        }
    }

    static func counts(_ result: BuildResult) -> String {
        let errors = result.diagnostics.filter { $0.severity == .error }.count
        let warnings = result.diagnostics.count - errors
        return "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
    }

    /// A one-line progress display on a terminal; nothing when output is redirected.
    static func progressReporter(enabled: Bool) -> ProgressReporter? {
        guard enabled, isTerminal else { return nil }
        return ProgressReporter { done, total in
            let text = "\rrendering pages: \(done) of \(total)" + (done == total ? "\r\u{1B}[K" : "")
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    static func today() -> SiteDate {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: .current, from: Date())
        return SiteDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }
}
