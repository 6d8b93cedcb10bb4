import CinebookModel
import CinebookSupport
import CinebookWire
import Foundation
import SeatLocking
import Synchronization

/// The server's periodic passes, watched: each pass of the sweep and of reconciliation
/// leaves its time, duration and result here, for `/health`. A job is healthy while its
/// last pass worked and its last success is less than two intervals old (a sweeper that
/// stopped, or hangs, shows within two intervals).
public final class MaintenanceLog: Sendable {
    /// One finished pass.
    public struct Run: Sendable, Hashable, Encodable {
        public let finishedAt: String
        public let durationMs: Double
        /// `ok`, `failed`, or `skipped` (another server held the sweep lock and ran it).
        public let result: String
        public let error: String?
        /// A sweep: the expired holds it cleared.
        public let expired: Int?
        /// A reconciliation: the showtimes it compared, and those it repaired.
        public let showtimes: Int?
        public let repaired: Int?
        /// An archive pass: the history entries it moved into the database.
        public let archived: Int?
    }

    /// What `/health` says of one job.
    public struct Job: Sendable, Hashable, Encodable {
        /// The interval it should run at; nil when this server runs none.
        public let everyS: Double?
        /// `ok`, `failed` (its last pass), `overdue` (no success for two intervals) or `off`.
        public let status: String
        public let lastRun: Run?
        public let lastSuccessAt: String?

        public var isHealthy: Bool { status == "ok" || status == "off" }
    }

    private struct State {
        var since = Date()
        var interval: Duration?
        var runs: [SeatMetrics.Job: Run] = [:]
        var successes: [SeatMetrics.Job: Date] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The jobs are to run every `interval` from now on.
    public func expect(every interval: Duration) {
        state.withLock {
            $0.interval = interval
            $0.since = Date()
        }
    }

    public func record(_ job: SeatMetrics.Job, took duration: Duration, failure: String? = nil, skipped: Bool = false,
                expired: Int? = nil, showtimes: Int? = nil, repaired: Int? = nil, archived: Int? = nil) {
        let now = Date()
        let run = Run(
            finishedAt: SeatLockingJSON.timestamp(now), durationMs: RequestLogMiddleware.milliseconds(duration),
            result: failure != nil ? "failed" : skipped ? "skipped" : "ok", error: failure,
            expired: expired, showtimes: showtimes, repaired: repaired, archived: archived)
        state.withLock {
            $0.runs[job] = run
            if failure == nil { $0.successes[job] = now }
        }
    }

    /// Each job as of `now`.
    public func jobs(now: Date = Date()) -> [String: Job] {
        state.withLock { state in
            Dictionary(uniqueKeysWithValues: SeatMetrics.Job.allCases.map { job in
                let run = state.runs[job]
                let success = state.successes[job]
                let status: String
                if let interval = state.interval {
                    if run?.result == "failed" {
                        status = "failed"
                    } else if now.timeIntervalSince(success ?? state.since) > 2 * interval.seconds {
                        status = "overdue"
                    } else {
                        status = "ok"
                    }
                } else {
                    status = run?.result == "failed" ? "failed" : run == nil ? "off" : "ok"
                }
                return (job.rawValue, Job(
                    everyS: state.interval?.seconds, status: status, lastRun: run, lastSuccessAt: success.map(SeatLockingJSON.timestamp)))
            })
        }
    }
}
