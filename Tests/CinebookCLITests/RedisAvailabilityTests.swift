import CinebookSupport
import Foundation
import RedisClient
import Testing
import TestSupport

/// Redis down, hung or absent: a clear answer within seconds, and the embedded default.
@Suite(.serialized) struct RedisAvailabilityTests {
    @Test func unreachableRedisExits69() async throws {
        let fixture = try CLIFixtures.make()
        let cli = CLI(redis: "unix:///nonexistent/redis.sock", fixtures: fixture.directory)
        let result = try await cli.run(["lock", "--showtime", String(fixture.id), "--user", "alice", "--json", "A1"])
        #expect(result.status == 69)
        #expect(result.json["error"] as? String == "redis_unavailable")
        let text = try await cli.run(["status", "--showtime", String(fixture.id)])
        #expect(text.status == 69)
        #expect(text.stderr.contains("Redis is unavailable"))
    }

    @Test func hungRedisMakesALockUnknownWithinTwoSecondsAndRecoversWithEmptyScriptCache() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let fixture = try CLIFixtures.make()
        let cli = CLI(redis: server.urlString, fixtures: fixture.directory)
        let showtime = String(fixture.id)
        #expect(try await cli.run(["lock", "--showtime", showtime, "--user", "alice", "A1"]).status == 0)

        server.suspend()
        let started = Date()
        let hung = try await cli.run(["lock", "--showtime", showtime, "--user", "alice", "--json", "A2"])
        let elapsed = Date().timeIntervalSince(started)
        server.resume()
        #expect(hung.status == 75, "a lock sent but never answered may have been made")
        #expect(hung.json["error"] as? String == "outcome_unknown")
        #expect(elapsed < Double(answerNotHang.components.seconds), "the command gave up after \(elapsed) s, not hung")

        server.stop()
        try server.start()
        let after = try await cli.run(["lock", "--showtime", showtime, "--user", "alice", "--json", "A2"])
        #expect(after.status == 0, "\(after.stdout)")
    }

    /// No --redis, no REDIS_URL: cinebook uses 127.0.0.1:6379 when it answers, else it
    /// starts its own durable Redis under the state directory, which later runs share.
    @Test func startsAndSharesItsOwnRedisWhenNoneIsConfigured() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("cb-\(UUID().uuidString.prefix(6))")
        let environment = ["XDG_STATE_HOME": state.path, "HOME": state.path]
        let socket = state.appendingPathComponent("cinebook/redis.sock").path
        defer {
            _ = try? redisCLI(socket, "shutdown", "nosave")
            try? FileManager.default.removeItem(at: state)
        }
        let fixtures = CLIFixtures.repository.path
        let first = try await CLI.execute(["status", "--showtime", "1", "--fixtures", fixtures], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("SCREEN"))
        guard FileManager.default.fileExists(atPath: socket) else {
            // Something answers at 127.0.0.1:6379 on this machine, and cinebook rightly used it.
            #expect(!first.stderr.contains("started its own"))
            return
        }
        #expect(first.stderr.contains("started its own"))
        #expect(try redisCLI(socket, "config", "get", "appendfsync").contains("always"))
        #expect(try redisCLI(socket, "config", "get", "appendonly").contains("yes"))
        let second = try await CLI.execute(["status", "--showtime", "1", "--fixtures", fixtures], environment: environment)
        #expect(second.status == 0)
        #expect(!second.stderr.contains("started its own"))
    }
}

/// Output of `redis-cli -s SOCKET ARGS`.
func redisCLI(_ socket: String, _ arguments: String...) throws -> String {
    guard let path = ChildProcess.find("redis-cli") else { throw TestServerError(message: "redis-cli is not installed") }
    return try ChildProcess.run(path, ["-s", socket] + arguments).output
}
