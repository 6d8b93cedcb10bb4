import RedisClient
import TestSupport
import Testing

@Suite("Pub/sub")
struct SubscriptionTests {
    @Test func publishedMessageIsDelivered() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let channel = "channel:\(TestUsers.unique())"
        let recorder = EventRecorder(redis.subscribe(to: channel))
        defer { recorder.stop() }
        #expect(await recorder.waitUntilSubscribed())

        let payload: [UInt8] = Array("hello".utf8) + [0, 13, 10] + Array("world".utf8)
        let receivers = try await redis.send(RedisCommand(arguments: [Array("SPUBLISH".utf8), Array(channel.utf8), payload], routingKey: channel))
        #expect(receivers == .integer(1))
        #expect(await eventually { recorder.messages.contains(payload) })
        #expect(recorder.messages == [payload], "exactly the one message, binary intact")
    }

    @Test func messagesOfOtherChannelsAreNotDelivered() async throws {
        let redis = try SharedRedis.client()
        defer { redis.close() }
        let channel = "channel:\(TestUsers.unique())"
        let recorder = EventRecorder(redis.subscribe(to: channel))
        defer { recorder.stop() }
        #expect(await recorder.waitUntilSubscribed())
        try await redis.send("SPUBLISH", channel + ":other", "elsewhere", routingKey: channel + ":other")
        try await redis.send("SPUBLISH", channel, "mine", routingKey: channel)
        #expect(await eventually { !recorder.messages.isEmpty })
        #expect(recorder.messages == [Array("mine".utf8)])
    }

    @Test func resubscribesAfterTheServerRestarts() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let redis = RedisClient(url: server.url, timeouts: RedisTimeouts(connect: .seconds(1), command: .seconds(1)))
        defer { redis.close() }
        let channel = "restart-channel"
        let recorder = EventRecorder(redis.subscribe(to: channel))
        defer { recorder.stop() }
        #expect(await recorder.waitUntilSubscribed())
        try await redis.send("SPUBLISH", channel, "before", routingKey: channel)
        #expect(await eventually { recorder.messages.count == 1 })

        server.stop(hard: true)
        #expect(await eventually { recorder.disconnectedCount >= 1 }, "the subscription notices the server is gone")
        try server.start()

        #expect(await recorder.waitUntilSubscribed(times: 2), "it subscribes again by itself")
        #expect(try await redis.send("SPUBLISH", channel, "after", routingKey: channel) == .integer(1))
        #expect(await eventually { recorder.messages.count == 2 })
        #expect(recorder.messages == [Array("before".utf8), Array("after".utf8)])
    }
}
