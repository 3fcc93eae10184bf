import COpenSSL
import CShims

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The non-blocking state machine over one `SSL*`, shared by the server and client sessions.
///
/// Every I/O call clears the thread's OpenSSL error queue first and drains it on failure, so
/// stale errors from another connection that ran on the same (reused) thread cannot change what
/// `SSL_get_error` reports. No allocation on the success and want-read/want-write paths.
struct SSLStream {
    /// `SSL*`, owned by the session that holds this stream (freed in its deinit).
    let ssl: OpaquePointer
    /// False after a fatal error or an EOF without close_notify: OpenSSL forbids SSL_shutdown then.
    private(set) var mayShutdown = true
    private var shutdownSent = false

    init(ssl: OpaquePointer) {
        self.ssl = ssl
    }

    /// Gives the SSL its socket: a socket BIO that writes with MSG_NOSIGNAL (no SIGPIPE).
    static func attach(_ ssl: OpaquePointer, to fileDescriptor: Int32) -> Bool {
        kb_SSL_set_fd_nosigpipe(ssl, fileDescriptor) == 1
    }

    mutating func handshake() -> TLSSession.HandshakeResult {
        ERR_clear_error()
        let ret = SSL_do_handshake(ssl)
        if ret == 1 { return .complete }
        let savedErrno = errno
        switch classify(ret, savedErrno) {
        case .wantRead: return .wantRead
        case .wantWrite: return .wantWrite
        case .closed:
            return .failed(TLSError("handshake", detail: "connection closed by peer"))
        case .failed:
            return .failed(TLSError("handshake", detail: verifyFailure(), systemErrno: savedErrno))
        }
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSSession.IOResult {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            return .failed(TLSError("read", detail: "empty buffer"))
        }
        ERR_clear_error()
        var count = 0
        if SSL_read_ex(ssl, base, buffer.count, &count) == 1 { return .bytes(count) }
        let savedErrno = errno
        switch classify(0, savedErrno) {
        case .wantRead: return .wantRead
        case .wantWrite: return .wantWrite
        case .closed: return .closed
        case .failed: return .failed(TLSError("read", detail: verifyFailure(), systemErrno: savedErrno))
        }
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) -> TLSSession.IOResult {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            return .failed(TLSError("write", detail: "empty buffer"))
        }
        ERR_clear_error()
        var count = 0
        if SSL_write_ex(ssl, base, bytes.count, &count) == 1 { return .bytes(count) }
        let savedErrno = errno
        switch classify(0, savedErrno) {
        case .wantRead: return .wantRead
        case .wantWrite: return .wantWrite
        case .closed: return .closed
        case .failed: return .failed(TLSError("write", systemErrno: savedErrno))
        }
    }

    /// Sends close_notify once, if the connection is in a state that allows it. Never blocks and
    /// never waits for the peer's close_notify: if the socket buffer is full, it is skipped.
    mutating func shutdown() {
        guard mayShutdown, !shutdownSent, SSL_is_init_finished(ssl) == 1 else { return }
        shutdownSent = true
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    /// Frees the SSL. A connection that ended without a fatal error — including one closed on an
    /// idle timeout without close_notify — is first marked as shut down, as nginx does: otherwise
    /// SSL_free treats it as broken and evicts its session from the server's cache, and TLS 1.2
    /// clients could no longer resume by session ID. Fatal errors evict the session themselves.
    func free() {
        if mayShutdown && SSL_is_init_finished(ssl) == 1 {
            SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN)
        }
        SSL_free(ssl)
    }

    var hasBufferedPlaintext: Bool { SSL_pending(ssl) > 0 }

    var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    var sessionReused: Bool { SSL_session_reused(ssl) == 1 }

    private enum Outcome { case wantRead, wantWrite, closed, failed }

    /// Maps `SSL_get_error`. Leaves the error queue in place for ``TLSError`` to drain, except on
    /// the EOF paths, which are not errors for the caller.
    private mutating func classify(_ ret: Int32, _ savedErrno: Int32) -> Outcome {
        switch SSL_get_error(ssl, ret) {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_WANT_WRITE:
            return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            return .closed  // close_notify received; we may still answer with ours
        case SSL_ERROR_SYSCALL:
            mayShutdown = false
            if ERR_peek_error() == 0 && savedErrno == 0 {
                return .closed  // EOF without close_notify
            }
            return .failed
        case SSL_ERROR_SSL:
            mayShutdown = false
            // Without SSL_OP_IGNORE_UNEXPECTED_EOF (the server context sets it, the client's does
            // not), OpenSSL 3 reports EOF without close_notify as this error.
            let code = ERR_peek_last_error()
            if kb_ERR_GET_LIB(code) == ERR_LIB_SSL && kb_ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING {
                ERR_clear_error()
                return .closed
            }
            return .failed
        default:
            mayShutdown = false
            return .failed
        }
    }

    /// The certificate verification failure, if that is why the handshake failed.
    private func verifyFailure() -> String? {
        let result = SSL_get_verify_result(ssl)
        guard result != Int(X509_V_OK) else { return nil }
        return "client certificate rejected: " + String(cString: X509_verify_cert_error_string(result))
    }
}
