import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A response as it came off the wire. Header names are lower-cased.
struct Reply {
    var status: Int
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum RawHTTPError: Error {
    case connect(Int32), timeout, closed, malformed(String)
}

/// A tiny blocking HTTP/1.1 client on a POSIX socket. Tests need what URLSession would not
/// send: raw request targets (`/..%5c`, a bare backslash), any Host header, keep-alive control.
final class RawConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16, timeout: TimeInterval = 15) throws {
        #if os(Linux)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw RawHTTPError.connect(errno) }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let error = errno
            close(fd)
            throw RawHTTPError.connect(error)
        }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { rawSend(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw RawHTTPError.closed }
            sent += count
        }
    }

    /// Sends one request. `host: nil` leaves the Host header out.
    func request(_ target: String, method: String = "GET", host: String?, headers: [String: String] = [:],
                 close: Bool = false) throws {
        var text = "\(method) \(target) HTTP/1.1\r\n"
        if let host { text += "Host: \(host)\r\n" }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        if close { text += "Connection: close\r\n" }
        try send(text + "\r\n")
    }

    /// Reads one complete response: by Content-Length, chunked, or (when neither) to the end.
    func readReply(head: Bool = false) throws -> Reply {
        var reply = try readHead()
        if head || reply.status == 304 || reply.status == 204 { return reply }
        if let length = reply.headers["content-length"].flatMap(Int.init) {
            reply.body = Data(try read(length))
        } else if reply.headers["transfer-encoding"]?.lowercased() == "chunked" {
            var body: [UInt8] = []
            while let chunk = try readChunk() { body += chunk }
            reply.body = Data(body)
        } else {
            while (try? fill()) != nil {}
            reply.body = Data(buffer)
            buffer = []
        }
        return reply
    }

    /// Status line and headers only (for streams).
    func readHead() throws -> Reply {
        let status = try readLine()
        let parts = status.split(separator: " ")
        guard parts.count >= 2, let code = Int(parts[1]) else { throw RawHTTPError.malformed(status) }
        var headers: [String: String] = [:]
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw RawHTTPError.malformed(line) }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Reply(status: code, headers: headers, body: Data())
    }

    /// One chunk of a chunked body; nil after the last one.
    func readChunk() throws -> [UInt8]? {
        let sizeLine = try readLine()
        guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw RawHTTPError.malformed(sizeLine) }
        if size == 0 {
            _ = try readLine()
            return nil
        }
        let data = try read(size)
        _ = try readLine()
        return data
    }

    private func readLine() throws -> String {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<end])
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                buffer.removeFirst(end + 1)
                return String(decoding: line, as: UTF8.self)
            }
            try fill()
        }
    }

    private func read(_ count: Int) throws -> [UInt8] {
        while buffer.count < count { try fill() }
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = recv(fd, &chunk, chunk.count, 0)
        if count == 0 { throw RawHTTPError.closed }
        if count < 0 { throw errno == EAGAIN || errno == EWOULDBLOCK ? RawHTTPError.timeout : RawHTTPError.closed }
        buffer += chunk[..<count]
    }
}

private func rawSend(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    #if os(Linux)
    Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL))
    #else
    Darwin.send(fd, bytes, count, 0)
    #endif
}

/// Reads server-sent events off a connection already past the response head.
final class EventReader {
    private let connection: RawConnection
    private var text = ""

    init(_ connection: RawConnection) { self.connection = connection }

    /// The next event as (name, data); comments (`: ping`) are skipped.
    func next() throws -> (event: String, data: String) {
        while true {
            if let range = text.range(of: "\n\n") {
                let block = String(text[..<range.lowerBound])
                text.removeSubrange(..<range.upperBound)
                var event = "message"
                var data: [String] = []
                for line in block.split(separator: "\n") {
                    if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
                }
                if data.isEmpty && event == "message" { continue }
                return (event, data.joined(separator: "\n"))
            }
            guard let chunk = try connection.readChunk() else { throw RawHTTPError.closed }
            text += String(decoding: chunk, as: UTF8.self)
        }
    }

    /// Skips events until one named `name` arrives (or the read times out).
    func next(named name: String) throws -> String {
        while true {
            let event = try next()
            if event.event == name { return event.data }
        }
    }
}
