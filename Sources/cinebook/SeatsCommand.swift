import ArgumentParser
import Foundation
import Logging
import SeatLocking
import SeatMapUI

struct SeatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seats",
        abstract: "Pick seats on the interactive seat map.",
        discussion: """
            Arrows or h j k l move, Space or Enter selects or releases a seat (it is locked for you at once), \
            b books your seats, r refreshes, ? lists every key, q quits and releases your seats. \
            Other people's choices appear as they happen. Logs go to cinebook.log in the state directory \
            ($XDG_STATE_HOME/cinebook or ~/.local/state/cinebook).
            """)

    @OptionGroup var common: CommonOptions
    @Option(help: ArgumentHelp("The showtime id (default: the first; see `cinebook showtimes`).", valueName: "id"))
    var showtime: Int?
    @Option(help: ArgumentHelp("Who you are (default: your login name).", valueName: "name"))
    var user: String?
    @Option(help: ArgumentHelp("Seconds between full reloads of the map; changes also arrive as they happen.", valueName: "seconds"))
    var poll: Double = 10

    func validate() throws {
        guard poll >= 0.5, poll <= 3600 else { throw ValidationError("--poll must be from 0.5 to 3600 seconds.") }
    }

    func run() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            FileHandle.standardError.write(Data("cinebook: \(SeatMapError.notATerminal)\n".utf8))
            throw ExitCode(ExitStatus.invalidInput)
        }
        var runner = CommandRunner(options: common, json: false)
        runner.defaultLogLevel = .info
        do {
            runner.logFile = try LogFile.standard(in: RedisLocator(timeouts: runner.timeouts).stateDirectory)
        } catch {
            FileHandle.standardError.write(Data("cinebook: \(error.message)\n".utf8))
            throw ExitCode(error.exitCode)
        }
        try await runner.run { service in
            let id = showtime ?? service.catalog.showtimes[0].id
            guard let chosen = service.catalog.showtime(id) else { throw SeatLockingError.unknownShowtime(id) }
            let name = try SeatLockingService.validatedUser(user ?? LoginName.current)
            let app = SeatMapApp(
                service: service, showtime: chosen, user: name,
                settings: SeatMapSettings(pollInterval: .milliseconds(Int64(poll * 1000)), policy: service.policy),
                logger: Logger(label: "cinebook.seats"))
            do {
                let outcome = try await runner.logFile!.capturingStandardError { try await app.run() }
                let text = Text.farewell(outcome, user: name, showtime: id)
                return Output(text: text, json: text)
            } catch let error as SeatMapError {
                throw StartupError(code: "terminal_unavailable", message: error.description, exitCode: ExitStatus.invalidInput)
            }
        }
    }
}

enum LoginName {
    /// `$USER`, else `$LOGNAME`, else the name of the user id, else "guest".
    static var current: String {
        let environment = ProcessInfo.processInfo.environment
        for key in ["USER", "LOGNAME"] {
            if let name = environment[key], !name.isEmpty { return name }
        }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "guest"
    }
}

extension Text {
    /// What the seat map leaves on the terminal when it closes.
    static func farewell(_ outcome: SeatMapState.Outcome, user: String, showtime: Int) -> String {
        var lines = outcome.bookings.map { booking in
            "Booked \(booking.seats.joined(separator: " ")) for \(user) in showtime \(showtime): booking \(booking.id)."
        }
        if !outcome.released.isEmpty {
            lines.append("Released \(outcome.released.joined(separator: " ")) in showtime \(showtime).")
        }
        if !outcome.unreleased.isEmpty {
            let reason = outcome.failure.map { " (\($0.message))" } ?? ""
            lines.append("""
                Could not release \(outcome.unreleased.joined(separator: " "))\(reason); \
                the holds end by themselves when they expire.
                """)
        }
        return lines.isEmpty ? "No seats were held in showtime \(showtime)." : lines.joined(separator: "\n")
    }
}
