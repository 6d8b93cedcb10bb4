import CinebookModel
import RedisClient

/// Per-user rate limiting shared by every server process: the state of each user is
/// one key in Redis, `rate:{user}`, updated by one script (one round trip).
public struct RateLimiter: Sendable {
    public let limit: RateLimit
    private let redis: RedisClient

    init(redis: RedisClient, limit: RateLimit) {
        self.redis = redis
        self.limit = limit
    }

    /// Counts one operation of `user` and says whether it may go ahead.
    public func acquire(user: String) async throws(SeatLockingError) -> RateLimitDecision {
        let reply: RedisReply
        do {
            reply = try await redis.evaluate(
                Self.script, keys: [ServerKeys.rateLimit(user)], arguments: [String(limit.emissionInterval), String(limit.burst)])
        } catch let error as RedisConnectionError {
            throw .redisUnavailable(error.description)
        } catch {
            throw .redisUnavailable("the rate limiter failed: \(error)")
        }
        guard let parts = reply.array, parts.count == 2, let allowed = parts[0].int, let wait = parts[1].int
        else { throw .internalError("unexpected reply from the rate limiter: \(reply)") }
        return allowed == 1 ? .allowed : .limited(retryAfter: .microseconds(wait))
    }

    /// GCRA: the key holds the theoretical arrival time (TAT) of the next operation in
    /// microseconds of Redis server time. An operation is allowed unless it comes more
    /// than `burst` emission intervals before its TAT.
    /// KEYS: rate:{user}. ARGV: emission interval µs, burst.
    /// Reply: {1, 0} when allowed, {0, µs until allowed} when not.
    static let script = RedisScript(name: "rate_limit", source: """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
        local interval = tonumber(ARGV[1])
        local tolerance = interval * tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1])) or now
        if tat < now then tat = now end
        local nextTat = tat + interval
        local allowAt = nextTat - tolerance
        if now < allowAt then
          return {0, math.ceil(allowAt - now)}
        end
        redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + 1)
        return {1, 0}
        """)
}

extension SeatLockingService {
    /// A limiter of each user's seat operations on this service's Redis.
    public func rateLimiter(_ limit: RateLimit) -> RateLimiter {
        RateLimiter(redis: redis, limit: limit)
    }
}
