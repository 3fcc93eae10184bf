/// Counters of the single writer since the database was opened.
public struct WriterStatistics: Sendable, Equatable {
    /// Transactions committed (each one fsync of the WAL).
    public var commits: Int = 0
    /// Write jobs whose work was committed.
    public var committedJobs: Int = 0
    /// Write jobs that failed (their own error, or a failed commit) and were rolled back.
    public var failedJobs: Int = 0
    /// The most jobs that shared one commit.
    public var largestGroup: Int = 0
    /// Time the writer spent running jobs (BEGIN, savepoints, the jobs' statements).
    public var timeRunningJobs: Duration = .zero
    /// Time the writer spent in COMMIT, which is mostly the WAL fsync (and, now and then, an automatic
    /// checkpoint). With `timeRunningJobs`, shows whether the disk or the CPU bounds the write rate.
    public var timeCommitting: Duration = .zero

    public init() {}

    /// Average committed jobs per commit: how much group commit saves.
    public var jobsPerCommit: Double { commits == 0 ? 0 : Double(committedJobs) / Double(commits) }
}
