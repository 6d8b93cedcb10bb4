import CinebookModel
import Foundation

extension SeatLockingJSON {
    /// `cinebook stats --json` and `GET /api/v1/showtimes/{id}/stats`: rates as fractions
    /// (null without data), seats by code.
    public struct Stats: Codable, Sendable {
        var ok = true
        let showtimeID: Int
        let since: String?
        let conflictRate: Double?
        let abandonmentRate: Double?
        let errorRate: Double?
        let medianSecondsToBooking: Double?
        let conflictingSeats: Int
        let limitRefusals: Int
        let limitRefusedSeats: Int
        let operations: Int
        /// Failed seat operations by operation.
        let failures: [String: Int]
        let holdsEnded: Int
        let booked: Int
        let released: Int
        let expired: Int
        let seats: [String: ShowtimeStats.SeatCounts]
        /// The waiting room, while one is on.
        let room: Room?
        /// Seats the house kept back, gave back and booked for guests, apart from sales.
        let house: ShowtimeStats.HouseCounts?

        public init(_ stats: ShowtimeStats) {
            showtimeID = stats.showtimeID
            since = stats.since.map(SeatLockingJSON.timestamp)
            conflictRate = stats.conflictRate
            abandonmentRate = stats.abandonmentRate
            errorRate = stats.errorRate
            medianSecondsToBooking = stats.medianMillisecondsToBooking.map { Double($0) / 1000 }
            conflictingSeats = stats.conflictingSeats
            limitRefusals = stats.limitRefusals
            limitRefusedSeats = stats.limitRefusedSeats
            operations = stats.operations
            failures = stats.failedSeats
            holdsEnded = stats.holdsEnded
            booked = stats.booked
            released = stats.released
            expired = stats.expired
            seats = Dictionary(uniqueKeysWithValues: stats.seats.map { ($0.key.text, $0.value) })
            room = stats.room.map(Room.init)
            house = stats.house
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
            showtimeID: wire.showtimeID, since: since, conflictingSeats: wire.conflictingSeats,
            limitRefusals: wire.limitRefusals, limitRefusedSeats: wire.limitRefusedSeats, failedSeats: wire.failures,
            booked: wire.booked, released: wire.released, expired: wire.expired,
            medianMillisecondsToBooking: wire.medianSecondsToBooking.map { Int64(($0 * 1000).rounded()) }, seats: seats)
        room = wire.room?.summary
        house = wire.house ?? HouseCounts()
    }
}
