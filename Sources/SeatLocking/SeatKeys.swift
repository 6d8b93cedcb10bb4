/// The Redis keys of one showtime. Every key carries `{showtime}` as a Redis Cluster
/// hash tag, so all of them live in one slot and one script can change them atomically.
struct SeatKeys: Sendable {
    let showtime: Int

    private var tag: String { "{\(showtime)}" }

    /// HASH `user_id`, `locked_at`, `showtime_id`, `token`, with the lock's TTL.
    func lock(_ seat: String) -> String { "seat_lock:\(tag):\(seat)" }
    /// ZSET seat → expiry in ms: every live lock of the showtime.
    var index: String { "seat_locks:\(tag)" }
    /// HASH seat → booking id: sold seats, never expiring.
    var sold: String { "seat_sold:\(tag)" }
    /// STRING counter for lock tokens and booking ids.
    var sequence: String { "seat_seq:\(tag)" }
    /// ZSET seat → expiry in ms of one user's holds: enforces the per-user seat limit.
    func holds(_ user: String) -> String { "seat_holds:\(tag):\(user)" }
    /// Prefix of `booking:{showtime}:<id>` HASHes: `user_id`, `seats`, `booked_at`.
    var bookingPrefix: String { "booking:\(tag):" }
    /// Pub/sub channel with one JSON message per change.
    var events: String { "seat_events:\(tag)" }
}
