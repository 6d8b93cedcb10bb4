import ArgumentParser
import Foundation
import Logging
import SeatLocking

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every seat of a showtime: available, occupied, locked or selected.")

    @OptionGroup var common: CommonOptions
    @Option(help: ArgumentHelp("The showtime id (see `cinebook showtimes`).", valueName: "id"))
    var showtime: Int
    @Option(help: ArgumentHelp("Show this user's seats as selected.", valueName: "name"))
    var user: String?
    @Flag(help: "Print one JSON object instead of the seat map.")
    var json = false

    func run() async throws {
        try await CommandRunner(options: common, json: json).run { service in
            let status = try await service.status(showtime: showtime, viewer: user)
            return Output(text: SeatMapText.render(status), json: SeatLockingJSON.Status(status))
        }
    }
}

struct ShowtimesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "showtimes",
        abstract: "List the showtimes (no Redis needed).")

    @OptionGroup var common: CommonOptions
    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func run() async throws {
        let runner = CommandRunner(options: common, json: json)
        do {
            let catalog = try runner.loadCatalog()
            print(json ? SeatLockingJSON.encode(SeatLockingJSON.Showtimes(catalog)) : Text.showtimes(catalog))
        } catch {
            if json {
                print(SeatLockingJSON.encode(SeatLockingJSON.Failure(code: error.code, message: error.message)))
            } else {
                FileHandle.standardError.write(Data("cinebook: \(error.message)\n".utf8))
            }
            throw ExitCode(error.exitCode)
        }
    }
}

struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Clean up after expired locks and announce them.",
        discussion: """
            Removes index entries of expired locks and publishes an `expired` event per showtime. \
            Runs once, or with --every until interrupted; a failed pass is logged and retried.
            """)

    @OptionGroup var common: CommonOptions
    @Option(help: ArgumentHelp("Repeat every this many seconds until interrupted.", valueName: "seconds"))
    var every: Int?
    @Flag(help: "Print one JSON object per pass instead of text.")
    var json = false

    func validate() throws {
        if let every, every < 1 { throw ValidationError("--every must be at least 1 second.") }
    }

    func run() async throws {
        var runner = CommandRunner(options: common, json: json)
        guard let every else {
            try await runner.run { service in
                let report = try await service.sweep()
                return Output(text: Text.swept(report), json: SeatLockingJSON.Swept(report))
            }
            return
        }
        runner.defaultLogLevel = .info
        try await runner.run { service in
            let logger = Logger(label: "cinebook.sweep")
            while true {
                do {
                    let report = try await service.sweep()
                    print(json ? SeatLockingJSON.encode(SeatLockingJSON.Swept(report)) : Text.swept(report))
                    fflush(nil)
                } catch {
                    logger.warning("sweep failed; retrying in \(every) s", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: .seconds(every))
            }
        }
    }
}
