import Histogram
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

    var operations: Int { histograms.values.reduce(0) { $0 + Int($1.totalCount) } }

    static func histogram() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000_000, numberOfSignificantValueDigits: .three)
    }
}

/// The run's one set of histograms, shared by every virtual user: memory stays the same
/// whatever the number of users (a histogram of this range takes about 200 KB).
final class SharedLatencies: Sendable {
    private let state = Mutex(Latencies())

    func update(_ change: (inout Latencies) -> Void) {
        state.withLock { change(&$0) }
    }

    var snapshot: Latencies { state.withLock { $0 } }
}
