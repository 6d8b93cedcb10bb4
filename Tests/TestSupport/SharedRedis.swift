import CinebookModel
import RedisClient
import SeatLocking
import SeatRecords

/// Clients and services on the test run's shared Redis server.
public enum SharedRedis {
    /// A new client of the shared server (its own connection).
    public static func client(timeouts: RedisTimeouts = RedisTimeouts(connect: .seconds(5), command: .seconds(5))) throws -> RedisClient {
        RedisClient(url: try RedisTestServer.shared().url, timeouts: timeouts)
    }

    /// A service over `showtimes` on the shared server, plus the client it uses.
    public static func service(
        _ showtimes: [Showtime],
        policy: LockPolicy = LockPolicy()
    ) throws -> (service: SeatLockingService, redis: RedisClient) {
        let redis = try client()
        return (SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: showtimes), policy: policy), redis)
    }

    /// A service over `showtime` on the shared server and an SQLite file of its own (at
    /// `path`, with a 1 s timeout), which `SQLiteBlocker(path:)` can keep busy.
    public static func serviceOnItsOwnSQLite(
        _ showtime: Showtime
    ) throws -> (service: SeatLockingService, redis: RedisClient, path: String) {
        let path = TestRecords.temporaryPath("own")
        let records = try Records.sqlite(path: path, timeout: .seconds(1), seed: { [] })
        let redis = try client()
        return (SeatLockingService(redis: redis, records: records, catalog: Catalog(showtimes: [showtime])), redis, path)
    }
}

extension RedisClient {
    /// The names of every key carrying the showtime's hash tag `{id}`.
    public func keys(ofShowtime id: Int) async throws -> [String] {
        try await send("KEYS", "*{\(id)}*", routingKey: "{\(id)}").array?.compactMap(\.string).sorted() ?? []
    }

    /// Seats sold in Redis over every showtime, from every primary (of a cluster).
    public func soldSeatCount() async throws -> Int {
        var sold = 0
        for reply in try await sendToEveryPrimary(RedisCommand("KEYS", ["seat_sold:*"])) {
            for key in (reply.array ?? []).compactMap(\.string) {
                sold += Int(try await send("HLEN", key, routingKey: key).int ?? 0)
            }
        }
        return sold
    }

    /// PTTL of a key in ms: -2 when it does not exist, -1 when it has no TTL.
    public func pttl(_ key: String) async throws -> Int64 {
        try await send("PTTL", key, routingKey: key).int ?? -2
    }

    /// When a key expires, in ms since 1970: -2 when it does not exist, -1 when it has no TTL.
    public func expireTime(_ key: String) async throws -> Int64 {
        try await send("PEXPIRETIME", key, routingKey: key).int ?? -2
    }

    /// A HASH as a dictionary of strings.
    public func hash(_ key: String) async throws -> [String: String] {
        let flat = try await send("HGETALL", key, routingKey: key).array?.compactMap(\.string) ?? []
        var fields: [String: String] = [:]
        for pair in stride(from: 0, to: flat.count - 1, by: 2) { fields[flat[pair]] = flat[pair + 1] }
        return fields
    }
}

/// The two kinds of Redis deployment; the core's tests run on both.
public enum RedisKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case standalone, cluster

    public var description: String { rawValue }

    /// The run's shared server or cluster of this kind.
    public func url() async throws -> RedisURL {
        switch self {
        case .standalone: try RedisTestServer.shared().url
        case .cluster: try await RedisTestCluster.shared().url
        }
    }

    /// A new client of the shared server or cluster.
    public func client(timeouts: RedisTimeouts = RedisTimeouts(connect: .seconds(5), command: .seconds(5))) async throws -> RedisClient {
        RedisClient(url: try await url(), timeouts: timeouts)
    }

    /// A service over `showtimes`, plus the client it uses.
    public func service(
        _ showtimes: [Showtime],
        policy: LockPolicy = LockPolicy()
    ) async throws -> (service: SeatLockingService, redis: RedisClient) {
        let redis = try await client()
        return (SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: showtimes), policy: policy), redis)
    }
}
