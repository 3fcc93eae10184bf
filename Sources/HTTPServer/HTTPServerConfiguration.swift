import HTTPCore
import TLS
#if canImport(Glibc)
import Glibc
#endif

/// Everything a server needs to start, with documented defaults.
public struct HTTPServerConfiguration: Sendable {
    /// Address to listen on. Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Port to listen on; 0 lets the kernel choose (see `HTTPServer.port`). Default 8080.
    public var port: UInt16 = 8080
    /// Size limits and timeouts.
    public var limits = HTTPLimits()
    /// TLS certificate, key and optional client CA; nil serves plain HTTP.
    public var tls: TLSConfiguration?
    /// Event-loop queues sharing the connections. Default: one per online CPU.
    public var eventLoopCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    /// Listen backlog.
    public var backlog: Int32 = 4096
    /// Where the server reports what an operator should know (refused connections, failures).
    public var log: @Sendable (String) -> Void = { message in
        let line = message + "\n"
        _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }

    public init() {}
}
