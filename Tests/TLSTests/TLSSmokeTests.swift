import XCTest
@testable import TLS

final class TLSSmokeTests: XCTestCase {
    func testModuleLoads() {}
}
