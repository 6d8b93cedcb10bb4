import CinebookSupport
import Foundation

/// One change announced on a showtime's `seat_events:{id}` channel, such as
/// `{"event":"locked","showtime_id":3,"seats":["F7"],"expires_at":1764097200000,"at":1764096300000,"version":12}`.
/// It never says who made the change.
public struct SeatEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case locked, released, extended, booked, expired
        /// Someone marked seats as being chosen (`seats`, until `expiresAt`), replacing
        /// their earlier marks: a map should read the status again to learn which ended.
        case choosing
        /// The waiting room's news (`room`); no seat changed, and the version stays.
        case room
        /// A party's members or who sits where changed (`seats`: those whose sitter
        /// changed; none for a member joining or leaving). Which party is not said: its
        /// members' maps look at their own party again.
        case party
    }

    public let kind: Kind
    public let showtimeID: Int
    public let seats: [SeatCode]
    /// For `locked` and `extended`: when the latest of the seats' locks ends.
    public let expiresAt: Date?
    /// Redis server time of the change.
    public let at: Date
    /// The showtime's version after the change (see `ShowtimeRevision`).
    public let version: Int64?
    /// For `room`: the waiting room's news.
    public let room: RoomNews?

    public init(
        kind: Kind, showtimeID: Int, seats: [SeatCode], expiresAt: Date? = nil, at: Date, version: Int64? = nil, room: RoomNews? = nil
    ) {
        self.kind = kind
        self.showtimeID = showtimeID
        self.seats = seats
        self.expiresAt = expiresAt
        self.at = at
        self.version = version
        self.room = room
    }

    /// Decodes a channel message; nil when it is not a seat event.
    public init?(message: [UInt8]) {
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(message)),
              let kind = Kind(rawValue: wire.event)
        else { return nil }
        let room = kind == .room
            ? RoomNews(servedThrough: wire.served_through ?? 0, soldOutFrom: wire.sold_out_from, waiting: wire.waiting ?? 0, choosing: wire.choosing ?? 0)
            : nil
        self.init(
            kind: kind, showtimeID: wire.showtime_id, seats: wire.seats?.codes ?? [],
            expiresAt: wire.expires_at.map { Date(milliseconds: $0) }, at: Date(milliseconds: wire.at ?? 0), version: wire.version, room: room)
    }

    private struct Wire: Decodable {
        let event: String
        let showtime_id: Int
        let seats: SeatList?
        let expires_at: Int64?
        let at: Int64?
        let version: Int64?
        let served_through: Int?
        let sold_out_from: Int?
        let waiting: Int?
        let choosing: Int?
    }

    /// Lua's cjson writes an empty table as `{}`, so an empty list may arrive as an object.
    private struct SeatList: Decodable {
        let codes: [SeatCode]

        init(from decoder: any Decoder) throws {
            codes = (try? decoder.singleValueContainer().decode([SeatCode].self)) ?? []
        }
    }
}

/// What a showtime's event feed delivers: the changes, and whether they are arriving.
public enum SeatFeedEvent: Sendable, Hashable {
    /// Subscribed (again): changes from now on arrive. Anything missed meanwhile is not
    /// replayed, so a listener should reload the status.
    case connected
    case change(SeatEvent)
    /// The subscription broke; it is re-established by itself with backoff.
    case disconnected(reason: String)
}
