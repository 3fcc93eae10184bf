import COpenSSL
import CShims

/// The server side of one TLS connection over a non-blocking socket: a state machine the
/// connection code drives from its socket events.
///
/// Not thread-safe: confine each session to its connection's serial queue. It never blocks;
/// `wantRead`/`wantWrite` say which socket event to wait for before calling the same method again.
///
/// Driving it:
/// 1. `handshake()` until `.complete`. On `.wantRead` wait for readable, on `.wantWrite` wait for
///    writable, then call `handshake()` again. `.failed`: close the socket (no `shutdown()` needed).
///    In TLS 1.3 a rejected client certificate fails here, on the server, even though the client
///    believes its handshake finished.
/// 2. `read(into:)` on readable. `.bytes(n)`: consume them, then while `hasBufferedPlaintext`
///    read again without waiting (the socket will not signal for bytes OpenSSL already holds).
///    `.wantRead`: wait for readable. `.wantWrite`: wait for *writable*, then retry `read`.
///    `.closed`: the peer is done (close_notify or EOF).
/// 3. `write(_:)` returns how many bytes were taken (may be fewer than given: partial writes).
///    Advance past them and write the rest. `.wantWrite` (or rarely `.wantRead`): wait for that
///    event and call `write` again with the *same* remaining bytes (same content and at least the
///    same length; the address may change) — OpenSSL has already encrypted part of them.
/// 4. To close: `shutdown()` (best-effort close_notify), then `close(fd)`. Call `shutdown()` before
///    closing the descriptor, never after, or the alert could go to a socket that reused the number.
///    The session does not own the descriptor: `deinit` only frees OpenSSL state, it does no I/O.
public final class TLSSession {
    private var stream: SSLStream
    private let verifiesClient: Bool
    private var identity: PeerIdentity?
    private var identityLoaded = false

    public enum HandshakeResult {
        case complete, wantRead, wantWrite, failed(TLSError)
    }

    public enum IOResult {
        /// Bytes read into the buffer or taken from it; always > 0.
        case bytes(Int)
        case wantRead, wantWrite
        /// The peer sent close_notify, or closed the socket without it (EOF).
        case closed
        case failed(TLSError)
    }

    /// `fileDescriptor` must be a connected, non-blocking stream socket. It stays the caller's.
    public init(context: TLSContext, fileDescriptor: Int32) throws(TLSError) {
        ERR_clear_error()
        guard let ssl = SSL_new(context.context) else { throw TLSError("SSL_new") }
        guard SSLStream.attach(ssl, to: fileDescriptor) else {
            let error = TLSError("attaching socket \(fileDescriptor)")
            SSL_free(ssl)
            throw error
        }
        SSL_set_accept_state(ssl)
        stream = SSLStream(ssl: ssl)
        verifiesClient = context.requiresClientCertificate
    }

    deinit {
        stream.free()
    }

    public func handshake() -> HandshakeResult { stream.handshake() }

    public func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult { stream.read(into: buffer) }

    /// Partial writes are allowed: `.bytes(n)` may be fewer than `bytes.count`.
    public func write(_ bytes: UnsafeRawBufferPointer) -> IOResult { stream.write(bytes) }

    /// Plaintext that OpenSSL has already decrypted and the caller has not read (`SSL_pending > 0`):
    /// read again without waiting for a socket event.
    public var hasBufferedPlaintext: Bool { stream.hasBufferedPlaintext }

    /// Best-effort close_notify. Never blocks, never waits for the peer's; safe to call more than
    /// once and after failures (then it does nothing).
    public func shutdown() { stream.shutdown() }

    /// Who the client certificate says the caller is. Only after a completed handshake, and only
    /// when the context requires client certificates and the certificate verified; otherwise nil.
    public var peerIdentity: PeerIdentity? {
        if !identityLoaded {
            guard verifiesClient, SSL_is_init_finished(stream.ssl) == 1 else { return nil }
            identity = PeerIdentity.verified(from: stream.ssl)
            identityLoaded = true
        }
        return identity
    }

    /// The negotiated protocol, e.g. `"TLSv1.3"` or `"TLSv1.2"`.
    public var protocolVersion: String { stream.protocolVersion }

    /// Whether the handshake resumed an earlier session (ticket or session ID).
    public var sessionReused: Bool { stream.sessionReused }
}

/// Confined to one connection's queue: never Sendable.
@available(*, unavailable)
extension TLSSession: Sendable {}
