import CinebookModel
import CinebookSupport
import RedisClient
import SeatLocking
import Testing
import TestSupport

@Suite("Locks expire by themselves")
struct ExpiryTests {
    @Test(arguments: RedisKind.allCases) func expiredSeatIsFreeForOthersAndLostToItsOwner(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")
        let bob = TestUsers.unique("bob")

        let grant = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice, ttl: .seconds(1))
        #expect(grant.ttl == .seconds(1))
        #expect(try await redis.pttl(keys.lock("A1")) <= 1_000)
        #expect([grant.expiresAt.milliseconds, -2].contains(try await redis.expireTime(keys.lock("A1"))))
        #expect(try await eventually { try await redis.send("EXISTS", keys.lock("A1"), keys.lock("A2"), routingKey: keys.index) == .integer(0) })

        let status = try await service.status(showtime: showtime.id, viewer: alice)
        #expect(status.state(of: "A1") == .available, "an expired hold is no longer the owner's")
        #expect(status.serverTime >= grant.expiresAt)

        await #expect(throws: SeatLockingError.lockExpired(["A1", "A2"])) {
            try await service.extend(["A1", "A2"], showtime: showtime.id, user: alice)
        }
        await #expect(throws: SeatLockingError.lockExpired(["A1"])) {
            try await service.book(["A1"], showtime: showtime.id, user: alice)
        }
        #expect(try await redis.send("EXISTS", keys.lock("A1"), keys.lock("A2"), routingKey: keys.index) == .integer(0), "extend did not recreate them")
        #expect(try await redis.send("HLEN", keys.sold, routingKey: keys.index) == .integer(0))

        let taken = try await service.lock(["A1"], showtime: showtime.id, user: bob)
        #expect(taken.seats[0].token > grant.seats[0].token)
        #expect(taken.serverTime >= grant.expiresAt)
        #expect(try await redis.hash(keys.lock("A1"))["user_id"] == bob)

        await #expect(throws: SeatLockingError.notLockOwner(["A1"])) {
            try await service.extend(["A1"], showtime: showtime.id, user: alice)
        }
        await #expect(throws: SeatLockingError.notLockOwner(["A1"])) {
            try await service.book(["A1"], showtime: showtime.id, user: alice)
        }
        #expect(try await service.unlock(["A1"], showtime: showtime.id, user: alice).released.isEmpty)
        #expect(try await redis.hash(keys.lock("A1"))["user_id"] == bob)
    }

    /// A lock key that vanished before its time (an eviction, a `PEXPIRE` by hand), and
    /// another user's lock on the seat since: status follows the lock key, so the seat is
    /// bob's alone, and alice's own seats are still hers.
    @Test(arguments: RedisKind.allCases) func statusFollowsTheLockKeyWhenItVanishedEarly(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let (alice, bob) = (TestUsers.unique("alice"), TestUsers.unique("bob"))
        _ = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice)
        try await redis.send("DEL", keys.lock("A1"), routingKey: keys.index)
        _ = try await service.lock(["A1"], showtime: showtime.id, user: bob)

        let seenByAlice = try await service.status(showtime: showtime.id, viewer: alice)
        #expect(seenByAlice.state(of: "A1") == .locked, "bob's now, not alice's")
        #expect(seenByAlice.state(of: "A2") == .selected)
        let seenByBob = try await service.status(showtime: showtime.id, viewer: bob)
        #expect(seenByBob.state(of: "A1") == .selected && seenByBob.state(of: "A2") == .locked)
    }

    @Test(arguments: RedisKind.allCases) func sweepRemovesExpiredIndexEntriesAndPublishesExpired(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 4)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")
        let recorder = EventRecorder(redis.subscribe(to: keys.events))
        defer { recorder.stop() }
        #expect(await recorder.waitUntilSubscribed())

        _ = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice, ttl: .seconds(1))
        _ = try await service.lock(["B1"], showtime: showtime.id, user: alice, ttl: .seconds(60))
        #expect(try await eventually { try await redis.send("EXISTS", keys.lock("A1"), keys.lock("A2"), routingKey: keys.index) == .integer(0) })
        #expect(try await redis.send("ZCARD", keys.index, routingKey: keys.index) == .integer(3), "the index still lists the expired locks")

        let report = try await service.sweep()
        #expect(report.expired == [showtime.id: ["A1", "A2"]])
        #expect(report.total == 2)
        #expect(try await redis.send("ZRANGE", keys.index, "0", "-1", routingKey: keys.index) == .array(["B1"]))

        let expired = await recorder.waitForJSON { $0["event"] as? String == "expired" }
        let message = try #require(expired)
        #expect(message["seats"] as? [String] == ["A1", "A2"])
        #expect(message["showtime_id"] as? Int == showtime.id)

        let again = try await service.sweep()
        #expect(again.total == 0, "nothing is swept twice")
        _ = try await service.unlock(["B1"], showtime: showtime.id, user: alice)
        #expect(await recorder.waitForJSON { $0["event"] as? String == "released" } != nil)
        #expect(recorder.jsonMessages.compactMap { $0["event"] as? String } == ["locked", "locked", "expired", "released"])
    }
}
