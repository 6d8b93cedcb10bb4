import CinebookModel
import CinebookSupport
import RedisClient
import SeatLocking
import Testing
import TestSupport

/// Hangs a private server of its own.
@Suite("Redis down")
struct RedisUnavailableTests {
    @Test func hungRedisIsReportedWithinTwoSecondsAndTheServiceRecovers() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let redis = RedisClient(url: server.url, timeouts: RedisTimeouts(connect: .milliseconds(500), command: .milliseconds(500)))
        defer { redis.close() }
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let service = SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: [showtime]))
        let alice = TestUsers.unique("alice")
        _ = try await service.lock(["A1"], showtime: showtime.id, user: alice)

        server.suspend()
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: SeatLockingError.self) {
            try await service.lock(["A2"], showtime: showtime.id, user: alice)
        }
        let elapsed = clock.now - start
        server.resume()

        // The lock was sent and no answer came: it may have been made, so the answer
        // says the outcome is unknown, not that it failed.
        guard case .outcomeUnknown = try #require(error) else {
            Issue.record("expected outcomeUnknown, got \(String(describing: error))")
            return
        }
        #expect(error?.code == "outcome_unknown")
        #expect(elapsed < answerNotHang, "took \(elapsed)")

        let status = try await service.status(showtime: showtime.id, viewer: alice)
        #expect(status.state(of: "A1") == .selected, "the service works again once Redis answers")
    }

    @Test func stoppedRedisIsUnavailableForEveryOperation() async throws {
        let server = try RedisTestServer()
        let redis = RedisClient(url: server.url, timeouts: RedisTimeouts(connect: .milliseconds(500), command: .milliseconds(500)))
        defer { redis.close() }
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let service = SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: [showtime]))
        let alice = TestUsers.unique("alice")
        server.stop(hard: true)

        let operations: [@Sendable () async throws -> Void] = [
            { _ = try await service.lock(["A1"], showtime: showtime.id, user: alice) },
            { _ = try await service.unlock(["A1"], showtime: showtime.id, user: alice) },
            { _ = try await service.extend(["A1"], showtime: showtime.id, user: alice) },
            { _ = try await service.book(["A1"], showtime: showtime.id, user: alice) },
            { _ = try await service.status(showtime: showtime.id) },
            { _ = try await service.sweep() },
        ]
        for operation in operations {
            let error = await #expect(throws: SeatLockingError.self) { try await operation() }
            #expect(error?.code == "redis_unavailable")
        }
    }
}
