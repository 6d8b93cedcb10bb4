/// How a load run behaves.
public struct BenchConfiguration: Sendable, Hashable {
    public enum Limit: Sendable, Hashable {
        case duration(Duration)
        case operations(Int)
    }

    /// Virtual moviegoers, each picking, locking, extending, releasing and booking seats.
    public var users: Int
    /// Showtimes the users spread over.
    public var showtimes: Int
    /// Redis connections; `nil` gives every user a connection of its own.
    public var connections: Int?
    public var limit: Limit
    /// Share of picks aimed at the best seats of the house (0...1): more contention.
    public var hotspot: Double
    /// Largest party: each pick is 1 to this many seats side by side.
    public var maximumParty: Int
    /// Every pick exactly this many seats (for measuring one lock size).
    public var fixedParty: Int?
    /// Probability that a held pick is booked rather than released.
    public var bookRate: Double
    /// Probability that a held pick is extended once before it is decided.
    public var extendRate: Double
    /// Probability that a user looks at the seat map before picking.
    public var statusRate: Double
    /// Mean pause of a user before each operation (exponentially distributed), as people
    /// take between clicks; zero sends the next operation at once (the most load).
    public var thinkTime: Duration
    /// Share of visits made by three friends choosing as one party, each from their own
    /// terminal: one starts it, two join by its code, each locks part of the seats for the
    /// party, and one of them books them all or they all leave.
    public var togetherShare: Double
    /// Seats the house keeps back on every performance as it opens (the best ones, for the
    /// press): nobody may be granted or sold them.
    public var houseSeats: Int
    /// Round trips timed for each floor (PING, a trivial script, SET) before the load.
    public var floorSamples: Int
    public static let defaultFloorSamples = 2000

    public init(
        users: Int = 50, showtimes: Int = 1, connections: Int? = nil, limit: Limit = .duration(.seconds(10)),
        hotspot: Double = 0.5, maximumParty: Int = 6, fixedParty: Int? = nil, bookRate: Double = 0.1, extendRate: Double = 0.3, statusRate: Double = 0.2,
        thinkTime: Duration = .zero, togetherShare: Double = 0, houseSeats: Int = 0, floorSamples: Int = BenchConfiguration.defaultFloorSamples
    ) {
        self.floorSamples = floorSamples
        self.houseSeats = houseSeats
        self.thinkTime = thinkTime
        self.togetherShare = togetherShare
        self.users = users
        self.showtimes = showtimes
        self.connections = connections
        self.limit = limit
        self.hotspot = hotspot
        self.maximumParty = maximumParty
        self.fixedParty = fixedParty
        self.bookRate = bookRate
        self.extendRate = extendRate
        self.statusRate = statusRate
    }
}
