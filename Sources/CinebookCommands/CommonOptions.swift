import ArgumentParser
import Foundation
import Logging
import SeatLocking
import SeatRecords

/// Options every command takes.
package struct CommonOptions: ParsableArguments {
    package init() {}

    @Option(help: ArgumentHelp(
        "Redis to use: redis://[:password@]host:port[/db], unix:///path/redis.sock, or seed nodes of a Redis Cluster: redis://host1:port1,host2:port2.",
        discussion: "A cluster is recognised by itself. Default: $REDIS_URL, else 127.0.0.1:6379 if it answers, else cinebook's own Redis.",
        valueName: "url"))
    package var redis: String?

    @Option(name: .customLong("redis-timeout"), help: ArgumentHelp("Seconds to wait for Redis to connect and to answer.", valueName: "seconds"))
    package var redisTimeout: Double = 1

    @Option(help: ArgumentHelp(
        "Database of record: sqlite:///path/file.sqlite or postgres://user[:password]@host:port/db.",
        discussion: "Default: $CINEBOOK_DATABASE_URL, else cinebook.sqlite in cinebook's state directory.",
        valueName: "url"))
    package var database: String?

    @Option(help: ArgumentHelp(
        "Showtime files that seed a new database. Default: $CINEBOOK_FIXTURES, else the Fixtures folder of the installation.",
        valueName: "dir"))
    package var fixtures: String?

    @Option(name: .customLong("log-level"), help: ArgumentHelp(
        "trace, debug, info, notice, warning, error or critical. Default: $CINEBOOK_LOG_LEVEL, else quiet.",
        valueName: "level"))
    package var logLevel: String?

    package func validate() throws {
        guard redisTimeout > 0, redisTimeout <= 60 else {
            throw ValidationError("--redis-timeout must be more than 0 and at most 60 seconds.")
        }
        if let level = logLevel ?? ProcessInfo.processInfo.environment["CINEBOOK_LOG_LEVEL"], Logger.Level(rawValue: level) == nil {
            throw ValidationError("Unknown log level '\(level)'; use trace, debug, info, notice, warning, error or critical.")
        }
    }

    /// The configured level, or `fallback` when none is set.
    package func level(default fallback: Logger.Level) -> Logger.Level {
        (logLevel ?? ProcessInfo.processInfo.environment["CINEBOOK_LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? fallback
    }
}

/// `--showtime`, `--user`, the seats and `--json` of the seat commands.
struct SeatArguments: ParsableArguments {
    @Option(help: ArgumentHelp("The showtime id (see `cinebook showtimes`).", valueName: "id"))
    var showtime: Int

    @Option(help: ArgumentHelp("Who holds the seats.", valueName: "name"))
    var user: String

    @Argument(help: ArgumentHelp("Seat codes such as A1 C7 (1 to \(LockPolicy.defaultMaximumSeatsPerUser)).", valueName: "seat"))
    var seats: [String] = []

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    /// The seats as typed, each made a seat code (or refused with exit 2).
    var codes: [SeatCode] { get throws(SeatLockingError) { try SeatCode.parse(seats) } }
}

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
        case let .outcomeUnknown(reason): Self.outcomeUnknown(reason, retry: "run the same command again, which is safe and tells")
        default: message
        }
    }
}
