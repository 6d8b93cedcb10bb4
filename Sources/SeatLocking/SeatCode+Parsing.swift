import CinebookSupport
import SeatRecords

extension SeatCode {
    /// Seat codes as people type them (`c7`, ` C07 `), each made canonical: the one place
    /// where typed seats become seats, with the messages every front end gives for a list
    /// that is not one.
    public static func parse(_ typed: [String]) throws(SeatLockingError) -> [SeatCode] {
        let codes = try typed.map { text throws(SeatLockingError) in
            guard let code = SeatCode(text) else {
                throw .invalidRequest("'\(text.quotable)' is not a seat code; a seat is a row letter and a number, like C7.")
            }
            return code
        }
        try checkDistinct(codes)
        return codes
    }

    /// Refuses a list that names a seat twice.
    static func checkDistinct(_ codes: [SeatCode]) throws(SeatLockingError) {
        var seen = Set<SeatCode>()
        for code in codes where !seen.insert(code).inserted { throw .invalidRequest("\(code) is listed twice.") }
    }
}

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
