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
        let fixtures = TestShowtimes.bundled.path
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

    /// cinebook's own Redis hung (SIGSTOP): a command says so, exit 69, and does not start a
    /// second server on the same data; once the server answers again, commands use it.
    @Test func aHungEmbeddedRedisIsReportedNotStartedTwice() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("cb-\(UUID().uuidString.prefix(6))")
        let environment = ["XDG_STATE_HOME": state.path, "HOME": state.path]
        let directory = state.appendingPathComponent("cinebook")
        let socket = directory.appendingPathComponent("redis.sock").path
        defer {
            _ = try? redisCLI(socket, "shutdown", "nosave")
            try? FileManager.default.removeItem(at: state)
        }
        let fixtures = TestShowtimes.bundled.path
        let lock = ["lock", "--showtime", "1", "--user", "alice", "--fixtures", fixtures]
        let first = try await CLI.execute(lock + ["A1"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        guard first.stderr.contains("started its own") else { return }  // 127.0.0.1:6379 answers here, and was used
        let pidFile = directory.appendingPathComponent("redis.pid").path
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))

        kill(pid, SIGSTOP)
        let hung = try await CLI.execute(lock + ["A2"], environment: environment)
        kill(pid, SIGCONT)
        #expect(hung.status == 69, "\(hung.stderr)")
        #expect(hung.stderr.contains("is running but does not answer"), "\(hung.stderr)")
        #expect(!hung.stderr.contains("started its own"), "no second server: \(hung.stderr)")
        #expect(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == String(pid))

        let after = try await CLI.execute(lock + ["A2"], environment: environment)
        #expect(after.status == 0, "the same server answers again: \(after.stderr)")
    }
}

/// Output of `redis-cli -s SOCKET ARGS`.
func redisCLI(_ socket: String, _ arguments: String...) throws -> String {
    guard let path = ChildProcess.find("redis-cli") else { throw TestServerError(message: "redis-cli is not installed") }
    return try ChildProcess.run(path, ["-s", socket] + arguments).output
}
