import FlyingSocks
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The address `dossier serve` listens on. Only IP literals and `localhost` are accepted, so
/// what is printed, what is bound and what the Host check allows are the same thing.
struct BindAddress: Sendable {
    enum Family: Sendable { case ip4, ip6 }
    /// Canonical text form ("127.0.0.1", "::1").
    let ip: String
    let family: Family

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    init(_ host: String) throws {
        var text = host.trimmingCharacters(in: .whitespaces).lowercased()
        if text == "localhost" { text = "127.0.0.1" }
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let ip = Self.canonical(text, family: AF_INET) {
            (self.ip, family) = (ip, .ip4)
        } else if let ip = Self.canonical(text, family: AF_INET6) {
            (self.ip, family) = (ip, .ip6)
        } else {
            throw Invalid(description: "--host must be an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1) or localhost, not '\(host)'")
        }
    }

    /// inet_pton then inet_ntop: validates and gives the one canonical spelling.
    static func canonical(_ text: String, family: Int32) -> String? {
        var storage = [UInt8](repeating: 0, count: 16)
        guard inet_pton(family, text, &storage) == 1 else { return nil }
        var output = [CChar](repeating: 0, count: 64)
        guard inet_ntop(family, storage, &output, socklen_t(output.count)) != nil else { return nil }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    var isLoopback: Bool { family == .ip4 ? ip.hasPrefix("127.") : ip == "::1" }
    var isWildcard: Bool { ip == "0.0.0.0" || ip == "::" }

    /// The host as it appears in a URL, e.g. for the printed address and the base URL. A
    /// wildcard address is not reachable by that name, so loopback stands in for it.
    var urlHost: String {
        switch (family, isWildcard) {
        case (.ip4, true): "127.0.0.1"
        case (.ip6, true): "[::1]"
        case (.ip4, false): ip
        case (.ip6, false): "[\(ip)]"
        }
    }

    func socketAddress(port: UInt16) throws -> any SocketAddress {
        switch family {
        case .ip4: try sockaddr_in.inet(ip4: ip, port: port)
        case .ip6: try sockaddr_in6.inet6(ip6: ip, port: port)
        }
    }
}

/// DNS-rebinding protection: a page on evil.example whose name is re-pointed at 127.0.0.1
/// reaches this server with `Host: evil.example:PORT`. Only names that cannot be re-pointed are
/// accepted — IP literals and `localhost` — and only with the right port.
struct HostPolicy: Sendable {
    let bound: BindAddress
    let port: UInt16

    func allows(_ header: String?) -> Bool {
        guard let header, let (host, port) = Self.split(header.lowercased()) else { return false }
        guard port == self.port else { return false }
        let isLoopbackName = host == "localhost" || host == "localhost."
        let literal = BindAddress.canonical(host, family: AF_INET).map { (ip: $0, family: BindAddress.Family.ip4) }
            ?? BindAddress.canonical(host, family: AF_INET6).map { (ip: $0, family: BindAddress.Family.ip6) }
        if bound.isWildcard {
            // Any interface may be the one the request came in on.
            return isLoopbackName || literal != nil
        }
        if bound.isLoopback {
            if isLoopbackName { return true }
            guard let literal else { return false }
            return literal.ip == bound.ip || literal.ip == "::1" || literal.ip.hasPrefix("127.")
        }
        return literal?.ip == bound.ip
    }

    /// "host:port", "[v6]:port" or a bare host (port 80). Nil when malformed.
    static func split(_ header: String) -> (host: String, port: UInt16)? {
        let text = header.trimmingCharacters(in: .whitespaces)
        var host = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { return nil }
                portText = rest.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return nil }  // an unbracketed IPv6 literal is ambiguous
        }
        guard !host.isEmpty else { return nil }
        guard let portText else { return (host, 80) }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber),
              let port = UInt16(portText) else { return nil }
        return (host, port)
    }
}
