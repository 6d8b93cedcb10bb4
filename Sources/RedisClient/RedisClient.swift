import Foundation
import Synchronization

/// Settings of a `RedisClient`.
public struct RedisConfiguration: Sendable, Hashable {
    public var url: RedisURL
    public var timeouts: RedisTimeouts
    /// Connections per node; each has its own thread and pipelines what queues up.
    public var connections: Int

    public init(url: RedisURL, timeouts: RedisTimeouts = RedisTimeouts(), connections: Int = 1) {
        self.url = url
        self.timeouts = timeouts
        self.connections = max(1, connections)
    }
}

/// How the Redis behind a client is deployed, as the server itself says.
public enum RedisDeployment: Sendable, Hashable {
    case standalone(RedisURL.Endpoint)
    /// A Redis Cluster and its primaries, as the client's map has them.
    case cluster(primaries: [RedisURL.Endpoint])
}

/// A Redis client safe to share between any number of Swift tasks, on one server or on
/// a Redis Cluster.
///
/// The first command asks the first seed node that answers whether it is a cluster node
/// (`INFO cluster`); there is nothing to configure. On a cluster each command goes to the
/// primary of its `routingKey`'s slot (`ClusterRouter`). Connections are opened on first
/// use and reopened after a failure, so a client recovers by itself when Redis comes back.
/// Error replies throw `RedisServerError`; connection trouble throws `RedisConnectionError`.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let mode = Mutex<Mode?>(nil)
    private let isClosed = Atomic<Bool>(false)

    private enum Mode: Sendable {
        case standalone(ConnectionPool)
        case cluster(ClusterRouter)

        func close() {
            switch self {
            case let .standalone(pool): pool.close()
            case let .cluster(router): router.close()
            }
        }
    }

    public init(configuration: RedisConfiguration) {
        self.configuration = configuration
    }

    public convenience init(url: RedisURL, timeouts: RedisTimeouts = RedisTimeouts(), connections: Int = 1) {
        self.init(configuration: RedisConfiguration(url: url, timeouts: timeouts, connections: connections))
    }

    deinit { close() }

    /// Closes every connection once the commands already queued are done; later commands
    /// throw `RedisConnectionError` of kind `.closed`.
    public func close() {
        isClosed.store(true, ordering: .relaxed)
        mode.withLock { $0 }?.close()
    }

    /// Sends a command and returns its reply; an error reply throws `RedisServerError`.
    @discardableResult
    public func send(_ command: RedisCommand) async throws -> RedisReply {
        let reply: RedisReply
        switch try await currentMode() {
        case let .standalone(pool): reply = try await pool.submit(command)
        case let .cluster(router): reply = try await router.send(command)
        }
        if case let .error(message) = reply { throw RedisServerError(message: message) }
        return reply
    }

    @discardableResult
    public func send(_ name: String, _ arguments: String..., routingKey: String? = nil) async throws -> RedisReply {
        try await send(RedisCommand(name, arguments, routingKey: routingKey))
    }

    /// Sends a command about a whole server (`INFO`, `CONFIG`, `SCAN`) to every primary,
    /// one reply each; on one server, to that server. An error reply throws.
    public func sendToEveryPrimary(_ command: RedisCommand) async throws -> [RedisReply] {
        let replies: [RedisReply]
        switch try await currentMode() {
        case let .standalone(pool): replies = [try await pool.submit(command)]
        case let .cluster(router): replies = try await router.sendToEveryPrimary(command)
        }
        for case let .error(message) in replies { throw RedisServerError(message: message) }
        return replies
    }

    /// Whether the server is one Redis or a cluster, and its primaries.
    public func deployment() async throws -> RedisDeployment {
        switch try await currentMode() {
        case let .standalone(pool): .standalone(pool.url.endpoint)
        case let .cluster(router): .cluster(primaries: try await router.knownPrimaries())
        }
    }

    /// `CLUSTER INFO`'s `cluster_state` as the primaries see it: `ok` when every primary
    /// says ok, else `fail`; nil on one server.
    public func clusterState() async throws -> String? {
        guard case .cluster = try await deployment() else { return nil }
        guard let replies = try? await sendToEveryPrimary(RedisCommand("CLUSTER", ["INFO"])) else { return "fail" }
        let states = replies.map { reply in
            reply.string?.split(whereSeparator: \.isNewline).first { $0.hasPrefix("cluster_state:") }?.dropFirst("cluster_state:".count)
        }
        return states.allSatisfy { $0 == "ok" } ? "ok" : "fail"
    }

    /// Runs a Lua script by its SHA1, sending the source once when the server lacks it
    /// (a new server, or a replica just promoted). The first call in this process loads it
    /// (`SCRIPT LOAD`) to learn the SHA1. A script runs atomically on the node that owns
    /// `keys`, which must share a slot.
    public func evaluate(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RedisReply {
        let tail = [String(keys.count)] + keys + arguments
        let routingKey = keys.first
        let sha1: String
        if let known = script.sha1 {
            sha1 = known
        } else {
            let loaded = try await send(RedisCommand("SCRIPT", ["LOAD", script.source], routingKey: routingKey))
            guard let answer = loaded.string else { throw RedisReplyError(expected: "the SHA1 of script \(script.name)", reply: loaded) }
            script.remember(sha1: answer)
            sha1 = answer
        }
        do {
            return try await send(RedisCommand("EVALSHA", [sha1] + tail, routingKey: routingKey))
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

    /// A sharded subscription (`SSUBSCRIBE`) to one channel, on a connection of its own to
    /// the node that serves the channel's slot; it follows the slot when it moves.
    public func subscribe(to channel: String) -> RedisSubscription {
        RedisSubscription(channel: channel, timeouts: configuration.timeouts) { fresh in
            try await self.node(serving: channel, fresh: fresh)
        }
    }

    /// The node whose primary serves `key`'s slot; `fresh` reads a cluster's map again first.
    private func node(serving key: String, fresh: Bool) async throws -> RedisURL {
        switch try await currentMode() {
        case let .standalone(pool): pool.url
        case let .cluster(router): try await router.node(serving: HashSlot(key: key), fresh: fresh)
        }
    }

    private func currentMode() async throws -> Mode {
        if let known = mode.withLock({ $0 }) { return known }
        guard !isClosed.load(ordering: .relaxed) else {
            throw RedisConnectionError(kind: .closed, endpoint: configuration.url.description, detail: "")
        }
        return try await detectMode()
    }

    /// Asks the seed nodes in turn whether they run in cluster mode; the first answer decides.
    private func detectMode() async throws -> Mode {
        var failure: (any Error)?
        for endpoint in configuration.url.endpoints {
            let pool = ConnectionPool(
                url: configuration.url.at(endpoint), timeouts: configuration.timeouts,
                connections: configuration.connections, name: "redis")
            let detected: Mode
            do {
                let info = try await pool.submit(RedisCommand("INFO", ["cluster"]))
                if info.string?.contains("cluster_enabled:1") == true {
                    pool.close()
                    detected = .cluster(ClusterRouter(
                        seeds: configuration.url, timeouts: configuration.timeouts, connections: configuration.connections))
                } else {
                    detected = .standalone(pool)
                }
            } catch {
                pool.close()
                failure = failure ?? error
                continue
            }
            let (adopted, isMine) = mode.withLock { current -> (Mode, Bool) in
                if let current { return (current, false) }
                current = detected
                return (detected, true)
            }
            if !isMine || isClosed.load(ordering: .relaxed) { detected.close() }
            return adopted
        }
        throw failure!
    }
}
