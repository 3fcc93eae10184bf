/// Every size limit and timeout of the HTTP layer, in one value with documented defaults
/// (in the manner of Go's `http.Server`). The parser enforces the sizes; the server the rest.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line (method, target, version) in bytes, without CRLF. Beyond it: 414.
    public var maxRequestLineBytes: Int = 8 * 1024
    /// Largest header section (all field lines with their CRLFs) in bytes. Beyond it: 431.
    public var maxHeaderBytes: Int = 32 * 1024
    /// Most header fields in one request. Beyond it: 431.
    public var maxHeaderCount: Int = 100
    /// Largest request body the server accepts on any route, in bytes. Beyond it: 413.
    /// Routes may set a lower limit for bodies they collect in memory.
    public var maxBodyBytes: Int = 64 * 1024 * 1024
    /// Longest chunk-size line, extensions included, in bytes. Beyond it: 400.
    public var maxChunkLineBytes: Int = 4 * 1024
    /// Time allowed to receive a whole request head once its first byte arrived (slowloris guard).
    public var headerReadTimeout: Duration = .seconds(10)
    /// Longest pause between two reads while a request body is being received.
    public var bodyReadTimeout: Duration = .seconds(30)
    /// How long a keep-alive connection may stay idle between requests.
    public var idleTimeout: Duration = .seconds(60)
    /// Most connections open at once. Beyond it new connections are closed at once, not queued.
    public var maxConnections: Int = 20_000
    /// How long a graceful shutdown waits for in-flight requests before closing them.
    public var shutdownGracePeriod: Duration = .seconds(10)

    public init() {}
}
