import CinebookModel
import CinebookSupport
import SeatRecords

extension SeatLockingService {
    /// The seats a front end was given as text, parsed; a list that is not one counts as a
    /// refused `operation`, as the core's own checks do.
    public func seatCodes(_ typed: [String], for operation: SeatMetrics.Operation? = nil) throws(SeatLockingError) -> [SeatCode] {
        do {
            return try SeatCode.parse(typed)
        } catch {
            if let operation { metrics.record(operation, error) }
            throw error
        }
    }
}
