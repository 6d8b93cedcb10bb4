import CinebookModel
import Foundation
import SeatRecords

extension SeatLockingService: SeatOperations {
    public func lock(
        _ seats: [SeatCode], showtime: Int, user: String, ttl: Duration?, orNearest: Bool, pass: String?
    ) async throws(SeatLockingError) -> LockGrant {
        try await lock(seats, showtime: showtime, user: user, party: nil, ttl: ttl, orNearest: orNearest, pass: pass)
    }

    public func lockBest(_ wish: SeatWish, showtime: Int, user: String, ttl: Duration?, pass: String?) async throws(SeatLockingError) -> LockGrant {
        try await lockBest(wish, showtime: showtime, user: user, party: nil, ttl: ttl, pass: pass)
    }

    public func unlock(_ seats: [SeatCode], showtime: Int, user: String) async throws(SeatLockingError) -> Release {
        try await unlock(seats, showtime: showtime, user: user, party: nil, strict: false)
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

    /// One small script for the revision; the whole map only when it moved on.
    public func status(
        showtime: Int, viewer: String, ifChangedSince revision: ShowtimeRevision
    ) async throws(SeatLockingError) -> StatusReading {
        try await withinTimeout { () async throws(SeatLockingError) in
            try await readStatus(showtime: showtime, viewer: viewer, ifChangedSince: revision)
        }
    }

    private func readStatus(
        showtime: Int, viewer: String, ifChangedSince revision: ShowtimeRevision
    ) async throws(SeatLockingError) -> StatusReading {
        if let reading = try await self.revision(showtime: showtime), reading.revision == revision {
            return .unchanged(serverTime: reading.serverTime)
        }
        return .changed(try await status(showtime: showtime, viewer: viewer))
    }
}
