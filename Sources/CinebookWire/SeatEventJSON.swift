import CinebookModel
import Foundation

/// The `data:` of the API's event stream: written by the server, read by its clients.
public enum SeatEventJSON {
    /// `{"event": "locked", "showtime_id": 3, "seats": ["F7"], "expires_at": "...", "at": "...",
    /// "version": 12}`; who made the change is never said.
    public struct Change: Codable, Sendable {
        let event: String
        let showtimeID: Int
        let seats: [SeatCode]
        let expiresAt: String?
        let at: String
        let version: Int64?
        /// For `room`: `{"served_through": 212, "sold_out_from": 390, "waiting": 1450, "choosing": 12}`.
        let room: Room?

        public init(_ change: SeatEvent) {
            event = change.kind.rawValue
            showtimeID = change.showtimeID
            seats = change.seats
            expiresAt = change.expiresAt.map(SeatLockingJSON.timestamp)
            at = SeatLockingJSON.timestamp(change.at)
            version = change.version
            room = change.room.map(Room.init)
        }

        /// The change this data describes; nil when it is not a seat change.
        public var decoded: SeatEvent? {
            guard let kind = SeatEvent.Kind(rawValue: event), let at = SeatLockingJSON.date(fromTimestamp: at) else { return nil }
            return SeatEvent(
                kind: kind, showtimeID: showtimeID, seats: seats, expiresAt: expiresAt.flatMap(SeatLockingJSON.date(fromTimestamp:)),
                at: at, version: version, room: room?.news)
        }
    }

    /// The waiting room's news in a `room` event.
    struct Room: Codable, Sendable {
        let servedThrough: Int
        let soldOutFrom: Int?
        let waiting: Int
        let choosing: Int

        init(_ news: RoomNews) {
            servedThrough = news.servedThrough
            soldOutFrom = news.soldOutFrom
            waiting = news.waiting
            choosing = news.choosing
        }

        var news: RoomNews { RoomNews(servedThrough: servedThrough, soldOutFrom: soldOutFrom, waiting: waiting, choosing: choosing) }
    }

    /// `connected`, `disconnected` and `resync`: whether changes are arriving, and whether
    /// the client missed some (then it should reload the status).
    public struct Notice: Codable, Sendable {
        public let event: String
        let showtimeID: Int
        let version: Int64?
        public let message: String?

        public init(event: String, showtimeID: Int, version: Int64?, message: String?) {
            self.event = event
            self.showtimeID = showtimeID
            self.version = version
            self.message = message
        }
    }
}
