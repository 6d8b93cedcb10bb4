import CinebookModel
import CinebookSupport
import Foundation
import RedisClient
import SeatRecords

/// What each seat script answers, as a type. Each reply shape documented on a script (in
/// `SeatScripts`, and the audit's beside it) is read here, once, into its outcome; the
/// service switches on outcomes and never matches a reply's strings or reads it by position.
protocol ScriptOutcome: Sendable {
    init(reading reply: ScriptReply) throws(SeatLockingError)
}

/// A Lua script together with the type of its answer.
struct SeatScript<Outcome: ScriptOutcome>: Sendable {
    let redis: RedisScript
    var name: String { redis.name }

    init(name: String, source: String) {
        redis = RedisScript(name: name, source: source)
    }
}

/// `lock`: every seat held, or why not.
enum LockOutcome: ScriptOutcome {
    case granted(serverTime: Date, epoch: Date, seats: [HeldSeat])
    /// `seats` are sold, claimed or held by others; `taken` is every seat not free now;
    /// `staleClaims` are booking claims past their deadline, which only reconciliation can settle.
    case unavailable(seats: [SeatCode], taken: Set<SeatCode>, staleClaims: [SeatCode])
    case tooMany(alreadyHeld: Int)

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        switch reply.outcome {
        case "ok": self = .granted(serverTime: try reply.serverTime, epoch: try reply.time(at: 2), seats: try reply.heldSeats(from: 3))
        case "unavailable":
            self = .unavailable(seats: try reply.codes(at: 2), taken: Set(try reply.codes(at: 3)), staleClaims: try reply.codes(at: 4))
        case "too_many": self = .tooMany(alreadyHeld: Int(try reply.integer(at: 2)))
        default: throw reply.malformed()
        }
    }
}

/// `unlock`: the seats released, or (strict) the seats that stopped it.
struct UnlockOutcome: ScriptOutcome {
    let serverTime: Date
    let released: [SeatCode]
    /// Sold or held by others; only a strict release names them, and then released nothing.
    let heldByOthers: [SeatCode]

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
        released = try reply.codes(at: 1)
        heldByOthers = reply.count > 2 ? try reply.codes(at: 2) : []
    }
}

/// `extend`: fresh expiries for every seat, or why not.
enum ExtendOutcome: ScriptOutcome {
    case extended(serverTime: Date, seats: [HeldSeat])
    case notOwner([SeatCode])
    case expired([SeatCode])

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        switch reply.outcome {
        case "ok": self = .extended(serverTime: try reply.serverTime, seats: try reply.heldSeats(from: 2))
        case "not_owner": self = .notOwner(try reply.codes(at: 2))
        case "expired": self = .expired(try reply.codes(at: 2))
        default: throw reply.malformed()
        }
    }
}

/// `claim`, the first step of a booking.
enum ClaimOutcome: ScriptOutcome {
    case claimed(serverTime: Date)
    /// `sold` seats, seats held or claimed by `others`, and `staleClaims` past their deadline.
    case taken(sold: [SeatCode], others: [SeatCode], staleClaims: [SeatCode])
    /// Seats the user no longer holds.
    case expired([SeatCode])

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        switch reply.outcome {
        case "ok": self = .claimed(serverTime: try reply.serverTime)
        case "taken": self = .taken(sold: try reply.codes(at: 2), others: try reply.codes(at: 3), staleClaims: try reply.codes(at: 4))
        case "expired": self = .expired(try reply.codes(at: 2))
        default: throw reply.malformed()
        }
    }
}

/// `sell` and `settle`: applied, at this server time.
struct Applied: ScriptOutcome {
    let serverTime: Date

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
    }
}

/// `status`: what is taken, and which holds are the viewer's.
struct StatusOutcome: ScriptOutcome {
    let serverTime: Date
    /// Sold and claimed seats.
    let taken: Set<SeatCode>
    /// Every live lock's expiry.
    let locked: [SeatCode: Date]
    /// The viewer's live locks' expiries.
    let mine: [SeatCode: Date]
    let version: Int64

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
        taken = Set(try reply.codes(at: 1))
        locked = try reply.expiries(at: 2)
        mine = try reply.expiries(at: 3)
        version = try reply.integer(at: 4)
    }
}

/// `revision`: the map's revision now, or that Redis must first load the showtime.
enum RevisionOutcome: ScriptOutcome {
    case current(ShowtimeRevision, serverTime: Date)
    case notLoaded

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        guard !reply.isNotLoaded else {
            self = .notLoaded
            return
        }
        self = .current(
            ShowtimeRevision(version: try reply.integer(at: 1), nextExpiry: try reply.integer(at: 2)), serverTime: try reply.time(at: 0))
    }
}

/// `sweep`: the seats whose holds it found expired.
struct SweepOutcome: ScriptOutcome {
    let expired: [SeatCode]

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        expired = try reply.codes(at: 1)
    }
}

/// A seat being booked: the claims hash holds `<deadline ms>|<user>`.
struct BookingClaim: Sendable, Hashable {
    let deadline: Date
    let user: String

    init?(_ text: String) {
        guard let separator = text.firstIndex(of: "|"), let deadline = Int64(text[..<separator]) else { return nil }
        self.deadline = Date(milliseconds: deadline)
        user = String(text[text.index(after: separator)...])
    }
}

/// `seat_info`: each seat's sale, claim and lock, for an operator.
struct SeatInfoOutcome: ScriptOutcome {
    struct Fields: Sendable {
        let booking: Int64?
        let claim: BookingClaim?
        let holder: String?
        let since: Date?
        let token: Int64?
        /// The lock key's expiry; nil when it has none.
        let until: Date?
    }

    let serverTime: Date
    let seats: [Fields]

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
        seats = try (1..<max(reply.count, 1)).map { index throws(SeatLockingError) in
            let fields = try reply.list(at: index)
            func text(_ position: Int) -> String? { fields.indices.contains(position) ? fields[position].string : nil }
            let expiry = fields.count > 5 ? fields[5].int : nil
            return Fields(
                booking: text(0).flatMap(Int64.init), claim: text(1).flatMap(BookingClaim.init), holder: text(2),
                since: text(3).flatMap(Int64.init).map(Date.init(milliseconds:)), token: text(4).flatMap(Int64.init),
                until: expiry.flatMap { $0 > 0 ? Date(milliseconds: $0) : nil })
        }
    }
}

/// `force_unlock`: the seats released.
struct ForceUnlockOutcome: ScriptOutcome {
    let serverTime: Date
    let released: Set<SeatCode>

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
        released = Set(try reply.codes(at: 1))
    }
}

/// `inspect`: what reconciliation compares with the database.
struct InspectOutcome: ScriptOutcome {
    let serverTime: Date
    /// This node loaded the showtime's sold seats (its marker is present).
    let loaded: Bool
    /// Seat → booking id, as Redis has them.
    let sold: [SeatCode: String]
    /// Seat → claim; a claim Redis cannot read counts as none.
    let claims: [SeatCode: BookingClaim]
    let locked: Set<SeatCode>

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        serverTime = try reply.time(at: 0)
        loaded = try reply.integer(at: 1) == 1
        sold = try reply.pairs(at: 2)
        claims = try reply.pairs(at: 3).compactMapValues(BookingClaim.init)
        locked = Set(try reply.codes(at: 4))
    }
}

/// `audit`: the problems found, and how many locks and sold seats it saw.
struct AuditOutcome: ScriptOutcome {
    let problems: [String]
    let locks: Int
    let sold: Int

    init(reading reply: ScriptReply) throws(SeatLockingError) {
        problems = try reply.strings(at: 0)
        locks = Int(try reply.integer(at: 1))
        sold = Int(try reply.integer(at: 2))
    }
}
