import CinebookModel
import CinebookSupport
import RedisClient

/// How the bench meets a Redis that is briefly away outside its load (a busy disk under
/// `appendfsync` stalls Redis for up to 2 s, a failover takes a few): a step before or after
/// the load is tried again until `patience` runs out, so that only the load's own faults
/// are counted by the load. Every such step can be repeated: it asks, measures, probes,
/// audits or removes.
public enum BenchPatience {
    public static let standard: Duration = .seconds(30)

    @discardableResult
    public static func settled<T>(patience: Duration = standard, _ step: () async throws -> T) async throws -> T {
        try await Patience.retrying(for: patience, every: .milliseconds(200), while: isPassing, step)
    }

    /// Redis did not answer, or the connection failed: worth asking again.
    public static func isPassing(_ error: any Error) -> Bool {
        switch error {
        case is RedisConnectionError: true
        case SeatLockingError.redisUnavailable: true
        default: false
        }
    }
}
