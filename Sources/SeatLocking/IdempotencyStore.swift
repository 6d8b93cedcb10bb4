import CinebookModel
import CinebookSupport
import RedisClient

/// Answers kept for `Idempotency-Key` requests, one HASH per user and key in Redis,
/// `idempotency:{<user>}:<key>`: the request's fingerprint, and once answered, its status
/// and body, for 24 hours.
public struct IdempotencyStore: Sendable {
    /// What a request with a key finds.
    public enum Entry: Sendable, Hashable {
        /// The first request with this key: go ahead.
        case new
        /// The same key is being answered right now.
        case inProgress
        /// The same key came with another request.
        case otherRequest
        /// The first answer, to send again.
        case answered(status: Int, body: String)
    }

    private let redis: RedisClient
    /// How long an answer is kept.
    public static let lifetime: Duration = .seconds(86_400)
    /// How long a request may take before its key can be used again.
    public static let pending: Duration = .seconds(60)

    init(redis: RedisClient) {
        self.redis = redis
    }

    public func begin(user: String, key: String, fingerprint: String) async throws(SeatLockingError) -> Entry {
        let reply = try await call(Self.begin, key: ServerKeys.idempotency(user, key), [fingerprint, String(Self.pending.milliseconds)])
        switch reply.array?.first?.string {
        case "new": return .new
        case "pending": return .inProgress
        case "mismatch": return .otherRequest
        case "done":
            guard let parts = reply.array, parts.count == 3, let status = parts[1].int, let body = parts[2].string else { break }
            return .answered(status: Int(status), body: body)
        default: break
        }
        throw .internalError("unexpected reply from the idempotency store: \(reply)")
    }

    /// Keeps the answer for 24 hours.
    public func finish(user: String, key: String, status: Int, body: String) async {
        let name = ServerKeys.idempotency(user, key)
        _ = try? await call(Self.finish, key: name, [String(status), body, String(Self.lifetime.milliseconds)])
    }

    /// Forgets a key whose answer says nothing final (Redis or the database unavailable,
    /// an outcome unknown), so that the same request can run again and find out.
    public func abandon(user: String, key: String) async {
        let name = ServerKeys.idempotency(user, key)
        _ = try? await redis.send("DEL", name, routingKey: name)
    }

    private func call(_ script: RedisScript, key: String, _ arguments: [String]) async throws(SeatLockingError) -> RedisReply {
        do { return try await redis.evaluate(script, keys: [key], arguments: arguments) } catch let error as RedisServerError {
            throw .internalError("the idempotency store failed: \(error)")
        } catch {
            throw .redisUnavailable("\(error)")
        }
    }

    /// KEYS: the entry. ARGV: fingerprint, pending TTL ms.
    /// Reply: {'new'} | {'pending'} | {'mismatch'} | {'done', status, body}
    private static let begin = RedisScript(name: "idempotency_begin", source: """
        local entry = redis.call('HMGET', KEYS[1], 'fingerprint', 'status', 'body')
        if not entry[1] then
          redis.call('HSET', KEYS[1], 'fingerprint', ARGV[1], 'status', '0')
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return {'new'}
        end
        if entry[1] ~= ARGV[1] then return {'mismatch'} end
        if entry[2] == '0' then return {'pending'} end
        return {'done', tonumber(entry[2]), entry[3]}
        """)

    /// KEYS: the entry. ARGV: status, body, lifetime ms. Reply: 1 kept, 0 the entry was gone.
    private static let finish = RedisScript(name: "idempotency_finish", source: """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[1], 'status', ARGV[1], 'body', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """)
}

extension SeatLockingService {
    /// The answers kept for repeated requests, on this service's Redis.
    public var idempotencyStore: IdempotencyStore { IdempotencyStore(redis: redis) }
}
