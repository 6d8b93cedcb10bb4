import CinebookModel
import CinebookSupport
import Foundation
import Logging
import RedisClient
import SeatLocking
import SeatRecords
import Testing
import TestSupport

/// The cluster changes under load: a busy showtime's slot moves to another primary, and a
/// primary is killed. Operations answer `redis_unavailable` for a moment and never hang,
/// then succeed again without a restart, and the bench's invariant check passes against
/// the database of record: no seat held or sold twice, no confirmed booking lost.
@Suite struct ClusterFaultTests {
    static let probeThread = ThreadExecutor(name: "cluster-fault-probe")

    @Test func aBusyShowtimesSlotMovesDuringTheBenchAndItsEventsFollow() async throws {
        let cluster = try await RedisTestCluster.make()
        let cli = CLI(redis: cluster.urlString, fixtures: try CLIFixtures.make(from: 2).directory)
        async let run = cli.run([
            "bench", "--floor-samples", "200", "--users", "20", "--think", "50", "--showtimes", "3", "--duration", "15", "--book-rate", "0.1",
            "--redis-timeout", "2", "--json",
        ], limit: 120)

        let watcher = RedisClient(url: cluster.url, timeouts: RedisTimeouts(connect: .seconds(2), command: .seconds(2)))
        defer { watcher.close() }
        var busy: Int?
        #expect(try await eventually(timeout: .seconds(40)) {
            busy = try await Self.showtimesWithHolds(watcher).first
            return busy != nil
        }, "the load is running")
        let tag = "{\(try #require(busy))}"
        let slot = HashSlot(key: tag)
        let source = try await cluster.primary(serving: slot)
        let target = try #require(try await cluster.primaries().first { $0 != source })
        let recorder = EventRecorder(watcher.subscribe(to: "seat_events:\(tag)"))
        defer { recorder.stop() }
        #expect(await recorder.waitUntilSubscribed())

        try await cluster.move(slot, to: target)
        #expect(try await cluster.primary(serving: slot) == target)
        #expect(await recorder.waitUntilSubscribed(times: 2, timeout: .seconds(20)), "the subscription follows the slot")
        try await watcher.send("SPUBLISH", "seat_events:\(tag)", "after the move", routingKey: tag)
        #expect(await eventually(timeout: .seconds(10)) { recorder.messages.contains(Array("after the move".utf8)) })

        let result = try await run
        #expect(result.status == 0, "\(result.stderr) \(result.stdout.prefix(2000))")
        let invariants = try #require(result.json["invariants"] as? [String: Any])
        #expect((invariants["violations"] as? [Any])?.isEmpty == true, "\(invariants)")
        print(
            "bench while slot \(slot) moved from :\(source) to :\(target): \(result.json["operations"] ?? "?") operations, "
                + "\(result.json["errors"] ?? "?") answered redis_unavailable, violations: \((invariants["violations"] as? [Any])?.count ?? -1)")
    }

    @Test func aPrimaryKilledDuringTheBenchFailsOverAndNoSaleIsLost() async throws {
        let cluster = try await RedisTestCluster.make()
        let victim = try #require(try await cluster.primaries().first)
        let probe = try #require(try await TestShowtimes.oneOnEachShard(of: cluster).first)
        #expect(try await cluster.primary(serving: HashSlot(key: "{\(probe.id)}")) == victim)
        let redis = RedisClient(url: cluster.url, timeouts: RedisTimeouts(connect: .seconds(1), command: .seconds(1)))
        defer { redis.close() }
        var quiet = Logger(label: "cinebook.test")
        quiet.logLevel = .critical
        let service = SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: [probe]), logger: quiet)
        _ = try await service.lock(["A1"], showtime: probe.id, user: TestUsers.unique("early"))

        let cli = CLI(redis: cluster.urlString, fixtures: try CLIFixtures.make(from: 2).directory)
        async let run = cli.run([
            "bench", "--floor-samples", "200", "--users", "50", "--think", "100", "--showtimes", "6", "--duration", "20", "--book-rate", "0.3", "--json",
        ], limit: 120)
        #expect(try await eventually(timeout: .seconds(40)) { try await redis.soldSeatCount() > 5 }, "the load is running")

        let clock = ContinuousClock()
        try await cluster.stop(victim, hard: true)
        let killed = clock.now
        var gap: Duration?
        var refusals = 0
        var seat = 1
        // The probe runs on a thread of its own, so that the time it measures is the lock's,
        // not the time its task waited for one of Swift's shared threads on a busy run.
        await withTaskExecutorPreference(Self.probeThread) {
            while gap == nil, clock.now - killed < .seconds(30) {
                let asked = clock.now
                do throws(SeatLockingError) {
                    _ = try await service.lock([SeatCode(row: "B", number: seat)], showtime: probe.id, user: TestUsers.unique("probe"))
                    gap = clock.now - killed
                } catch {
                    #expect(error.isOutage, "\(error)")
                    refusals += 1
                    seat = seat % 10 + 1
                }
                #expect(clock.now - asked < answerNotHang, "an answer, not a hang")
            }
        }
        let failoverGap = try #require(gap, "the shard takes locks again without a restart")
        #expect(refusals > 0, "the shard was unavailable until its replica took over")
        let afterFailover = try await redis.soldSeatCount()
        #expect(try await eventually(timeout: .seconds(20)) { try await redis.soldSeatCount() > afterFailover + 5 }, "the load goes on")

        let result = try await run
        #expect(result.status == 0, "\(result.stderr) \(result.stdout.prefix(2000))")
        let invariants = try #require(result.json["invariants"] as? [String: Any])
        #expect((invariants["violations"] as? [Any])?.isEmpty == true, "\(invariants)")
        #expect((result.json["errors"] as? Int ?? 0) > 0, "the failover was seen")
        print(
            "bench through kill -9 of primary :\(victim): failover gap (kill to the first lock on its shard) "
                + String(format: "%.2f s", failoverGap.seconds) + ", \(result.json["operations"] ?? "?") operations, "
                + "\(result.json["errors"] ?? "?") answered redis_unavailable, \(invariants["holds_lost_with_redis"] ?? "?") holds lost with the primary, "
                + "\(invariants["bookings"] ?? "?") bookings checked against the database, violations: \((invariants["violations"] as? [Any])?.count ?? -1)")
    }

    /// Showtimes with live holds, from every primary.
    static func showtimesWithHolds(_ redis: RedisClient) async throws -> [Int] {
        try await redis.sendToEveryPrimary(RedisCommand("KEYS", ["seat_locks:*"])).flatMap { reply in
            (reply.array ?? []).compactMap { $0.string.flatMap { Int($0.dropFirst("seat_locks:{".count).dropLast()) } }
        }
    }
}
