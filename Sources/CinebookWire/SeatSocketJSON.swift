import CinebookModel
import Foundation

/// The messages of a showtime's WebSocket (`/api/v1/showtimes/{id}/ws`). One socket carries
/// both ways what the HTTP API carries, with the same bodies and errors:
///
/// - to the server, one request per text message, `{"id": "7", "op": "lock", "seats": ["A1"]}`.
///   `id` is the client's own (at most 64 characters) and comes back on the answer. `op` is
///   `auth` (`token`: the first message, unless the upgrade sent `Authorization`), `lock`
///   (`seats`, `ttl_seconds`, `or_nearest`), `best` (`count`, `category`, `wheelchair`,
///   `near`, `ttl_seconds`: holds the best seats), `extend`, `unlock`, `book`, `presence`
///   (`seats`) or `status` (`if_none_match`: the status ETag the client has). `party` and
///   `pass` stand for the `Cinebook-Party` and `Cinebook-Pass` headers;
/// - from the server, the answer `{"id": "7", "status": 200, "body": {...}}` (the HTTP status
///   and body the same request gets over HTTP; `status: 304` and no body when a status is
///   current), and each event of the showtime `{"event": "locked", "id": 42, "data": {...}}`,
///   as the event stream sends it.
public enum SeatSocketJSON {
    public enum Operation: String, Codable, Sendable, CaseIterable {
        case auth, lock, best, extend, unlock, book, presence, status
    }

    /// The longest request id the server takes.
    public static let maximumRequestIDLength = 64

    public struct Request: Codable, Sendable {
        public var id: String?
        public var op: Operation
        public var token: String?
        public var seats: [String]?
        public var ttlSeconds: Int?
        public var orNearest: Bool?
        public var count: Int?
        public var category: String?
        public var wheelchair: Bool?
        public var near: [String]?
        public var party: String?
        public var pass: String?
        public var ifNoneMatch: String?

        public init(id: String?, op: Operation) {
            self.id = id
            self.op = op
        }

        /// A lock, extend, unlock or book of these seats.
        public init(
            _ op: Operation, seats: [SeatCode], ttl: Duration? = nil, orNearest: Bool = false, party: PartyCode? = nil, pass: String? = nil
        ) {
            self.init(id: nil, op: op)
            self.seats = seats.map(\.text)
            ttlSeconds = ttl.map { Int($0.components.seconds) }
            self.orNearest = orNearest ? true : nil
            self.party = party?.text
            self.pass = pass
        }

        /// The best seats of a wish, held.
        public init(best wish: SeatWish, ttl: Duration?, party: PartyCode?, pass: String?) {
            self.init(id: nil, op: .best)
            count = wish.count
            category = wish.category?.rawValue
            wheelchair = wish.wheelchair ? true : nil
            near = wish.near.isEmpty ? nil : wish.near.map(\.code.text)
            ttlSeconds = ttl.map { Int($0.components.seconds) }
            self.party = party?.text
            self.pass = pass
        }

        /// The seats and hold of a lock, extend, unlock or book, as the HTTP body has them.
        public var seatRequest: SeatLockingJSON.SeatRequest {
            SeatLockingJSON.SeatRequest(typed: seats ?? [], ttl: ttlSeconds.map { .seconds($0) }, orNearest: orNearest ?? false)
        }
    }

    /// The shape of an answer, for reading it: the body stays raw JSON, read as the HTTP
    /// answer of the same status would be.
    public struct Answer: Decodable, Sendable {
        public let id: String?
        public let status: Int
    }

    /// An event's frame, for reading it; its `data` is read as the event stream's.
    public struct Event: Decodable, Sendable {
        public let event: String
        public let id: Int64?
    }

    /// `{"id": …, "status": N, "body": …}` around a body already encoded.
    public static func answer(id: String?, status: Int, body: [UInt8]?) -> String {
        var text = #"{"id":"# + (id.map(SeatLockingJSON.encode) ?? "null") + #","status":\#(status)"#
        if let body { text += #","body":"# + String(decoding: body, as: UTF8.self) }
        return text + "}"
    }

    /// `{"event": name, "id": version, "data": …}` around the event's data already encoded.
    public static func event(_ name: String, id: Int64?, data: String) -> String {
        #"{"event":"# + SeatLockingJSON.encode(name) + (id.map { #","id":\#($0)"# } ?? "") + #","data":"# + data + "}"
    }
}
