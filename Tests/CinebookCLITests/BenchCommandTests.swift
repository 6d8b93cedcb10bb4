import CinebookSupport
import Foundation
import Testing
import RedisClient
import TestSupport

/// A short load run, as CI runs it: moviegoers race for seats on the test Redis, and the
/// run must end with every invariant checked and none violated.
@Suite struct BenchCommandTests {
    let cli: CLI

    init() throws {
        let fixture = try CLIFixtures.make(from: 3)
        cli = CLI(redis: try RedisTestServer.shared().urlString, fixtures: fixture.directory)
    }

    @Test func aShortRunPassesEveryInvariantCheck() async throws {
        let result = try await cli.run(["bench", "--floor-samples", "200", "--users", "50", "--operations", "3000", "--hotspot", "0.8", "--book-rate", "0.3", "--json"], limit: 90)
        #expect(result.status == 0, "\(result.stderr) \(result.stdout)")
        #expect(result.json["ok"] as? Bool == true)
        let invariants = try #require(result.json["invariants"] as? [String: Any])
        #expect((invariants["violations"] as? [Any])?.isEmpty == true, "\(invariants)")
        #expect((invariants["grants"] as? Int ?? 0) > 0)
        #expect((invariants["bookings"] as? Int ?? 0) > 0, "some seats were sold and checked")
        #expect(result.json["errors"] as? Int == 0)
        let latencies = try #require(result.json["latencies"] as? [[String: Any]])
        #expect(Set(latencies.compactMap { $0["operation"] as? String }).isSuperset(of: ["lock", "unlock", "book"]))
    }

    /// Friends choosing as parties among the crowd, aimed at the best seats, which the house
    /// keeps back: the parties' grants and bookings are the party's, checked by the same
    /// invariants (no seat held by two holders, none sold twice), and none of the house's
    /// seats is granted or sold to anyone.
    @Test func partiesAmongTheCrowdKeepEveryInvariant() async throws {
        // A Redis of its own: a load run at full speed would slow every other test's Redis.
        let redis = try RedisTestServer()
        defer { redis.stop() }
        let result = try await cli.run(
            ["bench", "--floor-samples", "200", "--users", "8", "--operations", "800", "--together", "0.5", "--book-rate", "0.5", "--house", "4", "--hotspot", "1", "--json"],
            redis: redis.urlString, limit: 90)
        #expect(result.status == 0, "\(result.stderr) \(result.stdout.prefix(2000))")
        let invariants = try #require(result.json["invariants"] as? [String: Any])
        #expect((invariants["violations"] as? [Any])?.isEmpty == true, "\(invariants)")
        #expect((invariants["party_bookings"] as? Int ?? 0) > 0, "parties booked: \(invariants)")
        #expect((invariants["house_seats_kept_back"] as? Int ?? 0) >= 4, "the house kept the best seats back: \(invariants)")
        #expect(result.json["errors"] as? Int == 0)
    }

    /// The text report's table: each number ends under the end of its heading.
    @Test func theTextTableLinesUp() async throws {
        let result = try await cli.run(["bench", "--floor-samples", "200", "--users", "5", "--operations", "300"], limit: 90)
        #expect(result.status == 0, "\(result.stderr) \(result.stdout)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("operation") }, "\(result.stdout)")
        let rows = lines.drop { $0 != header }.dropFirst().prefix { !$0.isEmpty }
        #expect(rows.count >= 3, "\(result.stdout)")
        for heading in ["count", "p50 ms", "p99 ms", "max ms", "p50/floor"] {
            let end = try #require(header.range(of: heading)).upperBound.utf16Offset(in: header)
            for row in rows {
                let characters = Array(row.utf16)
                #expect(characters.count > end && characters[end] == 32 && characters[end - 1] != 32, "\(heading) in '\(row)' under '\(header)'")
            }
        }
    }

    /// Every booked visit sells its seats, so the 40-seat hall sells out again and again:
    /// each performance left behind is audited and removed during the run (which keeps
    /// a run of a million operations flat in memory), and every audit passes.
    @Test func performancesThatSellOutAreAuditedAndRemovedAsTheRunGoes() async throws {
        let fixture = try CLIFixtures.make(from: 1)
        let cli = CLI(redis: try RedisTestServer.shared().urlString, fixtures: fixture.directory)
        let result = try await cli.run([
            "bench", "--floor-samples", "200", "--showtime", String(fixture.id), "--users", "10", "--operations", "2000", "--book-rate", "1", "--hotspot", "0",
            "--json",
        ], limit: 90)
        #expect(result.status == 0, "\(result.stderr) \(result.stdout.prefix(2000))")
        let invariants = try #require(result.json["invariants"] as? [String: Any])
        #expect((invariants["violations"] as? [Any])?.isEmpty == true, "\(invariants)")
        #expect((invariants["showtimes_finished_during_run"] as? Int ?? 0) >= 4, "sold-out performances were finished: \(invariants)")
    }

    @Test func theSuggestionEngineIsTimedWithoutRedis() async throws {
        let result = try await cli.run(["bench", "--suggestions", "--operations", "200", "--json"], limit: 90)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json["calls"] as? Int == 200)
        #expect(result.json["layout_seats"] as? Int == 440)
        #expect((result.json["offers_per_call"] as? Double ?? 0) > 0)
    }
}

/// The same load through the HTTP API of a running `cinebook serve`.
@Suite struct HTTPBenchTests {
    @Test func aShortRunThroughTheAPIPassesEveryInvariantCheck() async throws {
        let fixture = try CLIFixtures.make(from: 2)
        let redis = try RedisTestServer.shared().urlString
        let secret = String(repeating: "0123456789abcdef", count: 4)
        let port = try unusedTCPPort()
        let server = try ChildProcess.spawn("/usr/bin/env", [
            "CINEBOOK_SECRET=\(secret)", CLI.binary, "serve",
            "--port", String(port), "--redis", redis, "--fixtures", fixture.directory, "--rate-limit", "0", "--sweep-every", "0",
            "--database", CLI(redis: redis, fixtures: fixture.directory).database,
        ])
        var stopped = false
        defer { if !stopped { kill(server, SIGKILL) } }
        #expect(try await eventually(timeout: .seconds(20)) { acceptsConnections(port: port) }, "the server listens")

        var cli = CLI(redis: redis, fixtures: fixture.directory)
        cli.environment = ["CINEBOOK_SECRET": secret]
        let target = "http://127.0.0.1:\(port)"
        let refused = try await cli.run(["bench", "--target", target, "--operations", "10"])
        #expect(refused.status == 2, "emptying the server's showtimes needs --reset")

        let result = try await cli.run([
            "bench", "--floor-samples", "200", "--target", target, "--reset", "--users", "20", "--think", "5", "--operations", "800", "--book-rate", "0.3", "--json",
        ], limit: 90)
        #expect(result.status == 0, "\(result.stderr) \(result.stdout)")
        #expect(result.json["target"] as? String == target)
        let invariants = try #require(result.json["invariants"] as? [String: Any])
        #expect((invariants["violations"] as? [Any])?.isEmpty == true, "\(invariants)")
        #expect((invariants["grants"] as? Int ?? 0) > 0)
        #expect(result.json["errors"] as? Int == 0, "\(result.json["last_error"] ?? "")")
        let operations = (result.json["latencies"] as? [[String: Any]] ?? []).compactMap { $0["operation"] as? String }
        #expect(operations.contains("lock"))

        kill(server, SIGTERM)
        let status = try await offThePool { ChildProcess.wait(server) }
        stopped = true
        #expect(status == 0, "the server stops cleanly on SIGTERM")
    }
}
