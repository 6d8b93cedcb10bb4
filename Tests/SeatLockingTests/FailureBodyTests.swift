import CinebookSupport
import Foundation
import SeatLocking
import Testing

/// A failure's JSON body, as the API writes it and its clients read it back: one type both
/// ways, so the seat map over the API reacts to the same errors as on Redis.
@Suite("Failure bodies both ways")
struct FailureBodyTests {
    private func roundTrip(_ error: SeatLockingError) throws -> SeatLockingError? {
        let body = SeatLockingJSON.encode(SeatLockingJSON.Failure(error))
        return try JSONDecoder().decode(SeatLockingJSON.Failure.self, from: Data(body.utf8)).seatLockingError
    }

    @Test func theErrorsAClientActsOnComeBackAsTheyWere() throws {
        let exact: [SeatLockingError] = [
            .seatsUnavailable(["A1", "A2"], suggestions: [["B1", "B2"], ["C3", "C4"]]),
            .notLockOwner(["B1"]),
            .lockExpired(["C1", "C2"]),
            .salesClosed(showtime: 7, closedAt: Date(milliseconds: 1_795_626_000_000), timeZone: TimeZone(identifier: "Europe/London")!),
        ]
        for error in exact { #expect(try roundTrip(error) == error) }
    }

    @Test func errorsThatCarryOnlyWordsKeepTheirKindAndTheServersWords() throws {
        for error: SeatLockingError in [.redisUnavailable("timeout"), .databaseUnavailable("The database is down."), .outcomeUnknown("No answer")] {
            let back = try #require(try roundTrip(error))
            #expect(back.code == error.code)
            #expect(back.message.contains(error.message.prefix(10)), "\(back.message)")
        }
        #expect(try roundTrip(.invalidRequest("Name at least one seat, like C7.")) == .invalidRequest("Name at least one seat, like C7."))
        #expect(try roundTrip(.internalError("boom")) == nil, "a bug of the server's is reported by its HTTP status")
    }
}
