import CinebookModel
import RedisClient
import SeatLocking
import Testing
import TestSupport

/// The audit that ends every bench run finds each kind of damage to the data model, and
/// finds none in what the scripts write, however long it takes to run.
@Suite struct AuditTests {
    @Test(arguments: RedisKind.allCases) func locksWrittenByTheScriptsPassTheAudit(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 4, seats: 5)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        _ = try await service.lock(["A1", "A2", "B3"], showtime: showtime.id, user: TestUsers.unique("alice"))
        let bob = TestUsers.unique("bob")
        _ = try await service.lock(["C1", "C2"], showtime: showtime.id, user: bob)
        _ = try await service.extend(["C1"], showtime: showtime.id, user: bob, ttl: .seconds(60))
        _ = try await service.book(["C2"], showtime: showtime.id, user: bob)
        let report = try await service.audit(showtime: showtime.id)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.locks == 4)
        #expect(report.sold == 1)
    }

    @Test(arguments: RedisKind.allCases) func tamperedLocksAreNamed(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 5)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        _ = try await service.lock(["A1", "A2", "A3"], showtime: showtime.id, user: TestUsers.unique("alice"))
        let expiry = try await redis.expireTime(keys.lock("A1"))
        try await redis.send("PEXPIREAT", keys.lock("A1"), String(expiry + 60_000), routingKey: keys.lock("A1"))
        try await redis.send("PERSIST", keys.lock("A2"), routingKey: keys.lock("A2"))
        try await redis.send("DEL", keys.lock("A3"), routingKey: keys.lock("A3"))
        let problems = try await service.audit(showtime: showtime.id).problems
        #expect(problems.contains("A1: index expiry differs from the lock TTL"), "\(problems)")
        #expect(problems.contains("A2: lock without TTL"), "\(problems)")
        #expect(problems.contains("A3: index entry without a lock"), "\(problems)")
    }
}
