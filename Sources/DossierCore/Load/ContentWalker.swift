import Foundation

/// Lists content files in a stable order and refuses anything that leads outside the site.
struct ContentWalker {
    let root: URL
    let displayBase: URL

    struct Listing {
        var briefings: [URL] = []
        var actors: [URL] = []
        var places: [URL] = []
        var pages: [URL] = []
        var staticFiles: [(url: URL, relative: String)] = []
        var siteConfig: URL?
    }

    func display(_ url: URL) -> String {
        SitePaths.display(url, base: displayBase)
    }

    func list(diagnostics: inout Diagnostics) -> Listing {
        var listing = Listing()
        let rootReal = root.resolvingSymlinksInPath().standardizedFileURL.path
        for entry in walk(root, relative: "", rootReal: rootReal, visited: [], diagnostics: &diagnostics) {
            let parts = entry.relative.split(separator: "/").map(String.init)
            guard let top = parts.first else { continue }
            let isMarkdown = entry.relative.hasSuffix(".md")
            switch (top, parts.count) {
            case ("site.yml", 1):
                listing.siteConfig = entry.url
            case ("briefings", _) where isMarkdown:
                listing.briefings.append(entry.url)
            case ("actors", 2) where isMarkdown:
                listing.actors.append(entry.url)
            case ("places", 2) where isMarkdown:
                listing.places.append(entry.url)
            case ("pages", 2) where isMarkdown:
                listing.pages.append(entry.url)
            case ("static", 2...):
                listing.staticFiles.append((entry.url, parts.dropFirst().joined(separator: "/")))
            default:
                if !parts.last!.hasPrefix(".") {
                    diagnostics.warning("dossier.content.ignored", display(entry.url),
                                        "file is not in a folder Dossier reads (briefings, actors, places, pages, static); ignored")
                }
            }
        }
        return listing
    }

    private func walk(_ directory: URL, relative: String, rootReal: String, visited: Set<String>,
                      diagnostics: inout Diagnostics) -> [(url: URL, relative: String)] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory.path) else {
            diagnostics.error("dossier.content.unreadable", display(directory), "cannot read folder")
            return []
        }
        var visited = visited
        visited.insert(directory.resolvingSymlinksInPath().path)
        var result: [(URL, String)] = []
        for name in names.sorted() {
            if name.hasPrefix(".") && name != ".well-known" { continue }
            let url = directory.appendingPathComponent(name)
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            guard let attributes = try? manager.attributesOfItem(atPath: url.path) else { continue }
            var isDirectory = attributes[.type] as? FileAttributeType == .typeDirectory
            if attributes[.type] as? FileAttributeType == .typeSymbolicLink {
                let target = url.resolvingSymlinksInPath().standardizedFileURL.path
                var targetIsDirectory: ObjCBool = false
                guard manager.fileExists(atPath: target, isDirectory: &targetIsDirectory),
                      target != url.standardizedFileURL.path else {
                    diagnostics.error("dossier.content.dangling-symlink", display(url),
                                      "symbolic link points to nothing (or to itself)")
                    continue
                }
                guard target == rootReal || target.hasPrefix(rootReal + "/") else {
                    diagnostics.error("dossier.content.symlink-outside", display(url),
                                      "symbolic link points outside the content folder (to \(target)); refused")
                    continue
                }
                if targetIsDirectory.boolValue && visited.contains(target) {
                    diagnostics.error("dossier.content.symlink-loop", display(url), "symbolic link loops back to a parent folder")
                    continue
                }
                isDirectory = targetIsDirectory.boolValue
            }
            if isDirectory {
                result += walk(url, relative: childRelative, rootReal: rootReal, visited: visited, diagnostics: &diagnostics)
            } else {
                result.append((url, childRelative))
            }
        }
        return result
    }
}

/// Where a build reads and writes.
public struct SitePaths: Sendable {
    /// The folder diagnostics are relative to (usually the working directory).
    public var root: URL
    public var content: URL
    public var templates: URL
    public var output: URL

    public init(root: URL, content: URL? = nil, templates: URL? = nil, output: URL? = nil) {
        self.root = root.standardizedFileURL
        self.content = (content ?? root.appendingPathComponent("Content")).standardizedFileURL
        self.templates = (templates ?? root.appendingPathComponent("Templates")).standardizedFileURL
        self.output = (output ?? root.appendingPathComponent("Output")).standardizedFileURL
    }

    /// A path relative to the working directory, for messages.
    public static func relativeDisplay(_ url: URL) -> String {
        display(url, base: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    static func display(_ url: URL, base: URL) -> String {
        let path = url.standardizedFileURL.path
        let basePath = base.standardizedFileURL.path
        if path.hasPrefix(basePath + "/") { return String(path.dropFirst(basePath.count + 1)) }
        return path
    }
}
