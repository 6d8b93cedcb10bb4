import SeatLocking

/// What the load benchmark drives: the core directly, or the HTTP API.
public protocol SeatOperations: Sendable {
    func lock(_ seats: [String], showtime: Int, user: String, ttl: Duration?) async throws(SeatLockingError) -> LockGrant
    func unlock(_ seats: [String], showtime: Int, user: String) async throws(SeatLockingError) -> Release
    func extend(_ seats: [String], showtime: Int, user: String, ttl: Duration?) async throws(SeatLockingError) -> LockGrant
    func book(_ seats: [String], showtime: Int, user: String) async throws(SeatLockingError) -> Booking
    func status(showtime: Int, viewer: String?) async throws(SeatLockingError) -> ShowtimeStatus
}

extension SeatLockingService: SeatOperations {
    public func unlock(_ seats: [String], showtime: Int, user: String) async throws(SeatLockingError) -> Release {
        try await unlock(seats, showtime: showtime, user: user, strict: false)
    }
}
