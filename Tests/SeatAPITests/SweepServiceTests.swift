import Foundation
import RedisClient
import SeatAPI
import SeatLocking
import Testing
import TestSupport

/// The cleanup job inside the server: sweeps on schedule, one process at a time.
@Suite struct SweepServiceTests {
    @Test func aPassSweepsExpiredLocksUnlessAnotherServerIsSweeping() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try SharedRedis.service([showtime])
        defer { redis.close() }
        let lockKey = "sweep_lock:test:\(showtime.id)"
        let sweeper = SweepService(service: service, redis: redis, interval: .seconds(60), lockKey: lockKey, logger: quietLogger)
        _ = try await service.lock(["A1", "A2"], showtime: showtime.id, user: TestUsers.unique(), ttl: .seconds(1))
        try await Task.sleep(for: .milliseconds(1_100))

        try await redis.send("SET", lockKey, "another-server", "PX", "10000")
        #expect(await sweeper.sweepOnce() == .skipped)
        #expect(try await redis.send("GET", lockKey) == "another-server", "another server's lock is left alone")

        try await redis.send("DEL", lockKey)
        guard case let .swept(report) = await sweeper.sweepOnce() else {
            Issue.record("the pass ran")
            return
        }
        #expect(report.expired == [showtime.id: ["A1", "A2"]])
        #expect(try await redis.send("EXISTS", lockKey) == .integer(0), "the sweep lock is released after the pass")
        guard case let .swept(second) = await sweeper.sweepOnce() else {
            Issue.record("the second pass ran")
            return
        }
        #expect(second.total == 0)
    }

    @Test func theServerSweepsOnScheduleAndStopsWithIt() async throws {
        let api = try await APIHarness.make(policy: LockPolicy(ttl: .seconds(1))) { $0.sweepInterval = .milliseconds(300) }
        let recorder = EventRecorder(api.redis.subscribe(to: "seat_events:{\(api.id)}"))
        defer { recorder.stop() }
        #expect(await recorder.waitUntilSubscribed())
        let start = ContinuousClock.now
        try await api.run { client throws in
            let lock = try await client.lock(["B2"], showtime: api.id, as: TestUsers.unique())
            #expect(lock.status == 200)
            let expired = await recorder.waitForJSON(timeout: .seconds(10)) { $0["event"] as? String == "expired" }
            #expect(expired?["seats"] as? [String] == ["B2"], "the sweeper announced the expired lock")
        }
        // A sweeper that did not stop would keep the server running for good; a loaded
        // two-core machine running every other test may take a while, but finishes.
        #expect(ContinuousClock.now - start < .seconds(30), "the sweeper stops with the server")
    }
}
