import CinebookModel
import CinebookSupport
import RedisClient
import SeatLocking
import Testing
import TestSupport

@Suite("Only the owner changes a lock")
struct OwnershipTests {
    @Test(arguments: RedisKind.allCases) func otherUsersCannotUnlockExtendOrBook(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 6)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")
        let mallory = TestUsers.unique("mallory")

        let grant = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice, ttl: .seconds(60))
        let before = try await redis.hash(keys.lock("A1"))
        let pttlBefore = try await redis.pttl(keys.lock("A1"))

        let release = try await service.unlock(["A1", "A2"], showtime: showtime.id, user: mallory)
        #expect(release.released.isEmpty)
        await #expect(throws: SeatLockingError.notLockOwner(["A1", "A2"])) {
            try await service.extend(["A1", "A2"], showtime: showtime.id, user: mallory, ttl: .seconds(600))
        }
        await #expect(throws: SeatLockingError.notLockOwner(["A1"])) {
            try await service.book(["A1"], showtime: showtime.id, user: mallory)
        }

        for seat in ["A1", "A2"] {
            let fields = try await redis.hash(keys.lock(seat))
            #expect(fields["user_id"] == alice)
            #expect(fields["token"] == String(grant.seats[0].token))
            let pttl = try await redis.pttl(keys.lock(seat))
            #expect(pttl > 0 && pttl <= 60_000, "the failed extend did not set a 600 s TTL: \(pttl)")
        }
        #expect(try await redis.hash(keys.lock("A1")) == before)
        #expect(try await redis.pttl(keys.lock("A1")) <= pttlBefore)
        #expect(try await redis.send("HLEN", keys.sold, routingKey: keys.index) == .integer(0))
        #expect(try await redis.send("ZCARD", keys.index, routingKey: keys.index) == .integer(2))
    }

    @Test(arguments: RedisKind.allCases) func mixedOwnershipExtendChangesNothing(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 6)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")
        let bob = TestUsers.unique("bob")
        _ = try await service.lock(["A1"], showtime: showtime.id, user: alice, ttl: .seconds(30))
        _ = try await service.lock(["A2"], showtime: showtime.id, user: bob, ttl: .seconds(30))

        await #expect(throws: SeatLockingError.notLockOwner(["A2"])) {
            try await service.extend(["A1", "A2"], showtime: showtime.id, user: alice, ttl: .seconds(300))
        }
        await #expect(throws: SeatLockingError.notLockOwner(["A2"])) {
            try await service.book(["A1", "A2"], showtime: showtime.id, user: alice)
        }
        #expect(try await redis.pttl(keys.lock("A1")) <= 30_000, "A1 was not extended either")
        #expect(try await redis.hash(keys.lock("A1"))["user_id"] == alice)
        #expect(try await redis.send("HLEN", keys.sold, routingKey: keys.index) == .integer(0), "A1 was not sold either")
    }

    @Test(arguments: RedisKind.allCases) func unlockIsIdempotentAndReportsOnlyWhatItReleased(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 6)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")
        let bob = TestUsers.unique("bob")
        _ = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice)
        _ = try await service.lock(["A3"], showtime: showtime.id, user: bob)

        let first = try await service.unlock(["A1", "A2", "A3", "A4"], showtime: showtime.id, user: alice)
        #expect(first.released == ["A1", "A2"])
        let second = try await service.unlock(["A1", "A2", "A3", "A4"], showtime: showtime.id, user: alice)
        #expect(second.released.isEmpty)

        #expect(try await redis.send("EXISTS", keys.lock("A1"), keys.lock("A2"), routingKey: keys.index) == .integer(0))
        #expect(try await redis.send("ZRANGE", keys.index, "0", "-1", routingKey: keys.index) == .array(["A3"]))
        #expect(try await redis.hash(keys.lock("A3"))["user_id"] == bob)
        let status = try await service.status(showtime: showtime.id, viewer: alice)
        #expect(status.state(of: "A1") == .available)
        #expect(status.state(of: "A3") == .locked)
    }

    @Test(arguments: RedisKind.allCases) func relockByTheOwnerRefreshesTheTTLAndKeepsTheToken(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let key = RedisKeyNames(showtime: showtime.id).lock("A1")
        let alice = TestUsers.unique("alice")

        let first = try await service.lock(["A1"], showtime: showtime.id, user: alice, ttl: .seconds(60))
        let lockedAt = try await redis.hash(key)["locked_at"]
        #expect(lockedAt == String(first.serverTime.milliseconds), "locked_at is the server time of the grant")
        #expect(try await redis.expireTime(key) == first.seats[0].expiresAt.milliseconds)
        var runDown: Int64 = 0
        #expect(try await eventually {
            runDown = try await redis.pttl(key)
            return (1...59_500).contains(runDown)
        }, "the TTL runs down")

        let second = try await service.lock(["A1"], showtime: showtime.id, user: alice, ttl: .seconds(60))
        #expect(second.seats[0].token == first.seats[0].token)
        #expect(second.seats[0].expiresAt > first.seats[0].expiresAt)
        #expect(try await redis.expireTime(key) == second.seats[0].expiresAt.milliseconds, "the key's TTL was reset")
        #expect(second.seats[0].expiresAt.milliseconds - first.seats[0].expiresAt.milliseconds >= 60_000 - runDown,
                "the expiry moved forward by at least the time that ran down")
        #expect(try await redis.hash(key)["locked_at"] == lockedAt, "a refresh is not a new hold")
    }

    @Test(arguments: RedisKind.allCases) func extendByTheOwnerResetsTheTTL(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let key = RedisKeyNames(showtime: showtime.id).lock("A2")
        let alice = TestUsers.unique("alice")
        let grant = try await service.lock(["A2"], showtime: showtime.id, user: alice, ttl: .seconds(5))
        let extended = try await service.extend(["A2"], showtime: showtime.id, user: alice, ttl: .seconds(120))
        #expect(extended.seats[0].token == grant.seats[0].token)
        #expect(extended.seats[0].expiresAt.milliseconds == extended.serverTime.milliseconds + 120_000)
        let pttl = try await redis.pttl(key)
        #expect(pttl > 5_000 && pttl <= 120_000)
    }
}
