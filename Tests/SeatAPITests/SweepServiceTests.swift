import CinebookModel
import CinebookSupport
import Foundation
import Hummingbird
import HummingbirdTesting
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
        let maintenance = MaintenanceLog()
        let sweeper = SweepService(
            service: service, interval: .seconds(60), lockKey: lockKey, maintenance: maintenance, logger: quietLogger)
        _ = try await service.lock(["A1", "A2"], showtime: showtime.id, user: TestUsers.unique(), ttl: .seconds(1))
        let keys = RedisKeyNames(showtime: showtime.id)
        #expect(await eventually { (try? await redis.send("EXISTS", keys.lock("A1"), keys.lock("A2"))) == .integer(0) }, "both holds run out")

        try await redis.send("SET", lockKey, "another-server", "PX", "10000")
        #expect(await sweeper.sweepOnce() == .skipped)
        #expect(try await redis.send("GET", lockKey) == "another-server", "another server's lock is left alone")

        try await redis.send("DEL", lockKey)
        guard case let .swept(report) = await sweeper.sweepOnce() else {
            Issue.record("the pass ran")
            return
        }
        #expect(report.expired == [showtime.id: ["A1", "A2"]])
        #expect(maintenance.jobs()["archive"]?.lastRun?.archived == 2, "the two expiries went into the database")
        #expect(try await service.history(showtime: showtime.id).isEmpty)
        #expect(try await service.stats(showtime: showtime.id).expired == 2)
        #expect(try await redis.send("EXISTS", lockKey) == .integer(0), "the sweep lock is released after the pass")
        guard case let .swept(second) = await sweeper.sweepOnce() else {
            Issue.record("the second pass ran")
            return
        }
        #expect(second.total == 0)
        let jobs = maintenance.jobs()
        #expect(jobs["sweep"]?.lastRun?.result == "ok")
        #expect(jobs["sweep"]?.lastRun?.expired == 0, "the last pass found nothing")
        #expect(jobs["reconcile"]?.lastRun?.showtimes == 1)
    }

    /// A job is ok while its last pass worked and its last success is under two intervals
    /// old; then overdue; failed at once when a pass fails.
    @Test func aJobIsOverdueAfterTwoIntervalsWithoutSuccessAndFailedAfterAFailure() {
        let maintenance = MaintenanceLog()
        #expect(maintenance.jobs()["sweep"]?.status == "off", "no sweeper, no expectation")
        maintenance.expect(every: .seconds(60))
        maintenance.record(.sweep, took: .milliseconds(3), expired: 0)
        #expect(maintenance.jobs()["sweep"]?.status == "ok")
        #expect(maintenance.jobs(now: Date().addingTimeInterval(110))["sweep"]?.status == "ok", "one interval late is fine")
        #expect(maintenance.jobs(now: Date().addingTimeInterval(121))["sweep"]?.status == "overdue")
        #expect(maintenance.jobs(now: Date().addingTimeInterval(121))["reconcile"]?.status == "overdue", "never ran since the start")
        maintenance.record(.sweep, took: .milliseconds(3), failure: "Redis is unavailable")
        #expect(maintenance.jobs()["sweep"]?.status == "failed")
        #expect(maintenance.jobs()["sweep"]?.lastRun?.error == "Redis is unavailable")
    }

    /// A sweeper that stops (or hangs) turns `/health` degraded within two intervals.
    @Test func aStoppedSweeperTurnsHealthDegraded() async throws {
        let api = try await APIHarness.make()
        let maintenance = MaintenanceLog()
        maintenance.expect(every: .milliseconds(200))
        maintenance.record(.sweep, took: .milliseconds(3), expired: 0)
        maintenance.record(.reconcile, took: .milliseconds(4), showtimes: 1, repaired: 0)
        let router = buildRouter(service: api.service, tokens: api.tokens, maintenance: maintenance)
        defer { api.redis.close() }
        let operatorToken = try await api.tokens.mint(user: "operator", ttl: .seconds(600))
        try await Application(router: router).test(.router) { client in
            // Not a local caller here: the details need a token.
            func health(token bearer: String?) async throws -> [String: Any] {
                let response = try await client.execute(
                    uri: "/health", method: .get, headers: bearer.map { [.authorization: "Bearer \($0)"] } ?? [:])
                return (try JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            }
            func health() async throws -> [String: Any] { try await health(token: operatorToken) }
            func job(_ json: [String: Any], _ name: String) -> [String: Any] {
                (json["jobs"] as? [String: Any])?[name] as? [String: Any] ?? [:]
            }
            // No pass comes any more: overdue after two intervals.
            #expect(await eventually(timeout: .seconds(10)) {
                let json = (try? await health()) ?? [:]
                return json["status"] as? String == "degraded" && job(json, "sweep")["status"] as? String == "overdue"
            }, "a stopped sweeper turns /health degraded")
            let overdue = try await health()
            #expect((overdue["message"] as? String)?.contains("sweep job is overdue") == true, "\(overdue)")
            #expect(job(overdue, "sweep")["every_s"] as? Double == 0.2)
            #expect((job(overdue, "sweep")["last_run"] as? [String: Any])?["result"] as? String == "ok")

            maintenance.record(.reconcile, took: .milliseconds(3), failure: "PostgreSQL is unavailable")
            let failed = try await health()
            #expect(job(failed, "reconcile")["status"] as? String == "failed")
            #expect(failed["status"] as? String == "degraded")

            // Without a token, from elsewhere: whether it is ok, and nothing of what is behind.
            let anonymous = try await health(token: nil)
            #expect(anonymous.keys.sorted() == ["ok", "status"] && anonymous["status"] as? String == "degraded", "\(anonymous)")
            #expect(try await health(token: "not-a-token").keys.sorted() == ["ok", "status"])
        }
    }
}
