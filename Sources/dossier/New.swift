import ArgumentParser
import DossierCore
import Foundation

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a new content file.",
        subcommands: [NewBriefing.self]
    )
}

struct NewBriefing: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "briefing",
        abstract: "Write Content/briefings/YYYY-MM-DD-<slug>.md with front matter (never overwrites).",
        discussion: "The briefing starts as a draft: build with --drafts to see it, remove 'draft: true' to publish."
    )

    @Argument(help: "The briefing's title.")
    var title: String

    @Option(help: ArgumentHelp("Publication date (default: today).", valueName: "YYYY-MM-DD"))
    var date: String?

    @Option(help: ArgumentHelp("Content folder.", valueName: "dir"))
    var content = "Content"

    func run() throws {
        var day = Console.today()
        if let date {
            guard let parsed = SiteDate(parsing: date), parsed.precision == .day, parsed.time == nil else {
                throw ValidationError("--date must be a real date written YYYY-MM-DD, not '\(date)'")
            }
            day = parsed
        }
        do {
            let url = try Scaffold.newBriefing(title: title, date: day,
                                               content: URL(fileURLWithPath: content).standardizedFileURL)
            print(SitePaths.relativeDisplay(url))
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a new working site into a folder.",
        discussion: "The folder must be empty or not exist yet. Then: cd DIR && dossier build"
    )

    @Argument(help: "Folder to create the site in.")
    var directory: String

    @Option(help: "The site's title.")
    var title = "My briefings"

    func run() throws {
        do {
            let files = try Scaffold.initSite(at: URL(fileURLWithPath: directory).standardizedFileURL, title: title,
                                              today: Console.today())
            print("wrote \(files.count) files into \(directory)/; next: cd \(directory) && dossier build")
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
    }
}
