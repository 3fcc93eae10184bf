import Dispatch
import HTTPCore
import TLS
#if canImport(Glibc)
import Glibc
#endif

/// One client connection: a non-blocking socket, its read and write sources, an optional TLS
/// session, and the state of the exchange in progress.
///
/// Life of a connection: (TLS handshake) → await a request head → read its body → wait for the
/// handler's response → write it → await the next head (keep-alive), or close. Pipelined requests
/// wait in `carry` and are taken one at a time, so responses always go out in request order.
/// Closing after a response is graceful: the write side is shut down and input is drained for a
/// moment, so the client reads the last response instead of a reset.
final class HTTPConnection: @unchecked Sendable {
    // Invariant: every mutable property is read and written only on `loop.queue`; the only entry
    // points (source handlers, the responder, the loop's sweep) all run there.

    enum Phase {
        case handshaking
        /// Waiting for a request head (idle when `carry` is empty).
        case awaitingHead
        case readingBody
        /// The handler has the request; nothing more is parsed until it answers.
        case awaitingResponse
        /// A response body is being produced piece by piece.
        case streamingResponse
        /// The last response is queued; close once it is written.
        case finishing
        /// Write side shut down; draining input until EOF or the linger deadline.
        case closing
        case closed
    }

    /// The request being received or handled.
    struct Exchange {
        var head: HTTPRequestHead
        var sink: (any HTTPBodySink)?
        var collectLimit: Int
        var collected: [UInt8] = []
        var failure: (any Error)?
        /// The body was not read to its end, so the connection cannot be reused.
        var bodyAbandoned = false
    }

    /// A streamed response body in progress.
    struct OutgoingStream {
        var producer: any HTTPBodyProducer
        var chunked: Bool
        var remaining: Int?
    }

    let loop: EventLoop
    private let fd: Int32
    private let core: ServerCore
    private var info: ConnectionInfo
    private var tls: TLSSession?
    private var parser: HTTPRequestParser

    private var registered = false
    private var readSuspended = false
    private var writeArmed = false

    private(set) var phase: Phase
    private var exchange: Exchange?
    private var stream: OutgoingStream?
    private var keepAliveAfterStream = false
    /// Unconsumed input: part of a request head or body, or pipelined requests not yet taken.
    private var carry: [UInt8] = []
    /// Output the socket has not taken yet.
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private var requestSerial: UInt64 = 0
    private var processing = false
    private var peerClosedInput = false
    private var closeAfterResponse = false
    private var readWaitsForWritable = false
    private var headStartedAt: UInt64 = 0
    private var deadline: UInt64 = 0

    init(fd: Int32, remoteAddress: String, id: UInt64, loop: EventLoop, core: ServerCore) throws(TLSError) {
        self.fd = fd
        self.loop = loop
        self.core = core
        self.parser = HTTPRequestParser(limits: core.limits)
        if let context = core.tlsContext {
            tls = try TLSSession(context: context, fileDescriptor: fd)
            phase = .handshaking
        } else {
            phase = .awaitingHead
        }
        info = ConnectionInfo(id: id, remoteAddress: remoteAddress, isTLS: core.tlsContext != nil, peer: nil)
    }

    /// Registers with the loop's poller; called on the loop's queue right after accept.
    func start() {
        loop.register(self)
        // The poller holds this handler (and so the connection) until `teardown` unregisters it.
        registered = loop.poller.register(fd, read: true, write: false) { [self] readable, writable in
            if readable { self.readable() }
            if writable && phase != .closed { self.writable() }
        }
        guard registered else {
            core.log("connection \(info.id): could not watch its socket")
            teardown()
            return
        }
        let now = DispatchTime.now().uptimeNanoseconds
        deadline = now + (phase == .handshaking ? core.limits.headerReadTimeout : core.limits.idleTimeout).nanoseconds
    }

    // MARK: Reading

    private func readable() {
        switch phase {
        case .closed: return
        case .handshaking: continueHandshake()
        case .closing: discardInput()
        default:
            repeat {
                receiveAndProcess()
            } while tls?.hasBufferedPlaintext == true && !readSuspended
                && (phase == .awaitingHead || phase == .readingBody)
        }
    }

    private func receiveAndProcess() {
        let buffer = loop.receiveBuffer
        var filled = 0
        if !carry.isEmpty {
            filled = carry.count
            carry.withUnsafeBytes { buffer.copyMemory(from: $0) }
            carry = []
        }
        switch receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])) {
        case .bytes(let count):
            filled += count
        case .wouldBlock:
            break
        case .wantWrite:
            // TLS needs to write before it can read on (e.g. a key update): retry when writable.
            readWaitsForWritable = true
            armWrite()
        case .closed:
            peerClosedInput = true
            suspendReading()
        case .failed:
            abort()
            return
        }
        if phase == .readingBody {
            deadline = DispatchTime.now().uptimeNanoseconds + core.limits.bodyReadTimeout.nanoseconds
        }
        process(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
        if peerClosedInput { peerClosed() }
    }

    /// Parses and dispatches as many requests as `bytes` holds and the phase allows; whatever
    /// is left is kept in `carry`.
    private func process(_ bytes: UnsafeRawBufferPointer) {
        processing = true
        var offset = 0
        parsing: while phase == .awaitingHead || phase == .readingBody {
            let step: HTTPRequestParser.Step
            do {
                step = try parser.parse(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            } catch {
                processing = false
                refuse(status: error.status, detail: error.reason)
                return
            }
            let base = offset
            offset += step.consumed
            guard let event = step.event else {
                if step.consumed == 0 { break parsing }
                continue
            }
            switch event {
            case .head(let head):
                begin(head)
            case .body(let range):
                receiveBody(UnsafeRawBufferPointer(rebasing: bytes[(base + range.lowerBound)..<(base + range.upperBound)]))
            case .end:
                complete()
            }
        }
        processing = false
        if offset < bytes.count, phase != .closing, phase != .closed {
            carry = Array(bytes[offset...])
        }
        if phase == .awaitingResponse || phase == .streamingResponse {
            // Pipelined input waits in the socket until this answer is out: `carry` stays bounded.
            suspendReading()
        }
        if phase == .awaitingHead {
            let now = DispatchTime.now().uptimeNanoseconds
            if carry.isEmpty {
                headStartedAt = 0
                deadline = now + core.limits.idleTimeout.nanoseconds
            } else if headStartedAt == 0 {
                // The header timeout runs from the first byte of a head and is not extended by
                // later bytes: a client trickling one byte a second is closed on time.
                headStartedAt = now
                deadline = now + core.limits.headerReadTimeout.nanoseconds
            }
        }
        flush()
    }

    private func begin(_ head: HTTPRequestHead) {
        requestSerial &+= 1
        headStartedAt = 0
        let hasBody = head.framing != .none
        if head.method == .connect {
            // This server never opens tunnels; a 2xx to CONNECT would turn the connection into one.
            exchange = Exchange(head: head, sink: nil, collectLimit: 0, bodyAbandoned: true)
            phase = .awaitingResponse
            deliver(
                ProblemResponse.make(status: .notImplemented, detail: "CONNECT is not supported."), serial: requestSerial)
            return
        }
        if let expectation = head.headers["Expect"], !expectation.equalsASCIICaseInsensitive("100-continue") {
            exchange = Exchange(head: head, sink: nil, collectLimit: 0, bodyAbandoned: hasBody)
            phase = .awaitingResponse
            deliver(
                ProblemResponse.make(status: .expectationFailed, detail: "Only the expectation 100-continue is supported."),
                serial: requestSerial)
            return
        }
        switch core.handler.bodyPolicy(for: head, connection: info) {
        case .reject(let response):
            exchange = Exchange(head: head, sink: nil, collectLimit: 0, bodyAbandoned: hasBody)
            phase = .awaitingResponse
            deliver(response, serial: requestSerial)
            return
        case .collect(let maxBytes):
            if case .contentLength(let length) = head.framing, length > maxBytes {
                exchange = Exchange(head: head, sink: nil, collectLimit: maxBytes, bodyAbandoned: true)
                phase = .awaitingResponse
                deliver(
                    ProblemResponse.make(
                        status: .contentTooLarge, detail: "The body has \(length) bytes; at most \(maxBytes) are accepted here."),
                    serial: requestSerial)
                return
            }
            exchange = Exchange(head: head, sink: nil, collectLimit: maxBytes)
            if case .contentLength(let length) = head.framing { exchange?.collected.reserveCapacity(length) }
        case .stream(let sink):
            exchange = Exchange(head: head, sink: sink, collectLimit: .max)
        }
        if head.expectsContinue && hasBody {
            loop.output.append(contentsOf: continueLine)
        }
        phase = .readingBody
        deadline = DispatchTime.now().uptimeNanoseconds + core.limits.bodyReadTimeout.nanoseconds
    }

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) {
        guard exchange != nil, exchange?.failure == nil else { return }
        if let sink = exchange?.sink {
            do {
                try sink.write(bytes)
            } catch {
                failBody(error)
            }
        } else if exchange!.collected.count + bytes.count > exchange!.collectLimit {
            failBody(BodyTooLarge(limit: exchange!.collectLimit))
        } else {
            exchange!.collected.append(contentsOf: bytes)
        }
    }

    /// Receiving the body failed: the handler answers at once and the rest of the body is never
    /// read, so the connection closes after the answer.
    private func failBody(_ error: any Error) {
        exchange?.failure = error
        exchange?.bodyAbandoned = true
        dispatchToHandler()
    }

    private func complete() {
        guard phase == .readingBody, var current = exchange else { return }
        if let sink = current.sink {
            do {
                try sink.finish()
            } catch {
                current.failure = error
            }
        }
        exchange = current
        dispatchToHandler()
    }

    private func dispatchToHandler() {
        guard let current = exchange else { return }
        phase = .awaitingResponse
        deadline = 0
        let body: HTTPRequestBody
        if let failure = current.failure {
            body = .failed(failure)
        } else if let sink = current.sink {
            body = .streamed(sink)
        } else {
            body = .collected(current.collected)
        }
        exchange?.collected = []
        let request = HTTPRequest(head: current.head, body: body, connection: info)
        let serial = requestSerial
        let loop = self.loop
        let responder = HTTPResponder { [self] response in
            if loop.isCurrent {
                deliver(response, serial: serial)
            } else {
                loop.execute { self.deliver(response, serial: serial) }
            }
        }
        core.handler.handle(request, responder: responder)
    }

    /// A request that cannot be parsed: answer with a problem and close, since the framing of
    /// anything after it can no longer be trusted.
    private func refuse(status: HTTPStatus, detail: String) {
        carry = []
        exchange = nil
        stream = nil
        let response = ProblemResponse.make(status: status, detail: detail)
        let head = HTTPRequestHead(
            method: .get, target: "/", version: .http11, headers: HTTPHeaders(), framing: .none,
            keepAlive: false, expectsContinue: false)
        write(response, for: head, keepAlive: false)
        phase = .finishing
        suspendReading()
        flush()
    }

    private func peerClosed() {
        switch phase {
        case .awaitingResponse, .streamingResponse, .finishing:
            // The client may half-close after its request: answer, then close.
            closeAfterResponse = true
        default:
            teardown()
        }
    }

    private func discardInput() {
        switch receive(into: loop.receiveBuffer) {
        case .bytes, .wouldBlock, .wantWrite: return
        case .closed, .failed: teardown()
        }
    }

    // MARK: Responding

    /// The handler's answer. Ignored when it belongs to an earlier request or comes twice.
    func deliver(_ response: HTTPResponse, serial: UInt64) {
        guard serial == requestSerial, phase == .awaitingResponse, let current = exchange else { return }
        exchange = nil
        let keepAlive =
            current.head.keepAlive && !current.bodyAbandoned && !closeAfterResponse && !peerClosedInput
            && !core.isDraining
        let keepsAlive = write(response, for: current.head, keepAlive: keepAlive)
        if stream != nil {
            phase = .streamingResponse
            keepAliveAfterStream = keepsAlive
        } else {
            phase = keepsAlive ? .awaitingHead : .finishing
        }
        if processing { return }  // answered inside `process`, which goes on and flushes
        flush()
        if phase == .awaitingHead { resumeAfterResponse() }
    }

    /// Serialises a response into the loop's output buffer. Returns whether the connection stays
    /// open afterwards (a body of unknown length to an HTTP/1.0 client is delimited by closing).
    @discardableResult
    private func write(_ response: HTTPResponse, for head: HTTPRequestHead, keepAlive: Bool) -> Bool {
        var keepAlive = keepAlive
        let sendsContent = head.method != .head && response.status.mayHaveContent
        var contentLength: Int? = response.status.mayHaveContent ? response.body.knownLength : nil
        var chunked = false
        if case .stream(let length, let producer) = response.body, length == nil, response.status.mayHaveContent {
            if head.version == .http11 {
                chunked = true
            } else {
                keepAlive = false
            }
            contentLength = nil
            if sendsContent { stream = OutgoingStream(producer: producer, chunked: chunked, remaining: nil) }
        } else if case .stream(let length?, let producer) = response.body, sendsContent, length > 0 {
            stream = OutgoingStream(producer: producer, chunked: false, remaining: length)
        }
        let connectionHeader: String? = !keepAlive ? "close" : (head.version == .http10 ? "keep-alive" : nil)
        response.serializeHead(
            into: &loop.output, version: head.version, date: loop.currentDate(),
            contentLength: contentLength, chunked: chunked, connectionHeader: connectionHeader)
        if sendsContent, case .bytes(let bytes) = response.body {
            loop.output.append(contentsOf: bytes)
        }
        return keepAlive
    }

    private func resumeAfterResponse() {
        // With output still blocked, pipelined requests wait: `writable` resumes once it drains.
        guard phase == .awaitingHead, pendingOffset >= pending.count else { return }
        if !carry.isEmpty {
            let count = carry.count
            carry.withUnsafeBytes { loop.receiveBuffer.copyMemory(from: $0) }
            carry = []
            process(UnsafeRawBufferPointer(rebasing: loop.receiveBuffer[0..<count]))
        } else {
            deadline = DispatchTime.now().uptimeNanoseconds + core.limits.idleTimeout.nanoseconds
        }
        if phase == .awaitingHead || phase == .readingBody { resumeReading() }
        if peerClosedInput && phase == .awaitingHead { teardown() }
    }

    // MARK: Writing

    /// Sends what is queued: the loop's output buffer, earlier unsent bytes, then any streamed
    /// body, until the socket would block (then the write source takes over) or all is sent.
    private func flush() {
        if phase == .closed { loop.output.removeAll(keepingCapacity: true); return }
        if !loop.output.isEmpty {
            if pendingOffset < pending.count {
                pending.append(contentsOf: loop.output)
            } else {
                let sent = loop.output.withUnsafeBytes { transmit($0) }
                guard let sent else { loop.output.removeAll(keepingCapacity: true); abort(); return }
                if sent < loop.output.count {
                    pending = Array(loop.output[sent...])
                    pendingOffset = 0
                }
            }
            loop.output.removeAll(keepingCapacity: true)
        }
        while true {
            if pendingOffset < pending.count {
                let sent = pending.withUnsafeBytes { transmit(UnsafeRawBufferPointer(rebasing: $0[pendingOffset...])) }
                guard let sent else { abort(); return }
                pendingOffset += sent
                if pendingOffset < pending.count {
                    armWrite()
                    suspendReading()  // back-pressure: read no more requests while answers queue up
                    deadline = DispatchTime.now().uptimeNanoseconds + core.limits.bodyReadTimeout.nanoseconds
                    return
                }
                pending = []
                pendingOffset = 0
            }
            guard phase == .streamingResponse, stream != nil else { break }
            if !produceStreamPiece() { return }
        }
        disarmWrite()
        if phase == .finishing { beginClose() }
    }

    /// Queues the next piece of a streamed body into `pending`. Returns false when the
    /// connection was aborted.
    private func produceStreamPiece() -> Bool {
        guard var current = stream else { return true }
        let maxBytes = min(current.remaining ?? 64 * 1024, 64 * 1024)
        let piece: [UInt8]?
        do {
            piece = maxBytes > 0 ? try current.producer.next(maxBytes: maxBytes) : nil
        } catch {
            core.log("connection \(info.id): response stream failed: \(error)")
            abort()
            return false
        }
        if let piece, !piece.isEmpty {
            if let remaining = current.remaining, piece.count > remaining {
                core.log("connection \(info.id): response stream produced more than its declared length")
                abort()
                return false
            }
            current.remaining = current.remaining.map { $0 - piece.count }
            if current.chunked {
                appendChunkSize(piece.count, to: &pending)
                pending.append(contentsOf: piece)
                pending.append(contentsOf: [0x0D, 0x0A])
            } else {
                pending.append(contentsOf: piece)
            }
            stream = current
            return true
        }
        if let remaining = current.remaining, remaining > 0 {
            core.log("connection \(info.id): response stream ended \(remaining) bytes short")
            abort()
            return false
        }
        if current.chunked { pending.append(contentsOf: lastChunk) }
        stream = nil
        phase = keepAliveAfterStream && !closeAfterResponse ? .awaitingHead : .finishing
        if phase == .awaitingHead {
            // Continue with pipelined requests once this response is out.
            loop.execute { [self] in
                if phase == .awaitingHead && pendingOffset >= pending.count { resumeAfterResponse() }
            }
        }
        return true
    }

    private func writable() {
        switch phase {
        case .closed: return
        case .handshaking: continueHandshake()
        default:
            let wasBlocked = pendingOffset < pending.count
            flush()
            if wasBlocked && pendingOffset >= pending.count && phase == .awaitingHead {
                resumeAfterResponse()
            }
            if readWaitsForWritable && phase != .closed {
                readWaitsForWritable = false
                readable()
            }
        }
    }

    // MARK: TLS

    private func continueHandshake() {
        guard let tls else { return }
        switch tls.handshake() {
        case .complete:
            info.peer = tls.peerIdentity
            phase = .awaitingHead
            disarmWrite()
            deadline = DispatchTime.now().uptimeNanoseconds + core.limits.idleTimeout.nanoseconds
            readable()
        case .wantRead:
            disarmWrite()
        case .wantWrite:
            armWrite()
        case .failed:
            // No response of any kind: the client is not who it must be, or does not speak TLS.
            teardown()
        }
    }

    // MARK: I/O primitives

    private enum ReadOutcome { case bytes(Int), wouldBlock, wantWrite, closed, failed }

    private func receive(into buffer: UnsafeMutableRawBufferPointer) -> ReadOutcome {
        if let tls {
            switch tls.read(into: buffer) {
            case .bytes(let count): return .bytes(count)
            case .wantRead: return .wouldBlock
            case .wantWrite: return .wantWrite
            case .closed: return .closed
            case .failed: return .failed
            }
        }
        let count = recv(fd, buffer.baseAddress, buffer.count, 0)
        if count > 0 { return .bytes(count) }
        if count == 0 { return .closed }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR: return .wouldBlock
        default: return .failed
        }
    }

    /// Bytes the socket took (possibly 0), or nil when the connection is broken.
    private func transmit(_ bytes: UnsafeRawBufferPointer) -> Int? {
        if bytes.isEmpty { return 0 }
        if let tls {
            switch tls.write(bytes) {
            case .bytes(let count): return count
            case .wantRead, .wantWrite: return 0
            case .closed, .failed: return nil
            }
        }
        let count = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
        if count >= 0 { return count }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR: return 0
        default: return nil
        }
    }

    private func armWrite() {
        guard !writeArmed else { return }
        writeArmed = true
        updateInterest()
    }

    private func disarmWrite() {
        guard writeArmed else { return }
        writeArmed = false
        updateInterest()
    }

    private func suspendReading() {
        guard !readSuspended else { return }
        readSuspended = true
        updateInterest()
    }

    private func resumeReading() {
        guard readSuspended, !peerClosedInput else { return }
        readSuspended = false
        updateInterest()
    }

    private func updateInterest() {
        guard registered, phase != .closed else { return }
        loop.poller.update(fd, read: !readSuspended, write: writeArmed)
    }

    // MARK: Closing

    /// The last response is written: shut down the write side (with close_notify under TLS) and
    /// read until the client closes or the linger time passes, so it sees our answer, not a reset.
    private func beginClose() {
        guard phase != .closing, phase != .closed else { return }
        phase = .closing
        tls?.shutdown()
        Glibc.shutdown(fd, Int32(SHUT_WR))
        deadline = DispatchTime.now().uptimeNanoseconds + lingerTime
        if peerClosedInput {
            teardown()
        } else {
            resumeReadingForDrain()
        }
    }

    private func resumeReadingForDrain() {
        guard readSuspended else { return }
        readSuspended = false
        updateInterest()
    }

    /// Closes at once, without a response.
    func abort() {
        teardown()
    }

    private func teardown() {
        guard phase != .closed else { return }
        phase = .closed
        exchange = nil
        stream = nil
        carry = []
        pending = []
        deadline = 0
        if registered {
            loop.poller.unregister(fd)
            registered = false
        }
        tls = nil
        close(fd)
        loop.unregister(self)
        core.openConnections.subtract(1, ordering: .relaxed)
    }

    // MARK: Deadlines and shutdown

    func checkDeadline(now: UInt64) {
        guard deadline != 0, now >= deadline else { return }
        switch phase {
        case .awaitingHead where !carry.isEmpty, .readingBody:
            deadline = 0
            refuse(status: .requestTimeout, detail: "The request was not received in time.")
        default:
            teardown()
        }
    }

    /// Graceful shutdown: close now what has no request in progress; the rest closes after its
    /// current response.
    func drain() {
        closeAfterResponse = true
        switch phase {
        case .handshaking:
            teardown()
        case .awaitingHead where carry.isEmpty:
            if pendingOffset < pending.count {
                phase = .finishing  // the last response is still being written; close after it
            } else {
                teardown()
            }
        default:
            break
        }
    }

    private let lingerTime: UInt64 = 2_000_000_000
}

/// The body outgrew the limit of the route that collects it.
public struct BodyTooLarge: Error, Sendable, CustomStringConvertible {
    public var limit: Int
    public var description: String { "The body is larger than the \(limit) bytes accepted here." }
}

private let continueLine: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
private let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
