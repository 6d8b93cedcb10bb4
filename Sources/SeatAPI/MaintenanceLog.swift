import Foundation
import SeatLocking
import Synchronization

/// What the server's last reconciliation pass found, for `/health`.
public final class MaintenanceLog: Sendable {
    public struct Reconciliation: Sendable, Hashable, Encodable {
        public let finished_at: String
        public let duration_ms: Double
        public let showtimes: Int
        /// Showtimes where Redis differed from the database (and was repaired).
        public let repaired: Int
        /// Why the pass failed, if it did.
        public let error: String?
    }

    private let last = Mutex<Reconciliation?>(nil)

    public init() {}

    public var lastReconciliation: Reconciliation? { last.withLock { $0 } }

    func record(_ reports: [ReconcileReport], took duration: Duration) {
        last.withLock {
            $0 = Reconciliation(
                finished_at: SeatLockingJSON.timestamp(Date()), duration_ms: RequestLogMiddleware.milliseconds(duration),
                showtimes: reports.count, repaired: reports.filter(\.repaired).count, error: nil)
        }
    }

    func record(failure: SeatLockingError, took duration: Duration) {
        last.withLock {
            $0 = Reconciliation(
                finished_at: SeatLockingJSON.timestamp(Date()), duration_ms: RequestLogMiddleware.milliseconds(duration), showtimes: 0, repaired: 0,
                error: failure.message)
        }
    }
}
