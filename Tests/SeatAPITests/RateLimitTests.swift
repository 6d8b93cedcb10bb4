import CinebookModel
import Foundation
import SeatAPI
import SeatLocking
import Testing
import TestSupport

/// Seat operations per user are limited in Redis; the excess gets 429 with Retry-After.
@Suite struct RateLimitTests {
    @Test func aBurstOverTheLimitGetsExactlyTheExcessAs429() async throws {
        let api = try await APIHarness.make { $0.rateLimit = RateLimit(perSecond: 0.1, burst: 5) }
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let token = try await client.token(alice)
            let statuses = try await withThrowingTaskGroup(of: APIResponse.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await client.raw(.get, "/api/v1/showtimes/\(api.id)/seats/status", headers: [.authorization: "Bearer \(token)"])
                    }
                }
                return try await group.reduce(into: [APIResponse]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0.status == 200 }.count == 5)
            let limited = statuses.filter { $0.status == 429 }
            #expect(limited.count == 7)
            for response in limited {
                #expect(response.error == "rate_limited")
                #expect(response.isFailureJSON)
                let retryAfter = try #require(response.headers[.retryAfter].flatMap { Int($0) })
                #expect((1...10).contains(retryAfter))
            }
            let bob = try await client.status(showtime: api.id, as: TestUsers.unique("bob"))
            #expect(bob.status == 200, "the limit is per user")
        }
    }

    /// The rate is one operation per 100 s, so no pause of the machine can refill a slot
    /// by accident; the passing of time is played by moving the stored arrival time back.
    @Test func theLimitRefillsAtTheSustainedRate() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let limiter = SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: []))
            .rateLimiter(RateLimit(perSecond: 0.01, burst: 1))
        let user = TestUsers.unique("steady")
        let key = RedisKeyNames.rateLimit(user)
        #expect(try await limiter.acquire(user: user) == .allowed)
        guard case let .limited(retryAfter) = try await limiter.acquire(user: user) else {
            Issue.record("a second operation within 100 s is refused")
            return
        }
        #expect(retryAfter > .seconds(90) && retryAfter <= .seconds(100))

        let stored = try #require(try await redis.send("GET", key).string.flatMap { Int64($0) })
        _ = try await redis.send("SET", key, String(stored - 100_000_000), "KEEPTTL")
        #expect(try await limiter.acquire(user: user) == .allowed, "a slot frees every 100 s")
        #expect(try await limiter.acquire(user: user) != .allowed, "and only one")
    }

    @Test func theLimiterCountsPerUserInRedis() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let limiter = SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: []))
            .rateLimiter(RateLimit(perSecond: 0.01, burst: 3))
        let user = TestUsers.unique("limited")
        var decisions: [RateLimitDecision] = []
        for _ in 0..<4 { decisions.append(try await limiter.acquire(user: user)) }
        #expect(decisions[0..<3].allSatisfy { $0 == .allowed }, "a burst of 3 goes ahead")
        guard case let .limited(retryAfter) = decisions[3] else {
            Issue.record("the fourth operation of a burst of 3 is refused")
            return
        }
        #expect(retryAfter > .seconds(90) && retryAfter <= .seconds(100))
        #expect(try await redis.pttl(RedisKeyNames.rateLimit(user)) > 0, "the state expires by itself")
    }
}
