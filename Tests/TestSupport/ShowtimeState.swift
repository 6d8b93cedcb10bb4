import CinebookModel
import RedisClient
import SeatLocking

/// The keys of one showtime: reset to a known state with some seats
/// held and one sold, and read back as a comparable snapshot.
public struct ShowtimeState {
    public struct Entry: Equatable, CustomStringConvertible {
        public let value: RedisReply
        public let expires: Bool
        public var description: String { "\(value)\(expires ? " (with TTL)" : "")" }
    }

    public let id: Int
    public let redis: RedisClient
    public let service: SeatLockingService

    public init(id: Int, redis: RedisClient, service: SeatLockingService) {
        self.id = id
        self.redis = redis
        self.service = service
    }

    /// Deletes every key and booking of the showtime, then: alice holds A1 and A2, carol
    /// holds C5, and bob has booked B1.
    public func reset() async throws {
        let keys = try await redis.keys(ofShowtime: id)
        for key in keys { _ = try await redis.send("DEL", key, routingKey: key) }
        try await service.records.purge(showtimes: [id])
        _ = try await service.lock(["A1", "A2"], showtime: id, user: "alice")
        _ = try await service.lock(["C5"], showtime: id, user: "carol")
        _ = try await service.lock(["B1"], showtime: id, user: "bob")
        _ = try await service.book(["B1"], showtime: id, user: "bob")
    }

    /// Every key of the showtime with its serialized value and whether it has a TTL. The
    /// hold history is read as its holds only: a refused lock adds a line to the log of
    /// refusals (for the conflict rate) and changes nothing else.
    public func snapshot() async throws -> [String: Entry] {
        var entries: [String: Entry] = [:]
        for key in try await redis.keys(ofShowtime: id) {
            if key.hasPrefix("seat_history:") {
                let holds = try await service.history(showtime: id, limit: 100_000).filter { ![.unavailable, .tooMany, .error].contains($0.event) }
                entries[key] = Entry(value: .array(holds.map { .bulk(Array("\($0)".utf8)) }), expires: false)
                continue
            }
            let value = try await redis.send("DUMP", key, routingKey: key)
            entries[key] = Entry(value: value, expires: try await redis.pttl(key) > 0)
        }
        return entries
    }

    public static func difference(_ before: [String: Entry], _ after: [String: Entry]) -> String {
        Set(before.keys).union(after.keys).sorted().compactMap { key in
            before[key] == after[key] ? nil : "\(key): \(before[key]?.description ?? "absent") -> \(after[key]?.description ?? "absent")"
        }.joined(separator: "; ")
    }
}
