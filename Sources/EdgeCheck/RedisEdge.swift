import CinebookSupport
import Foundation
import RedisClient

/// Every path through the hiredis wrapper: each reply type, binary and large values,
/// pipelined commands from many tasks, error replies, a script the server lacks, a
/// refused connection, connections dropped by the server, a paused server, and a
/// subscription that loses its connection and subscribes again.
struct RedisEdge {
    let url: RedisURL

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func run() async throws {
        let redis = RedisClient(url: url, timeouts: RedisTimeouts(connect: .seconds(1), command: .milliseconds(300)), connections: 2)
        defer { redis.close() }
        let key = "edge:{\(UInt32.random(in: 0...UInt32.max))}"
        try await replies(redis, key: key)
        try await pipelining(redis, key: key)
        try await scripts(redis, key: key)
        try await refusedConnection()
        try await droppedConnections(redis)
        try await pausedServer(redis)
        try await subscription(redis, key: key)
        try await redis.send("DEL", key, key + ":list", key + ":hash", routingKey: key)
        print("redis edge: all checks passed")
    }

    private func replies(_ redis: RedisClient, key: String) async throws {
        let binary = (0...255).map(UInt8.init) + [0, 13, 10, 0]
        try await redis.send(RedisCommand(arguments: [Array("SET".utf8), Array(key.utf8), binary], routingKey: key))
        try expect(try await redis.send("GET", key, routingKey: key) == .bulk(binary), "binary value round trip")
        let large = [UInt8](repeating: 0x61, count: 4 << 20)
        try await redis.send(RedisCommand(arguments: [Array("SET".utf8), Array(key.utf8), large], routingKey: key))
        try expect(try await redis.send("STRLEN", key, routingKey: key) == .integer(Int64(large.count)), "4 MB value")
        try expect(try await redis.send("GET", key + ":missing", routingKey: key) == .null, "null reply")
        try expect(try await redis.send("PING") == .status("PONG"), "status reply")
        try await redis.send("RPUSH", key + ":list", "a", "", "ü", routingKey: key)
        try expect(try await redis.send("LRANGE", key + ":list", "0", "-1", routingKey: key) == .array(["a", "", "ü"]), "array reply")
        let nested = try await redis.send("EVAL", "return {1, {2, {'x', false}}, redis.status_reply('OK')}", "0")
        try expect(nested == .array([.integer(1), .array([.integer(2), .array(["x", .null])]), .status("OK")]), "nested arrays")
        do {
            try await redis.send("INCR", key, routingKey: key)
            throw Failure(description: "INCR of a 4 MB string did not fail")
        } catch let error as RedisServerError {
            try expect(error.code == "ERR", "error reply: \(error)")
        }
        do {
            try await redis.send("NO_SUCH_COMMAND", String(repeating: "x", count: 100_000))
            throw Failure(description: "an unknown command did not fail")
        } catch is RedisServerError {}
        print("ok: replies of every type, binary and large values, error replies")
    }

    private func pipelining(_ redis: RedisClient, key: String) async throws {
        let count = 5000
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    let field = "f\(index)"
                    try await redis.send("HSET", key + ":hash", field, String(index), routingKey: key)
                    try expect(try await redis.send("HGET", key + ":hash", field, routingKey: key).string == String(index), "pipelined reply \(index)")
                }
            }
            try await group.waitForAll()
        }
        try expect(try await redis.send("HLEN", key + ":hash", routingKey: key) == .integer(Int64(count)), "pipelined writes")
        print("ok: \(count * 2) commands from \(count) tasks, pipelined")
    }

    private func scripts(_ redis: RedisClient, key: String) async throws {
        let script = RedisScript(name: "edge", source: "return redis.call('HLEN', KEYS[1])")
        try await redis.send("SCRIPT", "FLUSH")
        try expect(try await redis.evaluate(script, keys: [key + ":hash"], arguments: []) == .integer(5000), "script sent after NOSCRIPT")
        try expect(try await redis.evaluate(script, keys: [key + ":hash"], arguments: []) == .integer(5000), "script by SHA1")
        print("ok: scripts, with and without the server's copy")
    }

    private func refusedConnection() async throws {
        let nowhere = RedisClient(url: try RedisURL(parsing: "unix:///nonexistent/edge-check.sock"))
        defer { nowhere.close() }
        for _ in 0..<3 {
            do {
                try await nowhere.send("PING")
                throw Failure(description: "a missing socket answered")
            } catch let error as RedisConnectionError {
                try expect(error.kind == .connect, "refused connection: \(error)")
            }
        }
        print("ok: refused connections")
    }

    private func droppedConnections(_ redis: RedisClient) async throws {
        let admin = RedisClient(url: url)
        defer { admin.close() }
        for round in 1...5 {
            try await redis.send("PING")
            try await admin.send("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
            try await untilAnswered(redis, "after drop \(round)")
        }
        print("ok: connections dropped by the server are reopened")
    }

    private func pausedServer(_ redis: RedisClient) async throws {
        let admin = RedisClient(url: url)
        defer { admin.close() }
        try await admin.send("CLIENT", "PAUSE", "1000", "ALL")
        do {
            try await redis.send("PING")
            throw Failure(description: "a paused server answered")
        } catch let error as RedisConnectionError {
            try expect(error.kind == .timeout || error.kind == .broken, "paused server: \(error)")
        }
        try await untilAnswered(redis, "after pause")
        print("ok: a paused server times out, and the client recovers")
    }

    private func subscription(_ redis: RedisClient, key: String) async throws {
        let channel = key + ":events"
        let subscription = redis.subscribe(to: channel)
        var events = subscription.events.makeAsyncIterator()
        try expect(await events.next() == .subscribed, "subscribed")
        for index in 0..<200 { try await redis.send("SPUBLISH", channel, "message \(index)", routingKey: key) }
        for index in 0..<200 {
            try expect(await events.next() == .message(Array("message \(index)".utf8)), "message \(index)")
        }
        try await redis.send("CLIENT", "KILL", "TYPE", "pubsub")
        var resubscribed = false
        while !resubscribed, let event = await events.next() {
            if event == .subscribed { resubscribed = true }
        }
        try expect(resubscribed, "subscribed again after the connection dropped")
        try await redis.send("SPUBLISH", channel, "after", routingKey: key)
        try expect(await events.next() == .message(Array("after".utf8)), "message after resubscribing")
        subscription.cancel()
        while await events.next() != nil {}
        print("ok: subscription messages, a dropped subscription resubscribes, cancel ends it")
    }

    /// Sends PING until it is answered; a recovering client may fail a few times first.
    private func untilAnswered(_ redis: RedisClient, _ what: String) async throws {
        for _ in 0..<100 {
            if (try? await redis.send("PING")) == .status("PONG") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "no answer \(what)")
    }
}

private func expect(_ condition: Bool, _ what: String) throws {
    guard condition else { throw RedisEdge.Failure(description: "check failed: \(what)") }
}
