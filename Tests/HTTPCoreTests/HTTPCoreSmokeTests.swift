import XCTest
@testable import HTTPCore

final class HTTPCoreSmokeTests: XCTestCase {
    func testModuleLoads() {}
}
