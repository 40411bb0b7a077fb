import DossierCore
@testable import DossierServer
import Foundation
import XCTest

final class HTTPSemanticsTests: XCTestCase {
    private var site: PreviewFixture!

    override func setUpWithError() throws {
        site = try PreviewFixture()
        try site.start()
    }

    override func tearDown() {
        site = nil
    }

    func testServesPagesWithCharsetAndTheReloadSnippet() throws {
        XCTAssertTrue(site.server.initialBuild.succeeded)
        let home = try site.get("/")
        XCTAssertEqual(home.status, 200)
        XCTAssertEqual(home.headers["content-type"], "text/html; charset=utf-8")
        XCTAssertTrue(home.text.contains("First briefing"))
        XCTAssertTrue(home.text.contains(#"<script src="/__dossier/live.js" data-build=""#))
        let snippet = try XCTUnwrap(home.text.range(of: "/__dossier/live.js"))
        let bodyClose = try XCTUnwrap(home.text.range(of: "</body>", options: .backwards))
        XCTAssertLessThan(snippet.lowerBound, bodyClose.lowerBound, "the snippet goes before </body>")

        let page = try site.get("/briefings/first/")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("The first body."))
        // Links work locally: the base URL is this server's own address.
        XCTAssertTrue(page.text.contains("http://\(site.host)/"), "canonical/feed links point at the preview")
    }

    func testContentTypes() throws {
        let cases = [
            ("/atom.xml", "application/atom+xml; charset=utf-8"),
            ("/sitemap.xml", "application/xml; charset=utf-8"),
            ("/robots.txt", "text/plain; charset=utf-8"),
            ("/assets/style.css", "text/css; charset=utf-8"),
            ("/logo.svg", "image/svg+xml; charset=utf-8"),
            ("/notes/readme.txt", "text/plain; charset=utf-8"),
            ("/__dossier/live.js", "text/javascript; charset=utf-8"),
        ]
        for (path, type) in cases {
            let reply = try site.get(path)
            XCTAssertEqual(reply.status, 200, path)
            XCTAssertEqual(reply.headers["content-type"], type, path)
            XCTAssertEqual(reply.headers["x-content-type-options"], "nosniff", path)
        }
        XCTAssertEqual(try site.get("/notes/readme.txt").text, "plain text notes\n")
        XCTAssertEqual(ContentType.of("images/a.png"), "image/png", "binary types get no charset")
        XCTAssertEqual(ContentType.of("LICENSE"), "application/octet-stream")
    }

    func testHeadSendsTheHeadersOfGetWithoutABody() throws {
        for path in ["/briefings/first/", "/logo.svg", "/nope/"] {
            let get = try site.get(path)
            let head = try site.get(path, method: "HEAD")
            XCTAssertEqual(head.status, get.status, path)
            XCTAssertEqual(head.headers["content-length"], String(get.body.count), path)
            XCTAssertEqual(head.headers["content-type"], get.headers["content-type"], path)
            XCTAssertEqual(head.headers["etag"], get.headers["etag"], path)
            XCTAssertTrue(head.body.isEmpty)
        }
        // The connection stays usable after a HEAD: no stray body bytes were sent.
        let connection = try RawConnection(port: site.port)
        try connection.request("/briefings/first/", method: "HEAD", host: site.host)
        XCTAssertEqual(try connection.readReply(head: true).status, 200)
        try connection.request("/robots.txt", host: site.host)
        XCTAssertTrue(try connection.readReply().text.hasPrefix("User-agent"))
        XCTAssertEqual(try site.get("/", method: "POST").status, 405)
    }

    func testETagAndIfNoneMatch() throws {
        for path in ["/briefings/first/", "/assets/style.css", "/logo.svg"] {
            let first = try site.get(path)
            let etag = try XCTUnwrap(first.headers["etag"], path)
            XCTAssertEqual(first.headers["cache-control"], "no-cache", path)
            let again = try site.get(path, headers: ["If-None-Match": etag])
            XCTAssertEqual(again.status, 304, path)
            XCTAssertTrue(again.body.isEmpty, path)
            XCTAssertEqual(again.headers["etag"], etag, path)
            XCTAssertEqual(try site.get(path, headers: ["If-None-Match": "\"other\", W/\(etag)"]).status, 304, path)
            XCTAssertEqual(try site.get(path, headers: ["If-None-Match": "\"other\""]).status, 200, path)
        }
    }

    func testETagsFollowContentAcrossRebuilds() throws {
        let css = try XCTUnwrap(site.get("/assets/style.css").headers["etag"])
        let page = try XCTUnwrap(site.get("/briefings/second/").headers["etag"])
        let outcome = try blocking { [server = site.server!] in await server.rebuild() }
        XCTAssertTrue(outcome.succeeded)
        XCTAssertEqual(try site.get("/assets/style.css").headers["etag"], css, "unchanged bytes keep their ETag")
        // A page's body names the build it belongs to (for the reload check), so its tag moves.
        XCTAssertNotEqual(try site.get("/briefings/second/").headers["etag"], page)
        XCTAssertEqual(try site.get("/briefings/second/", headers: ["If-None-Match": page]).status, 200)
    }

    func testFolderWithoutSlashRedirects() throws {
        let reply = try site.get("/briefings/first")
        XCTAssertEqual(reply.status, 301)
        XCTAssertEqual(reply.headers["location"], "/briefings/first/")
        XCTAssertEqual(try site.get("/briefings/first?x=1").headers["location"], "/briefings/first/")
        // A protocol-relative Location can never come out of a doubled slash.
        XCTAssertEqual(try site.get("//briefings/first").headers["location"], "/briefings/first/")
    }

    func testMissingPagesGetTheSite404PageWithStatus404() throws {
        let reply = try site.get("/no/such/page/")
        XCTAssertEqual(reply.status, 404)
        XCTAssertEqual(reply.headers["content-type"], "text/html; charset=utf-8")
        let rendered = try XCTUnwrap(renderedSite().files.first { $0.path == "404.html" })
        let expected = LiveReloadScript.inject(into: rendered.contents, build: "")
        XCTAssertEqual(stripSnippet(reply.text), stripSnippet(String(decoding: expected, as: UTF8.self)))
        XCTAssertEqual(try site.get("/briefings/first/index.htm").status, 404)
    }

    func testSnippetIsInServedHTMLButNeverInRenderedOutput() throws {
        let rendered = try renderedSite()
        for file in rendered.files {
            XCTAssertFalse(String(decoding: file.contents, as: UTF8.self).contains("__dossier"), file.path)
        }
        // Apart from the snippet, a served page is byte for byte the rendered one.
        for path in ["index.html", "briefings/first/index.html", "about/index.html"] {
            let file = try XCTUnwrap(rendered.files.first { $0.path == path }, path)
            let served = try site.get("/" + path)
            XCTAssertTrue(served.text.contains("/__dossier/live.js"), path)
            XCTAssertEqual(stripSnippet(served.text), String(decoding: file.contents, as: UTF8.self), path)
            XCTAssertFalse(try site.get("/sitemap.xml").text.contains("__dossier"), "only HTML gets the snippet")
        }
    }

    func testHostHeaderMustNameThisServer() throws {
        let port = site.port
        for host in ["127.0.0.1:\(port)", "localhost:\(port)", "LOCALHOST:\(port)", "[::1]:\(port)"] {
            XCTAssertEqual(try site.get("/", host: host).status, 200, host)
        }
        for host in ["evil.example", "evil.example:\(port)", "127.0.0.1:\(port &+ 1)", "127.0.0.1", "localhost.evil.example:\(port)",
                     "127.0.0.1.nip.io:\(port)", ""] {
            let reply = try site.get("/", host: host)
            XCTAssertEqual(reply.status, 403, host)
            XCTAssertFalse(reply.text.contains("First briefing"), host)
        }
        XCTAssertEqual(try site.get("/__dossier/events", host: "evil.example").status, 403)
        // No Host header at all (HTTP/1.0 style).
        let connection = try RawConnection(port: port)
        try connection.request("/", host: nil, close: true)
        XCTAssertEqual(try connection.readReply().status, 403)
    }

    func testHostPolicyForOtherBindings() throws {
        let wildcard = HostPolicy(bound: try BindAddress("0.0.0.0"), port: 8000)
        XCTAssertTrue(wildcard.allows("192.168.1.20:8000"))
        XCTAssertTrue(wildcard.allows("localhost:8000"))
        XCTAssertFalse(wildcard.allows("evil.example:8000"))
        let lan = HostPolicy(bound: try BindAddress("192.168.1.20"), port: 80)
        XCTAssertTrue(lan.allows("192.168.1.20"))
        XCTAssertFalse(lan.allows("localhost"), "not bound to loopback")
        XCTAssertFalse(lan.allows("192.168.1.21"))
        let v6 = HostPolicy(bound: try BindAddress("::1"), port: 8000)
        XCTAssertTrue(v6.allows("[::1]:8000"))
        XCTAssertTrue(v6.allows("localhost:8000"))
        XCTAssertFalse(v6.allows("::1:8000"))
        XCTAssertThrowsError(try BindAddress("example.org"))
        XCTAssertTrue(try BindAddress("localhost").isLoopback)
        XCTAssertFalse(try BindAddress("0.0.0.0").isLoopback)
    }

    func testSiteUnderABasePath() throws {
        site.stop()
        try site.start(baseURL: "https://example.org/levant/")
        XCTAssertTrue(site.server.url.hasSuffix("/levant/"))
        let home = try site.get("/levant/")
        XCTAssertEqual(home.status, 200)
        XCTAssertTrue(home.text.contains("href=\"/levant/briefings/first/\""))
        XCTAssertEqual(try site.get("/levant").headers["location"], "/levant/")
        XCTAssertEqual(try site.get("/levant/briefings/first/").status, 200)
        XCTAssertEqual(try site.get("/briefings/first/").status, 404)
    }

    private func renderedSite() throws -> RenderedSite {
        var options = site.buildOptions
        options.baseURL = "http://\(site.host)/"
        let (result, rendered) = Pipeline.render(options)
        XCTAssertTrue(result.succeeded)
        return try XCTUnwrap(rendered)
    }
}

/// The page as rendered, with the injected tag taken out again.
func stripSnippet(_ html: String) -> String {
    html.replacingOccurrences(of: #"<script src="/__dossier/live.js" data-build="[^"]*" defer></script>\n"#,
                              with: "", options: .regularExpression)
}
