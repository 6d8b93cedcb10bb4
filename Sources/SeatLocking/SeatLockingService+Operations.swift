import CinebookModel
import Foundation
import SeatRecords

extension SeatLockingService: SeatOperations {
    public func unlock(_ seats: [SeatCode], showtime: Int, user: String) async throws(SeatLockingError) -> Release {
        try await unlock(seats, showtime: showtime, user: user, strict: false)
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
