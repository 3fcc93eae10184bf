/// Where the server's TLS material lives. Paths are read once, when a ``TLSContext`` is made.
public struct TLSConfiguration: Sendable {
    /// PEM file with the server certificate first, then any intermediates.
    public var certificateChainPath: String
    /// PEM file with the server's private key (unencrypted).
    public var privateKeyPath: String
    /// PEM bundle of the CAs (roots and intermediates) that issue client certificates.
    /// When set, every connection must present a client certificate that verifies against it,
    /// or its handshake fails. When nil, no client certificate is asked for.
    public var clientCAPath: String?

    public init(certificateChainPath: String, privateKeyPath: String, clientCAPath: String? = nil) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
    }
}
