import Foundation
import SeatRecords

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
    /// The median hold time of booked seats, in milliseconds: from the first hold to the booking.
    public let medianMillisecondsToBooking: Int64?
    /// Per seat: holds that ended, and of those, bookings.
    public let seats: [SeatCode: SeatCounts]

    public struct SeatCounts: Sendable, Hashable, Codable {
        public var held: Int
        public var booked: Int
    }

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

    /// The figures of `entries` at or after `since`.
    public init(showtimeID: Int, entries: [HoldHistory.Entry], since: Date? = nil) {
        self.showtimeID = showtimeID
        self.since = since
        var conflicting = 0, limits = 0, limitSeats = 0, booked = 0, released = 0, expired = 0
        var failed: [String: Int] = [:]
        var toBooking: [Int64] = []
        var seats: [SeatCode: SeatCounts] = [:]
        for entry in entries where since.map({ entry.at >= $0 }) ?? true {
            switch entry.event {
            case .unavailable: conflicting += entry.seats.count
            case .tooMany:
                limits += 1
                limitSeats += entry.seats.count
            case .error: failed[entry.operation ?? "unknown", default: 0] += entry.seats.count
            case .booked, .released, .expired:
                for seat in entry.seats {
                    seats[seat, default: SeatCounts(held: 0, booked: 0)].held += 1
                    if entry.event == .booked { seats[seat, default: SeatCounts(held: 0, booked: 0)].booked += 1 }
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
        let sorted = toBooking.sorted()
        medianMillisecondsToBooking = sorted.isEmpty ? nil
            : sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        self.seats = seats
    }

    /// The figures as a server sent them (`SeatLockingJSON.Stats`).
    public init?(_ wire: SeatLockingJSON.Stats) {
        showtimeID = wire.showtime_id
        if let since = wire.since {
            guard let date = SeatLockingJSON.date(fromTimestamp: since) else { return nil }
            self.since = date
        } else {
            since = nil
        }
        conflictingSeats = wire.conflicting_seats
        limitRefusals = wire.limit_refusals
        limitRefusedSeats = wire.limit_refused_seats
        failedSeats = wire.failures
        booked = wire.booked
        released = wire.released
        expired = wire.expired
        medianMillisecondsToBooking = wire.median_seconds_to_booking.map { Int64(($0 * 1000).rounded()) }
        var seats: [SeatCode: SeatCounts] = [:]
        for (text, counts) in wire.seats {
            guard let code = SeatCode(text) else { return nil }
            seats[code] = counts
        }
        self.seats = seats
    }

    private func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }
}

extension SeatLockingJSON {
    /// `cinebook stats --json` and `GET /api/v1/showtimes/{id}/stats`: rates as fractions
    /// (null without data), seats by code.
    public struct Stats: Codable, Sendable {
        var ok = true
        let showtime_id: Int
        let since: String?
        let conflict_rate: Double?
        let abandonment_rate: Double?
        let error_rate: Double?
        let median_seconds_to_booking: Double?
        let conflicting_seats: Int
        let limit_refusals: Int
        let limit_refused_seats: Int
        let operations: Int
        /// Failed seat operations by operation.
        let failures: [String: Int]
        let holds_ended: Int
        let booked: Int
        let released: Int
        let expired: Int
        let seats: [String: ShowtimeStats.SeatCounts]

        public init(_ stats: ShowtimeStats) {
            showtime_id = stats.showtimeID
            since = stats.since.map(SeatLockingJSON.timestamp)
            conflict_rate = stats.conflictRate
            abandonment_rate = stats.abandonmentRate
            error_rate = stats.errorRate
            median_seconds_to_booking = stats.medianMillisecondsToBooking.map { Double($0) / 1000 }
            conflicting_seats = stats.conflictingSeats
            limit_refusals = stats.limitRefusals
            limit_refused_seats = stats.limitRefusedSeats
            operations = stats.operations
            failures = stats.failedSeats
            holds_ended = stats.holdsEnded
            booked = stats.booked
            released = stats.released
            expired = stats.expired
            seats = Dictionary(uniqueKeysWithValues: stats.seats.map { ($0.key.text, $0.value) })
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
