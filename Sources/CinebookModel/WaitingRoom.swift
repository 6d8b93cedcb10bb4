import Foundation

/// How a showtime's waiting room admits people. A room is on for every showtime with a
/// `salesOpenAt`, and for any other while more than `demandThreshold` different people
/// asked for seats within a minute.
public struct RoomPolicy: Sendable, Hashable {
    /// People asking for seats within a minute that switch a showtime's room on; 0 never does.
    public var demandThreshold: Int
    /// How long an admitted person's pass can be used: their first lock must come by then.
    public var passLifetime: Duration
    /// How long, after the pass is used, the person may lock (and change) seats without one.
    public var session: Duration
    /// How long an admitted person counts as choosing before their first hold.
    public var choiceWindow: Duration
    /// Free seats per person choosing at once, in parties: the pace of admission. With 4,
    /// each person choosing has about four parties' worth of free seats to themselves; with
    /// few seats left, up to this many choose at once, one party's worth each.
    public var spread: Int
    /// The most people choosing at once, however many seats are free.
    public var burst: Int

    /// The party size the pace assumes until sales show better: most people come in pairs.
    public static let assumedParty = 2

    public init(
        demandThreshold: Int = 300, passLifetime: Duration = .seconds(60), session: Duration = .seconds(900),
        choiceWindow: Duration = .seconds(30), spread: Int = 4, burst: Int = 50
    ) {
        self.demandThreshold = demandThreshold
        self.passLifetime = passLifetime
        self.session = session
        self.choiceWindow = choiceWindow
        self.spread = spread
        self.burst = burst
    }
}

/// A signed, single-use admission to choose seats, bound to one user and one showtime.
/// Its text is opaque to front ends: they hand it back with their first lock.
public struct RoomPass: Sendable, Hashable {
    public let text: String
    public let expiresAt: Date

    public init(text: String, expiresAt: Date) {
        self.text = text
        self.expiresAt = expiresAt
    }
}

/// Where one person stands in a showtime's waiting room.
public struct RoomStanding: Sendable, Hashable {
    public enum Phase: String, Sendable, Hashable, CaseIterable {
        /// The showtime has no room now: anyone may lock seats.
        case open
        /// Sales have not opened: the order of everyone here is drawn when they do.
        case preQueue = "pre_queue"
        /// In line, in order of arrival (or of the draw).
        case waiting
        /// Their turn: the pass lets them choose seats.
        case admitted
        /// They used their pass and may lock seats until the session ends.
        case choosing
        /// Not in the room (never joined, left, or their pass ran out unused).
        case outside
    }

    public let showtimeID: Int
    public let phase: Phase
    /// Place in line: the order of arrival, or of the draw for the pre-queue.
    public let ticket: Int?
    /// People still waiting ahead.
    public let ahead: Int?
    /// A guess at the time until admission, from the pace of admission so far.
    public let estimatedWait: Duration?
    /// Even if everyone ahead and everyone choosing took a single seat, none would be left:
    /// sold out, or very likely. Seats that come back may still reach them.
    public let likelySoldOut: Bool
    /// When sales open, for a room that has a time for it.
    public let opensAt: Date?
    /// For `admitted`: the pass to present with the first lock.
    public let pass: RoomPass?
    /// When to ask again: sooner for those whose turn may come soon.
    public let askAgainIn: Duration
    public let serverTime: Date

    public init(
        showtimeID: Int, phase: Phase, ticket: Int? = nil, ahead: Int? = nil, estimatedWait: Duration? = nil,
        likelySoldOut: Bool = false, opensAt: Date? = nil, pass: RoomPass? = nil, askAgainIn: Duration = .seconds(1),
        serverTime: Date
    ) {
        self.showtimeID = showtimeID
        self.phase = phase
        self.ticket = ticket
        self.ahead = ahead
        self.estimatedWait = estimatedWait
        self.likelySoldOut = likelySoldOut
        self.opensAt = opensAt
        self.pass = pass
        self.askAgainIn = askAgainIn
        self.serverTime = serverTime
    }
}

/// News of a showtime's waiting room for everyone waiting, announced on its event channel
/// whenever it changes: how far the line has been let in, and from which place on the
/// seats are as good as gone. Each person compares it with their own ticket, and asks the
/// room for their standing (and pass) when it concerns them.
public struct RoomNews: Sendable, Hashable {
    /// The latest ticket let in to choose; 0 before the first.
    public let servedThrough: Int
    /// Tickets from this one on are "sold out, or very likely" (0: everyone's); nil while
    /// everyone in line may still get seats.
    public let soldOutFrom: Int?
    public let waiting: Int
    public let choosing: Int

    public init(servedThrough: Int, soldOutFrom: Int?, waiting: Int, choosing: Int) {
        self.servedThrough = servedThrough
        self.soldOutFrom = soldOutFrom
        self.waiting = waiting
        self.choosing = choosing
    }

    /// Whether this news changes what `standing` shows: their turn came, or the seats
    /// became (or stopped being) as good as gone for them. Someone in the pre-queue has no
    /// ticket yet: only news for everyone concerns them.
    public func changes(_ standing: RoomStanding) -> Bool {
        let turn = standing.ticket.map { servedThrough >= $0 } ?? false
        let gone = soldOutFrom.map { (standing.ticket ?? Int.max) >= $0 } ?? false
        return turn || gone != standing.likelySoldOut
    }
}

/// A showtime's waiting room as an operator sees it.
public struct RoomSummary: Sendable, Hashable {
    public let active: Bool
    public let opensAt: Date?
    /// People in the pre-queue and in line.
    public let waiting: Int
    /// People admitted whose first hold has not come yet.
    public let choosing: Int
    public let admitted: Int
    /// People who left the line, or whose pass ran out unused.
    public let left: Int
    /// Admissions in the last minute.
    public let admissionsLastMinute: Int
    /// The longest and the mean wait from joining to admission.
    public let longestWait: Duration
    public let meanWait: Duration

    public init(
        active: Bool, opensAt: Date?, waiting: Int, choosing: Int, admitted: Int, left: Int, admissionsLastMinute: Int,
        longestWait: Duration, meanWait: Duration
    ) {
        self.active = active
        self.opensAt = opensAt
        self.waiting = waiting
        self.choosing = choosing
        self.admitted = admitted
        self.left = left
        self.admissionsLastMinute = admissionsLastMinute
        self.longestWait = longestWait
        self.meanWait = meanWait
    }
}

/// Why a lock was refused by a showtime's waiting room.
public enum RoomRefusal: Sendable, Hashable {
    /// Sales open later; the room takes people in the meantime.
    case notOpenYet(showtime: Int, opensAt: Date, timeZone: TimeZone)
    /// The room is on, and this person has no pass (or session) for it.
    case passRequired(showtime: Int)
    /// The pass is not one this system signed, or not for this user and showtime.
    case passInvalid(String)
    case passUsed
    case passExpired

    public var code: String {
        switch self {
        case .notOpenYet: "sales_not_open"
        case .passRequired: "pass_required"
        case .passInvalid: "pass_invalid"
        case .passUsed: "pass_used"
        case .passExpired: "pass_expired"
        }
    }

    public var message: String {
        switch self {
        case let .notOpenYet(showtime, opensAt, zone):
            "Sales for showtime \(showtime) open at \(CinemaTime.day(opensAt, in: zone, zoneNamed: true)); join its waiting room to get a place in line."
        case let .passRequired(showtime):
            "Showtime \(showtime) sells through its waiting room now: join it, and lock with the pass you get when it is your turn."
        case let .passInvalid(reason):
            "This pass is not valid: \(reason)."
        case .passUsed:
            "This pass was already used; each pass admits once."
        case .passExpired:
            "This pass has expired; join the waiting room again."
        }
    }
}
