import XCTest
@testable import DossierServer

final class PlaceholderTests: XCTestCase {
    func testModuleLoads() {
        XCTAssertNotNil(PreviewServer.self)
    }
}
