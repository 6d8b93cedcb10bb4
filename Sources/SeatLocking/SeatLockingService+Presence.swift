import CinebookModel
import SeatRecords

extension SeatLockingService {
    /// Marks the seats as being chosen by the user for the policy's presence lifetime,
    /// replacing the user's earlier marks; at most `LockPolicy.presenceCap` seats (the
    /// rest are left unmarked). One small script; announced on the showtime's channel.
    public func markChoosing(_ seats: [SeatCode], showtime id: Int, user: String) async throws(SeatLockingError) -> ChoosingMark {
        try await withinTimeout { () async throws(SeatLockingError) in
            guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
            let user = try Self.validatedUser(user)
            let codes = try checkedSeats(seats, of: showtime)
            let input = PresenceInput(
                keys: SeatKeys(showtime: id), user: user, seats: codes, lifetime: policy.presenceLifetime, cap: LockPolicy.presenceCap)
            let outcome = try await run(SeatScripts.presence, input, Request(showtime: showtime, user: user, seats: codes))
            return ChoosingMark(showtimeID: id, seats: outcome.marked, expiresAt: outcome.expiresAt, serverTime: outcome.serverTime)
        }
    }
}
