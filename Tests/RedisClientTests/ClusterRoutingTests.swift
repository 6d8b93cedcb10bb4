import Foundation
import RedisClient
import Testing
import TestSupport

@Suite("Redis Cluster: each command at its slot's primary")
struct ClusterRoutingTests {
    @Test func theSlotOfAKeyIsTheServersAndATagDecidesIt() async throws {
        let cluster = try await RedisTestCluster.shared()
        let keys = ["seat_lock:{42}:A1", "42", "{42}", "foo{}{bar}", "foo{{bar}}zap", "{user1000}.following", "", "ü{x}", "no tag"]
        for key in keys {
            let answer = try await cluster.cli(["-p", String(cluster.ports[0]), "CLUSTER", "KEYSLOT", key]).output
            #expect(Int(answer.trimmingCharacters(in: .whitespacesAndNewlines)) == HashSlot(key: key).value, "\(key)")
        }
        #expect(HashSlot(key: "seat_lock:{42}:A1") == HashSlot(key: "seat_events:{42}"))
    }

    @Test func keysOfEveryShardAreWrittenAndReadThroughAnySeed() async throws {
        let cluster = try await RedisTestCluster.shared()
        let redis = RedisClient(url: try RedisURL(parsing: "redis://127.0.0.1:\(cluster.ports[4])"))
        defer { redis.close() }
        #expect(try await redis.deployment() == .cluster(primaries: try await primaries(of: redis)))
        let keys = (0..<60).map { _ in "routing:{\(TestUsers.unique())}" }
        for (index, key) in keys.enumerated() { try await redis.send("SET", key, String(index), routingKey: key) }
        for (index, key) in keys.enumerated() { #expect(try await redis.send("GET", key, routingKey: key).string == String(index)) }
        var shards: Set<Int> = []
        for key in keys { shards.insert(try await cluster.primary(serving: HashSlot(key: key))) }
        #expect(shards.count == 3, "60 random tags land on all three primaries")
    }

    @Test func serverWideCommandsReachEveryPrimary() async throws {
        let cluster = try await RedisTestCluster.shared()
        let redis = RedisClient(url: cluster.url)
        defer { redis.close() }
        let replies = try await redis.sendToEveryPrimary(RedisCommand("INFO", ["server"]))
        let ports = Set(replies.compactMap { reply in
            reply.string?.split(separator: "\r\n").first { $0.hasPrefix("tcp_port:") }.flatMap { Int($0.dropFirst("tcp_port:".count)) }
        })
        #expect(ports == Set(try await cluster.primaries()))
    }

    @Test func aScriptUnknownToItsNodeIsSentAgain() async throws {
        let cluster = try await RedisTestCluster.shared()
        let redis = RedisClient(url: cluster.url)
        defer { redis.close() }
        let script = RedisScript(name: "count", source: "return redis.call('INCR', KEYS[1])")
        let key = "script:{\(TestUsers.unique())}"
        #expect(try await redis.evaluate(script, keys: [key], arguments: []) == .integer(1))
        try await redis.sendToEveryPrimary(RedisCommand("SCRIPT", ["FLUSH"]))
        #expect(try await redis.evaluate(script, keys: [key], arguments: []) == .integer(2))
    }

    @Test func aShardedSubscriptionHearsItsChannelOnItsShard() async throws {
        let cluster = try await RedisTestCluster.shared()
        let redis = RedisClient(url: cluster.url)
        defer { redis.close() }
        let channel = "events:{\(TestUsers.unique())}"
        let recorder = EventRecorder(redis.subscribe(to: channel))
        defer { recorder.stop() }
        #expect(await recorder.waitUntilSubscribed())
        #expect(try await redis.send("SPUBLISH", channel, "hello", routingKey: channel) == .integer(1))
        #expect(await eventually { recorder.messages == [Array("hello".utf8)] })
    }

    private func primaries(of redis: RedisClient) async throws -> [RedisURL.Endpoint] {
        guard case let .cluster(primaries) = try await redis.deployment() else { return [] }
        return primaries
    }
}
