import CinebookModel

/// The command line's exit statuses: the one table that the root help is written from, and
/// that the README's table is tested against.
package enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    case invalidInput = 2
    /// Taken by someone else, or sales closed.
    case unavailable = 3
    /// The user does not hold the seats.
    case notHeld = 4
    /// Redis, the server or the database is down; nothing was done.
    case serviceUnavailable = 69
    case internalError = 70
    case outcomeUnknown = 75
    case brokenConfiguration = 78

    /// What the status means, as the root help lists it.
    package var summary: String {
        switch self {
        case .success: "success"
        case .invalidInput: "invalid input"
        case .unavailable: "seats unavailable or sales closed"
        case .notHeld: "not the lock owner or lock expired"
        case .serviceUnavailable: "Redis or the database unavailable (nothing was done)"
        case .internalError: "an internal error (a bug, or the demo's tmux or server failing)"
        case .outcomeUnknown: "outcome unknown (run the same command again: it is safe and tells)"
        case .brokenConfiguration:
            "a configuration that cannot be used (a broken showtime file, an evicting Redis, a missing secret, a port in use)"
        }
    }

    /// The error codes of `--json` answers that end with this status.
    package var failureCodes: [FailureCode] { FailureCode.allCases.filter { $0.exitStatus == self } }

    /// `0 success, 2 invalid input, …`: the root help's list.
    package static var listed: String { allCases.map { "\($0.rawValue) \($0.summary)" }.joined(separator: ", ") }
}

/// Every error code a command can end with, in its `--json` answer, and the status it exits with.
package enum FailureCode: String, CaseIterable, Sendable {
    case invalidRequest = "invalid_request", unknownShowtime = "unknown_showtime", unknownSeat = "unknown_seat"
    case tooManySeats = "too_many_seats", terminalUnavailable = "terminal_unavailable"
    case seatsUnavailable = "seats_unavailable", salesClosed = "sales_closed"
    case salesNotOpen = "sales_not_open", passRequired = "pass_required", passInvalid = "pass_invalid", passUsed = "pass_used"
    case passExpired = "pass_expired"
    case partyNotFound = "party_not_found", partyEnded = "party_ended", partyFull = "party_full"
    case partyOtherShowtime = "party_other_showtime", notPartyMember = "not_party_member"
    case notLockOwner = "not_lock_owner", lockExpired = "lock_expired"
    case redisUnavailable = "redis_unavailable", databaseUnavailable = "database_unavailable", serverUnreachable = "server_unreachable"
    case internalError = "internal_error", tmuxFailed = "tmux_failed", serverFailed = "server_failed"
    case outcomeUnknown = "outcome_unknown"
    case invalidFixture = "invalid_fixture", unsafeRedis = "unsafe_redis", invalidConfiguration = "invalid_configuration"
    case listenFailed = "listen_failed", tmuxMissing = "tmux_missing"

    package var exitStatus: ExitStatus {
        switch self {
        case .invalidRequest, .unknownShowtime, .unknownSeat, .tooManySeats, .terminalUnavailable, .partyNotFound, .partyOtherShowtime:
            .invalidInput
        case .seatsUnavailable, .salesClosed, .salesNotOpen, .passRequired, .passInvalid, .passUsed, .passExpired, .partyEnded, .partyFull:
            .unavailable
        case .notLockOwner, .lockExpired, .notPartyMember: .notHeld
        case .redisUnavailable, .databaseUnavailable, .serverUnreachable: .serviceUnavailable
        case .internalError, .tmuxFailed, .serverFailed: .internalError
        case .outcomeUnknown: .outcomeUnknown
        case .invalidFixture, .unsafeRedis, .invalidConfiguration, .listenFailed, .tmuxMissing: .brokenConfiguration
        }
    }
}

extension SeatLockingError {
    /// The error's code, as the command line's table has it.
    package var failureCode: FailureCode { FailureCode(rawValue: code) ?? .internalError }

    /// How the command line exits after this failure.
    package var exitCode: Int32 { failureCode.exitStatus.rawValue }

    /// The message, with the command line's own advice where it has some.
    package var commandLineMessage: String {
        switch self {
        case let .unknownShowtime(id): "There is no showtime \(id); `cinebook showtimes` lists them."
        case let .outcomeUnknown(reason): Self.outcomeUnknownMessage(reason, retry: "run the same command again, which is safe and tells")
        default: message
        }
    }
}
