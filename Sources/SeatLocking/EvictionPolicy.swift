import RedisClient

/// Whether a Redis server may throw away what cinebook keeps in it. Sold seats and the
/// showtime markers have no TTL: a server that evicts any key under memory pressure
/// (`allkeys-*`) could silently forget that seats are sold or held.
public enum EvictionPolicy: Sendable, Hashable {
    /// `noeviction`: writes fail when memory is full, nothing is forgotten.
    case safe
    /// `volatile-*`: keys with a TTL may go early, so holds may end before their time.
    case holdsMayEndEarly(String)
    /// `allkeys-*`: refused.
    case evictsAnything(String)
    /// The server would not say (CONFIG is disabled) or did not answer.
    case unknown

    /// Reads `maxmemory-policy` from the server, or from every primary of a cluster: the
    /// least safe of them decides. The reading waits `within` at most: a check before an
    /// operation leaves the rest of the operation's time to the operation.
    public static func read(from redis: RedisClient, within budget: Duration) async -> EvictionPolicy {
        let command = RedisCommand("CONFIG", ["GET", "maxmemory-policy"])
        guard let replies = try? await RedisDeadline.narrowed(to: budget, { try await redis.sendToEveryPrimary(command) }) else {
            return .unknown
        }
        let policies = replies.map { reply -> EvictionPolicy in
            guard let policy = reply.array?.last?.string else { return .unknown }
            if policy.hasPrefix("allkeys-") { return .evictsAnything(policy) }
            if policy.hasPrefix("volatile-") { return .holdsMayEndEarly(policy) }
            return .safe
        }
        return policies.max { $0.risk < $1.risk } ?? .unknown
    }

    /// How much this policy may forget, to pick the worst of several servers.
    private var risk: Int {
        switch self {
        case .safe: 0
        case .unknown: 1
        case .holdsMayEndEarly: 2
        case .evictsAnything: 3
        }
    }

    /// What to tell an operator, when there is something to tell.
    public var warning: String? {
        switch self {
        case .safe, .unknown:
            nil
        case let .holdsMayEndEarly(policy):
            "Redis runs with maxmemory-policy \(policy): when its memory fills up, seat holds may end before their time. Set maxmemory-policy noeviction to keep them."
        case let .evictsAnything(policy):
            "Redis runs with maxmemory-policy \(policy), which may evict any key, sold seats and holds included, so cinebook will not use it. Set maxmemory-policy noeviction (or a volatile-* policy) in redis.conf or with CONFIG SET, or give cinebook a Redis of its own."
        }
    }
}
