import HTTPCore
import Synchronization
import TLS

/// What every connection of one server shares: the handler, the limits, the TLS context and
/// the counters behind the connection cap. Immutable but for its atomics.
final class ServerCore: Sendable {
    let handler: any HTTPHandler
    let limits: HTTPLimits
    let tlsContext: TLSContext?
    let log: @Sendable (String) -> Void
    let openConnections = Atomic<Int>(0)
    let nextConnectionID = Atomic<UInt64>(0)
    let draining = Atomic<Bool>(false)

    init(handler: any HTTPHandler, limits: HTTPLimits, tlsContext: TLSContext?, log: @escaping @Sendable (String) -> Void) {
        self.handler = handler
        self.limits = limits
        self.tlsContext = tlsContext
        self.log = log
    }

    var isDraining: Bool { draining.load(ordering: .relaxed) }
}

extension Duration {
    /// Whole nanoseconds, for comparing with `DispatchTime.uptimeNanoseconds`.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
