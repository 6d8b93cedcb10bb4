import Foundation

/// The story's success metrics for one showtime, from its hold history: how often a lock
/// met seats already taken, how many holds ended without a booking, how often an
/// operation failed for a fault of ours, how long booking took, and how often each seat
/// was held and booked. Counted in seats, so a party of four weighs four times a single seat.
public struct ShowtimeStats: Sendable {
    public let showtimeID: Int
    public let since: Date?
    /// Seats asked for by locks that found them taken.
    public let conflictingSeats: Int
    /// Lock requests refused for the user's seat limit.
    public let limitRefusals: Int
    /// Seats asked for by those requests.
    public let limitRefusedSeats: Int
    /// Seats of operations that failed for a fault of the system (Redis or the database
    /// unavailable, an unknown outcome, a bug), by operation.
    public let failedSeats: [String: Int]
    public let booked: Int
    public let released: Int
    public let expired: Int
    /// The hold time of booked seats, in milliseconds: from the first hold to the booking.
    public let millisecondsToBooking: [Int64]
    /// Per seat: holds that ended, and of those, bookings.
    public let seats: [String: (held: Int, booked: Int)]

    public var holdsEnded: Int { booked + released + expired }

    /// Conflicting seats over every seat a lock asked for (taken or granted and ended).
    public var conflictRate: Double? { ratio(conflictingSeats, conflictingSeats + holdsEnded) }

    /// Holds that ended released or expired over every hold that ended.
    public var abandonmentRate: Double? { ratio(released + expired, holdsEnded) }

    public var failures: Int { failedSeats.values.reduce(0, +) }

    /// Seat operations: each seat a lock asked for (granted, refused or failed), each seat
    /// booked or released, and each seat of another operation that failed.
    public var operations: Int { conflictingSeats + limitRefusedSeats + holdsEnded + booked + released + failures }

    /// Seat operations that failed for a fault of the system, over every seat operation.
    public var errorRate: Double? { ratio(failures, operations) }

    public var medianMillisecondsToBooking: Int64? {
        let sorted = millisecondsToBooking.sorted()
        guard !sorted.isEmpty else { return nil }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The figures of `entries` at or after `since`.
    public init(showtimeID: Int, entries: [HoldHistory.Entry], since: Date? = nil) {
        self.showtimeID = showtimeID
        self.since = since
        var conflicting = 0, limits = 0, limitSeats = 0, booked = 0, released = 0, expired = 0
        var failed: [String: Int] = [:]
        var toBooking: [Int64] = []
        var seats: [String: (held: Int, booked: Int)] = [:]
        for entry in entries where since.map({ entry.at >= $0 }) ?? true {
            switch entry.event {
            case .unavailable: conflicting += entry.seats.count
            case .tooMany:
                limits += 1
                limitSeats += entry.seats.count
            case .error: failed[entry.operation ?? "unknown", default: 0] += entry.seats.count
            case .booked, .released, .expired:
                for seat in entry.seats {
                    seats[seat, default: (0, 0)].held += 1
                    if entry.event == .booked { seats[seat, default: (0, 0)].booked += 1 }
                }
                switch entry.event {
                case .booked:
                    booked += entry.seats.count
                    if let held = entry.heldMilliseconds { toBooking.append(held) }
                case .released: released += entry.seats.count
                default: expired += entry.seats.count
                }
            }
        }
        conflictingSeats = conflicting
        limitRefusals = limits
        limitRefusedSeats = limitSeats
        failedSeats = failed
        self.booked = booked
        self.released = released
        self.expired = expired
        millisecondsToBooking = toBooking
        self.seats = seats
    }

    private func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }
}

extension SeatLockingJSON {
    /// `cinebook stats --json`: rates as fractions (null without data), seats by code.
    public struct Stats: Encodable, Sendable {
        struct SeatCounts: Encodable, Sendable {
            let held: Int
            let booked: Int
        }

        let ok = true
        let showtime_id: Int
        let since: String?
        let conflict_rate: Double?
        let abandonment_rate: Double?
        let error_rate: Double?
        let median_seconds_to_booking: Double?
        let conflicting_seats: Int
        let limit_refusals: Int
        let operations: Int
        /// Failed seat operations by operation.
        let failures: [String: Int]
        let holds_ended: Int
        let booked: Int
        let released: Int
        let expired: Int
        let seats: [String: SeatCounts]

        public init(_ stats: ShowtimeStats) {
            showtime_id = stats.showtimeID
            since = stats.since.map(SeatLockingJSON.timestamp)
            conflict_rate = stats.conflictRate
            abandonment_rate = stats.abandonmentRate
            error_rate = stats.errorRate
            median_seconds_to_booking = stats.medianMillisecondsToBooking.map { Double($0) / 1000 }
            conflicting_seats = stats.conflictingSeats
            limit_refusals = stats.limitRefusals
            operations = stats.operations
            failures = stats.failedSeats
            holds_ended = stats.holdsEnded
            booked = stats.booked
            released = stats.released
            expired = stats.expired
            seats = stats.seats.mapValues { SeatCounts(held: $0.held, booked: $0.booked) }
        }
    }
}

extension SeatLockingService {
    /// The showtime's figures from its whole history, in the database of record and in
    /// Redis (from `since`, if given).
    public func stats(showtime id: Int, since: Date? = nil) async throws(SeatLockingError) -> ShowtimeStats {
        ShowtimeStats(showtimeID: id, entries: try await completeHistory(showtime: id, since: since), since: since)
    }
}
