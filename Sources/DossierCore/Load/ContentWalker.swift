import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Lists content files in a stable order and refuses anything that leads outside the site.
public struct ContentWalker: Sendable {
    let root: URL
    let displayBase: URL

    struct Listing {
        var briefings: [URL] = []
        var actors: [URL] = []
        var places: [URL] = []
        var pages: [URL] = []
        var staticFiles: [(url: URL, relative: String)] = []
        var siteConfig: URL?
        /// No symbolic link and no file with a second hard link: a file's content then changes
        /// only through its own path, which is what a watcher reports (`ContentLoader.load`).
        var plain = true
    }

    func display(_ url: URL) -> String {
        SitePaths.display(url, base: displayBase)
    }

    func list(diagnostics: inout Diagnostics) -> Listing {
        var listing = Listing()
        let rootReal = Self.realPath(root.path) ?? root.standardizedFileURL.path
        for entry in walk(root, relative: "", rootReal: rootReal, visited: [], plain: &listing.plain, diagnostics: &diagnostics) {
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

    /// Depth-first, in sorted order, with an explicit stack: no recursion however deep the folders.
    private func walk(_ top: URL, relative: String, rootReal: String, visited: Set<String>, plain: inout Bool,
                      diagnostics: inout Diagnostics) -> [(url: URL, relative: String)] {
        let manager = FileManager.default
        var result: [(url: URL, relative: String)] = []
        /// A folder's entries in sorted order, each with the real paths of the folders above it.
        /// Paths are joined as strings: `URL.appendingPathComponent` asks the file system whether
        /// each name is a folder, a second `stat` per file that `classify` makes anyway.
        func list(_ directory: String, relative: String, ancestors: Set<String>,
                  plain: inout Bool, diagnostics: inout Diagnostics) -> [(path: String, relative: String, isDirectory: Bool, ancestors: Set<String>)] {
            guard let names = try? manager.contentsOfDirectory(atPath: directory) else {
                diagnostics.error("dossier.content.unreadable", display(URL(fileURLWithPath: directory)), "cannot read folder")
                return []
            }
            var ancestors = ancestors
            ancestors.insert(Self.realPath(directory) ?? URL(fileURLWithPath: directory).standardizedFileURL.path)
            var entries: [(String, String, Bool, Set<String>)] = []
            for name in names.sorted() {
                if Self.isSkipped(name) { continue }
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                let childRelative = relative.isEmpty ? name : relative + "/" + name
                guard let kind = classify(path, rootReal: rootReal, ancestors: ancestors, plain: &plain, diagnostics: &diagnostics) else {
                    continue
                }
                entries.append((path, childRelative, kind, ancestors))
            }
            return entries
        }
        // Reversed on the stack, so entries come off in sorted order, each folder's before its later siblings.
        var stack = Array(list(top.path, relative: relative, ancestors: visited, plain: &plain, diagnostics: &diagnostics).reversed())
        while let entry = stack.popLast() {
            if entry.isDirectory {
                stack += list(entry.path, relative: entry.relative, ancestors: entry.ancestors, plain: &plain,
                              diagnostics: &diagnostics).reversed()
            } else {
                result.append((URL(fileURLWithPath: entry.path, isDirectory: false), entry.relative))
            }
        }
        return result
    }

    /// Names the walker never enters or lists: hidden names (but `.well-known`, which static
    /// hosts serve), and editors' backup, swap and probe files (`name~`, `.swp`, `.swx`, vim's
    /// `4913`), which would otherwise be published from `static/`. `serve`'s watcher ignores the
    /// same names, so what it reports and what the walker lists always agree.
    public static func isSkipped(_ name: String) -> Bool {
        if name.hasPrefix(".") { return name != ".well-known" }
        return name.hasSuffix("~") || name.hasSuffix(".swp") || name.hasSuffix(".swx") || name == "4913"
    }

    static func fileType(_ mode: mode_t) -> FileAttributeType {
        switch mode & S_IFMT {
        case S_IFDIR: return .typeDirectory
        case S_IFREG: return .typeRegular
        case S_IFLNK: return .typeSymbolicLink
        default: return .typeUnknown
        }
    }

    /// The canonical path with every symbolic link resolved (realpath(3)), nil when it cannot be.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// True for a folder, false for a regular file, nil (with a diagnostic when it matters) for
    /// anything that must not be read: links leading outside, nowhere or in a loop, and special
    /// files (a FIFO would block the build forever).
    private func classify(_ path: String, rootReal: String, ancestors: Set<String>, plain: inout Bool,
                          diagnostics: inout Diagnostics) -> Bool? {
        let manager = FileManager.default
        var url: URL { URL(fileURLWithPath: path) }  // for messages only
        // lstat, not FileManager.attributesOfItem: the latter also looks up owner and group
        // names, which was most of listing a 10,000-file content folder.
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        var type: FileAttributeType? = Self.fileType(info.st_mode)
        if type != .typeDirectory && (type != .typeRegular || info.st_nlink != 1) { plain = false }
        if type == .typeSymbolicLink {
            let destination = (try? manager.destinationOfSymbolicLink(atPath: path)) ?? "?"
            var status = stat()
            if stat(path, &status) != 0 {
                if errno == ELOOP {
                    diagnostics.error("dossier.content.symlink-loop", display(url),
                                      "symbolic link loops (it leads back to itself through '\(destination)')")
                } else {
                    diagnostics.error("dossier.content.dangling-symlink", display(url),
                                      "symbolic link points to nothing ('\(destination)' does not exist)")
                }
                return nil
            }
            guard let target = Self.realPath(path) else { return nil }
            guard target == rootReal || target.hasPrefix(rootReal + "/") else {
                diagnostics.error("dossier.content.symlink-outside", display(url),
                                  "symbolic link points outside the content folder (to \(target)); refused")
                return nil
            }
            var targetInfo = stat()
            type = stat(target, &targetInfo) == 0 ? Self.fileType(targetInfo.st_mode) : nil
            if type == .typeDirectory && ancestors.contains(target) {
                diagnostics.error("dossier.content.symlink-loop", display(url),
                                  "symbolic link loops back to a parent folder (\(display(URL(fileURLWithPath: target))))")
                return nil
            }
        }
        switch type {
        case .typeDirectory?: return true
        case .typeRegular?: return false
        default:
            diagnostics.error("dossier.content.special-file", display(url),
                              "not a regular file or folder (a pipe, socket or device); refused")
            return nil
        }
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
        let path = standardizedPath(url)
        let basePath = standardizedPath(base)
        if path.hasPrefix(basePath + "/") { return String(path.dropFirst(basePath.count + 1)) }
        return path
    }

    /// `url.standardizedFileURL.path`, without Foundation's work for a path with no `.` or `..`
    /// component and no empty one: every path the content walker builds (the loader names each
    /// of 10,000 files this way, which took a quarter of a second).
    private static func standardizedPath(_ url: URL) -> String {
        let path = url.path
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if previous == UInt8(ascii: "/") && (byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")) {
                return url.standardizedFileURL.path
            }
            previous = byte
        }
        return path
    }
}
