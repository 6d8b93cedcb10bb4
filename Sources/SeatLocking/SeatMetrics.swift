import CinebookModel
import CinebookSupport
import CoreMetrics
import Foundation
import Synchronization

/// What the core counts and times for an operator, through a swift-metrics factory of
/// its own (the server's exports Prometheus text; the default records nothing), so two
/// services in one process keep apart. Every name and label is here:
///
/// - `cinebook_seat_operations_total{operation, result}`: lock, unlock, extend and book
///   calls; `ok`, `refused` (a conflict, a seat not held, bad input) or `error` (Redis or
///   the database unavailable, an unknown outcome, a bug): the error rate's numbers.
/// - `cinebook_lock_attempts_total{outcome}`: `granted`, `unavailable`, `too_many`,
///   `invalid` or `error`: the conflict rate's numbers.
/// - `cinebook_holds_ended_total{reason}`: seats whose hold ended `booked`, `released` or
///   `expired` (as this process saw it: the sweeping one counts expiries).
/// - `cinebook_redis_script_duration_seconds{script}`, `cinebook_database_duration_seconds{operation}`:
///   round trips.
/// - `cinebook_room_waiting{showtime}`, `cinebook_room_choosing{showtime}`,
///   `cinebook_room_admitted{showtime}`, `cinebook_room_left{showtime}`,
///   `cinebook_room_admissions_last_minute{showtime}`, `cinebook_room_mean_wait_seconds{showtime}`,
///   `cinebook_room_longest_wait_seconds{showtime}`: each waiting room as its last call found
///   it in Redis (every server sees the same room).
/// - `cinebook_job_runs_total{job, result}`, `cinebook_job_duration_seconds{job}`,
///   `cinebook_job_last_success_timestamp_seconds{job}`: the sweep, reconcile and archive passes.
public final class SeatMetrics: Sendable {
    public enum Operation: String, Sendable, CaseIterable {
        case lock, unlock, extend, book
    }

    public enum LockOutcome: String, Sendable, CaseIterable {
        case granted, unavailable, tooMany = "too_many", waitingRoom = "waiting_room", invalid, error
    }

    public enum HoldEnd: String, Sendable, CaseIterable {
        case booked, released, expired
    }

    public enum Job: String, Sendable, CaseIterable {
        case sweep, reconcile, archive
    }

    /// Round trips are timed in these buckets, from a tenth of a millisecond.
    public static let roundTripBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
    ]
    public static let scriptTimer = "cinebook_redis_script_duration_seconds"
    public static let databaseTimer = "cinebook_database_duration_seconds"

    let factory: any MetricsFactory
    private let operations: [String: Counter]
    private let lockAttempts: [LockOutcome: Counter]
    private let holdsEnded: [HoldEnd: Counter]
    private let jobRuns: [String: Counter]
    private let jobDurations: [Job: CoreMetrics.Timer]
    private let jobLastSuccess: [Job: Gauge]
    /// The waiting rooms' gauges, made on first use, by label and showtime.
    private let roomGauges = Mutex<[String: Gauge]>([:])
    /// Round-trip timers, made on first use, by label and name.
    private let timers = Mutex<[String: CoreMetrics.Timer]>([:])

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        var operations: [String: Counter] = [:]
        for operation in Operation.allCases {
            for result in ["ok", "refused", "error"] {
                operations["\(operation.rawValue).\(result)"] = Counter(
                    label: "cinebook_seat_operations_total", dimensions: [("operation", operation.rawValue), ("result", result)],
                    factory: factory)
            }
        }
        self.operations = operations
        lockAttempts = Dictionary(uniqueKeysWithValues: LockOutcome.allCases.map { outcome in
            (outcome, Counter(label: "cinebook_lock_attempts_total", dimensions: [("outcome", outcome.rawValue)], factory: factory))
        })
        holdsEnded = Dictionary(uniqueKeysWithValues: HoldEnd.allCases.map { reason in
            (reason, Counter(label: "cinebook_holds_ended_total", dimensions: [("reason", reason.rawValue)], factory: factory))
        })
        var runs: [String: Counter] = [:]
        for job in Job.allCases {
            for result in ["ok", "failed"] {
                runs["\(job.rawValue).\(result)"] = Counter(
                    label: "cinebook_job_runs_total", dimensions: [("job", job.rawValue), ("result", result)], factory: factory)
            }
        }
        jobRuns = runs
        jobDurations = Dictionary(uniqueKeysWithValues: Job.allCases.map { job in
            (job, CoreMetrics.Timer(label: "cinebook_job_duration_seconds", dimensions: [("job", job.rawValue)], factory: factory))
        })
        jobLastSuccess = Dictionary(uniqueKeysWithValues: Job.allCases.map { job in
            (job, Gauge(label: "cinebook_job_last_success_timestamp_seconds", dimensions: [("job", job.rawValue)], factory: factory))
        })
    }

    /// Records nothing.
    public static let disabled = SeatMetrics()

    /// One seat operation and how it ended; a lock also as a lock attempt.
    func record(_ operation: Operation, _ failure: SeatLockingError?) {
        let result = failure.map { $0.isFault ? "error" : "refused" } ?? "ok"
        operations["\(operation.rawValue).\(result)"]?.increment()
        guard operation == .lock else { return }
        let outcome: LockOutcome
        switch failure {
        case nil: outcome = .granted
        case .seatsUnavailable?: outcome = .unavailable
        case .tooManySeats?: outcome = .tooMany
        case .waitingRoom?: outcome = .waitingRoom
        case .invalidRequest?, .unknownSeats?, .unknownShowtime?, .salesClosed?: outcome = .invalid
        case _?: outcome = .error
        }
        lockAttempts[outcome]?.increment()
    }

    /// `seats` holds ended for `reason`.
    /// A waiting room as a call of its script found it.
    func room(_ room: RoomSummary, showtime: Int) {
        let values: [(String, Double)] = [
            ("cinebook_room_waiting", Double(room.waiting)), ("cinebook_room_choosing", Double(room.choosing)),
            ("cinebook_room_admitted", Double(room.admitted)), ("cinebook_room_left", Double(room.left)),
            ("cinebook_room_admissions_last_minute", Double(room.admissionsLastMinute)),
            ("cinebook_room_mean_wait_seconds", room.meanWait.seconds), ("cinebook_room_longest_wait_seconds", room.longestWait.seconds),
        ]
        roomGauges.withLock { gauges in
            for (label, value) in values {
                let key = "\(label)|\(showtime)"
                let gauge = gauges[key] ?? Gauge(label: label, dimensions: [("showtime", String(showtime))], factory: factory)
                gauges[key] = gauge
                gauge.record(value)
            }
        }
    }

    func holdsEnded(_ reason: HoldEnd, seats: Int) {
        guard seats > 0 else { return }
        holdsEnded[reason]?.increment(by: seats)
    }

    /// A script's round trip.
    func script(_ name: String, took duration: Duration) {
        timer(name, label: Self.scriptTimer, dimension: "script").recordNanoseconds(duration.nanoseconds)
    }

    /// A database call's round trip.
    func database(_ operation: String, took duration: Duration) {
        timer(operation, label: Self.databaseTimer, dimension: "operation").recordNanoseconds(duration.nanoseconds)
    }

    private func timer(_ name: String, label: String, dimension: String) -> CoreMetrics.Timer {
        timers.withLock { timers in
            if let timer = timers[label + " " + name] { return timer }
            let timer = CoreMetrics.Timer(label: label, dimensions: [(dimension, name)], factory: factory)
            timers[label + " " + name] = timer
            return timer
        }
    }

    /// One pass of a job: how long it took and whether it worked.
    public func job(_ job: Job, took duration: Duration, succeeded: Bool) {
        jobRuns["\(job.rawValue).\(succeeded ? "ok" : "failed")"]?.increment()
        jobDurations[job]?.recordNanoseconds(duration.nanoseconds)
        if succeeded { jobLastSuccess[job]?.record(Date().timeIntervalSince1970) }
    }
}
