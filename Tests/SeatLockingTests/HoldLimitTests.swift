import CinebookModel
import CinebookSupport
import RedisClient
import SeatLocking
import SeatRecords
import Testing
import TestSupport

@Suite("Limits on holds")
struct HoldLimitTests {
    @Test(arguments: RedisKind.allCases) func atMostTenSeatsPerUser(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 12)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")

        _ = try await service.lock(["A1", "A2", "A3", "A4", "A5"], showtime: showtime.id, user: alice)
        _ = try await service.lock(["A6", "A7", "A8"], showtime: showtime.id, user: alice)
        await #expect(throws: SeatLockingError.tooManySeats(requested: 3, alreadyHeld: 8, limit: 10)) {
            try await service.lock(["B1", "B2", "B3"], showtime: showtime.id, user: alice)
        }
        #expect(try await redis.send("EXISTS", keys.lock("B1"), keys.lock("B2"), keys.lock("B3"), routingKey: keys.index) == .integer(0))
        #expect(try await redis.send("ZCARD", keys.index, routingKey: keys.index) == .integer(8))

        let refreshed = try await service.lock(["A7", "A8", "B1", "B2"], showtime: showtime.id, user: alice)
        #expect(refreshed.seats.count == 4, "seats already held do not count twice")

        let other = try await service.lock(["B5", "B6", "B7"], showtime: showtime.id, user: TestUsers.unique("bob"))
        #expect(other.seats.count == 3, "the limit is per user")

        _ = try await service.unlock(["A1", "A2"], showtime: showtime.id, user: alice)
        let afterRelease = try await service.lock(["B3", "B4"], showtime: showtime.id, user: alice)
        #expect(afterRelease.seats.count == 2, "released seats no longer count")
    }

    @Test(arguments: RedisKind.allCases) func configuredLimitApplies(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 6)
        let (service, redis) = try await kind.service([showtime], policy: LockPolicy(maximumSeatsPerUser: 2))
        defer { redis.close() }
        let alice = TestUsers.unique("alice")
        await #expect(throws: SeatLockingError.tooManySeats(requested: 3, alreadyHeld: 0, limit: 2)) {
            try await service.lock(["A1", "A2", "A3"], showtime: showtime.id, user: alice)
        }
        _ = try await service.lock(["A1"], showtime: showtime.id, user: alice)
        await #expect(throws: SeatLockingError.tooManySeats(requested: 2, alreadyHeld: 1, limit: 2)) {
            try await service.lock(["A2", "A3"], showtime: showtime.id, user: alice)
        }
    }

    @Test(arguments: RedisKind.allCases) func expiredHoldsDoNotCountTowardsTheLimit(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 6)
        let (service, redis) = try await kind.service([showtime], policy: LockPolicy(maximumSeatsPerUser: 2))
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")
        _ = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice, ttl: .seconds(1))
        #expect(try await eventually { try await redis.send("EXISTS", keys.lock("A1"), keys.lock("A2"), routingKey: keys.index) == .integer(0) })
        let grant = try await service.lock(["A3", "A4"], showtime: showtime.id, user: alice)
        #expect(grant.seats.count == 2)
    }

    /// `lock D1 --ttl 3600`, then `extend D1` or `lock D1` with the default TTL: the hold
    /// keeps its hour.
    @Test(arguments: RedisKind.allCases) func anExtensionNeverShortensAHold(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try await kind.service([showtime], policy: LockPolicy(ttl: .seconds(900), maximumHold: .seconds(3600)))
        defer { redis.close() }
        let alice = TestUsers.unique("alice")
        let long = try await service.lock(["A1"], showtime: showtime.id, user: alice, ttl: .seconds(3600))
        let extended = try await service.extend(["A1"], showtime: showtime.id, user: alice)
        #expect(extended.expiresAt == long.expiresAt, "extend kept the hour: \(extended.expiresAt) against \(long.expiresAt)")
        let relocked = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice)
        #expect(relocked.seats.first { $0.code == "A1" }?.expiresAt == long.expiresAt, "so did locking it again")
        let keys = RedisKeyNames(showtime: showtime.id)
        let remaining = try await redis.pttl(keys.lock("A1"))
        #expect(remaining > 3_000_000, "the lock key itself still lives about an hour: \(remaining) ms")
        let status = try await service.status(showtime: showtime.id, viewer: alice)
        #expect(status.seats.first { $0.seat.code == "A1" }?.expiresAt == long.expiresAt)
    }

    @Test(arguments: RedisKind.allCases) func extendCannotPushPastTheMaximumHold(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let policy = LockPolicy(ttl: .seconds(2), maximumHold: .seconds(3))
        let (service, redis) = try await kind.service([showtime], policy: policy)
        defer { redis.close() }
        let alice = TestUsers.unique("alice")

        var observed: (grant: LockGrant, capped: LockGrant)?
        for seat: SeatCode in ["A1", "A2", "A3"] where observed == nil {
            observed = try await extendUntilCapped(seat, service: service, showtime: showtime.id, user: alice)
        }
        let (grant, capped) = try #require(observed, "a hold outlived its TTL while being extended")
        let seat = grant.seats[0].code
        let key = RedisKeyNames(showtime: showtime.id).lock(seat.text)
        let cap = grant.serverTime.milliseconds + 3_000
        #expect(capped.seats[0].expiresAt.milliseconds == cap, "the hold ends exactly at locked_at + maximum hold")
        #expect(try await redis.pttl(key) <= cap - capped.serverTime.milliseconds)

        let relocked = try await service.lock([seat], showtime: showtime.id, user: alice)
        if relocked.serverTime.milliseconds <= cap {
            #expect(relocked.seats[0].expiresAt.milliseconds == cap, "a relock cannot pass the cap either")
            #expect(relocked.seats[0].token == grant.seats[0].token)
        }

        #expect(try await eventually { try await redis.pttl(key) == -2 }, "the hold ends at the cap")
        await #expect(throws: SeatLockingError.lockExpired([seat])) {
            try await service.extend([seat], showtime: showtime.id, user: alice)
        }
        #expect(try await redis.send("EXISTS", key, routingKey: key) == .integer(0), "extend does not bring an expired hold back")
    }

    /// Locks `seat`, then extends it every 100 ms until its expiry reaches the cap,
    /// checking on the way that no extend passes the cap or shortens the hold. Nil when
    /// the hold ran out first because the machine paused for longer than the TTL.
    private func extendUntilCapped(
        _ seat: SeatCode, service: SeatLockingService, showtime: Int, user: String
    ) async throws -> (grant: LockGrant, capped: LockGrant)? {
        let grant = try await service.lock([seat], showtime: showtime, user: user)
        #expect(grant.seats[0].expiresAt.milliseconds == grant.serverTime.milliseconds + 2_000)
        let cap = grant.serverTime.milliseconds + 3_000
        var latest = grant.seats[0].expiresAt.milliseconds
        while true {
            let extended: LockGrant
            do {
                extended = try await service.extend([seat], showtime: showtime, user: user)
            } catch {
                if case .lockExpired = error { return nil }
                throw error
            }
            let expiry = extended.seats[0].expiresAt.milliseconds
            #expect(expiry <= cap, "extended to \(expiry), past the cap \(cap)")
            #expect(expiry >= latest, "an extend with the same TTL never shortens the hold")
            #expect(extended.seats[0].token == grant.seats[0].token)
            latest = expiry
            if extended.serverTime.milliseconds + 2_000 > cap { return (grant, extended) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
