import CinebookModel
import SeatLocking

/// The command line's exit statuses, as the README's table lists them.
package enum ExitStatus {
    package static let invalidInput: Int32 = 2
    /// Taken by someone else, or sales closed.
    package static let unavailable: Int32 = 3
    /// The user does not hold the seats.
    package static let notHeld: Int32 = 4
    /// Redis, the server or the database is down; nothing was done.
    package static let redisUnavailable: Int32 = 69
    package static let internalError: Int32 = 70
    package static let outcomeUnknown: Int32 = 75
    package static let brokenConfiguration: Int32 = 78
}

extension SeatLockingError {
    /// How the command line exits after this failure.
    package var exitCode: Int32 {
        switch self {
        case .invalidRequest, .unknownShowtime, .unknownSeats, .tooManySeats: ExitStatus.invalidInput
        case .seatsUnavailable, .salesClosed: ExitStatus.unavailable
        case .notLockOwner, .lockExpired: ExitStatus.notHeld
        case .redisUnavailable, .serverUnreachable, .databaseUnavailable: ExitStatus.redisUnavailable
        case .outcomeUnknown: ExitStatus.outcomeUnknown
        case .internalError: ExitStatus.internalError
        }
    }

    /// The message, with the command line's own advice where it has some.
    package var commandLineMessage: String {
        switch self {
        case let .unknownShowtime(id): "There is no showtime \(id); `cinebook showtimes` lists them."
        case let .outcomeUnknown(reason): Self.outcomeUnknownMessage(reason, retry: "run the same command again, which is safe and tells")
        default: message
        }
    }
}
