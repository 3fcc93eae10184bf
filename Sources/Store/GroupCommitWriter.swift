import CSQLite
import Dispatch
import Foundation
import Synchronization

/// The single writer: one dedicated thread owns the write connection and commits jobs in groups.
///
/// **How commits are grouped.** Callers enqueue write jobs (closures that receive the write connection).
/// The writer thread sleeps while the queue is empty. When it wakes, it takes *everything* waiting (up to
/// `maxGroupSize`), runs `BEGIN IMMEDIATE`, then runs each job inside its own `SAVEPOINT`: a job that throws
/// is rolled back to its savepoint (only its own work is undone) and gets its own error, while the others
/// go on. Then one `COMMIT` makes the whole group durable: with `journal_mode=WAL` and
/// `synchronous=FULL`, COMMIT returns only after the WAL has been fsynced. While that fsync runs, new jobs
/// pile up in the queue and become the next group, so under load one fsync serves many requests and the
/// commit rate, not the request rate, is what the disk has to sustain.
///
/// **When a caller may acknowledge.** A job's result (the `async` return, or the completion callback) is
/// delivered only after the COMMIT of its group has returned `SQLITE_OK`, that is after the data is on
/// disk. A caller that answers its client (e.g. HTTP 2xx) only after `write` returns therefore never
/// acknowledges anything that a crash could lose. If COMMIT fails, every job of the group gets the
/// commit's error and nothing of the group is on disk. A job that failed gets its own error at the same
/// moment (not earlier: its failure may depend on rows of the same group, e.g. a duplicate key).
///
/// **Rules for jobs.** A job runs on the writer thread, so it must be short and must not block on
/// anything but SQLite (no network, no waiting for other jobs, no `await`). It must not issue BEGIN,
/// COMMIT, ROLLBACK, SAVEPOINT or RELEASE: the connection refuses them (`SQLITE_AUTH`), because ending
/// the shared transaction would commit or drop other jobs' work. A job is not re-run: if SQLite aborts
/// the group's transaction because of one job's I/O error, the other jobs of that group fail with an
/// error saying so, and are not acknowledged.
final class GroupCommitWriter: Sendable {
    /// A queued write, type-erased. `run` executes the body inside the job's savepoint and returns how it
    /// went; `fail` reports an error without running the body (group could not start, writer closed).
    private struct Job: Sendable {
        let run: @Sendable (Connection) -> Outcome
        let fail: @Sendable (any Error) -> Void
    }

    /// What a job's body did; `settle` delivers its result once the group's COMMIT has succeeded (`nil`)
    /// or failed (the commit error, which replaces a successful job's value).
    private struct Outcome {
        let succeeded: Bool
        let settle: @Sendable ((any Error)?) -> Void
    }

    private enum Admission { case queued, queuedAndWake, refused }

    private struct Queue {
        var jobs: [Job] = []
        /// The writer thread is (about to be) blocked on `wakeUp` and must be signalled for new work.
        var writerIsWaiting = false
        var isClosed = false
    }

    private let queue = Mutex(Queue())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// Held by the writer thread for its whole life; nothing else touches the write connection after
    /// `start`.
    private let connection: Mutex<Connection>
    private let counters = Mutex(WriterStatistics())
    private let maxGroupSize: Int
    /// The writer thread, to recognise a `close` called from it (a completion that drops the last
    /// reference to the database), which must not wait for the thread to finish: it is that thread.
    private let writerThread = Mutex<pthread_t?>(nil)
    private let threadIsRunning = Atomic<Bool>(true)

    init(connection: sending Connection, maxGroupSize: Int) {
        self.connection = Mutex(connection)
        self.maxGroupSize = maxGroupSize
        // The thread keeps the writer alive until it has drained the queue after `close`.
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "store-writer"
        thread.qualityOfService = .userInitiated
        thread.stackSize = 1 << 20
        thread.start()
    }

    var statistics: WriterStatistics { counters.withLock { $0 } }

    /// Until the writer thread has drained the queue after `close` and ended.
    var isRunning: Bool { threadIsRunning.load(ordering: .acquiring) }

    /// Enqueues `body`; `completion` is called on the writer thread after the group's commit (so it must
    /// return quickly: hand anything longer to your own queue).
    func submit<T: Sendable>(
        _ body: @escaping @Sendable (Connection) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let job = Job(
            run: { connection in
                do {
                    let value = try body(connection)
                    return Outcome(succeeded: true) { commitError in
                        completion(commitError.map { .failure($0) } ?? .success(value))
                    }
                } catch {
                    return Outcome(succeeded: false) { _ in completion(.failure(error)) }
                }
            },
            fail: { error in completion(.failure(error)) })

        let admission = queue.withLock { queue -> Admission in
            guard !queue.isClosed else { return .refused }
            queue.jobs.append(job)
            guard queue.writerIsWaiting else { return .queued }
            queue.writerIsWaiting = false
            return .queuedAndWake
        }
        switch admission {
        case .queued: break
        case .queuedAndWake: wakeUp.signal()
        case .refused: job.fail(StoreError.misuse("the database is closed; write not accepted"))
        }
    }

    /// Stops accepting writes, lets the writer finish everything already queued, and waits for it.
    func close() {
        let (first, wake) = queue.withLock { queue -> (Bool, Bool) in
            let first = !queue.isClosed
            queue.isClosed = true
            let wake = queue.writerIsWaiting
            queue.writerIsWaiting = false
            return (first, wake)
        }
        guard first else { return }
        if wake { wakeUp.signal() }
        if let writer = writerThread.withLock({ $0 }), pthread_equal(writer, pthread_self()) != 0 { return }
        finished.wait()
    }

    // MARK: The writer thread

    private func runLoop() {
        writerThread.withLock { $0 = pthread_self() }
        connection.withLock { connection in
            do {
                let control = try TransactionControl(connection)
                while let group = nextGroup() {
                    runGroup(group, on: connection, control: control)
                }
            } catch {
                // Preparing BEGIN/COMMIT cannot fail on a healthy connection; fail all jobs rather than hang.
                while let group = nextGroup() {
                    group.forEach { $0.fail(error) }
                }
            }
        }
        threadIsRunning.store(false, ordering: .releasing)
        finished.signal()
    }

    /// Waits for work; returns everything queued (up to the bound), or `nil` once closed and drained.
    private func nextGroup() -> [Job]? {
        while true {
            let taken = queue.withLock { queue -> [Job]? in
                if queue.jobs.isEmpty {
                    if queue.isClosed { return nil }
                    queue.writerIsWaiting = true
                    return []
                }
                if queue.jobs.count <= maxGroupSize {
                    defer { queue.jobs = [] }
                    return queue.jobs
                }
                let group = Array(queue.jobs.prefix(maxGroupSize))
                queue.jobs.removeFirst(maxGroupSize)
                return group
            }
            guard let taken else { return nil }
            if !taken.isEmpty { return taken }
            wakeUp.wait()
        }
    }

    private func runGroup(_ group: [Job], on connection: Connection, control: TransactionControl) {
        let clock = ContinuousClock()
        let started = clock.now
        var succeeded: [Outcome] = []
        succeeded.reserveCapacity(group.count)
        // Failures are delivered with the group's outcome, not before: a job refused because of a row
        // another job of this group inserted must not be answered while that row is not yet durable.
        var failures: [@Sendable () -> Void] = []

        func begin() -> (any Error)? {
            do { try control.begin(); return nil } catch { return error }
        }
        if let error = begin() {
            record(commits: 0, committed: 0, failed: group.count, groupSize: group.count)
            group.forEach { $0.fail(error) }
            return
        }

        for (index, job) in group.enumerated() {
            do {
                try control.savepoint()
            } catch {
                failures.append { job.fail(error) }
                continue
            }
            let outcome = job.run(connection)
            if outcome.succeeded {
                do {
                    try control.release()
                    succeeded.append(outcome)
                } catch {
                    control.rollbackToSavepoint()
                    failures.append { outcome.settle(error) }
                }
            } else {
                control.rollbackToSavepoint()
                failures.append { outcome.settle(nil) }
            }
            if connection.isAutocommit {
                // SQLite rolled back the whole transaction (I/O error, disk full, …): the earlier jobs'
                // work is gone. They fail (they were not acknowledged), and the rest start afresh.
                let lost = StoreError(code: SQLITE_ABORT, message: "the group's transaction was rolled back by SQLite after an error in another write; nothing of this write was stored")
                failures += succeeded.map { outcome in { outcome.settle(lost) } }
                succeeded.removeAll()
                if let error = begin() {
                    // The rest fail without running.
                    record(commits: 0, committed: 0, failed: group.count, groupSize: group.count)
                    failures.forEach { $0() }
                    group[(index + 1)...].forEach { $0.fail(error) }
                    return
                }
            }
        }

        let committing = clock.now
        do {
            try control.commit()
        } catch {
            control.rollbackIfActive()
            record(commits: 0, committed: 0, failed: group.count, groupSize: group.count)
            failures.forEach { $0() }
            succeeded.forEach { $0.settle(error) }
            return
        }
        let committed = clock.now
        // Durable now: only from here on do callers learn that their write succeeded. (Counters first,
        // so a caller that has its result also sees it counted.)
        record(commits: 1, committed: succeeded.count, failed: failures.count, groupSize: group.count,
               running: committing - started, committing: committed - committing)
        failures.forEach { $0() }
        succeeded.forEach { $0.settle(nil) }
    }

    private func record(commits: Int, committed: Int, failed: Int, groupSize: Int,
                        running: Duration = .zero, committing: Duration = .zero) {
        counters.withLock { statistics in
            statistics.timeRunningJobs += running
            statistics.timeCommitting += committing
            statistics.commits += commits
            statistics.committedJobs += committed
            statistics.failedJobs += failed
            statistics.largestGroup = max(statistics.largestGroup, groupSize)
        }
    }
}

/// The writer's own transaction statements, prepared once and kept out of the connection's statement
/// cache (a job preparing "COMMIT" must go through the authorizer and be refused, not find these).
private final class TransactionControl {
    private let connection: Connection
    private let beginStatement: Statement
    private let commitStatement: Statement
    private let rollbackStatement: Statement
    private let savepointStatement: Statement
    private let releaseStatement: Statement
    private let rollbackToStatement: Statement

    init(_ connection: Connection) throws {
        self.connection = connection
        (beginStatement, commitStatement, rollbackStatement, savepointStatement, releaseStatement, rollbackToStatement) =
            try connection.withTransactionControl {
                (
                    try connection.uncachedStatement("BEGIN IMMEDIATE"),
                    try connection.uncachedStatement("COMMIT"),
                    try connection.uncachedStatement("ROLLBACK"),
                    try connection.uncachedStatement("SAVEPOINT write_job"),
                    try connection.uncachedStatement("RELEASE write_job"),
                    try connection.uncachedStatement("ROLLBACK TO write_job")
                )
            }
    }

    func begin() throws { try connection.withTransactionControl { try beginStatement.run() } }
    func commit() throws { try connection.withTransactionControl { try commitStatement.run() } }
    func savepoint() throws { try connection.withTransactionControl { try savepointStatement.run() } }
    func release() throws { try connection.withTransactionControl { try releaseStatement.run() } }

    /// Undoes the current job's work and removes its savepoint. Failure here means the transaction is
    /// already gone, which the caller detects through autocommit.
    func rollbackToSavepoint() {
        connection.withTransactionControl {
            guard !connection.isAutocommit else { return }
            try? rollbackToStatement.run()
            try? releaseStatement.run()
        }
    }

    func rollbackIfActive() {
        connection.withTransactionControl {
            guard !connection.isAutocommit else { return }
            try? rollbackStatement.run()
        }
    }
}
