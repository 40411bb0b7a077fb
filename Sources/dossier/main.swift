import ArgumentParser
import DossierCore
import Foundation

@main
struct Dossier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dossier",
        abstract: "Build a static site from Markdown analytic briefings, with cross-linked actors and places.",
        subcommands: [Build.self, Check.self],
        defaultSubcommand: Build.self
    )
}

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
        let resolve = { (path: String) in URL(fileURLWithPath: path, relativeTo: cwd).standardizedFileURL }
        var options = BuildOptions(paths: SitePaths(root: cwd, content: resolve(content), templates: resolve(templates),
                                                    output: resolve(output)))
        options.includeDrafts = drafts
        options.baseURL = baseURL
        return options
    }
}

enum Report {
    static func diagnostics(_ result: BuildResult) {
        for diagnostic in result.diagnostics {
            FileHandle.standardError.write(Data((diagnostic.formatted + "\n").utf8))
        }
    }

    static func counts(_ result: BuildResult) -> String {
        let errors = result.diagnostics.filter { $0.severity == .error }.count
        let warnings = result.diagnostics.count - errors
        return "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the site into the output folder.",
        discussion: "The site is written to a staging folder and swapped in only when the build succeeds, so a failed build leaves the previous output untouched. Exit status: 0 success, 1 content errors, 2 usage or I/O errors."
    )

    @OptionGroup var site: SiteOptions

    @Option(help: ArgumentHelp("Folder to write the site into (replaced on every build).", valueName: "dir"))
    var output = "Output"

    func run() throws {
        let result: BuildResult
        do {
            result = try Pipeline.build(site.buildOptions(output: output))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        Report.diagnostics(result)
        guard result.succeeded else {
            FileHandle.standardError.write(Data("build failed: \(Report.counts(result)); \(output)/ left unchanged\n".utf8))
            throw ExitCode(1)
        }
        let written = result.written.map { ", \($0.written) written, \($0.unchanged) unchanged" } ?? ""
        print("built \(result.pageCount) pages (\(result.fileCount) files\(written)) into \(output)/ in "
              + String(format: "%.2f s", result.seconds) + "; \(Report.counts(result))")
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the site without writing it (for CI).",
        discussion: "Exit status: 0 clean, 1 content errors, 2 usage or I/O errors."
    )

    @OptionGroup var site: SiteOptions

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    func run() throws {
        var options = site.buildOptions(output: "Output")
        options.writeOutput = false
        options.checkLinks = true
        options.strict = strict
        let result: BuildResult
        do {
            result = try Pipeline.build(options)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        Report.diagnostics(result)
        print("checked \(result.pageCount) pages: \(Report.counts(result))")
        if !result.succeeded { throw ExitCode(1) }
    }
}
