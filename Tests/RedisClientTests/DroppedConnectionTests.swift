import RedisClient
import TestSupport
import Testing

/// Uses a private server that refuses values over 1 MB.
@Suite("A connection the server drops mid-command")
struct DroppedConnectionTests {
    @Test func oversizedCommandFailsWithAnErrorInsteadOfKillingTheProcess() async throws {
        let server = try RedisTestServer(extraArguments: ["--proto-max-bulk-len", "1mb"])
        defer { server.stop() }
        let redis = RedisClient(url: server.url, timeouts: RedisTimeouts(connect: .seconds(1), command: .seconds(5)))
        defer { redis.close() }
        try await redis.send("PING")

        let value = [UInt8](repeating: 120, count: 16 << 20)
        let error = await #expect(throws: RedisConnectionError.self, "the server closes the connection") {
            try await redis.send(RedisCommand(arguments: [Array("SET".utf8), Array("big".utf8), value]))
        }
        #expect(error?.kind == .broken)
        #expect(try await redis.send("PING") == .status("PONG"), "the client reconnects")
        #expect(try await redis.send("EXISTS", "big") == .integer(0))
    }
}
