import CinebookModel
import CinebookSupport
import Histogram
import SeatLocking
import Synchronization

/// The operations a run measures.
public enum Operation: String, Sendable, Hashable, CaseIterable, Codable {
    case lock, extend, unlock, book, status
}

/// Latency histograms (nanoseconds) per operation, and the outcome counts.
struct Latencies: Sendable {
    var histograms: [Operation: Histogram<UInt64>] = [:]
    var conflicts = 0
    var refusals = 0
    var errors = 0
    var lastError: String?

    mutating func record(_ operation: Operation, nanoseconds: UInt64) {
        histograms[operation, default: Self.histogram()].record(max(1, nanoseconds))
    }

    /// Records one operation of a run and counts how it ended: a conflict, a refusal
    /// (not the owner, expired, too many), or an error. Returns whether it was an error.
    mutating func record(_ operation: Operation, took elapsed: Duration, failure: SeatLockingError?) -> Bool {
        record(operation, nanoseconds: UInt64(max(0, elapsed.nanoseconds)))
        switch failure {
        case nil:
            return false
        case .seatsUnavailable?:
            conflicts += 1
            return false
        case .notLockOwner?, .lockExpired?, .tooManySeats?:
            refusals += 1
            return false
        case let error?:
            errors += 1
            lastError = error.message
            return true
        }
    }

    var operations: Int { histograms.values.reduce(0) { $0 + Int($1.totalCount) } }

    static func histogram() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000_000, numberOfSignificantValueDigits: .three)
    }
}

/// The run's one set of histograms, shared by every virtual user: memory stays the same
/// whatever the number of users (a histogram of this range takes about 200 KB).
final class SharedLatencies: Sendable {
    private let state = Mutex(Latencies())

    func update<Value: Sendable>(_ change: (inout Latencies) -> Value) -> Value {
        state.withLock { change(&$0) }
    }

    var snapshot: Latencies { state.withLock { $0 } }
}
