import CinebookModel
import Foundation
import SeatRecords

extension SeatLockingService {
    /// The showtime's figures from its whole history, in the database of record and in
    /// Redis (from `since`, if given).
    public func stats(showtime id: Int, since: Date? = nil) async throws(SeatLockingError) -> ShowtimeStats {
        ShowtimeStats(showtimeID: id, entries: try await completeHistory(showtime: id, since: since), since: since)
    }
}
