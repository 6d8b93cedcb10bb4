import CinebookModel
import SeatRecords

/// The Redis keys of one showtime. Every key carries `{showtime}` as a Redis Cluster
/// hash tag, so all of them live in one slot and one script can change them atomically.
/// The one place key names are spelled: the core's scripts and the bench's probes use it.
package struct SeatKeys: Sendable {
    package let showtime: Int

    package init(showtime: Int) { self.showtime = showtime }

    private var tag: String { "{\(showtime)}" }

    /// HASH `user_id`, `locked_at`, `showtime_id`, `token`, with the lock's TTL.
    package func lock(_ seat: SeatCode) -> String { lockPrefix + seat.text }
    /// What every lock key of the showtime begins with.
    package var lockPrefix: String { "seat_lock:\(tag):" }
    /// ZSET seat → expiry in ms: every live lock of the showtime.
    package var index: String { "seat_locks:\(tag)" }
    /// HASH seat → booking id: sold seats, never expiring.
    package var sold: String { "seat_sold:\(tag)" }
    /// STRING counter for lock tokens (fencing).
    package var sequence: String { "seat_seq:\(tag)" }
    /// HASH seat → `<deadline ms>|<user>`: seats whose booking the database is committing.
    package var claims: String { "seat_claims:\(tag)" }
    /// STRING `<epoch ms>|<node id>`, never expiring: present, and written by the node that
    /// serves the showtime, while Redis holds the showtime's sold seats as the database has
    /// them. Its absence means Redis lost data (a flush, an empty restart, an eviction); a
    /// marker of another node means a failover or a slot migration. Either way the sold
    /// seats are loaded again before anything else, and a new epoch of holds begins.
    package var loaded: String { "seat_loaded:\(tag)" }
    /// ZSET seat → expiry in ms of one user's holds: enforces the per-user seat limit.
    package func holds(_ user: String) -> String { "seat_holds:\(tag):\(user)" }
    /// STRING counter, never expiring: the showtime's version, one more with every change a
    /// seat map shows (each event carries it). With the earliest expiry of a live lock it
    /// names what a status answer shows, for `ETag`s and "changed since?" polls.
    package var version: String { "seat_version:\(tag)" }
    /// HASH seat → when its latest hold began (ms), kept past the lock's own expiry so that
    /// an expiry can say how long the hold lasted; one entry per seat, overwritten by the
    /// next hold.
    package var starts: String { "seat_starts:\(tag)" }
    /// STREAM, capped at `HoldHistory.capacity` entries: each hold's end (`booked`,
    /// `released`, `expired`, with `held_ms`) and each refused lock (`unavailable`,
    /// `too_many`), with `seats`, `at` and, where known, `user`.
    package var history: String { "seat_history:\(tag)" }
    /// ZSET `<seat>|<user>` → expiry in ms: seats people are choosing now (their cursor rests
    /// there, or a block is previewed). A hint, never a lock; gone when it expires.
    package var presence: String { "seat_presence:\(tag)" }
    /// STRING, the seats one user marks as being chosen (space-separated), with the marks'
    /// lifetime: the next mark replaces them.
    package func presence(of user: String) -> String { "seat_presence:\(tag):\(user)" }
    /// HASH: the showtime's waiting room: `opens_at` (ms, set by an operator), `active`
    /// (switched on by demand), `opened` (the pre-queue was drawn), `seed` (of the draw),
    /// `next_ticket`, `served_through` (the last ticket admitted), and its counts: `admitted`,
    /// `left`, `wait_ms`, `longest_wait_ms`, `first_admitted_at`, `last_admitted_at`.
    package var room: String { "seat_room:\(tag)" }
    /// ZSET user → when they joined (ms): the pre-queue, drawn into the line when sales open.
    package var roomEarly: String { "seat_room:\(tag):early" }
    /// ZSET user → ticket: the line, in order of arrival (or of the draw).
    package var roomLine: String { "seat_room:\(tag):line" }
    /// HASH user → when they joined the line (ms), until admitted: for the waits.
    package var roomJoined: String { "seat_room:\(tag):joined" }
    /// HASH user → `<ticket>|<expiry ms>|<issued or used>|<joined ms>`: the passes admission gave.
    package var roomPasses: String { "seat_room:\(tag):passes" }
    /// ZSET user → deadline (ms): people admitted whose first hold has not come yet.
    package var roomChoosing: String { "seat_room:\(tag):choosing" }
    /// ZSET user → end (ms): people who used their pass, and may lock without one until then.
    package var roomSessions: String { "seat_room:\(tag):sessions" }
    /// ZSET user → when they last asked for seats (ms), over the last minute: the demand
    /// that switches the room on.
    package var roomDemand: String { "seat_room:\(tag):demand" }
    /// ZSET admission time (ms, as member and score): admissions over the last minute.
    package var roomAdmissions: String { "seat_room:\(tag):admissions" }
    /// HASH: a party choosing seats together: `started_by`, `created_at`, `size`, and
    /// `member:<name>` → when they joined (ms); `ended_at` once its last member left. It lives
    /// while its members are active or its hold lasts, and an ended one a day more.
    package func party(_ code: PartyCode) -> String { "seat_party:\(tag):\(code.text)" }
    /// A script that may act for a party names this key, in the same slot and never used,
    /// when it acts for one person.
    package var noParty: String { "seat_party:\(tag):" }
    /// Sharded pub/sub channel (SPUBLISH, in the showtime's slot) with one JSON message per change.
    package var events: String { "seat_events:\(tag)" }
}

/// The server's own keys, beside the showtimes': each user's keys carry `{user}` as their
/// hash tag, so a user's rate and idempotency records each live in one slot.
package enum ServerKeys {
    /// STRING: the theoretical arrival time (µs) of the user's next seat operation (GCRA).
    package static func rateLimit(_ user: String) -> String { "rate:{\(user)}" }
    /// HASH: the state and answer of one `Idempotency-Key` of the user.
    package static func idempotency(_ user: String, _ key: String) -> String { "idempotency:{\(user)}:\(key)" }
    /// STRING with a short TTL: held by the server whose cleanup pass runs now.
    package static let sweepLock = "sweep_lock"
    /// STRING, never expiring: the key that signs waiting-room passes, made by the first
    /// server that needs it and shared by every other.
    package static let passKey = "room_pass_key"
    /// STRING: the showtime a party code belongs to, so that a code is unique across
    /// showtimes and a code of another showtime is told apart from a wrong one.
    package static func partyCode(_ code: PartyCode) -> String { "party_code:{\(code.text)}" }
}
