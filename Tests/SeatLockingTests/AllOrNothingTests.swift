import CinebookModel
import RedisClient
import SeatLocking
import Testing
import TestSupport

@Suite("Locks are all or nothing")
struct AllOrNothingTests {
    @Test(arguments: RedisKind.allCases) func conflictOnOneSeatLocksNoneAndSuggestsFreeBlocks(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 4, seats: 8)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")
        let bob = TestUsers.unique("bob")

        let held = try await service.lock(["A2"], showtime: showtime.id, user: alice)
        let error = await #expect(throws: SeatLockingError.self) {
            try await service.lock(["A1", "A2", "A3"], showtime: showtime.id, user: bob)
        }
        guard case let .seatsUnavailable(unavailable, suggestions) = try #require(error) else {
            Issue.record("expected seatsUnavailable, got \(String(describing: error))")
            return
        }
        #expect(unavailable == ["A2"])
        #expect(error?.code == "seats_unavailable")
        #expect(!suggestions.isEmpty)

        let status = try await service.status(showtime: showtime.id)
        for block in suggestions {
            let seats = try block.map { try #require(showtime.layout.seat($0)) }
            #expect(seats.count == 3, "\(block)")
            #expect(Set(seats.map(\.row)).count == 1, "\(block) is in one row")
            #expect(zip(seats, seats.dropFirst()).allSatisfy { $1.column == $0.column + 1 }, "\(block) is side by side")
            #expect(block.allSatisfy { status.state(of: $0) == .available }, "\(block) is free")
        }
        let suggested = suggestions.flatMap { $0 }
        #expect(Set(suggested).count == suggested.count)

        #expect(status.state(of: "A1") == .available)
        #expect(status.state(of: "A3") == .available)
        #expect(status.state(of: "A2") == .locked)
        #expect(try await redis.send("EXISTS", keys.lock("A1"), keys.lock("A3"), routingKey: keys.index) == .integer(0))
        #expect(try await redis.send("ZRANGE", keys.index, "0", "-1", routingKey: keys.index) == .array(["A2"]))

        let owner = try await redis.hash(keys.lock("A2"))
        #expect(owner["user_id"] == alice)
        #expect(owner["token"] == String(held.seats[0].token))
    }

    @Test(arguments: RedisKind.allCases) func seatsOfTheFailedRequestStayLockableByOthers(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 6)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let alice = TestUsers.unique("alice")
        let bob = TestUsers.unique("bob")
        let carol = TestUsers.unique("carol")
        _ = try await service.lock(["B6"], showtime: showtime.id, user: alice)
        await #expect(throws: SeatLockingError.self) {
            try await service.lock(["B4", "B5", "B6"], showtime: showtime.id, user: bob)
        }
        let grant = try await service.lock(["B4", "B5"], showtime: showtime.id, user: carol)
        #expect(grant.seats.map(\.code) == ["B4", "B5"])
        #expect(grant.user == carol)
    }

    @Test(arguments: RedisKind.allCases) func seatsAlreadyHeldBySameUserCountAsSuccess(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 6)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let alice = TestUsers.unique("alice")
        let first = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice)
        let second = try await service.lock(["A2", "A3"], showtime: showtime.id, user: alice)
        #expect(second.seats.map(\.code) == ["A2", "A3"])
        let firstA2 = try #require(first.seats.first { $0.code == "A2" })
        #expect(second.seats[0].token == firstA2.token, "a seat already held keeps its token")
        #expect(second.seats[1].token > firstA2.token, "a newly locked seat gets a new token")

        let status = try await service.status(showtime: showtime.id, viewer: alice)
        #expect(status.seats(in: .selected).map(\.seat.code) == ["A1", "A2", "A3"])
        let others = try await service.status(showtime: showtime.id, viewer: TestUsers.unique("bob"))
        #expect(others.seats(in: .locked).map(\.seat.code) == ["A1", "A2", "A3"])
        #expect(others.seats(in: .selected).isEmpty)
        #expect(others.seats.allSatisfy { $0.expiresAt == nil }, "others never see a hold's details")
    }
}
