import XCTest
@testable import API
