import COpenSSL
import CShims

/// The server's TLS settings, certificate and key, loaded once: one per server, shared by all
/// connections.
///
/// `@unchecked Sendable`: the wrapped `SSL_CTX` is fully configured inside `init` and never
/// changed afterwards (no setter touches it), and OpenSSL documents a configured `SSL_CTX` as safe
/// to use from many threads at once for `SSL_new`. Its internal session cache has its own lock.
public final class TLSContext: @unchecked Sendable {
    /// `SSL_CTX*`, owned.
    let context: OpaquePointer
    /// Whether a verified client certificate is required (a client CA bundle was configured).
    public let requiresClientCertificate: Bool

    /// Most TLS 1.2 sessions kept for session-ID resumption. Each can hold the client's parsed
    /// certificate (a few kB), so this bounds the cache's memory (tens of MB at most). TLS 1.3
    /// resumption uses stateless tickets and does not use the cache.
    static let sessionCacheSize = 8192

    public init(configuration: TLSConfiguration) throws(TLSError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw TLSError("SSL_CTX_new")
        }
        // Configure before self is complete; on failure free the context here.
        func fail(_ operation: String, detail: String? = nil) -> TLSError {
            let error = TLSError(operation, detail: detail)
            SSL_CTX_free(context)
            return error
        }

        guard kb_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1,
              kb_SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION) == 1 else {
            throw fail("setting protocol versions TLSv1.2...TLSv1.3")
        }
        // IGNORE_UNEXPECTED_EOF: a client that closes without close_notify (most do) reads as a
        // clean close instead of a fatal error that would also evict its session from the cache.
        // HTTP/1.1 requests are length-delimited, so close_notify adds no truncation protection here.
        _ = SSL_CTX_set_options(
            context,
            kb_SSL_OP_NO_COMPRESSION() | kb_SSL_OP_NO_RENEGOTIATION() | kb_SSL_OP_CIPHER_SERVER_PREFERENCE()
                | kb_SSL_OP_IGNORE_UNEXPECTED_EOF())
        // Partial writes: SSL_write returns after each record, so a large write cannot stall the
        // connection's queue. Moving buffer: a retried write may come from a different address
        // (the caller's buffer may have been reallocated), as long as the bytes are the same.
        // Release buffers: an idle connection holds no 16 kB read/write buffers.
        _ = kb_SSL_CTX_set_mode(
            context,
            Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS))
        _ = kb_SSL_CTX_set_session_cache_mode(context, Int(SSL_SESS_CACHE_SERVER))
        _ = kb_SSL_CTX_sess_set_cache_size(context, TLSContext.sessionCacheSize)

        let chainPath = configuration.certificateChainPath
        guard SSL_CTX_use_certificate_chain_file(context, chainPath) == 1 else {
            throw fail("loading certificate chain \(chainPath)")
        }
        let keyPath = configuration.privateKeyPath
        guard SSL_CTX_use_PrivateKey_file(context, keyPath, SSL_FILETYPE_PEM) == 1 else {
            throw fail("loading private key \(keyPath)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw fail("checking private key", detail: "\(keyPath) does not match the certificate in \(chainPath)")
        }

        if let caPath = configuration.clientCAPath {
            guard SSL_CTX_load_verify_locations(context, caPath, nil) == 1 else {
                throw fail("loading client CA bundle \(caPath)")
            }
            guard let names = SSL_load_client_CA_file(caPath) else {
                throw fail("reading client CA names from \(caPath)")
            }
            SSL_CTX_set_client_CA_list(context, names)  // takes ownership of names
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        }
        // Required for resumption once client certificates are verified: without it OpenSSL
        // refuses to resume ("session id context uninitialized"). Harmless without them.
        let sessionIDContext: StaticString = "klagebro"
        guard SSL_CTX_set_session_id_context(
            context, sessionIDContext.utf8Start, UInt32(sessionIDContext.utf8CodeUnitCount)) == 1 else {
            throw fail("SSL_CTX_set_session_id_context")
        }

        ERR_clear_error()
        self.context = context
        self.requiresClientCertificate = configuration.clientCAPath != nil
    }

    deinit {
        SSL_CTX_free(context)
    }

    /// How many TLS 1.2 sessions the server-side cache holds now (for tests and diagnostics).
    public var cachedSessionCount: Int {
        kb_SSL_CTX_sess_number(context)
    }
}
