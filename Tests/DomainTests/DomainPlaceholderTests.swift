import XCTest
@testable import Domain
