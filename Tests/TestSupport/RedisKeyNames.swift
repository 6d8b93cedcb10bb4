import Foundation

/// The key names of the data model, written out as the design names them, so the tests
/// also check the layout of the data in Redis.
public struct RedisKeyNames: Sendable {
    public let showtime: Int

    public init(showtime: Int) { self.showtime = showtime }

    public func lock(_ seat: String) -> String { "seat_lock:{\(showtime)}:\(seat)" }
    public var index: String { "seat_locks:{\(showtime)}" }
    public var sold: String { "seat_sold:{\(showtime)}" }
    public var claims: String { "seat_claims:{\(showtime)}" }
    public var loaded: String { "seat_loaded:{\(showtime)}" }
    public var events: String { "seat_events:{\(showtime)}" }
    public func holds(_ user: String) -> String { "seat_holds:{\(showtime)}:\(user)" }
    public func party(_ code: String) -> String { "seat_party:{\(showtime)}:\(code)" }

    /// The user's rate-limit state.
    public static func rateLimit(_ user: String) -> String { "rate:{\(user)}" }
    /// The cleanup lock.
    public static let sweepLock = "sweep_lock"
}
