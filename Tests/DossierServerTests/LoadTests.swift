@testable import DossierServer
import Foundation
import XCTest

final class LoadTests: XCTestCase {
    /// 500 requests over 50 keep-alive connections while a rebuild swaps the snapshot: every
    /// response is a complete 200 whose body is exactly the old page or exactly the new one.
    func testEveryResponseIsWhollyTheOldOrTheNewSiteDuringARebuild() throws {
        var files = PreviewFixture.defaultSite
        for index in 0..<40 {  // enough pages that a rebuild takes a while
            files["Content/briefings/2015-03-\(String(format: "%02d", index % 28 + 1))-filler-\(index).md"] =
                briefing("Filler \(index)", date: "2015-03-\(String(format: "%02d", index % 28 + 1))",
                         body: String(repeating: "Some filler text for briefing \(index). ", count: 50))
        }
        let site = try PreviewFixture(files)
        try site.start()
        let target = "/briefings/first/"
        let old = try site.get(target).body
        try site.write("Content/briefings/2017-06-22-first.md", briefing("First briefing", body: "The new body."))

        let connections = 50
        let perConnection = 10
        let results = Locked<[(status: Int, body: Data)]>([])
        let failures = Locked<[String]>([])
        let answered = Locked(0)
        let group = DispatchGroup()
        let port = site.port
        let host = site.host
        for _ in 0..<connections {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let connection = try RawConnection(port: port)
                    for _ in 0..<perConnection {
                        try connection.request(target, host: host)
                        let reply = try connection.readReply()
                        results.withLock { $0.append((reply.status, reply.body)) }
                        answered.withLock { $0 += 1 }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        // Start the rebuild once the load is under way, so the swap happens mid-stream.
        try site.waitUntil("the first responses", timeout: 30) { answered.current >= connections }
        let outcome = try blocking { [server = site.server!] in await server.rebuild() }
        XCTAssertTrue(outcome.succeeded)
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)

        let new = try site.get(target).body
        XCTAssertNotEqual(old, new)
        XCTAssertEqual(failures.current, [])
        let all = results.current
        XCTAssertEqual(all.count, connections * perConnection)
        XCTAssertTrue(all.allSatisfy { $0.status == 200 }, "statuses: \(Set(all.map(\.status)))")
        let mixed = all.filter { $0.body != old && $0.body != new }
        XCTAssertEqual(mixed.count, 0, "responses that are neither the old nor the new page")
        let olds = all.filter { $0.body == old }.count
        print("load: \(olds) old, \(all.count - olds) new of \(all.count); rebuild took \(Int(outcome.seconds * 1000)) ms")
    }
}
