import SeatLocking

/// The `data:` of the event stream's events.
enum SeatEventJSON {
    /// `{"event": "locked", "showtime_id": 3, "seats": ["F7"], "expires_at": "...", "at": "...",
    /// "version": 12}`; who made the change is never said.
    struct Change: Encodable, Sendable {
        let event: String
        let showtime_id: Int
        let seats: [String]
        let expires_at: String?
        let at: String
        let version: Int64?

        init(_ change: SeatEvent) {
            event = change.kind.rawValue
            showtime_id = change.showtimeID
            seats = change.seats
            expires_at = change.expiresAt.map(SeatLockingJSON.timestamp)
            at = SeatLockingJSON.timestamp(change.at)
            version = change.version
        }
    }

    /// `connected`, `disconnected` and `resync`: whether changes are arriving, and whether
    /// the client missed some (then it should reload the status).
    struct Notice: Encodable, Sendable {
        let event: String
        let showtime_id: Int
        let version: Int64?
        let message: String?
    }
}
