import TLS

/// What the server knows about the connection a request came on.
public struct ConnectionInfo: Sendable {
    /// A number unique within this server process, for logs.
    public var id: UInt64
    /// The peer's address as `ip:port`.
    public var remoteAddress: String
    /// Whether the request came over TLS.
    public var isTLS: Bool
    /// The verified client certificate's identity (mutual TLS only), or nil.
    public var peer: PeerIdentity?

    public init(id: UInt64, remoteAddress: String, isTLS: Bool, peer: PeerIdentity?) {
        self.id = id
        self.remoteAddress = remoteAddress
        self.isTLS = isTLS
        self.peer = peer
    }
}
