import CinebookModel
import CinebookSupport
import CinebookWire
import Foundation
import Testing
import TestSupport

/// Answers' JSON bodies, as the API writes them and its clients read them back: one type
/// both ways, so the seat map over the API sees the same grants, statuses and errors as
/// on Redis.
@Suite("Answer bodies both ways")
struct FailureBodyTests {
    private func decode<Body: Decodable>(_ type: Body.Type, _ text: String) throws -> Body {
        try SeatLockingJSON.decode(Body.self, from: Data(text.utf8))
    }

    @Test func grantsReleasesBookingsAndStatusesComeBackAsTheyWere() throws {
        let at = Date(milliseconds: 1_800_000_000_456)
        let grant = LockGrant(
            showtimeID: 7, user: "Zoë", seats: [HeldSeat(code: "A1", expiresAt: Date(milliseconds: 1_800_000_900_123), token: 4)],
            serverTime: at)
        // Read back, then written again: the same body, to the millisecond.
        let grantBody = SeatLockingJSON.encode(SeatLockingJSON.Grant(grant))
        let grantBack = try #require(try decode(SeatLockingJSON.Grant.self, grantBody).lockGrant)
        #expect(SeatLockingJSON.encode(SeatLockingJSON.Grant(grantBack)) == grantBody)
        let release = Release(showtimeID: 7, released: ["A1", "A2"], serverTime: at)
        let releaseBody = SeatLockingJSON.encode(SeatLockingJSON.Released(release))
        let releaseBack = try #require(try decode(SeatLockingJSON.Released.self, releaseBody).release)
        #expect(SeatLockingJSON.encode(SeatLockingJSON.Released(releaseBack)) == releaseBody)
        let booking = Booking(id: 12, showtimeID: 7, user: "Zoë", seats: ["A1"], bookedAt: at)
        let bookingBody = SeatLockingJSON.encode(SeatLockingJSON.Booked(booking))
        let bookingBack = try #require(try decode(SeatLockingJSON.Booked.self, bookingBody).booking)
        #expect(SeatLockingJSON.encode(SeatLockingJSON.Booked(bookingBack)) == bookingBody)

        let showtime = try TestShowtimes.make(["ssss", "_pp_"], occupied: ["A4"])
        let seats = showtime.layout.seats.map { seat in
            switch seat.code {
            case "A1": SeatStatus(seat: seat, state: .selected, expiresAt: Date(milliseconds: 1_800_000_900_000))
            case "A2": SeatStatus(seat: seat, state: .locked, expiresAt: nil)
            case "A4": SeatStatus(seat: seat, state: .occupied, expiresAt: nil)
            default: SeatStatus(seat: seat, state: .available, expiresAt: nil)
            }
        }
        let status = ShowtimeStatus(showtime: showtime, viewer: "Zoë", seats: seats, serverTime: at, revision: ShowtimeRevision(version: 3, nextExpiry: 0))
        let body = Data(SeatLockingJSON.Status(status).directJSONBytes)
        let statusBack = try #require(SeatLockingJSON.Status.status(from: body, showtime: showtime, revision: status.revision))
        #expect(SeatLockingJSON.Status(statusBack).directJSONBytes == Array(body))
        #expect(statusBack.seats.map(\.state) == status.seats.map(\.state) && statusBack.viewer == "Zoë")
    }

    private func roundTrip(_ error: SeatLockingError) throws -> SeatLockingError? {
        let body = SeatLockingJSON.encode(SeatLockingJSON.Failure(error))
        return try SeatLockingJSON.decode(SeatLockingJSON.Failure.self, from: Data(body.utf8)).seatLockingError
    }

    @Test func theErrorsAClientActsOnComeBackAsTheyWere() throws {
        let code = try #require(PartyCode("FERN-427"))
        let exact: [SeatLockingError] = [
            .seatsUnavailable(["A1", "A2"], suggestions: [["B1", "B2"], ["C3", "C4"]]),
            .notLockOwner(["B1"]),
            .lockExpired(["C1", "C2"]),
            .salesClosed(showtime: 7, closedAt: Date(milliseconds: 1_795_626_000_000), timeZone: TimeZone(identifier: "Europe/London")!),
            .waitingRoom(.notOpenYet(showtime: 3, opensAt: Date(milliseconds: 1_795_626_000_000), timeZone: TimeZone(identifier: "Europe/London")!)),
            .waitingRoom(.passRequired(showtime: 3)), .waitingRoom(.passInvalid("it is for showtime 2, not 3")), .waitingRoom(.passUsed),
            .waitingRoom(.passExpired),
            .party(.notFound(code)), .party(.ended(code)), .party(.full(code, members: 6)), .party(.otherShowtime(code, showtime: 2)),
            .party(.notMember(code)),
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
