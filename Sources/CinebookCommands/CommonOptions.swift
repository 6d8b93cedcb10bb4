import ArgumentParser
import CinebookModel
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

    @Option(name: .customLong("redis-timeout"), help: ArgumentHelp("Seconds one operation may wait for Redis in all: connecting, answers and retries.", valueName: "seconds"))
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

    @Option(help: ArgumentHelp(
        "Hold rules by tier, and the tier of each user: a JSON file (see the README's \"Hold tiers\").",
        discussion: "Default: $CINEBOOK_TIERS, else tiers.json in $XDG_CONFIG_HOME/cinebook (~/.config/cinebook) if it exists, else none: everyone holds by the default rules.",
        valueName: "file"))
    package var tiers: String?

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

    /// The hold tiers of `--tiers`, `$CINEBOOK_TIERS` or the user's configuration folder;
    /// none when no file is named and the default one does not exist.
    package func holdTiers() throws(StartupError) -> HoldTiers {
        let environment = ProcessInfo.processInfo.environment
        let named = tiers ?? environment["CINEBOOK_TIERS"].flatMap { $0.isEmpty ? nil : $0 }
        let configuration = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config").path
        let path = named ?? configuration + "/cinebook/tiers.json"
        guard named != nil || FileManager.default.fileExists(atPath: path) else { return .none }
        do {
            return try HoldTiers(json: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as TiersError {
            throw StartupError(.invalidConfiguration, message: "The tiers file \(path) cannot be used: \(error).")
        } catch {
            throw StartupError(.invalidConfiguration, message: "The tiers file \(path) cannot be read.")
        }
    }

    /// The configured level, or `fallback` when none is set.
    package func level(default fallback: Logger.Level) -> Logger.Level {
        (logLevel ?? ProcessInfo.processInfo.environment["CINEBOOK_LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? fallback
    }
}

/// `--showtime ID`, for the commands about one showtime.
struct ShowtimeOption: ParsableArguments {
    @Option(help: ArgumentHelp("The showtime id (see `cinebook showtimes`).", valueName: "id"))
    var showtime: Int
}

/// `--json`: one JSON object on stdout instead of text.
package struct JSONOutput: ParsableArguments {
    package init() {}

    @Flag(help: "Print one JSON object instead of text.")
    package var json = false
}

/// `--showtime`, `--user`, the seats and `--json` of the seat commands.
struct SeatArguments: ParsableArguments {
    @OptionGroup var target: ShowtimeOption
    var showtime: Int { target.showtime }

    @Option(help: ArgumentHelp("Who holds the seats.", valueName: "name"))
    var user: String

    @Argument(help: ArgumentHelp("Seat codes such as A1 C7 (1 to \(LockPolicy.defaultMaximumSeatsPerUser)).", valueName: "seat"))
    var seats: [String] = []

    @Option(help: ArgumentHelp("Act for this party, as one of its members: the seats are the party's (`cinebook party`).", valueName: "code"))
    var party: PartyCodeArgument?

    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }
}
