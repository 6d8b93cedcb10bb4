import CinebookSupport

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
    package static func checkDistinct(_ codes: [SeatCode]) throws(SeatLockingError) {
        var seen = Set<SeatCode>()
        for code in codes where !seen.insert(code).inserted { throw .invalidRequest("\(code) is listed twice.") }
    }
}
