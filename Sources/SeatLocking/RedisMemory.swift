import RedisClient

/// How full the Redis server's memory is. With `noeviction`, a full Redis refuses writes,
/// so an operator wants to know before it happens.
public struct RedisMemory: Sendable, Hashable {
    public let usedBytes: Int64
    /// 0 when no limit is set.
    public let maximumBytes: Int64

    /// Used over the limit; nil when there is no limit.
    public var usedShare: Double? { maximumBytes > 0 ? Double(usedBytes) / Double(maximumBytes) : nil }

    /// Above 90 % of the limit.
    public var isNearlyFull: Bool { (usedShare ?? 0) > 0.9 }

    /// `INFO memory`'s `used_memory` and `maxmemory`; on a cluster, of the primary nearest
    /// its limit (a full primary refuses the writes of its slots). Nil when Redis does not say.
    public static func read(from redis: RedisClient) async -> RedisMemory? {
        guard let replies = try? await redis.sendToEveryPrimary(RedisCommand("INFO", ["memory"])) else { return nil }
        let nodes = replies.compactMap { $0.string.flatMap(parse) }
        return nodes.max { ($0.usedShare ?? 0, $0.usedBytes) < ($1.usedShare ?? 0, $1.usedBytes) }
    }

    private static func parse(_ text: String) -> RedisMemory? {
        var fields: [Substring: Int64] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, let value = Int64(parts[1].trimmingCharacters(in: .whitespaces)) { fields[parts[0]] = value }
        }
        guard let used = fields["used_memory"] else { return nil }
        return RedisMemory(usedBytes: used, maximumBytes: fields["maxmemory"] ?? 0)
    }
}
