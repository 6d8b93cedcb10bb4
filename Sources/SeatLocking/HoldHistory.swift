import Foundation
import RedisClient

/// How holds ended and which locks were refused, as the scripts record them in each showtime's capped stream
/// (`seat_history:{id}`), in the same atomic step as the change: the raw material of the
/// success metrics (conflict and abandonment rates, time to booking, seat popularity).
public enum HoldHistory {
    /// Entries kept per showtime in Redis (approximately: `XADD … MAXLEN ~`).
    public static let capacity = 10_000

    /// One entry of the history.
    public struct Entry: Sendable, Hashable {
        public enum Event: String, Sendable, Hashable, CaseIterable {
            /// A hold ended; it began `heldMilliseconds` before.
            case booked, released, expired
            /// A lock was refused: seats taken, or the user's limit reached.
            case unavailable
            case tooMany = "too_many"
        }

        /// The stream entry's id (`<ms>-<n>`), unique per showtime.
        public let id: String
        public let event: Event
        public let seats: [String]
        /// Who, where known (an expiry does not say).
        public let user: String?
        /// When it happened (an expiry: when the hold ran out).
        public let at: Date
        /// For an end: how long the hold lasted (the longest of the seats').
        public let heldMilliseconds: Int64?

        init?(_ reply: RedisReply) {
            guard let parts = reply.array, parts.count == 2, let id = parts[0].string, let flat = parts[1].array else { return nil }
            var fields: [String: String] = [:]
            for pair in stride(from: 0, to: flat.count - 1, by: 2) {
                if let name = flat[pair].string { fields[name] = flat[pair + 1].string }
            }
            guard let event = fields["event"].flatMap(Event.init(rawValue:)), let at = fields["at"].flatMap(Int64.init) else { return nil }
            self.id = id
            self.event = event
            seats = (fields["seats"] ?? "").split(separator: " ").map(String.init)
            user = fields["user"]
            self.at = Date(milliseconds: at)
            heldMilliseconds = fields["held_ms"].flatMap(Int64.init)
        }
    }
}

extension SeatLockingService {
    /// The showtime's history in Redis, oldest first, after the entry `after` (or from the start).
    public func history(showtime id: Int, after: String? = nil, limit: Int = 1000) async throws(SeatLockingError) -> [HoldHistory.Entry] {
        guard catalog.showtime(id) != nil else { throw .unknownShowtime(id) }
        let key = SeatKeys(showtime: id).history
        do {
            let reply = try await redis.send("XRANGE", key, after.map { "(" + $0 } ?? "-", "+", "COUNT", String(limit), routingKey: key)
            return (reply.array ?? []).compactMap(HoldHistory.Entry.init)
        } catch {
            throw .redisUnavailable("\(error)")
        }
    }
}
