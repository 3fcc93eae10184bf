import Dispatch
import HTTPCore
import Synchronization
import TLS
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP/1.1 server: a listening socket whose accept source hands each new connection to one
/// of a few event loops (serial Dispatch queues), where non-blocking read and write sources
/// drive it. No thread ever blocks on a client.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    /// The port actually bound (useful when the configuration asked for 0).
    public let port: UInt16

    private let socket: ListeningSocket
    private let core: ServerCore
    private let loops: [EventLoop]
    private let acceptQueue = DispatchQueue(label: "http.accept", qos: .userInitiated)
    private let state = Mutex<State>(State())

    private struct State: @unchecked Sendable {
        // Dispatch sources are not Sendable; they are only touched under the mutex.
        var acceptSource: DispatchSourceRead?
        var acceptSuspended = false
        var nextLoop = 0
        var stopping = false
    }

    /// Binds the socket and prepares the loops; `start()` begins accepting.
    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler) throws {
        self.configuration = configuration
        Self.raiseDescriptorLimit()
        // A client that disconnects must not kill the process through SIGPIPE (SSL_write uses write(2)).
        signal(SIGPIPE, SIG_IGN)
        let tlsContext = try configuration.tls.map { configuration throws(TLSError) in try TLSContext(configuration: configuration) }
        socket = try ListeningSocket(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        port = socket.port
        core = ServerCore(handler: handler, limits: configuration.limits, tlsContext: tlsContext, log: configuration.log)
        let limits = configuration.limits
        let bufferSize = max(64 * 1024, limits.maxRequestLineBytes + limits.maxHeaderBytes + 16 * 1024)
        loops = try (0..<max(1, configuration.eventLoopCount)).map { index throws(SocketError) in
            try EventLoop(index: index, receiveBufferSize: bufferSize)
        }
    }

    /// Starts accepting connections. Returns at once.
    public func start() {
        for loop in loops {
            loop.execute { loop.start(sweepingEvery: .milliseconds(250)) }
        }
        let source = DispatchSource.makeReadSource(fileDescriptor: socket.fd, queue: acceptQueue)
        source.setEventHandler { [self] in acceptPending() }
        state.withLock { $0.acceptSource = source }
        source.resume()
    }

    /// Connections open right now.
    public var openConnections: Int { core.openConnections.load(ordering: .relaxed) }

    private func acceptPending() {
        let maxConnections = core.limits.maxConnections
        while true {
            let fd: Int32
            let address: String
            switch socket.accept() {
            case .connection(let acceptedFD, let acceptedAddress):
                fd = acceptedFD
                address = acceptedAddress
            case .none:
                return
            case .outOfDescriptors:
                // Pause accepting briefly instead of spinning on an event that cannot be served.
                core.log("accept: out of file descriptors; pausing accept for 100 ms")
                pauseAccepting(for: .milliseconds(100))
                return
            }
            if core.isDraining || core.openConnections.load(ordering: .relaxed) >= maxConnections {
                // Refuse fast rather than queue: the client learns at once and may retry elsewhere.
                close(fd)
                continue
            }
            core.openConnections.add(1, ordering: .relaxed)
            let id = core.nextConnectionID.add(1, ordering: .relaxed).newValue
            let loop = state.withLock { state -> EventLoop in
                state.nextLoop = (state.nextLoop + 1) % loops.count
                return loops[state.nextLoop]
            }
            let core = self.core
            loop.execute {
                do {
                    try HTTPConnection(fd: fd, remoteAddress: address, id: id, loop: loop, core: core).start()
                } catch {
                    core.log("connection \(id) from \(address): TLS setup failed: \(error)")
                    close(fd)
                    core.openConnections.subtract(1, ordering: .relaxed)
                }
            }
        }
    }

    private func pauseAccepting(for interval: DispatchTimeInterval) {
        let source: DispatchSourceRead? = state.withLock { state in
            guard !state.acceptSuspended, !state.stopping else { return nil }
            state.acceptSuspended = true
            return state.acceptSource
        }
        guard let source else { return }
        source.suspend()
        acceptQueue.asyncAfter(deadline: .now() + interval) { [self] in
            state.withLock { state in
                guard state.acceptSuspended, !state.stopping else { return }
                state.acceptSuspended = false
                state.acceptSource?.resume()
            }
        }
    }

    /// Graceful shutdown: stop accepting, close idle connections, let in-flight requests finish
    /// (up to `limits.shutdownGracePeriod`), then close what is left. Calls `completion` once
    /// every connection is closed.
    public func shutdown(completion: @escaping @Sendable () -> Void) {
        let (source, alreadyStopping): (DispatchSourceRead?, Bool) = state.withLock { state in
            guard !state.stopping else { return (nil, true) }
            state.stopping = true
            let source = state.acceptSource
            if state.acceptSuspended { source?.resume() }
            state.acceptSource = nil
            return (source, false)
        }
        let deadline = DispatchTime.now() + .nanoseconds(Int(core.limits.shutdownGracePeriod.nanoseconds))
        if alreadyStopping {
            // A second caller waits for the same end.
            waitForConnections(until: deadline, completion: completion)
            return
        }
        core.draining.store(true, ordering: .relaxed)
        let fd = socket.fd
        if let source {
            source.setCancelHandler { close(fd) }
            source.cancel()
        } else {
            close(fd)
        }
        for loop in loops { loop.execute { loop.drainConnections() } }
        waitForConnections(until: deadline, completion: completion)
    }

    private func waitForConnections(until deadline: DispatchTime, completion: @escaping @Sendable () -> Void) {
        if openConnections == 0 {
            for loop in loops { loop.execute { loop.stopSweeping() } }
            completion()
            return
        }
        if DispatchTime.now() >= deadline {
            for loop in loops { loop.execute { loop.closeAllConnections() } }
        }
        acceptQueue.asyncAfter(deadline: .now() + .milliseconds(20)) { [self] in
            waitForConnections(until: deadline, completion: completion)
        }
    }

    /// Thousands of idle keep-alive connections need thousands of descriptors: lift the soft
    /// limit to the hard one.
    private static func raiseDescriptorLimit() {
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}
