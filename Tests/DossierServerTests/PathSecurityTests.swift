@testable import DossierServer
import Foundation
import XCTest

/// No request may read a file outside the served site. Every form is tried on a live server
/// against a real secret beside the content folder, and on the decoder alone.
final class PathSecurityTests: XCTestCase {
    private let secret = "TOP-SECRET-MARKER"

    func testEveryTraversalFormIsRefused() throws {
        let site = try PreviewFixture()
        try site.write("secret.txt", secret)
        try site.write("Content/secret.txt", secret)
        try site.start()
        let attempts = [
            "/../secret.txt", "/../../secret.txt", "/notes/../../secret.txt", "/./secret.txt",
            "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt", "/%2e./secret.txt",
            "/%2f../secret.txt", "/%2F..%2Fsecret.txt", "/notes%2f..%2f..%2fsecret.txt",
            "/..%5csecret.txt", "/..%5Csecret.txt", "/notes/..%5c..%5csecret.txt",
            "/..\\secret.txt", "/notes\\..\\..\\secret.txt",
            "/secret.txt%00", "/%00../secret.txt", "/notes/readme.txt%00.html",
            "/%252e%252e/secret.txt", "/%c0%ae%c0%ae/secret.txt", "/..;/secret.txt",
            "/%", "/%zz", "/\u{7f}",
        ]
        for target in attempts {
            let reply = try site.get(target)
            XCTAssertTrue([400, 404].contains(reply.status), "\(target) → \(reply.status)")
            XCTAssertFalse(reply.text.contains(secret), target)
        }
        // The static folder still works, so the refusals above are not an accident.
        XCTAssertEqual(try site.get("/notes/readme.txt").status, 200)
    }

    func testSymlinksOutOfTheStaticFolderAreNotFollowed() throws {
        let site = try PreviewFixture()
        try site.write("Content/briefings/2015-01-01-hidden.md", briefing("Hidden", date: "2015-01-01", body: secret))
        // Inside the content folder, so the build accepts it, but outside static/.
        try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("Content/static/leak.md").path,
                                                   withDestinationPath: "../briefings/2015-01-01-hidden.md")
        try site.start()
        XCTAssertTrue(site.server.initialBuild.succeeded, site.server.initialBuild.result.diagnostics.map(\.formatted).joined())
        let leak = try site.get("/leak.md")
        XCTAssertEqual(leak.status, 404)
        XCTAssertFalse(leak.text.contains(secret))

        // A static file swapped for a link to a file outside the site after the build: the
        // snapshot still lists the path, but the link is not followed at request time.
        try site.write("secret.txt", secret)
        let readme = site.root.appendingPathComponent("Content/static/notes/readme.txt").path
        try FileManager.default.removeItem(atPath: readme)
        try FileManager.default.createSymbolicLink(atPath: readme, withDestinationPath: site.root.appendingPathComponent("secret.txt").path)
        let swapped = try site.get("/notes/readme.txt")
        XCTAssertEqual(swapped.status, 404)
        XCTAssertFalse(swapped.text.contains(secret))
        // And a folder on the way swapped for a link out.
        let notes = site.root.appendingPathComponent("Content/static/notes").path
        try FileManager.default.removeItem(atPath: notes)
        try FileManager.default.createDirectory(atPath: site.root.appendingPathComponent("outside").path,
                                                withIntermediateDirectories: true)
        try site.write("outside/readme.txt", secret)
        try FileManager.default.createSymbolicLink(atPath: notes, withDestinationPath: site.root.appendingPathComponent("outside").path)
        let folder = try site.get("/notes/readme.txt")
        XCTAssertEqual(folder.status, 404)
        XCTAssertFalse(folder.text.contains(secret))
    }

    func testDecoderDecodesOnceAndRejectsEscapes() {
        func rejection(_ raw: String) -> RequestPath.Rejection? {
            do { _ = try RequestPath.decode(raw); return nil } catch { return error }
        }
        XCTAssertEqual(try RequestPath.decode("/briefings/x/"), RequestPath(segments: ["briefings", "x"], trailingSlash: true))
        XCTAssertEqual(try RequestPath.decode("/caf%C3%A9"), RequestPath(segments: ["café"], trailingSlash: false))
        XCTAssertEqual(try RequestPath.decode("//"), RequestPath(segments: [], trailingSlash: true))
        // Decoded once: "%252e" is the literal text "%2e", an ordinary (missing) name.
        XCTAssertEqual(try RequestPath.decode("/%252e%252e/x"), RequestPath(segments: ["%2e%2e", "x"], trailingSlash: false))
        XCTAssertEqual(rejection("/../x"), .dotSegment)
        XCTAssertEqual(rejection("/%2e%2e/x"), .dotSegment)
        XCTAssertEqual(rejection("/a/./b"), .dotSegment)
        XCTAssertEqual(rejection("/%2f.."), .encodedSeparator)
        XCTAssertEqual(rejection("/..%5c"), .encodedSeparator)
        XCTAssertEqual(rejection("/a\\b"), .backslash)
        XCTAssertEqual(rejection("/a%00"), .controlCharacter)
        XCTAssertEqual(rejection("/a%0d%0aSet-Cookie:x"), .controlCharacter)
        XCTAssertEqual(rejection("/%c0%ae"), .invalidUTF8)
        XCTAssertEqual(rejection("/%4"), .badEscape)
        XCTAssertEqual(rejection("x"), .notAbsolute)
        XCTAssertEqual(RequestPath.encode(["a b", "ü"], trailingSlash: true), "/a%20b/%C3%BC/")
    }

    func testLookupServesOnlySnapshotPaths() {
        let files: Set<String> = ["index.html", "briefings/x/index.html", "logo.svg"]
        func find(_ raw: String, base: String = "/") -> Lookup {
            Lookup.find(try! RequestPath.decode(raw), basePath: base, has: files.contains)
        }
        XCTAssertEqual(find("/"), .file("index.html"))
        XCTAssertEqual(find("/logo.svg"), .file("logo.svg"))
        XCTAssertEqual(find("/briefings/x"), .redirect("/briefings/x/"))
        XCTAssertEqual(find("/briefings/x/"), .file("briefings/x/index.html"))
        XCTAssertEqual(find("/briefings/"), .notFound)
        XCTAssertEqual(find("/logo.svg/"), .notFound)
        XCTAssertEqual(find("/site/logo.svg", base: "/site/"), .file("logo.svg"))
        XCTAssertEqual(find("/site", base: "/site/"), .redirect("/site/"))
        XCTAssertEqual(find("/logo.svg", base: "/site/"), .notFound)
    }
}
