import CinebookModel
import Foundation

/// The database of record: the catalog of showtimes, and every booking with its seats.
///
/// A seat is sold when, and only when, a booking that lists it is committed here. The
/// database refuses a second sale of a seat (a unique key on showtime and seat), whatever
/// Redis believes, so it is the last fence against selling a seat twice.
public protocol SalesRecord: Sendable {
    /// Every showtime, by id.
    func showtimes() async throws(RecordsError) -> [ShowtimeRecord]
    /// Adds the showtimes, or updates those whose id exists.
    func save(_ showtimes: [ShowtimeRecord]) async throws(RecordsError)
    /// Sells the seats in one transaction, or none of them when any is sold already.
    func commit(_ sale: Sale) async throws(RecordsError) -> SaleOutcome
    /// The sold seats of a showtime, each with its booking id.
    func sold(showtime: Int) async throws(RecordsError) -> [SeatCode: Int64]
    /// Bookings, newest last, of one showtime or all, of one user or all.
    func bookings(showtime: Int?, user: String?) async throws(RecordsError) -> [Booking]
    /// Keeps hold-history entries for good, in one transaction; an entry kept already (the
    /// same showtime and id) is skipped, so a pass that is repeated changes nothing.
    func archive(_ entries: [HistoryEntry]) async throws(RecordsError)
    /// The showtime's history as kept, oldest first; from `since` (by `at`) if given.
    func history(showtime: Int, since: Date?) async throws(RecordsError) -> [HistoryEntry]
    /// The house holds in force, of one showtime or all; with a time, only those that end by then.
    func houseHolds(showtime: Int?, endingBy: Date?) async throws(RecordsError) -> [HouseHold]
    /// Gives seats kept back by the house back to sale, in one transaction: those of `seats`
    /// that were kept back. A hold with no seat left is over.
    func releaseHouseSeats(showtime: Int, _ seats: [SeatCode], at: Date) async throws(RecordsError) -> [SeatCode]
    /// Books seats kept back by the house for a guest, all or none, in one transaction.
    func bookHouseGuest(_ sale: Sale) async throws(RecordsError) -> HouseGuestOutcome
    /// Removes the bookings and history of these showtimes; for the load benchmark's own showtimes.
    func purge(showtimes: [Int]) async throws(RecordsError)
    /// Closes the connections; further calls fail.
    func close() async
}

/// A showtime as the database keeps it: its layout as row patterns (`s`, `p`, `w`, `_`).
public struct ShowtimeRecord: Sendable, Hashable, Codable {
    public struct Row: Sendable, Hashable, Codable {
        public let row: String
        public let seats: String

        public init(row: String, seats: String) {
            self.row = row
            self.seats = seats
        }
    }

    public let id: Int
    public let title: String
    public let auditorium: String
    public let startsAt: Date
    public let rows: [Row]
    /// Seats sold at the box office, outside this system.
    public let boxOffice: [String]
    /// The cinema's time zone, by its IANA name.
    public let timeZone: String
    /// Sales close this many minutes before the start.
    public let salesCutoffMinutes: Int

    /// When sales open, for a showtime sold through its waiting room from that moment.
    public let salesOpenAt: Date?

    public init(
        id: Int, title: String, auditorium: String, startsAt: Date, rows: [Row], boxOffice: [String], timeZone: String = "UTC",
        salesCutoffMinutes: Int = 0, salesOpenAt: Date? = nil
    ) {
        self.id = id
        self.title = title
        self.auditorium = auditorium
        self.startsAt = startsAt
        self.rows = rows
        self.boxOffice = boxOffice
        self.timeZone = timeZone
        self.salesCutoffMinutes = salesCutoffMinutes
        self.salesOpenAt = salesOpenAt
    }
}

/// What a house hold is for, who made it, and when it ends.
public struct HouseTerms: Sendable, Hashable {
    public let label: HouseLabel
    public let heldBy: String
    public let end: HouseHoldEnd

    public init(label: HouseLabel, heldBy: String, end: HouseHoldEnd) {
        self.label = label
        self.heldBy = heldBy
        self.end = end
    }
}

public enum HouseGuestOutcome: Sendable, Hashable {
    case booked(Booking)
    /// Nothing was booked: these seats are not kept back by the house.
    case notHeld([SeatCode])
}

/// Seats to sell to one user; or, with `house`, to keep back for the house.
public struct Sale: Sendable, Hashable {
    public let showtimeID: Int
    public let user: String
    public let seats: [SeatCode]
    public let at: Date
    /// For a party's booking: who sits in each seat.
    public let sitters: [SeatCode: String]
    /// For the house's own: what the seats are kept back for, and until when.
    public let house: HouseTerms?

    public init(showtimeID: Int, user: String, seats: [SeatCode], at: Date, sitters: [SeatCode: String] = [:], house: HouseTerms? = nil) {
        self.showtimeID = showtimeID
        self.user = user
        self.seats = seats
        self.at = at
        self.sitters = sitters
        self.house = house
    }
}

public enum SaleOutcome: Sendable, Hashable {
    case booked(Booking)
    /// Nothing was sold: these seats were sold already, by these bookings.
    case refused(sold: [SeatCode: Booking])
}

public enum RecordsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database cannot be reached or did not answer in time; nothing was changed.
    case unavailable(String)
    /// A write was sent but its answer never came: it may or may not have been committed.
    case outcomeUnknown(String)
    /// The database answered something this program cannot use (a newer schema, a bad row).
    case unusable(String)

    public var description: String {
        switch self {
        case let .unavailable(reason), let .outcomeUnknown(reason), let .unusable(reason): reason
        }
    }
}
