import Dispatch
import HTTPCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One serial Dispatch queue that owns a share of the connections, like an event loop: its
/// poller reports their sockets' readiness on it, so a connection's state needs no lock.
///
/// It also owns the buffers its connections share. A connection receives into `receiveBuffer`
/// and builds responses in `output`, and keeps bytes of its own only while a request or a
/// response is incomplete. That is what keeps an idle keep-alive connection cheap.
final class EventLoop: @unchecked Sendable {
    // Invariant: every mutable property is touched only on `queue`.
    private let queue: DispatchQueue
    let poller: Poller
    let receiveBuffer: UnsafeMutableRawBufferPointer
    var output: [UInt8] = []
    private var connections: [ObjectIdentifier: HTTPConnection] = [:]
    private var sweepTimer: DispatchSourceTimer?
    private var dateSecond = -1
    private var dateBytes: [UInt8] = []
    /// Blocks posted with `execute` that have not started yet.
    private let postedWork = Atomic<Int>(0)

    private static let identityKey = DispatchSpecificKey<ObjectIdentifier>()

    init(index: Int, receiveBufferSize: Int) throws(SocketError) {
        queue = DispatchQueue(label: "http.loop.\(index)", qos: .userInitiated)
        poller = try Poller(queue: queue)
        receiveBuffer = .allocate(byteCount: receiveBufferSize, alignment: 16)
        output.reserveCapacity(16 * 1024)
        queue.setSpecific(key: Self.identityKey, value: ObjectIdentifier(self))
    }

    deinit {
        receiveBuffer.deallocate()
    }

    /// Runs `work` on the loop's queue. Everything posted to a loop goes through here, so that the
    /// poller, which keeps the queue while sockets stay ready, knows to hand it back.
    func execute(_ work: @escaping @Sendable () -> Void) {
        postedWork.add(1, ordering: .relaxed)
        queue.async { [self] in
            postedWork.subtract(1, ordering: .relaxed)
            work()
        }
    }

    /// Starts the poller and the deadline sweep; call on the loop's queue.
    func start(sweepingEvery interval: DispatchTimeInterval) {
        poller.start(handingBackWhen: { [unowned self] in postedWork.load(ordering: .relaxed) > 0 })
        startSweeping(every: interval)
    }

    /// True when the caller runs on this loop's queue.
    var isCurrent: Bool { DispatchQueue.getSpecific(key: Self.identityKey) == ObjectIdentifier(self) }

    var connectionCount: Int { connections.count }

    /// The Date field value, formatted once per second.
    func currentDate() -> [UInt8] {
        let now = time(nil)
        if now != dateSecond {
            dateSecond = now
            dateBytes = HTTPDate.imfFixdate(secondsSince1970: now)
        }
        return dateBytes
    }

    func register(_ connection: HTTPConnection) {
        connections[ObjectIdentifier(connection)] = connection
    }

    func unregister(_ connection: HTTPConnection) {
        connections[ObjectIdentifier(connection)] = nil
    }

    /// Checks every connection's deadline on a coarse timer instead of one timer per connection:
    /// ten thousand idle connections then cost one wake-up, not ten thousand timers.
    private func startSweeping(every interval: DispatchTimeInterval) {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(50))
        timer.setEventHandler { [unowned self] in
            let now = DispatchTime.now().uptimeNanoseconds
            for connection in connections.values { connection.checkDeadline(now: now) }
        }
        timer.resume()
        sweepTimer = timer
    }

    func stopSweeping() {
        sweepTimer?.cancel()
        sweepTimer = nil
    }

    /// Graceful shutdown: idle connections close now, busy ones after their current response.
    func drainConnections() {
        for connection in Array(connections.values) { connection.drain() }
    }

    /// End of the grace period: whatever is still open is closed.
    func closeAllConnections() {
        for connection in Array(connections.values) { connection.abort() }
    }
}
