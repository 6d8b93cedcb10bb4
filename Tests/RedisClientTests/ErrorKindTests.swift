import CinebookSupport
import Foundation
import RedisClient
import TestSupport
import Testing

@Suite("Server errors and connection errors are different types")
struct ErrorKindTests {
    @Test func errorReplyThrowsRedisServerError() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let key = "errors:\(TestUsers.unique())"
        try await redis.send("SET", key, "not a number")
        let error = await #expect(throws: RedisServerError.self) { try await redis.send("INCR", key) }
        #expect(error?.code == "ERR")
        #expect(error?.message.contains("not an integer") == true)
        let wrongType = await #expect(throws: RedisServerError.self) { try await redis.send("LPUSH", key, "x") }
        #expect(wrongType?.code == "WRONGTYPE")
        #expect(try await redis.send("GET", key) == "not a number", "the connection is still usable after an error reply")
    }

    @Test func unknownCommandIsAServerError() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let error = await #expect(throws: RedisServerError.self) { try await redis.send("NO-SUCH-COMMAND") }
        #expect(error?.message.contains("unknown command") == true)
    }

    @Test func refusedTCPConnectionIsAConnectionError() async throws {
        let port = try unusedTCPPort()
        let redis = RedisClient(url: RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port)))
        defer { redis.close() }
        let error = await #expect(throws: RedisConnectionError.self) { try await redis.send("PING") }
        #expect(error?.kind == .connect)
        #expect(error?.description.contains("127.0.0.1:\(port)") == true)
    }

    @Test func missingUnixSocketIsAConnectionError() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-redis-\(UUID().uuidString).sock").path
        let redis = RedisClient(url: RedisURL(endpoint: .unix(path: path)))
        defer { redis.close() }
        let error = await #expect(throws: RedisConnectionError.self) { try await redis.send("PING") }
        #expect(error?.kind == .connect)
    }

    @Test func wrongPasswordIsAHandshakeError() async throws {
        let server = try RedisTestServer.shared()
        var url = server.url
        url.password = "wrong"
        let redis = RedisClient(url: url)
        defer { redis.close() }
        let error = await #expect(throws: RedisConnectionError.self) { try await redis.send("PING") }
        #expect(error?.kind == .handshake)
        #expect(error?.description.contains("wrong") == false, "the password is not echoed")
    }

    @Test func closedClientRefusesCommands() async throws {
        let redis = try SharedRedis.client()
        try await redis.send("PING")
        redis.close()
        let error = await #expect(throws: RedisConnectionError.self) { try await redis.send("PING") }
        #expect(error?.kind == .closed)
    }
}
