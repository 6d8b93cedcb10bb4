import CinebookModel
import Foundation

/// How the seat map behaves: timing, the core's lock rules, and what the terminal can show.
public struct SeatMapSettings: Sendable {
    /// How often the status is reloaded even when no change is announced.
    public var pollInterval: Duration
    /// Keys extend the hold at most this often (unless it would expire sooner).
    public var extendInterval: Duration
    public var policy: LockPolicy
    public var appearance: Appearance
    /// How long leaving may wait for the seats to be released.
    public var leaveTimeout: Duration
    /// What the map talks to, as its messages name it: Redis, or the server over the API.
    public var source: Source
    /// Show others the seat this user's cursor rests on, as being chosen.
    public var sharesPresence: Bool
    /// Join the showtime's waiting room when the map opens (with no room on, nothing more).
    public var joinsWaitingRoom: Bool

    public enum Source: String, Sendable {
        case redis = "Redis"
        case server = "the server"

        /// At the start of a sentence.
        var title: String { self == .redis ? rawValue : "The server" }
        /// In a headline: "Redis unreachable", "Server unreachable".
        var headline: String { self == .redis ? rawValue : "Server" }
    }

    public init(
        pollInterval: Duration = .seconds(10), extendInterval: Duration = .seconds(30), policy: LockPolicy = LockPolicy(),
        appearance: Appearance = .full, leaveTimeout: Duration = .seconds(5),
        source: Source = .redis, sharesPresence: Bool = true, joinsWaitingRoom: Bool = true
    ) {
        self.pollInterval = pollInterval
        self.extendInterval = extendInterval
        self.policy = policy
        self.appearance = appearance
        self.leaveTimeout = leaveTimeout
        self.source = source
        self.sharesPresence = sharesPresence
        self.joinsWaitingRoom = joinsWaitingRoom
    }
}

/// Everything the seat map shows and remembers: a plain value, changed only by `update`.
public struct SeatMapState: Sendable {
    public enum Mode: Sendable, Hashable {
        case browsing
        case help
        case confirmingBooking([SeatCode])
        /// Waiting for the number of seats to find together (`a` with no suggestions shown).
        case choosingPartySize
        /// The hall as a heat map of how often each seat was picked; nil while it loads.
        case popularity(SeatPopularity?)
        /// In the showtime's waiting room: a screen of its own until it is the user's turn.
        case waiting
        /// Swapping the people in two party seats: this one, and the next chosen with `s`.
        case swapping(from: SeatCode)
        /// Releasing the held seats before the program ends.
        case leaving(since: Date, releasing: [SeatCode])
        case finished
    }

    /// A change the map shows before Redis has confirmed it.
    public enum PendingChange: Sendable, Hashable {
        case locking, unlocking
    }

    public struct Message: Sendable, Hashable {
        public enum Kind: Sendable, Hashable { case info, success, warning, error }
        public var text: String
        public var kind: Kind
    }

    /// What the status line says about Redis.
    public enum Connection: Sendable, Hashable {
        case connecting
        /// Redis answers and changes arrive as they happen.
        case live
        /// Redis answers, but the change feed is down: the map is polled until it is back.
        case polling
        case unreachable(retryAt: Date)
    }

    /// How the session ended, for the line printed after the terminal is restored.
    public struct Outcome: Sendable, Hashable {
        public var bookings: [Booking]
        public var released: [SeatCode]
        public var unreleased: [SeatCode]
        public var failure: SeatLockingError?
    }

    public let showtime: Showtime
    public let user: String
    public let settings: SeatMapSettings

    public internal(set) var now: Date
    public internal(set) var size: ScreenSize
    public internal(set) var mode: Mode = .browsing
    /// The seat under the cursor.
    public internal(set) var cursor: Seat
    /// The grid column vertical moves aim for, so crossing a short row keeps the line.
    var preferredColumn: Int
    /// Every seat as shown: the last status, with announced and pending changes applied.
    public internal(set) var seats: [SeatCode: SeatState]
    /// The user's holds, and the extending of them.
    public internal(set) var holds = Holds()
    public internal(set) var pending: [SeatCode: PendingChange] = [:]
    public internal(set) var message: Message?
    /// Free blocks offered after a conflict; `a` or `1`–`3` takes one.
    public internal(set) var suggestions: [[SeatCode]] = []
    public internal(set) var bookings: [Booking] = []
    /// Seats this user has bought (this session or before): sold, and marked as theirs.
    public internal(set) var booked: Set<SeatCode> = []
    var bookingInFlight = false
    public internal(set) var outcome: Outcome?
    /// Reloading the status.
    var refresh = Refresh()
    /// Whether the map's source answers, and its clock.
    var link = Link()
    /// What others are shown this user choosing, and when it was last said.
    var presence = Presence()
    /// The showtime's waiting room, as far as this map knows.
    var room = Room()
    /// The party the user chooses with, once joined or started.
    public internal(set) var party: PartySeats?
    /// `t` asked for a party, and the answer has not come yet.
    var partyStarting = false

    /// The seats marked as being chosen by this user: the free seat under the cursor while
    /// it rests there, renewed before the mark's lifetime runs out.
    struct Presence: Sendable, Hashable {
        var seats: [SeatCode] = []
        var sentAt: Date?
        /// The last key or click: a map left alone stops marking.
        var lastInput: Date?
    }

    /// The seats this user holds, with when each hold ends (Redis server time), and how
    /// extending them goes.
    public struct Holds: Sendable {
        /// When each held seat's hold ends (Redis server time): those this map locked, and
        /// those the user holds from elsewhere (another map, the command line).
        public internal(set) var ends: [SeatCode: Date] = [:]
        /// The seats of `ends` that this map locked itself: leaving releases these, and only these.
        public internal(set) var lockedHere: Set<SeatCode> = []
        /// The hold reached the maximum hold time: extending no longer helps.
        var capped = false
        var lastExtend: Date?
        var extendInFlight = false

        /// A hold is over: the seat is no longer mine, nor this map's to release.
        mutating func end(_ code: SeatCode) {
            ends[code] = nil
            lockedHere.remove(code)
        }

        /// A first hold began: extending counts from `now`.
        mutating func startExtending(at now: Date) {
            lastExtend = now
            capped = false
        }

        /// No hold is left: nothing to extend until the next one.
        mutating func stopExtending() {
            lastExtend = nil
            capped = false
        }
    }

    /// Reloading the status: what is under way, and what was loaded.
    struct Refresh: Sendable {
        var inFlight = false
        /// Another reload was asked for while one was under way.
        var again = false
        var lastRequest: Date?
        /// Local time of the last status that arrived.
        var lastArrival: Date?
        /// The revision of the status shown, for the conditional poll.
        var revision: ShowtimeRevision?
        /// Whether the user's earlier bookings were asked for (they are, with the first status).
        var bookingsAsked = false
    }

    /// Whether the map's source (Redis, or the server) answers.
    struct Link: Sendable {
        /// Nil until the first answer or failure.
        var reachable: Bool?
        var feedConnected = false
        /// Failures in a row, for the backoff.
        var failures = 0
        var retryAt: Date?
        /// Server time minus local time, from the last answer.
        var clockOffset: TimeInterval = 0
    }

    public init(
        showtime: Showtime, user: String, party: Party? = nil, settings: SeatMapSettings = SeatMapSettings(), size: ScreenSize, now: Date
    ) {
        self.showtime = showtime
        self.user = user
        self.party = party.map(PartySeats.init)
        self.settings = settings
        self.size = size
        self.now = now
        seats = Dictionary(uniqueKeysWithValues: showtime.layout.seats.map { seat in
            (seat.code, showtime.occupied.contains(seat.code) ? SeatState.occupied : .available)
        })
        cursor = Self.startingSeat(of: showtime)
        preferredColumn = cursor.column
    }

    /// The seat nearest the middle of the middle row that the box office has not sold:
    /// where most people like to sit.
    static func startingSeat(of showtime: Showtime) -> Seat {
        let layout = showtime.layout
        let middleRow = Double(layout.rows.count - 1) / 2
        let middleColumn = Double(layout.width - 1) / 2
        func distance(_ seat: Seat) -> (rows: Double, columns: Double) {
            (abs(Double(seat.rowIndex) - middleRow).rounded(.down), abs(Double(seat.column) - middleColumn))
        }
        let open = layout.seats.filter { !showtime.occupied.contains($0.code) }
        return (open.isEmpty ? layout.seats : open).min { distance($0) < distance($1) }!
    }

    public var isFinished: Bool { mode == .finished }

    /// A status has arrived: until then only the box office's seats are known, and no
    /// seat can be picked.
    public var hasLoaded: Bool { refresh.lastArrival != nil }

    public func state(of code: SeatCode) -> SeatState { seats[code] ?? .available }

    /// My seats in layout order.
    public var mySeats: [SeatCode] {
        inLayoutOrder(holds.ends.keys)
    }

    /// The current time on the Redis server's clock.
    var serverNow: Date { now.addingTimeInterval(link.clockOffset) }

    /// A time on the Redis server's clock, on the local one.
    func onLocalClock(_ serverTime: Date) -> Date { serverTime.addingTimeInterval(-link.clockOffset) }

    /// When the first of my holds ends, on the local clock.
    public var holdEndsAt: Date? {
        holds.ends.values.min().map(onLocalClock)
    }

    /// Whole seconds until the first of my holds ends.
    public var secondsLeft: Int? {
        holdEndsAt.map { max(0, Int($0.timeIntervalSince(now).rounded(.up))) }
    }

    public var connection: Connection {
        if let retryAt = link.retryAt, link.reachable == false { return .unreachable(retryAt: retryAt) }
        // Not live before the first status: the waiting room may answer first.
        guard link.reachable == true, hasLoaded else { return .connecting }
        return link.feedConnected ? .live : .polling
    }
}
