import ArgumentParser
import CinebookModel
import CinebookWire
import Foundation
import Logging
import SeatLocking
import SeatMapUI
import SeatRecords

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every seat of a showtime: available, occupied, locked or selected.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var target: ShowtimeOption
    var showtime: Int { target.showtime }
    @Option(help: ArgumentHelp("Show this user's seats as selected.", valueName: "name"))
    var user: String?
    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }

    func run() async throws {
        try await CommandRunner(options: common, json: json).runOperation { service in
            let status = try await service.status(showtime: showtime, viewer: user)
            // The viewer's own sales, from the database of record, are marked as theirs.
            var seats = Set<SeatCode>()
            if let viewer = status.viewer { seats = Set(try await service.bookings(showtime: showtime, user: viewer).flatMap(\.seats)) }
            return Output(text: SeatMapText.render(status, booked: seats), json: SeatLockingJSON.Status(status))
        }
    }
}

struct ShowtimesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "showtimes",
        abstract: "List the showtimes, or import showtime files into the database.",
        subcommands: [ShowtimesListCommand.self, ShowtimesImportCommand.self],
        defaultSubcommand: ShowtimesListCommand.self)
}

struct ShowtimesListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the showtimes (from the database; no Redis needed).")

    @OptionGroup var common: CommonOptions
    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }

    func run() async throws {
        try await CommandRunner(options: common, json: json).runOnCatalog { catalog in
            Output(text: Text.showtimes(catalog, now: Date()), json: SeatLockingJSON.Showtimes(catalog))
        }
    }
}

struct ShowtimesImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add showtime files to the database, or update the showtimes they name.",
        discussion: "A showtime whose new layout would lose a seat that is sold is refused, and nothing is imported (exit 2).")

    @OptionGroup var common: CommonOptions
    @Argument(help: ArgumentHelp("A showtime file, or a directory of them (*.json).", valueName: "file-or-dir"))
    var path: String
    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }

    func run() async throws {
        try await CommandRunner(options: common, json: json).runOnDatabase { records in
            let showtimes = try ShowtimeFiles.load(path)
            try await Catalog(showtimes: showtimes).save(into: records)
            return Output(
                text: "Imported \(showtimes.count) showtime\(showtimes.count == 1 ? "" : "s"): \(showtimes.map { String($0.id) }.joined(separator: ", ")).",
                json: SeatLockingJSON.Showtimes(Catalog(showtimes: showtimes)))
        }
    }
}

/// Showtime files named on the command line: one file, or every `*.json` of a directory.
enum ShowtimeFiles {
    static func load(_ path: String) throws(StartupError) -> [Showtime] {
        var isDirectory: ObjCBool = false
        let url = URL(fileURLWithPath: path)
        do {
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                return try Catalog.load(directory: url).showtimes
            }
            return [try Catalog.load(file: url)]
        } catch {
            throw StartupError(.invalidFixture, message: "Broken showtime file: \(error)")
        }
    }
}

struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Clean up after expired locks and announce them; keep the hold history.",
        discussion: """
            Removes index entries of expired locks and publishes an `expired` event per showtime, makes \
            Redis agree with the database of record (repairing what differs, as `cinebook reconcile` does), \
            then moves the hold history from Redis into the database (what `cinebook stats` reads). \
            Runs once, or with --every until interrupted; a failed pass is logged and retried.
            """)

    @OptionGroup var common: CommonOptions
    @Option(help: ArgumentHelp("Repeat every this many seconds until interrupted.", valueName: "seconds"))
    var every: Int?
    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }

    func validate() throws {
        if let every, every < 1 { throw ValidationError("--every must be at least 1 second.") }
    }

    func run() async throws {
        var runner = CommandRunner(options: common, json: json)
        guard let every else {
            try await runner.run { service in
                // A pass another process is running takes milliseconds: wait for it, then run ours.
                let deadline = ContinuousClock.now + SweepLock().ttl
                while true {
                    do {
                        let pass = try await Self.pass(service).completed()
                        return Output(
                            text: Text.swept(pass.swept, reconciled: pass.reconciled, archived: pass.archived),
                            json: SeatLockingJSON.Swept(pass.swept, reconciled: pass.reconciled, archived: pass.archived))
                    } catch SweepLock.Refusal.heldElsewhere {
                        guard ContinuousClock.now < deadline else {
                            throw SeatLockingError.redisUnavailable("another process has held the cleanup lock for \(SweepLock().ttl)")
                        }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                }
            }
            return
        }
        runner.defaultLogLevel = .info
        try await runner.run { service in
            let logger = Logger(label: "cinebook.sweep")
            while true {
                do {
                    let pass = try await Self.pass(service).completed()
                    print(json
                        ? SeatLockingJSON.encode(SeatLockingJSON.Swept(pass.swept, reconciled: pass.reconciled, archived: pass.archived))
                        : Text.swept(pass.swept, reconciled: pass.reconciled, archived: pass.archived))
                    fflush(nil)
                } catch SweepLock.Refusal.heldElsewhere {
                    logger.info("another process is running the cleanup pass; next try in \(every) s")
                } catch {
                    logger.warning("sweep failed; retrying in \(every) s", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(every))
            }
        }
    }

    /// The core's cleanup pass, as the server's passes run it: expired locks, reconciliation
    /// with the database, the hold history. A pass another process is running is not run
    /// twice.
    private static func pass(_ service: SeatLockingService) async throws -> CleanupReport {
        do throws(SweepLock.Refusal) {
            return try await service.cleanupPass()
        } catch {
            guard case let .unavailable(reason) = error else { throw error }
            throw SeatLockingError.redisUnavailable(reason)
        }
    }
}
