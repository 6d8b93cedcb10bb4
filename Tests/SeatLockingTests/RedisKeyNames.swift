import Foundation

/// The key names of the data model, written out as the design names them, so the tests
/// also check the layout of the data in Redis.
struct RedisKeyNames {
    let showtime: Int

    func lock(_ seat: String) -> String { "seat_lock:{\(showtime)}:\(seat)" }
    var index: String { "seat_locks:{\(showtime)}" }
    var sold: String { "seat_sold:{\(showtime)}" }
    var claims: String { "seat_claims:{\(showtime)}" }
    var loaded: String { "seat_loaded:{\(showtime)}" }
    var events: String { "seat_events:{\(showtime)}" }
    func holds(_ user: String) -> String { "seat_holds:{\(showtime)}:\(user)" }
}
