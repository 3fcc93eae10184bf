import XCTest
@testable import TLS

final class TLSContextTests: TLSTestCase {
    func testLoadsWithAndWithoutClientCA() throws {
        XCTAssertTrue(try serverContext(requireClientCertificate: true).requiresClientCertificate)
        XCTAssertFalse(try serverContext(requireClientCertificate: false).requiresClientCertificate)
    }

    func testMissingCertificateFileIsReported() throws {
        let pki = try pki()
        XCTAssertThrowsError(try TLSContext(configuration: TLSConfiguration(
            certificateChainPath: pki.path("missing.crt"), privateKeyPath: pki.path("server.key")))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("loading certificate chain"), text)
            XCTAssertTrue(text.contains("missing.crt"), text)
        }
    }

    func testKeyNotMatchingCertificateIsReported() throws {
        let pki = try pki()
        XCTAssertThrowsError(try TLSContext(configuration: TLSConfiguration(
            certificateChainPath: pki.path("server.crt"), privateKeyPath: pki.path("client-seid2.key")))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("private key"), text)
        }
    }

    func testMissingClientCAIsReported() throws {
        let pki = try pki()
        XCTAssertThrowsError(try TLSContext(configuration: TLSConfiguration(
            certificateChainPath: pki.path("server.crt"), privateKeyPath: pki.path("server.key"),
            clientCAPath: pki.path("missing-ca.crt")))) { error in
            XCTAssertTrue("\(error)".contains("client CA"), "\(error)")
        }
    }
}
