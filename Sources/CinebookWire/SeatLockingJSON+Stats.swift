import CinebookModel
import Foundation

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

extension ShowtimeStats {
    /// The figures as a server sent them (`SeatLockingJSON.Stats`).
    public init?(_ wire: SeatLockingJSON.Stats) {
        var since: Date?
        if let text = wire.since {
            guard let date = SeatLockingJSON.date(fromTimestamp: text) else { return nil }
            since = date
        }
        var seats: [SeatCode: SeatCounts] = [:]
        for (text, counts) in wire.seats {
            guard let code = SeatCode(text) else { return nil }
            seats[code] = counts
        }
        self.init(
            showtimeID: wire.showtime_id, since: since, conflictingSeats: wire.conflicting_seats,
            limitRefusals: wire.limit_refusals, limitRefusedSeats: wire.limit_refused_seats, failedSeats: wire.failures,
            booked: wire.booked, released: wire.released, expired: wire.expired,
            medianMillisecondsToBooking: wire.median_seconds_to_booking.map { Int64(($0 * 1000).rounded()) }, seats: seats)
    }
}
