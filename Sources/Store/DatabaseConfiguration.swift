/// Settings for `Database`, with defaults suited to one server process on a small machine.
public struct DatabaseConfiguration: Sendable {
    /// Read-only connections in the pool. Reads beyond this many at once wait for a free connection.
    public var readConnectionCount: Int = 4
    /// How long a statement waits on a lock held by another process (e.g. `klagebro migrate` running
    /// beside the server) before failing with `SQLITE_BUSY`.
    public var busyTimeoutMilliseconds: Int32 = 5_000
    /// At most this many write jobs share one commit. Bounds how long one transaction runs, and so the
    /// latency a job can add to the others in its group.
    public var maxGroupSize: Int = 512

    public init(readConnectionCount: Int = 4, busyTimeoutMilliseconds: Int32 = 5_000, maxGroupSize: Int = 512) {
        self.readConnectionCount = max(1, readConnectionCount)
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.maxGroupSize = max(1, maxGroupSize)
    }
}
