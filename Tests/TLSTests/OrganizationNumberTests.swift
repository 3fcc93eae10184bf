import XCTest
@testable import TLS

final class OrganizationNumberTests: XCTestCase {
    func testValidNumbers() {
        // Brønnøysundregistrene, and synthetic numbers used by the test PKI.
        for number in ["974760673", "123456785", "987654325"] {
            XCTAssertTrue(OrganizationNumber.isValid(number), number)
        }
    }

    func testWrongCheckDigit() {
        XCTAssertFalse(OrganizationNumber.isValid("123456789"))
        XCTAssertFalse(OrganizationNumber.isValid("974760674"))
    }

    /// Remainder 0 means check digit 0 (not 11).
    func testRemainderZeroGivesCheckDigitZero() {
        let number = firstNumber(withRemainder: 0)
        XCTAssertEqual(number.last, "0")
        XCTAssertTrue(OrganizationNumber.isValid(number), number)
        for digit in "123456789" {
            XCTAssertFalse(OrganizationNumber.isValid(String(number.dropLast()) + String(digit)))
        }
    }

    /// Remainder 1 would need check digit 10: no such number exists.
    func testRemainderOneIsNeverValid() {
        let number = firstNumber(withRemainder: 1)
        for digit in "0123456789" {
            XCTAssertFalse(OrganizationNumber.isValid(String(number.dropLast()) + String(digit)))
        }
    }

    func testShapeIsExactlyNineASCIIDigits() {
        for candidate in ["", "97476067", "9747606730", " 974760673", "974760673 ", "974 760 673",
                          "97476067a", "９７４７６０６７３", "-74760673", "+74760673"] {
            XCTAssertFalse(OrganizationNumber.isValid(candidate), candidate)
        }
        XCTAssertTrue(OrganizationNumber.isValid("974760673"[...]))
    }

    // MARK: claims in a certificate subject

    func testOldProfileSerialNumber() {
        XCTAssertEqual(OrganizationNumber.fromSubject(serialNumbers: ["974760673"], organizationIdentifiers: []),
                       "974760673")
    }

    func testSEID2OrganizationIdentifier() {
        XCTAssertEqual(
            OrganizationNumber.fromSubject(serialNumbers: [], organizationIdentifiers: ["NTRNO-974760673"]),
            "974760673")
    }

    func testAgreeingFields() {
        XCTAssertEqual(
            OrganizationNumber.fromSubject(serialNumbers: ["974760673"], organizationIdentifiers: ["NTRNO-974760673"]),
            "974760673")
    }

    func testDisagreeingFieldsGiveNil() {
        XCTAssertNil(OrganizationNumber.fromSubject(
            serialNumbers: ["123456785"], organizationIdentifiers: ["NTRNO-974760673"]))
        XCTAssertNil(OrganizationNumber.fromSubject(serialNumbers: ["123456785", "974760673"], organizationIdentifiers: []))
        // A serialNumber that is not an organisation number still disagrees.
        XCTAssertNil(OrganizationNumber.fromSubject(
            serialNumbers: ["UN:NO-9578-4050-127091783"], organizationIdentifiers: ["NTRNO-974760673"]))
    }

    func testInvalidOrMissingNumbers() {
        XCTAssertNil(OrganizationNumber.fromSubject(serialNumbers: [], organizationIdentifiers: []))
        XCTAssertNil(OrganizationNumber.fromSubject(serialNumbers: ["123456789"], organizationIdentifiers: []))
        XCTAssertNil(OrganizationNumber.fromSubject(serialNumbers: [], organizationIdentifiers: ["NTRNO-123456789"]))
        XCTAssertNil(OrganizationNumber.fromSubject(serialNumbers: [], organizationIdentifiers: ["NTRNO-"]))
        XCTAssertNil(OrganizationNumber.fromSubject(serialNumbers: [], organizationIdentifiers: ["ntrno-974760673"]))
    }

    func testOtherOrganizationIdentifierSchemesAreIgnored() {
        XCTAssertNil(OrganizationNumber.fromSubject(serialNumbers: [], organizationIdentifiers: ["VATNO-974760673MVA"]))
        XCTAssertEqual(
            OrganizationNumber.fromSubject(serialNumbers: ["974760673"], organizationIdentifiers: ["LEIXG-5493001KJTIIGC8Y1R12"]),
            "974760673")
    }

    /// The first nine-digit number (by the first eight digits) whose weighted sum has the given
    /// remainder, with check digit 0; found by search so the test does not depend on hand arithmetic.
    private func firstNumber(withRemainder remainder: Int) -> String {
        let weights = [3, 2, 7, 6, 5, 4, 3, 2]
        for value in 10_000_000..<100_000_000 {
            let digits = String(value).compactMap { $0.wholeNumberValue }
            let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
            if sum % 11 == remainder { return String(value) + "0" }
        }
        fatalError("unreachable")
    }
}
