import CinebookModel
import RedisClient

/// How the Redis under the core is doing, as the server's `/health` reports it.
public struct RedisHealth: Sendable {
    /// A PING's round trip.
    public let roundTrip: Duration
    public let memory: RedisMemory?
    /// Only on a Redis Cluster: `ok`, or `fail` while a shard has no primary.
    public let clusterState: String?
}

extension SeatLockingService {
    /// Redis's health; throws `redisUnavailable`, saying why, when it does not answer a PING.
    /// Memory and a cluster's state are given as far as Redis says them.
    public func redisHealth() async throws(SeatLockingError) -> RedisHealth {
        let roundTrip: Duration
        do { roundTrip = try await redis.ping() } catch { throw .redisUnavailable("\(error)") }
        return RedisHealth(roundTrip: roundTrip, memory: await RedisMemory.read(from: redis), clusterState: try? await redis.clusterState())
    }
}
