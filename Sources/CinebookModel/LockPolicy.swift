/// The rules every hold follows.
public struct LockPolicy: Sendable, Hashable {
    /// How long a lock lives without being extended (`defaultTTL` unless a policy says otherwise).
    public var ttl: Duration
    /// The longest a seat can be held in total, however often it is extended (60 minutes).
    public var maximumHold: Duration
    /// Seats one user may hold at once in one showtime.
    public var maximumSeatsPerUser: Int

    /// How long a booking's claim keeps its seats while the database commits it. A claim
    /// past this deadline is settled by reconciliation: sold if the database has the
    /// booking, free if not (10 seconds).
    public var bookingWindow: Duration

    /// How long a mark of "being chosen" lasts unless renewed: the seat map renews it while
    /// the cursor rests (5 seconds).
    public var presenceLifetime: Duration

    /// How a showtime's waiting room admits people.
    public var room: RoomPolicy

    /// How many may choose together, and how long an idle party lasts.
    public var party: PartyPolicy

    /// Seats one user may mark as being chosen at once, so that nobody can paint the hall:
    /// the largest party a preview shows.
    public static let presenceCap = 9

    /// How long a lock lives unless a policy says otherwise: 15 minutes. The command line's
    /// help names it.
    public static let defaultTTL = Duration.seconds(900)

    /// Seats one user may hold at once unless a policy says otherwise; the command line's
    /// limits on seat lists and party sizes are this one.
    public static let defaultMaximumSeatsPerUser = 10

    public init(
        ttl: Duration = defaultTTL, maximumHold: Duration = .seconds(3600), maximumSeatsPerUser: Int = defaultMaximumSeatsPerUser,
        bookingWindow: Duration = .seconds(10), presenceLifetime: Duration = .seconds(5), room: RoomPolicy = RoomPolicy(),
        party: PartyPolicy = PartyPolicy()
    ) {
        self.ttl = ttl
        self.maximumHold = maximumHold
        self.maximumSeatsPerUser = maximumSeatsPerUser
        self.bookingWindow = bookingWindow
        self.presenceLifetime = presenceLifetime
        self.room = room
        self.party = party
    }

    /// The longest user id accepted, in characters.
    public static let maximumUserLength = 64
}
