import Foundation

/// What a front end asks of the seat locks, whoever carries it out: the core on Redis
/// (`SeatLockingService`) or a server over its HTTP API (`SeatAPIClient`). The seat map and
/// the benchmark are written against this, so they run the same either way.
public protocol SeatOperations: Sendable {
    /// All the seats or none; with `orNearest`, when they were just taken, the nearest
    /// equivalent block instead, held in the same step (the grant names what it replaces).
    /// `party`: held for the user's party, with the user sitting in them.
    /// `pass`: the waiting room's, when the showtime's room is on and this is the user's first lock.
    func lock(
        _ seats: [SeatCode], showtime: Int, user: String, party: PartyCode?, ttl: Duration?, orNearest: Bool, pass: String?
    ) async throws(SeatLockingError) -> LockGrant
    /// The best seats for the wish, chosen and held in one step: the first of the best
    /// offers still free when the lock is taken.
    func lockBest(
        _ wish: SeatWish, showtime: Int, user: String, party: PartyCode?, ttl: Duration?, pass: String?
    ) async throws(SeatLockingError) -> LockGrant
    /// Joins the showtime's waiting room (joining again keeps the place); where the user stands.
    func joinRoom(showtime: Int, user: String) async throws(SeatLockingError) -> RoomStanding
    /// Where the user stands in the showtime's waiting room now, with their pass once admitted.
    func roomStanding(showtime: Int, user: String) async throws(SeatLockingError) -> RoomStanding
    /// Leaves the waiting room's line, or gives back an unused pass.
    func leaveRoom(showtime: Int, user: String) async throws(SeatLockingError) -> RoomStanding
    /// Marks the seats the user is choosing now (the cursor rests there, a block is
    /// previewed), replacing their earlier marks, for a few seconds; at most
    /// `LockPolicy.presenceCap`. No seat is locked. An empty list clears the marks.
    func markChoosing(_ seats: [SeatCode], showtime: Int, user: String) async throws(SeatLockingError) -> ChoosingMark
    func unlock(_ seats: [SeatCode], showtime: Int, user: String, party: PartyCode?) async throws(SeatLockingError) -> Release
    func extend(_ seats: [SeatCode], showtime: Int, user: String, party: PartyCode?, ttl: Duration?) async throws(SeatLockingError) -> LockGrant
    func book(_ seats: [SeatCode], showtime: Int, user: String, party: PartyCode?) async throws(SeatLockingError) -> Booking
    /// With `party`, the viewer (a member) sees the party's seats as theirs.
    func status(showtime: Int, viewer: String?, party: PartyCode?) async throws(SeatLockingError) -> ShowtimeStatus
    /// The status as `viewer` sees it, only if it changed since the map of `revision`.
    func status(
        showtime: Int, viewer: String, party: PartyCode?, ifChangedSince revision: ShowtimeRevision
    ) async throws(SeatLockingError) -> StatusReading
    /// Bookings, oldest first, of one showtime or all, of one user or all (over the API:
    /// the caller's own, whatever `user` says).
    func bookings(showtime: Int?, user: String?) async throws(SeatLockingError) -> [Booking]
    /// The showtime's success metrics and how often each seat was held and booked, from its
    /// hold history (from `since`, if given).
    func stats(showtime: Int, since: Date?) async throws(SeatLockingError) -> ShowtimeStats
    /// The showtime's changes as they happen; the feed reconnects by itself.
    func events(showtime: Int) throws(SeatLockingError) -> AsyncStream<SeatFeedEvent>

    // MARK: Parties

    /// Starts a party with the user as its first member, under a new code.
    func startParty(showtime: Int, user: String) async throws(SeatLockingError) -> Party
    /// Joins the party with this code (joining again changes nothing).
    func joinParty(_ code: PartyCode, showtime: Int, user: String) async throws(SeatLockingError) -> Party
    /// The party as a member sees it: its members, and who sits where.
    func party(_ code: PartyCode, showtime: Int, user: String) async throws(SeatLockingError) -> Party
    /// Leaves the party, giving back the user's seats (every seat, when nobody is left).
    func leaveParty(_ code: PartyCode, showtime: Int, user: String) async throws(SeatLockingError) -> PartyDeparture
    /// The member sits in one of the party's seats, in place of whoever sat there.
    func sit(in seat: SeatCode, party: PartyCode, showtime: Int, user: String) async throws(SeatLockingError) -> Party
    /// The people in two of the party's seats change places, in one step.
    func swap(_ first: SeatCode, _ second: SeatCode, party: PartyCode, showtime: Int, user: String) async throws(SeatLockingError) -> Party
}

/// The operations of one person choosing alone: no party.
extension SeatOperations {
    /// All the seats or none.
    public func lock(_ seats: [SeatCode], showtime: Int, user: String, ttl: Duration?) async throws(SeatLockingError) -> LockGrant {
        try await lock(seats, showtime: showtime, user: user, party: nil, ttl: ttl, orNearest: false, pass: nil)
    }

    /// All the seats or none, or the nearest equivalent block; no pass.
    public func lock(
        _ seats: [SeatCode], showtime: Int, user: String, ttl: Duration?, orNearest: Bool
    ) async throws(SeatLockingError) -> LockGrant {
        try await lock(seats, showtime: showtime, user: user, party: nil, ttl: ttl, orNearest: orNearest, pass: nil)
    }

    public func lock(
        _ seats: [SeatCode], showtime: Int, user: String, ttl: Duration?, orNearest: Bool, pass: String?
    ) async throws(SeatLockingError) -> LockGrant {
        try await lock(seats, showtime: showtime, user: user, party: nil, ttl: ttl, orNearest: orNearest, pass: pass)
    }

    /// The best seats for the wish; no pass.
    public func lockBest(_ wish: SeatWish, showtime: Int, user: String, ttl: Duration?) async throws(SeatLockingError) -> LockGrant {
        try await lockBest(wish, showtime: showtime, user: user, party: nil, ttl: ttl, pass: nil)
    }

    public func lockBest(_ wish: SeatWish, showtime: Int, user: String, ttl: Duration?, pass: String?) async throws(SeatLockingError) -> LockGrant {
        try await lockBest(wish, showtime: showtime, user: user, party: nil, ttl: ttl, pass: pass)
    }

    public func unlock(_ seats: [SeatCode], showtime: Int, user: String) async throws(SeatLockingError) -> Release {
        try await unlock(seats, showtime: showtime, user: user, party: nil)
    }

    public func extend(_ seats: [SeatCode], showtime: Int, user: String, ttl: Duration?) async throws(SeatLockingError) -> LockGrant {
        try await extend(seats, showtime: showtime, user: user, party: nil, ttl: ttl)
    }

    public func book(_ seats: [SeatCode], showtime: Int, user: String) async throws(SeatLockingError) -> Booking {
        try await book(seats, showtime: showtime, user: user, party: nil)
    }

    public func status(showtime: Int, viewer: String?) async throws(SeatLockingError) -> ShowtimeStatus {
        try await status(showtime: showtime, viewer: viewer, party: nil)
    }

    public func status(showtime: Int, viewer: String, ifChangedSince revision: ShowtimeRevision) async throws(SeatLockingError) -> StatusReading {
        try await status(showtime: showtime, viewer: viewer, party: nil, ifChangedSince: revision)
    }
}

/// The answer of a conditional status read.
public enum StatusReading: Sendable {
    /// The map of the given revision is still current, at this server time.
    case unchanged(serverTime: Date)
    case changed(ShowtimeStatus)
}
