import Foundation

/// Why a seat operation did not happen. Each case has one error code, for programs, and one
/// message that says what happened in words any front end can show; how a front end
/// reports it (an exit code, an HTTP status, a hint about its own commands) is its own.
public enum SeatLockingError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidRequest(String)
    case unknownShowtime(Int)
    case unknownSeats([SeatCode], showtime: Int)
    case tooManySeats(requested: Int, alreadyHeld: Int, limit: Int)
    /// Sold, occupied or locked by someone else; with alternatives that are free now.
    case seatsUnavailable([SeatCode], suggestions: [[SeatCode]])
    case notLockOwner([SeatCode])
    case lockExpired([SeatCode])
    /// The showtime has started, or its sales cut-off has passed: nothing more is sold.
    case salesClosed(showtime: Int, closedAt: Date, timeZone: TimeZone)
    /// The showtime's waiting room did not let this lock through.
    case waitingRoom(RoomRefusal)
    /// A party could not be joined or used.
    case party(PartyRefusal)
    case redisUnavailable(String)
    /// The API server (for a client of it) did not answer, or not over HTTP.
    case serverUnreachable(String)
    /// The database of record cannot be reached; nothing was sold.
    case databaseUnavailable(String)
    /// A write was sent but no answer came: it may or may not have happened. Repeating
    /// the same operation is safe and tells.
    case outcomeUnknown(String)
    case internalError(String)

    /// The machine-readable code used by `--json` and the HTTP API.
    public var code: String {
        switch self {
        case .invalidRequest: "invalid_request"
        case .unknownShowtime: "unknown_showtime"
        case .unknownSeats: "unknown_seat"
        case .tooManySeats: "too_many_seats"
        case .seatsUnavailable: "seats_unavailable"
        case .notLockOwner: "not_lock_owner"
        case .lockExpired: "lock_expired"
        case .salesClosed: "sales_closed"
        case let .waitingRoom(refusal): refusal.code
        case let .party(refusal): refusal.code
        case .redisUnavailable: "redis_unavailable"
        case .serverUnreachable: "server_unreachable"
        case .databaseUnavailable: "database_unavailable"
        case .outcomeUnknown: "outcome_unknown"
        case .internalError: "internal_error"
        }
    }

    public var message: String {
        switch self {
        case let .invalidRequest(reason):
            return reason
        case let .unknownShowtime(id):
            return "There is no showtime \(id)."
        case let .unknownSeats(seats, showtime):
            return "\(seats.sentence) \(seats.count == 1 ? "is" : "are") not a seat of showtime \(showtime)."
        case let .tooManySeats(requested, held, limit):
            if held == 0 {
                return "At most \(limit) seats can be held at once; \(requested) were asked for."
            }
            return "At most \(limit) seats can be held at once; you hold \(held) and asked for \(requested) more."
        case let .seatsUnavailable(seats, suggestions):
            if seats.isEmpty { return "No seats are free together for this request; try fewer seats or another category." }
            let verb = seats.count == 1 ? "is" : "are"
            let head = "\(seats.sentence) \(verb) no longer available."
            guard let best = suggestions.first else { return head + " No other seats are free together." }
            let together = best.count == 1 ? "is free" : "are free together"
            return head + " \(best.block) \(together)."
        case let .notLockOwner(seats):
            return "You do not hold \(seats.sentence); someone else does, or \(seats.count == 1 ? "it is" : "they are") sold."
        case let .lockExpired(seats):
            // Nothing says whether there ever was a hold, or how it ended: say only what is known.
            return "You hold no lock on \(seats.sentence) now; lock \(seats.count == 1 ? "it" : "them") first."
        case let .salesClosed(showtime, closedAt, zone):
            return "Sales for showtime \(showtime) closed at \(CinemaTime.day(closedAt, in: zone, zoneNamed: true)); its seats can no longer be locked or booked."
        case let .waitingRoom(refusal):
            return refusal.message
        case let .party(refusal):
            return refusal.message
        case let .redisUnavailable(reason):
            return "Redis is unavailable: \(reason)."
        case let .serverUnreachable(reason):
            return "The server is unreachable: \(reason)."
        case let .databaseUnavailable(reason):
            return "\(reason) Nothing was booked."
        case let .outcomeUnknown(reason):
            return Self.outcomeUnknownMessage(reason, retry: "doing the same again is safe and tells")
        case let .internalError(reason):
            return "Internal error: \(reason)."
        }
    }

    public var description: String { message }

    /// The message of an unknown outcome, with a front end's way of saying how to retry.
    public static func outcomeUnknownMessage(_ reason: String, retry: String) -> String {
        "\(reason.hasSuffix(".") ? reason : reason + ".") It may or may not have been done: \(retry)."
    }

    /// Redis, or the server in front of it, did not answer at all.
    public var isUnreachable: Bool {
        switch self {
        case .redisUnavailable, .serverUnreachable: true
        default: false
        }
    }

    /// Redis, the server or the database did not answer: try again once they are back.
    public var isOutage: Bool {
        switch self {
        case .redisUnavailable, .serverUnreachable, .databaseUnavailable, .outcomeUnknown: true
        default: false
        }
    }

    /// A fault of the system rather than of the request: an outage, or a bug. These count
    /// towards the error rate.
    public var isFault: Bool {
        if case .internalError = self { return true }
        return isOutage
    }

    /// The seats the error is about, where it is about seats.
    public var seats: [SeatCode] {
        switch self {
        case let .unknownSeats(seats, _), let .seatsUnavailable(seats, _), let .notLockOwner(seats), let .lockExpired(seats):
            seats
        default: []
        }
    }
}
