import RedisClient
import TestSupport
import Testing

@Suite("Reply types")
struct ReplyTypeTests {
    @Test func statusReply() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        #expect(try await redis.send("PING") == .status("PONG"))
        #expect(try await redis.send("SET", "reply:\(TestUsers.unique())", "v") == .status("OK"))
    }

    @Test func integerReply() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let key = "reply-counter:\(TestUsers.unique())"
        #expect(try await redis.send("INCRBY", key, "41") == .integer(41))
        #expect(try await redis.send("INCR", key) == .integer(42))
        #expect(try await redis.send("DECRBY", key, "100") == .integer(-58))
    }

    @Test func bulkAndNullReplies() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let key = "reply-bulk:\(TestUsers.unique())"
        try await redis.send("SET", key, "héllo")
        let reply = try await redis.send("GET", key)
        #expect(reply == .bulk(Array("héllo".utf8)))
        #expect(reply.string == "héllo")
        let missing = try await redis.send("GET", key + ":missing")
        #expect(missing == .null)
        #expect(missing.isNull)
    }

    @Test func nestedArrayReply() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let script = RedisScript(name: "nested", source: "return {1, {'two', {3, 'four'}}, {}, false, 'end'}")
        let reply = try await redis.evaluate(script, keys: [], arguments: [])
        #expect(reply == .array([
            .integer(1),
            .array([.bulk(Array("two".utf8)), .array([.integer(3), .bulk(Array("four".utf8))])]),
            .array([]),
            .null,
            .bulk(Array("end".utf8)),
        ]))
    }

    @Test func arrayWithNullElements() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let key = "reply-hash:\(TestUsers.unique())"
        try await redis.send("HSET", key, "a", "1", "c", "3")
        let reply = try await redis.send("HMGET", key, "a", "b", "c")
        #expect(reply == .array(["1", .null, "3"]))
        #expect(reply.array?.map(\.int) == [1, nil, 3])
    }
}
