import Foundation

/// The story's success metrics for one showtime, from its hold history: how often a lock
/// met seats already taken, how many holds ended without a booking, how often an
/// operation failed for a fault of ours, how long booking took, and how often each seat
/// was held and booked. Counted in seats, so a party of four weighs four times a single seat.
public struct ShowtimeStats: Sendable, Hashable {
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
    /// The showtime's waiting room now, while one is on.
    public var room: RoomSummary?
    /// Seats the house kept back, gave back to sale and booked for guests: apart from
    /// the public's holds and sales.
    public var house = HouseCounts()

    public struct HouseCounts: Sendable, Hashable, Codable {
        public var held = 0
        public var released = 0
        public var guests = 0

        public init(held: Int = 0, released: Int = 0, guests: Int = 0) {
            self.held = held
            self.released = released
            self.guests = guests
        }
    }

    public struct SeatCounts: Sendable, Hashable, Codable {
        public var held: Int
        public var booked: Int

        public init(held: Int, booked: Int) {
            self.held = held
            self.booked = booked
        }
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
    public init(showtimeID: Int, entries: [HistoryEntry], since: Date? = nil) {
        self.showtimeID = showtimeID
        self.since = since
        var conflicting = 0, limits = 0, limitSeats = 0, booked = 0, released = 0, expired = 0
        var failed: [String: Int] = [:]
        var toBooking: [Int64] = []
        var seats: [SeatCode: SeatCounts] = [:]
        var house = HouseCounts()
        for entry in entries where since.map({ entry.at >= $0 }) ?? true {
            switch entry.event {
            case .houseHeld: house.held += entry.seats.count
            case .houseReleased: house.released += entry.seats.count
            case .houseBooked: house.guests += entry.seats.count
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
        self.house = house
    }

    /// The figures as they were counted elsewhere (a server's answer).
    public init(
        showtimeID: Int, since: Date?, conflictingSeats: Int, limitRefusals: Int, limitRefusedSeats: Int,
        failedSeats: [String: Int], booked: Int, released: Int, expired: Int, medianMillisecondsToBooking: Int64?,
        seats: [SeatCode: SeatCounts]
    ) {
        self.showtimeID = showtimeID
        self.since = since
        self.conflictingSeats = conflictingSeats
        self.limitRefusals = limitRefusals
        self.limitRefusedSeats = limitRefusedSeats
        self.failedSeats = failedSeats
        self.booked = booked
        self.released = released
        self.expired = expired
        self.medianMillisecondsToBooking = medianMillisecondsToBooking
        self.seats = seats
    }

    private func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }
}
