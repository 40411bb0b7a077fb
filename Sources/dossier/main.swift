import ArgumentParser
import Foundation

/// Kept in main.swift (without @main) so the entry point is easy to find.
struct Dossier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dossier",
        abstract: "Build a static site from Markdown analytic briefings, with cross-linked actors and places.",
        discussion: """
        Run from the folder that holds Content/ (and optionally site.yml and Templates/).
        Exit status: 0 success, 1 content errors, 2 usage or I/O errors.
        """,
        subcommands: [Build.self, Check.self, New.self, Init.self, Serve.self],
        defaultSubcommand: Build.self
    )
}

/// Usage errors exit with 2, as documented, instead of ArgumentParser's 64.
func runDossier() -> Never {
    do {
        var command = try Dossier.parseAsRoot()
        try command.run()
        Dossier.exit()
    } catch {
        let code = Dossier.exitCode(for: error)
        if code == .validationFailure {
            let message = Dossier.fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Dossier.exit(withError: ExitCode(2))
        }
        Dossier.exit(withError: error)
    }
}

runDossier()
