import CinebookModel
import Foundation
import SeatRecords

/// The core is the seat operations itself: `lock`, `lockBest`, `extend`, `book`, `status`
/// and the party's operations are its own methods; these fill in the rest of the port.
extension SeatLockingService: SeatOperations {
    public func unlock(_ seats: [SeatCode], showtime: Int, user: String, party: PartyCode?) async throws(SeatLockingError) -> Release {
        try await unlock(seats, showtime: showtime, user: user, party: party, strict: false)
    }

    /// One small script for the revision; the whole map only when it moved on.
    public func status(
        showtime: Int, viewer: String, party: PartyCode?, ifChangedSince revision: ShowtimeRevision
    ) async throws(SeatLockingError) -> StatusReading {
        try await withinTimeout { () async throws(SeatLockingError) in
            try await readStatus(showtime: showtime, viewer: viewer, party: party, ifChangedSince: revision)
        }
    }

    private func readStatus(
        showtime: Int, viewer: String, party: PartyCode?, ifChangedSince revision: ShowtimeRevision
    ) async throws(SeatLockingError) -> StatusReading {
        if let reading = try await self.revision(showtime: showtime), reading.revision == revision {
            return .unchanged(serverTime: reading.serverTime)
        }
        return .changed(try await status(showtime: showtime, viewer: viewer, party: party))
    }
}
