import COpenSSL
import CShims

/// The client side, for tests, probes and benchmarks (the server never dials out over TLS).
/// Same non-blocking contract as ``TLSSession``.
///
/// `@unchecked Sendable` for the same reason as ``TLSContext``: configured in `init`, then only read.
public final class TLSClientContext: @unchecked Sendable {
    let context: OpaquePointer

    public enum ProtocolVersion: Sendable {
        case tls12, tls13
        var openSSLValue: Int32 { self == .tls12 ? TLS1_2_VERSION : TLS1_3_VERSION }
    }

    /// - Parameters:
    ///   - trustedCAPath: PEM bundle the server certificate must verify against; nil skips
    ///     verification of the server (tests only).
    ///   - certificateChainPath, privateKeyPath: the client certificate to present, if any.
    ///   - maximumVersion: the highest protocol version offered.
    ///   - offersSessionTickets: false makes TLS 1.2 resumption use session IDs, i.e. the
    ///     server's session cache, instead of tickets.
    public init(trustedCAPath: String?, certificateChainPath: String? = nil, privateKeyPath: String? = nil,
                maximumVersion: ProtocolVersion = .tls13, offersSessionTickets: Bool = true) throws(TLSError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw TLSError("SSL_CTX_new") }
        func fail(_ operation: String) -> TLSError {
            let error = TLSError(operation)
            SSL_CTX_free(context)
            return error
        }
        guard kb_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1,
              kb_SSL_CTX_set_max_proto_version(context, maximumVersion.openSSLValue) == 1 else {
            throw fail("setting protocol versions")
        }
        _ = kb_SSL_CTX_set_mode(
            context,
            Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS))
        if !offersSessionTickets {
            _ = SSL_CTX_set_options(context, kb_SSL_OP_NO_TICKET())
        }
        if let trustedCAPath {
            guard SSL_CTX_load_verify_locations(context, trustedCAPath, nil) == 1 else {
                throw fail("loading trusted CAs \(trustedCAPath)")
            }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        }
        if let certificateChainPath {
            guard SSL_CTX_use_certificate_chain_file(context, certificateChainPath) == 1 else {
                throw fail("loading client certificate \(certificateChainPath)")
            }
        }
        if let privateKeyPath {
            guard SSL_CTX_use_PrivateKey_file(context, privateKeyPath, SSL_FILETYPE_PEM) == 1,
                  SSL_CTX_check_private_key(context) == 1 else {
                throw fail("loading client key \(privateKeyPath)")
            }
        }
        ERR_clear_error()
        self.context = context
    }

    deinit {
        SSL_CTX_free(context)
    }
}

/// A session to resume: taken from a finished client connection, offered by the next one.
public final class TLSResumptionTicket: @unchecked Sendable {
    /// `SSL_SESSION*`, owned; immutable once taken (OpenSSL treats resumable sessions as read-only).
    let session: OpaquePointer

    init(session: OpaquePointer) { self.session = session }

    deinit { SSL_SESSION_free(session) }
}

/// One client connection. Not thread-safe; never blocks.
public final class TLSClientSession {
    private var stream: SSLStream

    /// - Parameters:
    ///   - serverName: sent as SNI and checked against the server certificate (when the context verifies).
    ///   - resuming: a ticket from an earlier connection to the same server.
    public init(context: TLSClientContext, fileDescriptor: Int32, serverName: String? = nil,
                resuming ticket: TLSResumptionTicket? = nil) throws(TLSError) {
        ERR_clear_error()
        guard let ssl = SSL_new(context.context) else { throw TLSError("SSL_new") }
        func fail(_ operation: String) -> TLSError {
            let error = TLSError(operation)
            SSL_free(ssl)
            return error
        }
        guard SSLStream.attach(ssl, to: fileDescriptor) else { throw fail("attaching socket") }
        if let serverName {
            guard kb_SSL_set_tlsext_host_name(ssl, serverName) == 1,
                  SSL_set1_host(ssl, serverName) == 1 else { throw fail("setting server name") }
        }
        if let ticket {
            guard SSL_set_session(ssl, ticket.session) == 1 else { throw fail("SSL_set_session") }
        }
        SSL_set_connect_state(ssl)
        stream = SSLStream(ssl: ssl)
    }

    deinit {
        stream.free()
    }

    public func handshake() -> TLSSession.HandshakeResult { stream.handshake() }
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSSession.IOResult { stream.read(into: buffer) }
    public func write(_ bytes: UnsafeRawBufferPointer) -> TLSSession.IOResult { stream.write(bytes) }
    public var hasBufferedPlaintext: Bool { stream.hasBufferedPlaintext }
    public func shutdown() { stream.shutdown() }
    public var protocolVersion: String { stream.protocolVersion }
    public var sessionReused: Bool { stream.sessionReused }

    /// A ticket to resume this session later, once the server has sent one (in TLS 1.3 tickets
    /// arrive after the handshake, so read at least once first). Nil when not resumable.
    public func resumptionTicket() -> TLSResumptionTicket? {
        guard let session = SSL_get1_session(stream.ssl) else { return nil }
        guard SSL_SESSION_is_resumable(session) == 1 else {
            SSL_SESSION_free(session)
            return nil
        }
        return TLSResumptionTicket(session: session)
    }
}

/// Confined to one thread or queue: never Sendable.
@available(*, unavailable)
extension TLSClientSession: Sendable {}
