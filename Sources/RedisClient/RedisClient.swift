import Foundation

/// Settings of a `RedisClient`.
public struct RedisConfiguration: Sendable, Hashable {
    public var url: RedisURL
    public var timeouts: RedisTimeouts
    /// Connections in the pool; each has its own thread and pipelines what queues up.
    public var connections: Int

    public init(url: RedisURL, timeouts: RedisTimeouts = RedisTimeouts(), connections: Int = 1) {
        self.url = url
        self.timeouts = timeouts
        self.connections = max(1, connections)
    }
}

/// A Redis client safe to share between any number of Swift tasks.
///
/// Connections are opened on first use and reopened after a failure, so a client
/// recovers by itself when Redis comes back. Error replies throw `RedisServerError`;
/// connection trouble throws `RedisConnectionError`.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let workers: [ConnectionWorker]

    public init(configuration: RedisConfiguration) {
        self.configuration = configuration
        workers = (0..<configuration.connections).map { index in
            ConnectionWorker(url: configuration.url, timeouts: configuration.timeouts, name: "redis-\(index)")
        }
    }

    public convenience init(url: RedisURL, timeouts: RedisTimeouts = RedisTimeouts(), connections: Int = 1) {
        self.init(configuration: RedisConfiguration(url: url, timeouts: timeouts, connections: connections))
    }

    deinit { close() }

    /// Closes every connection once the commands already queued are done.
    public func close() {
        for worker in workers { worker.stop() }
    }

    /// Sends a command and returns its reply; an error reply throws `RedisServerError`.
    @discardableResult
    public func send(_ command: RedisCommand) async throws -> RedisReply {
        let reply = try await worker(for: command).submit(command)
        if case let .error(message) = reply { throw RedisServerError(message: message) }
        return reply
    }

    @discardableResult
    public func send(_ name: String, _ arguments: String..., routingKey: String? = nil) async throws -> RedisReply {
        try await send(RedisCommand(name, arguments, routingKey: routingKey))
    }

    /// Runs a Lua script by its SHA1, sending the source once when the server lacks it.
    /// A script runs atomically on the node that owns `keys`, which must share a slot.
    public func evaluate(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RedisReply {
        let tail = [String(keys.count)] + keys + arguments
        let routingKey = keys.first
        do {
            return try await send(RedisCommand("EVALSHA", [script.sha1] + tail, routingKey: routingKey))
        } catch let error as RedisServerError where error.code == "NOSCRIPT" {
            return try await send(RedisCommand("EVAL", [script.source] + tail, routingKey: routingKey))
        }
    }

    /// Round-trip check: sends PING and returns how long the answer took.
    public func ping() async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        try await send("PING")
        return clock.now - start
    }

    /// A subscription to one channel on a connection of its own.
    public func subscribe(to channel: String) -> RedisSubscription {
        RedisSubscription(url: configuration.url, timeouts: configuration.timeouts, channel: channel)
    }

    private func worker(for command: RedisCommand) -> ConnectionWorker {
        guard workers.count > 1 else { return workers[0] }
        return workers.min { $0.queuedCount < $1.queuedCount }!
    }
}
