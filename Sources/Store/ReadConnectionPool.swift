import Synchronization

/// A fixed set of read-only connections, each behind its own lock. In WAL mode they read beside the
/// writer without blocking it or each other.
final class ReadConnectionPool: Sendable {
    /// One pooled connection; the lock is held for exactly the duration of one `read`.
    private final class Slot: Sendable {
        let connection: Mutex<Connection>
        init(_ connection: sending Connection) { self.connection = Mutex(connection) }
    }

    private let slots: [Slot]
    /// Where the next read starts looking for a free slot, so reads spread over the pool.
    private let nextSlot = Atomic<Int>(0)

    init(path: String, count: Int, busyTimeoutMilliseconds: Int32) throws {
        var slots: [Slot] = []
        for _ in 0..<count {
            let connection = try Connection(path: path, readOnly: true, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            slots.append(Slot(connection))
        }
        self.slots = slots
    }

    /// Runs `body` on a free connection, or waits for one when all are busy.
    func withConnection<T: Sendable>(_ body: @Sendable (Connection) throws -> T) throws -> T {
        let start = nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue
        for offset in 0..<slots.count {
            let slot = slots[(start &+ offset) % slots.count]
            let attempt: Result<T, any Error>? = slot.connection.withLockIfAvailable { connection in
                Result { try body(connection) }
            }
            if let attempt { return try attempt.get() }
        }
        let slot = slots[start % slots.count]
        return try slot.connection.withLock { connection in try body(connection) }
    }
}
