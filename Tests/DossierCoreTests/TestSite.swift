import Foundation
import XCTest
@testable import DossierCore

/// A tiny real site in a temporary folder, stated as path → text.
final class TestSite {
    let root: URL
    var output: URL { root.appendingPathComponent("Output") }

    init(_ files: [String: String], file: StaticString = #filePath, line: UInt = #line) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("dossier-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try write(files)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    func write(_ files: [String: String]) throws {
        for (path, text) in files {
            try writeData(path, Data(text.utf8))
        }
    }

    func writeData(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(path))
    }

    var paths: SitePaths { SitePaths(root: root) }

    @discardableResult
    func build(drafts: Bool = false, baseURL: String? = nil, strict: Bool = false, write: Bool = true) throws -> BuildResult {
        var options = BuildOptions(paths: paths)
        options.includeDrafts = drafts
        options.baseURL = baseURL
        options.strict = strict
        options.writeOutput = write
        return try Pipeline.build(options)
    }

    /// Text of a file in Output/, or nil when it was not written.
    func output(_ path: String) -> String? {
        FileManager.default.contents(atPath: output.appendingPathComponent(path).path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every file under Output/ with its bytes, for byte-identical comparisons.
    func outputTree() -> [String: Data] {
        var tree: [String: Data] = [:]
        let base = output.path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return tree }
        for case let relative as String in enumerator {
            let full = base + "/" + relative
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                tree[relative] = FileManager.default.contents(atPath: full)
            }
        }
        return tree
    }
}

/// Every file under `folder` (none whose top-level name starts with a dot: the output's
/// bookkeeping) with its bytes.
func visibleFiles(in folder: URL) -> [String: Data] {
    var tree: [String: Data] = [:]
    for case let relative as String in FileManager.default.enumerator(atPath: folder.path) ?? .init() where !relative.hasPrefix(".") {
        let full = folder.appendingPathComponent(relative).path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
            tree[relative] = FileManager.default.contents(atPath: full)
        }
    }
    return tree
}

extension TestSite {
    /// Builds the site from scratch, without any cache, into a folder beside `Output/`, hands
    /// that folder to `body`, then removes it.
    func withCleanBuild<T>(_ body: (URL) throws -> T, file: StaticString = #filePath, line: UInt = #line) throws -> T {
        let clean = root.appendingPathComponent("Clean")
        try? FileManager.default.removeItem(at: clean)
        defer { try? FileManager.default.removeItem(at: clean) }
        var options = BuildOptions(paths: SitePaths(root: root, output: clean))
        options.incremental = false
        let result = try Pipeline.build(options)
        XCTAssertTrue(result.succeeded, result.formatted, file: file, line: line)
        return try body(clean)
    }
}

/// Builds one site the way `dossier serve` does: an in-memory page cache and session cache kept
/// across builds, committed after each successful one.
final class ServeLikeBuilds {
    let pages = RenderCache()
    let session = SessionCache()
    let site: TestSite

    init(_ site: TestSite) { self.site = site }

    @discardableResult
    func build() throws -> BuildResult {
        var options = BuildOptions(paths: site.paths)
        options.cache = pages
        options.session = session
        let result = try Pipeline.build(options)
        // `Pipeline.build` commits the page cache itself (a second commit would empty it).
        if result.succeeded { session.commit() }
        return result
    }
}

extension BuildResult {
    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    var formatted: String { diagnostics.map(\.formatted).joined(separator: "\n") }
}

/// Front matter and body for a briefing file.
func briefing(_ title: String = "A briefing", date: String = "2017-06-22", extra: String = "", body: String = "Text.") -> String {
    """
    ---
    title: "\(title)"
    date: \(date)
    \(extra)
    ---
    \(body)

    """
}

func assertContains(_ text: String?, _ needle: String, file: StaticString = #filePath, line: UInt = #line) {
    guard let text else { return XCTFail("file missing (looked for \(needle))", file: file, line: line) }
    XCTAssertTrue(text.contains(needle), "expected to find \(needle)", file: file, line: line)
}

func assertNotContains(_ text: String?, _ needle: String, file: StaticString = #filePath, line: UInt = #line) {
    guard let text else { return XCTFail("file missing", file: file, line: line) }
    XCTAssertFalse(text.contains(needle), "did not expect \(needle)", file: file, line: line)
}

/// Renders a site the way `dossier serve` does: in memory, with a page cache and a session cache
/// committed after each successful whole rebuild, and saves patched in by `BodyEdit`.
final class ServeRenders {
    let pages = RenderCache()
    let session = SessionCache()
    let site: TestSite
    /// The last good site; nil after a failed rebuild or a refused patch, as in `serve`.
    private(set) var last: RenderedSite?

    init(_ site: TestSite) { self.site = site }

    var options: BuildOptions {
        var options = BuildOptions(paths: site.paths)
        options.cache = pages
        options.session = session
        options.keepLastBuild = true
        options.writeOutput = false
        return options
    }

    /// A whole rebuild.
    @discardableResult
    func rebuild() -> BuildResult {
        let (result, rendered) = Pipeline.render(options)
        if result.succeeded {
            pages.commit()
            session.commit()
        }
        last = rendered
        return result
    }

    /// A whole rebuild that must succeed; the pages it served.
    @discardableResult
    func build(file: StaticString = #filePath, line: UInt = #line) -> [String: Data] {
        let result = rebuild()
        XCTAssertTrue(result.succeeded, result.formatted, file: file, line: line)
        return files
    }

    /// Applies saved files as `serve` patches them (`BodyEdit`, `CardEdit`); nil when refused.
    func patch(_ paths: [String]) -> [String: Data]? {
        guard var site = last else { return nil }
        last = nil
        let absolute = Set(paths.map { self.site.root.appendingPathComponent($0).path })
        guard BodyEdit.apply(absolute, to: &site, options: options) != nil else { return nil }
        last = site
        return files
    }

    var files: [String: Data] {
        Dictionary((last?.files ?? []).map { ($0.path, $0.contents) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A seeded random number generator (SplitMix64), so that a randomized test reproduces.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
