import CinebookModel
import CinebookSupport
import RedisClient
import SeatLocking
import SeatRecords
import Testing
import TestSupport

@Suite("Booking sells seats for good")
struct BookingTests {
    @Test(arguments: RedisKind.allCases) func bookingWritesTheBookingMarksSeatsSoldAndDeletesTheLocks(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 6)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")

        _ = try await service.lock(["A3", "A4", "B1"], showtime: showtime.id, user: alice)
        let booking = try await service.book(["A3", "A4"], showtime: showtime.id, user: alice)
        #expect(booking.seats == ["A3", "A4"])
        #expect(booking.user == alice)
        #expect(booking.showtimeID == showtime.id)

        let records = try await service.records.bookings(showtime: showtime.id, user: alice)
        #expect(records.map(\.id) == [booking.id], "the database of record has the booking")
        #expect(records.first?.seats == ["A3", "A4"])
        #expect(records.first?.bookedAt.milliseconds == booking.bookedAt.milliseconds)
        #expect(try await service.records.sold(showtime: showtime.id) == ["A3": booking.id, "A4": booking.id])
        #expect(try await redis.hash(keys.sold) == ["A3": String(booking.id), "A4": String(booking.id)])
        #expect(try await redis.pttl(keys.sold) == -1, "sold seats never expire")
        #expect(try await redis.hash(keys.claims).isEmpty, "the booking's claims are gone")
        #expect(try await redis.send("EXISTS", keys.lock("A3"), keys.lock("A4"), routingKey: keys.index) == .integer(0))
        #expect(try await redis.send("ZRANGE", keys.index, "0", "-1", routingKey: keys.index) == .array(["B1"]), "B1 is still held")

        let status = try await service.status(showtime: showtime.id, viewer: alice)
        #expect(status.state(of: "A3") == .occupied)
        #expect(status.state(of: "A4") == .occupied)
        #expect(status.state(of: "B1") == .selected)
    }

    @Test(arguments: RedisKind.allCases) func soldSeatsAreNeverLockableAgainEvenAfterEveryTTL(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 6)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")
        let bob = TestUsers.unique("bob")

        var sale: (grant: LockGrant, booking: Booking)?
        for _ in 1...5 where sale == nil {
            let grant = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice, ttl: .seconds(1))
            if let booking = try await bookUnlessExpired(service, ["A1", "A2"], showtime: showtime.id, user: alice) {
                sale = (grant, booking)
            }
        }
        let (grant, booking) = try #require(sale)

        for user in [bob, alice] {
            let error = await #expect(throws: SeatLockingError.self) {
                try await service.lock(["A2", "A3"], showtime: showtime.id, user: user, ttl: .seconds(1))
            }
            #expect(error?.seats == ["A2"])
            #expect(error?.code == "seats_unavailable")
        }
        #expect(try await service.book(["A1"], showtime: showtime.id, user: alice) == booking,
            "booking seats you booked already answers with that booking")
        await #expect(throws: SeatLockingError.notLockOwner(["A1"])) {
            try await service.book(["A1"], showtime: showtime.id, user: bob)
        }

        let serverTime: () async throws -> Int64 = {
            let time = try await redis.send("TIME").array?.compactMap(\.int) ?? []
            return time.count == 2 ? time[0] * 1000 + time[1] / 1000 : 0
        }
        #expect(try await eventually { try await serverTime() > grant.expiresAt.milliseconds + 1_000 }, "every TTL has passed")

        for user in [bob, alice] {
            await #expect(throws: SeatLockingError.self) {
                try await service.lock(["A1"], showtime: showtime.id, user: user, ttl: .seconds(1))
            }
        }
        #expect(try await redis.send("EXISTS", keys.lock("A1"), keys.lock("A2"), keys.lock("A3"), routingKey: keys.index) == .integer(0))
        #expect(try await redis.send("HGET", keys.sold, "A1", routingKey: keys.index) == .bulk(Array(String(booking.id).utf8)))
        #expect(try await service.status(showtime: showtime.id).state(of: "A1") == .occupied)
        #expect(try await service.lock(["A3"], showtime: showtime.id, user: bob).seats.map(\.code) == ["A3"])
    }

    @Test(arguments: RedisKind.allCases) func fixtureOccupiedSeatsAreNeverLockable(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 6, occupied: ["A4", "B1"])
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let alice = TestUsers.unique("alice")

        let error = await #expect(throws: SeatLockingError.self) {
            try await service.lock(["A3", "A4", "A5"], showtime: showtime.id, user: alice)
        }
        #expect(error?.seats == ["A4"])
        guard case let .seatsUnavailable(_, suggestions) = try #require(error) else {
            Issue.record("expected seatsUnavailable, got \(String(describing: error))")
            return
        }
        #expect(!suggestions.isEmpty)
        #expect(suggestions.allSatisfy { !$0.contains("A4") && !$0.contains("B1") })
        await #expect(throws: SeatLockingError.self) {
            try await service.lock(["B1"], showtime: showtime.id, user: alice)
        }
        await #expect(throws: SeatLockingError.self) {
            try await service.book(["B1"], showtime: showtime.id, user: alice)
        }
        #expect(try await redis.keys(ofShowtime: showtime.id) == [RedisKeyNames(showtime: showtime.id).loaded], "nothing was locked")

        let status = try await service.status(showtime: showtime.id)
        #expect(status.seats(in: .occupied).map(\.seat.code) == ["A4", "B1"])
    }

    @Test(arguments: RedisKind.allCases) func bookingIdsAreDistinct(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 6)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let alice = TestUsers.unique("alice")
        let bob = TestUsers.unique("bob")
        _ = try await service.lock(["A1"], showtime: showtime.id, user: alice)
        _ = try await service.lock(["A2"], showtime: showtime.id, user: bob)
        let first = try await service.book(["A1"], showtime: showtime.id, user: alice)
        let second = try await service.book(["A2"], showtime: showtime.id, user: bob)
        #expect(first.id != second.id)
        let keys = RedisKeyNames(showtime: showtime.id)
        #expect(try await service.records.bookings(showtime: showtime.id, user: bob).map(\.id) == [second.id])
        #expect(try await redis.hash(keys.sold) == ["A1": String(first.id), "A2": String(second.id)])
    }

    /// Books, or answers nil when the hold expired first because the machine paused
    /// for longer than a short TTL.
    private func bookUnlessExpired(
        _ service: SeatLockingService, _ seats: [SeatCode], showtime: Int, user: String
    ) async throws -> Booking? {
        do {
            return try await service.book(seats, showtime: showtime, user: user)
        } catch {
            if case .lockExpired = error { return nil }
            throw error
        }
    }
}
