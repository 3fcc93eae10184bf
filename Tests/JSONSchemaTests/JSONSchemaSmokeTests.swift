import XCTest
@testable import JSONSchema

final class JSONSchemaSmokeTests: XCTestCase {
    func testModuleLoads() {}
}
