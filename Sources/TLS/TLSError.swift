import COpenSSL
import CShims

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TLS failure: what was being done, and what OpenSSL (or the kernel) said about it.
///
/// Made only on failure paths: building one drains the calling thread's OpenSSL error queue,
/// so a later call on the same thread (Dispatch reuses threads) does not see stale errors.
public struct TLSError: Error, Sendable, CustomStringConvertible {
    /// What failed, e.g. `"SSL_CTX_use_PrivateKey_file(server.key)"` or `"handshake"`.
    public var operation: String
    /// Extra context known at the call site, e.g. the certificate verification result.
    public var detail: String?
    /// OpenSSL's error queue at the time, oldest first, as `ERR_error_string_n` lines.
    public var openSSLErrors: [String]
    /// `errno` for system-call failures (`SSL_ERROR_SYSCALL`), otherwise 0.
    public var systemErrno: Int32

    init(_ operation: String, detail: String? = nil, systemErrno: Int32 = 0) {
        self.operation = operation
        self.detail = detail
        self.systemErrno = systemErrno
        self.openSSLErrors = TLSError.drainErrorQueue()
    }

    public var description: String {
        var text = "TLS: \(operation) failed"
        if let detail { text += ": \(detail)" }
        if systemErrno != 0 { text += " (errno \(systemErrno): \(String(cString: strerror(systemErrno))))" }
        if !openSSLErrors.isEmpty { text += " [" + openSSLErrors.joined(separator: "; ") + "]" }
        return text
    }

    /// Empties this thread's OpenSSL error queue and returns its entries, oldest first.
    static func drainErrorQueue() -> [String] {
        var lines: [String] = []
        var data: UnsafePointer<CChar>? = nil
        var flags: Int32 = 0
        while true {
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            var line = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer -> String in
                ERR_error_string_n(code, buffer.baseAddress, buffer.count)
                return String(cString: buffer.baseAddress!)
            }
            if let data, flags & ERR_TXT_STRING != 0, data.pointee != 0 {
                line += " (\(String(cString: data)))"
            }
            if lines.count < 16 { lines.append(line) }  // bound what a hostile peer can make us log
        }
        return lines
    }
}
