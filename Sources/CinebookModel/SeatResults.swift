import CinebookSupport
import Foundation

/// A seat held by a user until `expiresAt`; `token` grows with every new grant in the
/// showtime (a fencing token), and stays the same while the same hold is extended.
public struct HeldSeat: Sendable, Hashable {
    public let code: SeatCode
    public let expiresAt: Date
    public let token: Int64

    public init(code: SeatCode, expiresAt: Date, token: Int64) {
        self.code = code
        self.expiresAt = expiresAt
        self.token = token
    }
}

/// The answer to lock and extend: every seat asked for is now held by the user.
public struct LockGrant: Sendable, Hashable {
    public let showtimeID: Int
    public let user: String
    public let seats: [HeldSeat]
    /// Redis server time when the grant was made.
    public let serverTime: Date
    /// For a lock: when Redis last loaded the showtime's sold seats from the database. A
    /// later epoch means Redis lost its data since, and every hold of an earlier one with it.
    public let epoch: Date?
    /// The seats asked for, when they were just taken and `seats` are held instead (a lock
    /// that asked for the nearest equivalent block, or best available); else empty.
    public let replacing: [SeatCode]

    public init(showtimeID: Int, user: String, seats: [HeldSeat], serverTime: Date, epoch: Date? = nil, replacing: [SeatCode] = []) {
        self.showtimeID = showtimeID
        self.user = user
        self.seats = seats
        self.serverTime = serverTime
        self.epoch = epoch
        self.replacing = replacing
    }

    /// "E7 and E8 were just taken; we hold E9 and E10 for you." (naming the seats asked for
    /// that are not held), or nil when the seats asked for are the ones held.
    public var replacementNote: String? {
        let held = seats.map(\.code)
        let lost = replacing.filter { !held.contains($0) }
        guard !lost.isEmpty else { return nil }
        return "\(lost.sentence) \(lost.count == 1 ? "was" : "were") just taken; we hold \(held.sentence) for you."
    }

    /// When the first of these seats would be released unless extended.
    public var expiresAt: Date { seats.map(\.expiresAt).min() ?? serverTime }
    public var ttl: Duration { .milliseconds(Int64((expiresAt.timeIntervalSince(serverTime) * 1000).rounded())) }
}

/// The answer to unlock: the seats that this user held and are now free.
public struct Release: Sendable, Hashable {
    public let showtimeID: Int
    public let released: [SeatCode]
    public let serverTime: Date

    public init(showtimeID: Int, released: [SeatCode], serverTime: Date) {
        self.showtimeID = showtimeID
        self.released = released
        self.serverTime = serverTime
    }
}

/// Seats a user marked as being chosen, until when (others see them as `choosing`).
public struct ChoosingMark: Sendable, Hashable {
    public let showtimeID: Int
    public let seats: [SeatCode]
    public let expiresAt: Date
    public let serverTime: Date

    public init(showtimeID: Int, seats: [SeatCode], expiresAt: Date, serverTime: Date) {
        self.showtimeID = showtimeID
        self.seats = seats
        self.expiresAt = expiresAt
        self.serverTime = serverTime
    }
}

/// A completed booking, as the database of record committed it; its seats are sold for good.

/// How a seat looks to one viewer.
public enum SeatState: String, Sendable, Hashable, Codable, CaseIterable {
    case available
    /// Sold, or occupied in the fixture.
    case occupied
    /// Held by someone else; who is never revealed.
    case locked
    /// Held by the viewer.
    case selected
    /// Free, but someone else is choosing it right now (their cursor rests there): a hint
    /// that expires within seconds, never a lock.
    case choosing
    /// Kept back by the house (press, guests): shown so to operators only; to everyone
    /// else it is simply not available (`occupied`).
    case house

    /// Free to be picked: available, or only being chosen by someone else.
    public var isFree: Bool { self == .available || self == .choosing }
}

public struct SeatStatus: Sendable, Hashable {
    public let seat: Seat
    public let state: SeatState
    /// For the viewer's own seats: when the hold ends.
    public let expiresAt: Date?

    public init(seat: Seat, state: SeatState, expiresAt: Date?) {
        self.seat = seat
        self.state = state
        self.expiresAt = expiresAt
    }
}

/// Every seat of a showtime as one viewer sees it, at one moment of server time.
public struct ShowtimeStatus: Sendable, Hashable {
    public let showtime: Showtime
    public let viewer: String?
    public let seats: [SeatStatus]
    public let serverTime: Date
    public let revision: ShowtimeRevision

    public init(showtime: Showtime, viewer: String?, seats: [SeatStatus], serverTime: Date, revision: ShowtimeRevision = ShowtimeRevision()) {
        self.showtime = showtime
        self.viewer = viewer
        self.seats = seats
        self.serverTime = serverTime
        self.revision = revision
    }

    public func state(of code: SeatCode) -> SeatState? {
        seats.first { $0.seat.code == code }?.state
    }

    /// Seats in a given state, in layout order.
    public func seats(in state: SeatState) -> [SeatStatus] {
        seats.filter { $0.state == state }
    }
}

/// Names what a showtime's seat map shows, apart from the time it is read: two statuses of
/// one showtime and viewer with equal revisions show every seat in the same state.
public struct ShowtimeRevision: Sendable, Hashable, CustomStringConvertible {
    /// The showtime's version: one more with every change of a seat.
    public let version: Int64
    /// When the earliest live lock ends, in ms: the map changes by itself then, with no
    /// new version. 0 without live locks.
    public let nextExpiry: Int64

    public init(version: Int64 = 0, nextExpiry: Int64 = 0) {
        self.version = version
        self.nextExpiry = nextExpiry
    }

    public var description: String { "\(version).\(nextExpiry)" }
}

/// A committed booking.
public struct Booking: Sendable, Hashable {
    public let id: Int64
    public let showtimeID: Int
    /// Who booked: a user, or a party's holder (`party:<CODE>`).
    public let user: String
    public let seats: [SeatCode]
    public let bookedAt: Date
    /// For a party's booking: who sits in each seat (empty: the one who booked, in all).
    public let sitters: [SeatCode: String]

    public init(id: Int64, showtimeID: Int, user: String, seats: [SeatCode], bookedAt: Date, sitters: [SeatCode: String] = [:]) {
        self.id = id
        self.showtimeID = showtimeID
        self.user = user
        self.seats = seats
        self.bookedAt = bookedAt
        self.sitters = sitters
    }
}
