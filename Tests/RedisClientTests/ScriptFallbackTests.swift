import RedisClient
import TestSupport
import Testing

@Suite("Scripts run by SHA and fall back to the source")
struct ScriptFallbackTests {
    @Test func evaluateLoadsTheScriptAndWorksAgainAfterScriptFlush() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let nonce = TestUsers.unique("script")
        let script = RedisScript(name: "echo", source: "-- \(nonce)\nreturn {KEYS[1], ARGV[1], ARGV[2]}")
        let key = "script:\(nonce)"
        #expect(script.sha1 == nil, "nothing is known before Redis loads it")

        let first = try await redis.evaluate(script, keys: [key], arguments: ["a", "b"])
        #expect(first == .array([.bulk(Array(key.utf8)), "a", "b"]))
        #expect(try await scriptExists(script, redis), "the first call loads the script")

        try await redis.send("SCRIPT", "FLUSH")
        #expect(try await scriptExists(script, redis) == false)

        let second = try await redis.evaluate(script, keys: [key], arguments: ["c", "d"])
        #expect(second == .array([.bulk(Array(key.utf8)), "c", "d"]))
        #expect(try await scriptExists(script, redis))
    }

    @Test func theSHA1IsLearnedOnceAndSharedByCopiesOfTheScript() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let script = RedisScript(name: "sum", source: "return tonumber(ARGV[1]) + tonumber(ARGV[2]) -- \(TestUsers.unique())")
        let copy = script
        #expect(try await redis.evaluate(script, keys: [], arguments: ["40", "2"]) == .integer(42))
        let loaded = try await redis.send("SCRIPT", "LOAD", script.source)
        #expect(loaded.string != nil && copy.sha1 == loaded.string, "the copy knows the SHA1 Redis gave")
        #expect(try await redis.evaluate(copy, keys: [], arguments: ["1", "2"]) == .integer(3))
    }

    @Test func scriptErrorsAreServerErrors() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let script = RedisScript(name: "fails", source: "return redis.error_reply('BOOM \(TestUsers.unique())')")
        let error = await #expect(throws: RedisServerError.self) {
            try await redis.evaluate(script, keys: [], arguments: [])
        }
        #expect(error?.code == "BOOM")
    }

    private func scriptExists(_ script: RedisScript, _ redis: RedisClient) async throws -> Bool {
        try await redis.send("SCRIPT", "EXISTS", script.sha1 ?? "").array == [.integer(1)]
    }
}
