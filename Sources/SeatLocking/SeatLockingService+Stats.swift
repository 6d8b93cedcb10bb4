import CinebookModel
import Foundation
import SeatRecords

extension SeatLockingService {
    /// The showtime's figures from its whole history, in the database of record and in
    /// Redis (from `since`, if given), with its waiting room while one is on.
    public func stats(showtime id: Int, since: Date? = nil) async throws(SeatLockingError) -> ShowtimeStats {
        var stats = ShowtimeStats(showtimeID: id, entries: try await completeHistory(showtime: id, since: since), since: since)
        let room = try await roomSummary(showtime: id)
        stats.room = room.active ? room : nil
        return stats
    }
}
