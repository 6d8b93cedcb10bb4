import Foundation

/// What an operator sees of one seat: who holds it, until when, with which token; or its
/// booking.
public struct SeatInspection: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case free
        case held(user: String, since: Date, until: Date, token: Int64)
        /// A booking is being committed in the database until the deadline.
        case beingBooked(user: String, deadline: Date)
        case sold(booking: Int64)
        /// Sold at the box office, outside this system.
        case boxOffice
    }

    public let seat: SeatCode
    public let state: State

    package init(seat: SeatCode, state: State) {
        self.seat = seat
        self.state = state
    }
}

/// Holds an operator ended: each released seat with who held it.
public struct ForcedRelease: Sendable, Hashable {
    public struct Hold: Sendable, Hashable {
        public let seat: SeatCode
        public let user: String

        package init(seat: SeatCode, user: String) {
            self.seat = seat
            self.user = user
        }
    }

    public let showtimeID: Int
    public let released: [Hold]
    /// Seats that nobody held (free, sold, or being booked): left as they were.
    public let notHeld: [SeatCode]
    public let serverTime: Date

    package init(showtimeID: Int, released: [Hold], notHeld: [SeatCode], serverTime: Date) {
        self.showtimeID = showtimeID
        self.released = released
        self.notHeld = notHeld
        self.serverTime = serverTime
    }
}
