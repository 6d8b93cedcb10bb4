import CinebookSupport
import RedisClient
import TestSupport
import Testing

/// Each test hangs, kills or restarts a private server of its own.
@Suite("Hung and restarted servers")
struct ServerFaultTests {
    /// Half a second, so that "within 2 s" holds with room to spare on a loaded machine.
    private let timeouts = RedisTimeouts(connect: .milliseconds(500), command: .milliseconds(500))

    @Test func hungServerTimesOutWithinTwoSecondsAndRecoversAfterResume() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let redis = RedisClient(url: server.url, timeouts: timeouts)
        defer { redis.close() }
        try await redis.send("SET", "before", "1")

        server.suspend()
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: RedisConnectionError.self) { try await redis.send("GET", "before") }
        let elapsed = clock.now - start
        server.resume()

        #expect(error?.kind == .timeout)
        #expect(elapsed < answerNotHang, "a hung server is reported by the timeout, not waited for; took \(elapsed)")
        #expect(try await redis.send("GET", "before") == "1", "the same client works again after resume")
    }

    @Test func clientWorksAgainAfterARestart() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let redis = RedisClient(url: server.url, timeouts: timeouts)
        defer { redis.close() }
        #expect(try await redis.send("PING") == .status("PONG"))

        server.stop(hard: true)
        let error = await #expect(throws: RedisConnectionError.self) { try await redis.send("PING") }
        #expect(error?.kind == .connect)

        try server.start()
        #expect(try await redis.send("PING") == .status("PONG"))
        #expect(try await redis.send("GET", "anything") == .null, "a fresh server after a crash without persistence")
    }

    @Test func hungServerThenRestartedServer() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let redis = RedisClient(url: server.url, timeouts: timeouts)
        defer { redis.close() }
        try await redis.send("PING")

        server.suspend()
        let error = await #expect(throws: RedisConnectionError.self) { try await redis.send("PING") }
        #expect(error?.kind == .timeout)
        server.stop(hard: true)
        try server.start()
        #expect(try await redis.send("PING") == .status("PONG"))
    }

    @Test func evaluateWorksAfterARestartEmptiedTheScriptCache() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let redis = RedisClient(url: server.url, timeouts: timeouts)
        defer { redis.close() }
        let script = RedisScript(name: "counter", source: "return redis.call('INCR', KEYS[1])")
        #expect(try await redis.evaluate(script, keys: ["count"], arguments: []) == .integer(1))
        #expect(try await redis.send("SCRIPT", "EXISTS", script.sha1 ?? "") == .array([.integer(1)]))

        server.stop(hard: true)
        try server.start()
        #expect(try await redis.send("SCRIPT", "EXISTS", script.sha1 ?? "") == .array([.integer(0)]))
        #expect(try await redis.evaluate(script, keys: ["count"], arguments: []) == .integer(1))
        #expect(try await redis.evaluate(script, keys: ["count"], arguments: []) == .integer(2))
    }
}
