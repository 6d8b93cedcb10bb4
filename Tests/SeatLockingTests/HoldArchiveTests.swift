import CinebookModel
import CinebookSupport
import Foundation
import RedisClient
import SeatLocking
import SeatRecords
import Testing
import TestSupport

/// The hold history outlives Redis: the archive pass moves it into the database of record,
/// and the figures read both. Failed operations are part of it, also those that failed
/// because Redis was down.
@Suite struct HoldArchiveTests {
    @Test(arguments: RecordsKind.allCases)
    func theHistoryMovesIntoTheDatabaseAndOutlivesAFlush(_ kind: RecordsKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 4)
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let service = SeatLockingService(redis: redis, records: try await kind.shared(), catalog: Catalog(showtimes: [showtime]))
        let id = showtime.id
        let (alice, bob) = (TestUsers.unique("alice"), TestUsers.unique("bob"))

        _ = try await service.lock(["A1", "A2"], showtime: id, user: alice)
        await #expect(throws: SeatLockingError.self) { try await service.lock(["A2", "A3"], showtime: id, user: bob) }
        _ = try await service.book(["A2"], showtime: id, user: alice)
        _ = try await service.unlock(["A1"], showtime: id, user: alice)
        let inRedis = try await service.history(showtime: id)
        #expect(inRedis.map(\.event) == [.unavailable, .booked, .released])
        let before = try await service.stats(showtime: id)

        #expect(try await service.archiveHistory().archived[id] == 3)
        #expect(try await service.history(showtime: id).isEmpty, "Redis keeps no entry the database has")
        #expect(try await service.archiveHistory().archived[id] == nil, "a second pass finds nothing to move")
        #expect(try await service.completeHistory(showtime: id) == inRedis, "the same entries, under the same ids")

        // Redis loses everything of the showtime: the figures stay.
        for key in try await redis.keys(ofShowtime: id) { try await redis.send("DEL", key, routingKey: key) }
        let after = try await service.stats(showtime: id)
        #expect(Self.figures(after) == Self.figures(before), "\(Self.figures(after)) against \(Self.figures(before))")

        // New entries in Redis and old ones in the database add up, each once.
        _ = try await service.lock(["B1"], showtime: id, user: bob)
        _ = try await service.unlock(["B1"], showtime: id, user: bob)
        let complete = try await service.completeHistory(showtime: id)
        #expect(complete.map(\.event) == [.unavailable, .booked, .released, .released])
        #expect(complete.map(\.id) == complete.map(\.id).sorted() && Set(complete.map(\.id)).count == complete.count)
        let stats = try await service.stats(showtime: id)
        #expect((stats.booked, stats.released, stats.conflictingSeats) == (1, 2, 1))
        #expect(stats.seats["B1"]?.held == 1)
        let since = try await service.stats(showtime: id, since: try #require(complete.last).at)
        #expect(since.released == 1 && since.booked == 0, "--since applies to the archived part too")
    }

    @Test func anOperationThatFailsForTheDatabaseCountsAsAnError() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis, path) = try SharedRedis.serviceOnItsOwnSQLite(showtime)
        defer { redis.close() }
        let alice = TestUsers.unique("alice")
        _ = try await service.lock(["A4"], showtime: showtime.id, user: alice)

        let blocker = try SQLiteBlocker(path: path)
        await #expect(throws: SeatLockingError.self) { try await service.book(["A4"], showtime: showtime.id, user: alice) }
        blocker.release()
        let failed = try await service.history(showtime: showtime.id)
        #expect(failed.map(\.event) == [.error] && failed.first?.operation == "book" && failed.first?.seats == ["A4"])
        #expect(failed.first?.user == alice)
        let during = try await service.stats(showtime: showtime.id)
        #expect(during.failedSeats == ["book": 1] && during.errorRate == 1, "1 operation of 1 (the lock's hold has not ended)")

        _ = try await service.book(["A4"], showtime: showtime.id, user: alice)
        let stats = try await service.stats(showtime: showtime.id)
        #expect(stats.operations == 3, "the lock, the failed booking and the booking")
        #expect(stats.errorRate == 1.0 / 3.0)
        #expect(stats.abandonmentRate == 0 && stats.conflictRate == 0)
    }

    @Test func aLockThatFailsWhileRedisIsDownIsRecordedWhenItReturns() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let redis = RedisClient(url: server.url, timeouts: RedisTimeouts(connect: .milliseconds(500), command: .milliseconds(500)))
        defer { redis.close() }
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let service = SeatLockingService(redis: redis, records: try TestRecords.sqlite(), catalog: Catalog(showtimes: [showtime]))
        let (alice, bob) = (TestUsers.unique("alice"), TestUsers.unique("bob"))

        server.stop(hard: true)
        let error = await #expect(throws: SeatLockingError.self) { try await service.lock(["A1"], showtime: showtime.id, user: alice) }
        #expect(error?.code == "redis_unavailable")
        try server.start()
        _ = try await service.lock(["A2"], showtime: showtime.id, user: bob)

        let history = try await service.history(showtime: showtime.id)
        #expect(history.map(\.event) == [.error], "\(history)")
        #expect(history.first?.operation == "lock" && history.first?.seats == ["A1"] && history.first?.user == alice)
        #expect(try await service.stats(showtime: showtime.id).failedSeats == ["lock": 1])
    }

    private static func figures(_ stats: ShowtimeStats) -> [String] {
        [
            "\(stats.conflictingSeats) \(stats.limitRefusals) \(stats.booked) \(stats.released) \(stats.expired) \(stats.failures)",
            "\(String(describing: stats.conflictRate)) \(String(describing: stats.abandonmentRate)) \(String(describing: stats.errorRate))",
            "\(String(describing: stats.medianMillisecondsToBooking))",
            stats.seats.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.held)/\($0.value.booked)" }.joined(separator: " "),
        ]
    }
}
