import DossierCore
import FlyingFox
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Answers every request from the current snapshot: Host check, path decoding, ETag / 304,
/// HEAD, the directory redirect, the site's 404 page, and the live-reload endpoints.
struct SiteHandler: HTTPHandler {
    let rebuilder: Rebuilder
    let policy: HostPolicy
    /// "/" or the path part of --base-url, e.g. "/levant/".
    let basePath: String
    let boot: String

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let head = request.method == .HEAD
        guard request.method == .GET || head else {
            var response = text(.methodNotAllowed, "Only GET and HEAD are supported.\n", head: false)
            response.headers[HTTPHeader("Allow")] = "GET, HEAD"
            return response
        }
        guard policy.allows(request.headers[.host]) else {
            return text(.forbidden, "Host header not allowed: use the address dossier serve printed.\n", head: head)
        }
        let raw = request.target.path(percentEncoded: true)
        switch raw {
        case LiveReloadScript.eventsPath: return events(head: head)
        case LiveReloadScript.path:
            return ok(Data(LiveReloadScript.source.utf8), type: ContentType.of("live.js"), tag: "\(boot)-live",
                      request: request)
        default: break
        }
        let path: RequestPath
        do { path = try RequestPath.decode(raw) } catch { return text(.badRequest, "Bad request path.\n", head: head) }
        guard let snapshot = rebuilder.current else { return noSite(head: head) }
        switch Lookup.find(path, basePath: basePath, has: { snapshot.entries[$0] != nil }) {
        case .file(let key):
            return serve(key, from: snapshot, request: request) ?? notFound(snapshot, head: head)
        case .redirect(let location):
            var response = text(.movedPermanently, "Moved to \(location)\n", head: head)
            response.headers[.location] = location
            return response
        case .notFound:
            return notFound(snapshot, head: head)
        }
    }

    private func serve(_ key: String, from snapshot: SiteSnapshot, request: HTTPRequest) -> HTTPResponse? {
        switch snapshot.entries[key] {
        case .bytes(let data, let tag)?:
            guard ContentType.isHTML(key) else { return ok(data, type: ContentType.of(key), tag: tag, request: request) }
            // The injected tag names the build, so the page's ETag must too.
            return ok(LiveReloadScript.inject(into: data, build: snapshot.build), type: ContentType.of(key),
                      tag: "\(tag)+\(snapshot.generation)", request: request)
        case .staticFile(let source)?:
            return staticFile(source, key: key, root: snapshot.staticRoot, request: request)
        case nil:
            return nil
        }
    }

    /// Static files are read now, from their source. The snapshot only lists paths the content
    /// walker accepted, but the file may have been replaced by a symbolic link since: its real
    /// path must still be inside the static folder, and the last component is opened without
    /// following links.
    private func staticFile(_ source: String, key: String, root: String?, request: HTTPRequest) -> HTTPResponse? {
        guard let root, let real = realPath(source), real.hasPrefix(root + "/") else { return nil }
        let fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        #if canImport(Darwin)
        let modified = "\(info.st_mtimespec.tv_sec).\(info.st_mtimespec.tv_nsec)"
        #else
        let modified = "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        #endif
        let tag = "s-\(info.st_ino)-\(info.st_size)-\(modified)"
        let type = ContentType.of(key)
        if request.method == .HEAD || matches(request, tag: tag) {
            return ok(Data(), type: type, tag: tag, request: request, length: Int(info.st_size))
        }
        guard let data = try? handle.readToEnd() ?? Data() else { return nil }
        return ok(data, type: type, tag: tag, request: request)
    }

    private func notFound(_ snapshot: SiteSnapshot, head: Bool) -> HTTPResponse {
        guard case .bytes(let page, _)? = snapshot.entries["404.html"] else {
            return text(.notFound, "Not found.\n", head: head)
        }
        let body = LiveReloadScript.inject(into: page, build: snapshot.build)
        return respond(.notFound, body: body, type: ContentType.of("404.html"), tag: nil, head: head)
    }

    /// Before the first successful build there is nothing to serve: show why, and reload by
    /// itself once the site builds.
    private func noSite(head: Bool) -> HTTPResponse {
        let failure = rebuilder.hub.currentFailure
        let items = (failure?.diagnostics ?? ["The site is being built."]).map { "<li>\(Escape.xml($0))</li>" }
        let html = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>dossier serve: no site yet</title></head>
        <body><h1>The site does not build yet</h1><ul>\(items.joined())</ul>
        <p>Fix the files and save: this page reloads by itself.</p></body></html>
        """
        let body = LiveReloadScript.inject(into: Data(html.utf8), build: "none")
        return respond(.serviceUnavailable, body: body, type: ContentType.of("x.html"), tag: nil, head: head)
    }

    private func events(head: Bool) -> HTTPResponse {
        let headers: HTTPHeaders = [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-cache",
            HTTPHeader("X-Accel-Buffering"): "no",
        ]
        if head { return HTTPResponse(statusCode: .ok, headers: headers) }
        return HTTPResponse(statusCode: .ok, headers: headers,
                            body: HTTPBodySequence(from: rebuilder.hub.subscribe(), suggestedBufferSize: 16_384))
    }

    private func matches(_ request: HTTPRequest, tag: String) -> Bool {
        guard let header = request.headers[.ifNoneMatch] else { return false }
        return header.split(separator: ",").contains { candidate in
            var value = candidate.trimmingCharacters(in: .whitespaces)
            if value == "*" { return true }
            if value.hasPrefix("W/") { value.removeFirst(2) }  // If-None-Match compares weakly
            return value == "\"\(tag)\""
        }
    }

    private func ok(_ body: Data, type: String, tag: String, request: HTTPRequest, length: Int? = nil) -> HTTPResponse {
        if matches(request, tag: tag) {
            let headers: HTTPHeaders = [.eTag: "\"\(tag)\"", .cacheControl: "no-cache"]
            return HTTPResponse(statusCode: .notModified, headers: headers)
        }
        var response = respond(.ok, body: body, type: type, tag: tag, head: request.method == .HEAD)
        if let length { response.headers[.contentLength] = String(length) }
        return response
    }

    private func text(_ status: HTTPStatusCode, _ message: String, head: Bool) -> HTTPResponse {
        respond(status, body: Data(message.utf8), type: "text/plain; charset=utf-8", tag: nil, head: head)
    }

    /// `no-cache` makes the browser revalidate every time (cheap with the ETag), so a rebuilt
    /// page is never hidden behind a cached one.
    private func respond(_ status: HTTPStatusCode, body: Data, type: String, tag: String?, head: Bool) -> HTTPResponse {
        var headers: HTTPHeaders = [
            .contentType: type,
            .cacheControl: "no-cache",
            HTTPHeader("X-Content-Type-Options"): "nosniff",
        ]
        if let tag { headers[.eTag] = "\"\(tag)\"" }
        guard head else { return HTTPResponse(statusCode: status, headers: headers, body: body) }
        headers[.contentLength] = String(body.count)  // what GET would send; the body stays empty
        return HTTPResponse(statusCode: status, headers: headers, body: Data())
    }
}
