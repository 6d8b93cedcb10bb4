import CinebookSupport
import Foundation
import RedisClient
import Testing
import TestSupport

/// Redis hangs, crashes and then forgets everything while moviegoers are busy: operations
/// fail with `redis_unavailable` (or an unknown outcome) instead of hanging, the load goes
/// on once Redis is back, and the invariant check still passes against the database of
/// record — no seat held twice, none sold twice, none locked once sold, no booking lost.
@Suite struct BenchFaultTests {
    @Test func theLoadSurvivesAHangAndACrashOfRedisWithEveryInvariantKept() async throws {
        // Writes are flushed every second, not on each one: a crash may lose the last second of
        // Redis, which the database of record covers, and the floor the bench measures first
        // does not wait on a busy disk thousands of times.
        let server = try RedisTestServer(extraArguments: ["--appendonly", "yes", "--appendfsync", "everysec"])
        defer { server.stop() }
        let fixture = try CLIFixtures.make(from: 2)
        let cli = CLI(redis: server.urlString, fixtures: fixture.directory)
        async let run = cli.run([
            // A light load (10 users, 50 ms between clicks) through every fault: the other
            // tests of the run share the two cores.
            "bench", "--floor-samples", "200", "--users", "10", "--think", "50", "--duration", "20", "--book-rate", "0.3",
            "--redis-timeout", "2", "--json",
        ], limit: 90)

        let watcher = RedisClient(url: server.url, timeouts: RedisTimeouts(connect: .seconds(1), command: .seconds(1)))
        defer { watcher.close() }
        // Sold seats in Redis, the sum over the showtimes played (none while Redis is away).
        let bookings = { @Sendable () async -> Int in (try? await watcher.soldSeatCount()) ?? 0 }
        #expect(try await eventually(timeout: .seconds(40)) { await bookings() > 5 }, "the load is running")

        server.suspend()
        try await Task.sleep(for: .milliseconds(2500))  // the length of the hang (the bench waits 2 s), not a wait for something
        server.resume()
        let afterHang = await bookings()
        #expect(try await eventually(timeout: .seconds(20)) { await bookings() > afterHang + 5 }, "the load goes on after the hang")

        try await offThePool {
            server.stop(hard: true)
            try server.start()
        }
        let afterCrash = await bookings()
        #expect(try await eventually(timeout: .seconds(20)) { await bookings() > afterCrash + 5 }, "the load goes on after the crash")

        // Redis forgets everything: the sold seats come back from the database before any
        // lock on their showtime, which the bench's ledger checks for every grant.
        _ = try await watcher.send("FLUSHALL")
        #expect(try await eventually(timeout: .seconds(20)) { await bookings() > 5 }, "the load goes on after the flush")

        let result = try await run
        #expect(result.status == 0, "\(result.stderr) \(result.stdout.prefix(2000))")
        let invariants = try #require(result.json["invariants"] as? [String: Any])
        #expect((invariants["violations"] as? [Any])?.isEmpty == true, "\(invariants)")
        #expect((result.json["errors"] as? Int ?? 0) > 0, "the faults were seen")
        #expect((result.json["last_error"] as? String)?.contains("Redis") == true, "\(result.json["last_error"] ?? "")")
        print(
            "bench through a 2.5 s hang and a kill -9 of Redis: \(result.json["operations"] ?? "?") operations, "
                + "\(result.json["errors"] ?? "?") answered redis_unavailable, \(invariants["bookings"] ?? "?") bookings and "
                + "\(invariants["grants"] ?? "?") grants audited, violations: \((invariants["violations"] as? [Any])?.count ?? -1)")
    }
}
