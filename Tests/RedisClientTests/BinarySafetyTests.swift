import RedisClient
import TestSupport
import Testing

@Suite("Binary-safe commands")
struct BinarySafetyTests {
    @Test func bytesWithNulAndCRLFSurviveARoundTrip() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let key = "binary:\(TestUsers.unique())"
        let value: [UInt8] = [0, 1, 13, 10, 0, 255, 36, 13, 10, 42, 0] + Array("\r\n$3\r\nend".utf8) + [0]
        let keyBytes = Array(key.utf8)
        try await redis.send(RedisCommand(arguments: [Array("SET".utf8), keyBytes, value], routingKey: key))
        let reply = try await redis.send(RedisCommand(arguments: [Array("GET".utf8), keyBytes], routingKey: key))
        #expect(reply == .bulk(value))
        #expect(try await redis.send("STRLEN", key, routingKey: key) == .integer(Int64(value.count)))
    }

    @Test func keysWithNulBytesAreDistinct() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let base = Array("binary-key:\(TestUsers.unique())".utf8)
        let first = base + [0, 65]
        let second = base + [0, 66]
        try await redis.send(RedisCommand(arguments: [Array("SET".utf8), first, Array("one".utf8)]))
        try await redis.send(RedisCommand(arguments: [Array("SET".utf8), second, Array("two".utf8)]))
        #expect(try await redis.send(RedisCommand(arguments: [Array("GET".utf8), first])) == "one")
        #expect(try await redis.send(RedisCommand(arguments: [Array("GET".utf8), second])) == "two")
        #expect(try await redis.send(RedisCommand(arguments: [Array("GET".utf8), base])) == .null)
    }

    @Test func emptyValueIsAnEmptyBulkNotNull() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let key = "binary-empty:\(TestUsers.unique())"
        try await redis.send("SET", key, "")
        #expect(try await redis.send("GET", key) == .bulk([]))
    }
}
