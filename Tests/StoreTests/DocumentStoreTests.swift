import Foundation
import XCTest
@testable import Store

final class DocumentStoreTests: XCTestCase {
    private var directory: String!
    private var store: DocumentStore!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory(self) + "/documents"
        store = try DocumentStore(directory: directory, defaultMaxBytes: 4 << 20)
    }

    override func tearDown() {
        store = nil
    }

    private func randomBytes(_ count: Int, prefix: [UInt8] = Array("%PDF-1.7\n".utf8)) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = prefix
        bytes.reserveCapacity(count)
        while bytes.count < count { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
        return bytes
    }

    /// SHA-512 by the system's `sha512sum`, independent of the code under test.
    private func sha512sum(_ bytes: [UInt8]) throws -> String {
        let path = try makeTemporaryDirectory(self) + "/reference.bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha512sum", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(128))
    }

    private func temporaryFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(".upload-") }
    }

    private func readAll(_ reader: DocumentReader, pieceSize: Int) throws -> [UInt8] {
        var content: [UInt8] = []
        while true {
            let piece = try reader.read(maxBytes: pieceSize)
            if piece.isEmpty { return content }
            XCTAssertLessThanOrEqual(piece.count, pieceSize)
            content += piece
        }
    }

    func testALargeUploadInSmallPiecesMatchesAnIndependentSHA512() throws {
        let content = randomBytes(3 * 1024 * 1024 + 17)
        let upload = try store.beginUpload()
        var offset = 0
        while offset < content.count {
            let end = min(offset + 1000, content.count)
            try content[offset..<end].withUnsafeBytes { try upload.write($0) }
            offset = end
        }
        XCTAssertEqual(upload.size, content.count)
        let stored = try upload.finish()
        XCTAssertEqual(stored.sha512, try sha512sum(content))
        XCTAssertEqual(stored.size, content.count)
        XCTAssertEqual(stored.sniffedMediaType, .pdf)

        let filePath = directory + "/sha512/" + stored.sha512.prefix(2) + "/" + stored.sha512.dropFirst(2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: filePath), "content-addressed layout")
        XCTAssertEqual(try store.size(sha512: stored.sha512), content.count)
        XCTAssertTrue(try store.exists(sha512: stored.sha512))
        XCTAssertEqual(try temporaryFiles(), [], "the temporary file is gone after finish")

        let reader = try store.open(sha512: stored.sha512)
        XCTAssertEqual(reader.size, content.count)
        XCTAssertEqual(try readAll(reader, pieceSize: 64 * 1024), content)
    }

    func testSniffsTheTypeFromContentEvenWhenTheSignatureIsSplit() throws {
        let cases: [([UInt8], DocumentMediaType)] = [
            (Array("%PDF-1.4 body".utf8), .pdf),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], .png),
            ([0xFF, 0xD8, 0xFF, 0xE0, 0, 16], .jpeg),
            (Array("<html>%PDF-".utf8), .unknown),
            ([0x89, 0x50, 0x4E, 0x47], .unknown),
            ([], .unknown),
        ]
        for (content, expected) in cases {
            let upload = try store.beginUpload()
            for byte in content { try upload.write([byte]) }  // one byte per piece
            XCTAssertEqual(try upload.finish().sniffedMediaType, expected, "\(content)")
        }
    }

    func testPassingTheLimitThrowsAndLeavesNothing() throws {
        let upload = try store.beginUpload(maxBytes: 10_000)
        try upload.write(randomBytes(6_000))
        XCTAssertThrowsError(try upload.write(randomBytes(4_001, prefix: []))) { error in
            XCTAssertEqual(error as? DocumentStoreError, .tooLarge(limit: 10_000))
            XCTAssertTrue("\(error)".contains("10000 bytes"))
        }
        XCTAssertEqual(try temporaryFiles(), [], "the partial file was removed at once")
        XCTAssertThrowsError(try upload.write([1])) { XCTAssertEqual($0 as? DocumentStoreError, .uploadClosed) }
        XCTAssertThrowsError(try upload.finish()) { XCTAssertEqual($0 as? DocumentStoreError, .uploadClosed) }

        let exact = try store.beginUpload(maxBytes: 10_000)
        try exact.write(randomBytes(10_000))
        XCTAssertEqual(try exact.finish().size, 10_000, "exactly the limit is allowed")
    }

    func testTheSameContentIsStoredOnce() throws {
        let content = randomBytes(50_000)
        let first = try store.beginUpload()
        try first.write(content)
        let second = try store.beginUpload()
        try second.write(content)
        let stored = try first.finish()
        XCTAssertEqual(try second.finish(), stored)
        let fanOut = directory + "/sha512/" + stored.sha512.prefix(2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fanOut), [String(stored.sha512.dropFirst(2))])
        XCTAssertEqual(try temporaryFiles(), [])
        XCTAssertEqual(try readAll(store.open(sha512: stored.sha512), pieceSize: 7_000), content)
    }

    func testAbortAndDroppingAnUploadRemoveTheTemporaryFile() throws {
        let aborted = try store.beginUpload()
        try aborted.write(randomBytes(1_000))
        XCTAssertEqual(try temporaryFiles().count, 1)
        aborted.abort()
        XCTAssertEqual(try temporaryFiles(), [])
        aborted.abort()  // harmless twice

        do {
            let dropped = try store.beginUpload()
            try dropped.write(randomBytes(1_000))
        }
        XCTAssertEqual(try temporaryFiles(), [])
    }

    func testLeftoverUploadsFromACrashAreRemovedAtStartup() throws {
        let leftover = directory + "/.upload-crashed.tmp"
        XCTAssertTrue(FileManager.default.createFile(atPath: leftover, contents: Data([1, 2, 3])))
        let unrelated = directory + "/keep.txt"
        XCTAssertTrue(FileManager.default.createFile(atPath: unrelated, contents: Data([4])))
        let reopened = try DocumentStore(directory: directory)
        XCTAssertEqual(reopened.leftoverUploadsRemoved, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: leftover))
        XCTAssertTrue(FileManager.default.fileExists(atPath: unrelated))
    }

    func testDigestsAreCheckedBeforeTheyNameAPath() throws {
        for bad in ["../../etc/passwd", String(repeating: "A", count: 128), String(repeating: "a", count: 127), ""] {
            XCTAssertThrowsError(try store.open(sha512: bad)) { error in
                XCTAssertEqual(error as? DocumentStoreError, .invalidDigest(bad))
            }
            XCTAssertThrowsError(try store.exists(sha512: bad))
        }
        let missing = String(repeating: "0", count: 128)
        XCTAssertFalse(try store.exists(sha512: missing))
        XCTAssertNil(try store.size(sha512: missing))
        XCTAssertThrowsError(try store.open(sha512: missing)) { error in
            XCTAssertEqual(error as? DocumentStoreError, .notFound(sha512: missing))
        }
    }

    func testReaderReadsIntoACallerBufferAndStopsAfterClose() throws {
        let upload = try store.beginUpload()
        try upload.write(Array("%PDF-abcdefghij".utf8))
        let stored = try upload.finish()
        let reader = try store.open(sha512: stored.sha512)
        var buffer = [UInt8](repeating: 0, count: 4)
        let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
        XCTAssertEqual(count, 4)
        XCTAssertEqual(buffer, Array("%PDF".utf8))
        reader.close()
        XCTAssertEqual(try reader.read(maxBytes: 100), [])
    }
}
