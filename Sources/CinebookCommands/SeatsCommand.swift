import ArgumentParser
import CinebookModel
import CinebookSupport
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
            Other people's choices appear as they happen. t starts a party: friends open the map with \
            --party CODE and choose with you, one hold for you all, each seat naming who sits in it. Logs go to cinebook.log in the state directory \
            ($XDG_STATE_HOME/cinebook or ~/.local/state/cinebook).

            With --api the map works through a cinebook server's HTTP API instead of Redis: you are whoever \
            your token (--token or $CINEBOOK_TOKEN) says, changes arrive over the server's event stream, and \
            the screen and keys are the same.
            """)

    @OptionGroup var common: CommonOptions
    @Option(help: ArgumentHelp("The showtime id (default: the first; see `cinebook showtimes`).", valueName: "id"))
    var showtime: Int?
    @Option(help: ArgumentHelp("Who you are (default: your login name).", valueName: "name"))
    var user: String?
    @Option(help: ArgumentHelp("Join this party and choose seats with its members (`t` in the map starts one).", valueName: "code"))
    var party: PartyCodeArgument?
    @Option(help: ArgumentHelp("Seconds between full reloads of the map; changes also arrive as they happen.", valueName: "seconds"))
    var poll: Double = 10
    @Option(help: ArgumentHelp("Use the seat map through the HTTP API of the cinebook server at this address.", valueName: "http://host:port"))
    var api: String?
    @Option(help: ArgumentHelp("With --api: your access token (default: $CINEBOOK_TOKEN).", valueName: "token"))
    var token: String?

    func validate() throws {
        guard poll >= 0.5, poll <= 3600 else { throw ValidationError("--poll must be from 0.5 to 3600 seconds.") }
        if let api {
            guard let url = URL(string: api), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--api must be a server address such as http://127.0.0.1:8080.")
            }
            guard user == nil else { throw ValidationError("With --api you are who your token says; leave out --user.") }
            guard accessToken != nil else {
                throw ValidationError("--api needs your access token: --token TOKEN or CINEBOOK_TOKEN (the cinema gives it to you).")
            }
        } else if token != nil {
            throw ValidationError("--token only applies with --api.")
        }
    }

    private var accessToken: String? {
        (token ?? ProcessInfo.processInfo.environment["CINEBOOK_TOKEN"]).flatMap { $0.isEmpty ? nil : $0 }
    }

    func run() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw StartupError(SeatMapError.notATerminal).reported
        }
        var runner = CommandRunner(options: common, json: false, holder: api == nil ? (user ?? LoginName.current) : nil)
        runner.defaultLogLevel = .info
        do {
            runner.logFile = try LogFile.standard(in: RedisLocator(timeouts: runner.timeouts).stateDirectory)
        } catch {
            throw error.reported
        }
        if let api {
            return try await ServerBuild.features().mapOverAPI(
                base: api, token: accessToken!, showtime: showtime, party: party?.code, poll: poll, runner: runner)
        }
        try await runner.run { service in
            let id = showtime ?? service.catalog.showtimes[0].id
            guard let chosen = service.catalog.showtime(id) else { throw SeatLockingError.unknownShowtime(id) }
            let name = try SeatLockingService.validatedUser(user ?? LoginName.current)
            return try await SeatMapSession.run(
                on: service, showtime: chosen, user: name, party: party?.code, policy: service.policy, source: .redis, poll: poll, runner: runner)
        }
    }
}

/// The seat map as a command runs it, on Redis or through a server's API.
package enum SeatMapSession {
    /// Runs the seat map until the user leaves, and says what it left behind. With `party`,
    /// the user joins it first: a wrong, ended or full code stops here, with its own exit status.
    package static func run(
        on operations: any SeatOperations, showtime: Showtime, user: String, party code: PartyCode? = nil, policy: LockPolicy,
        source: SeatMapSettings.Source, poll: Double, runner: CommandRunner
    ) async throws -> Output {
        var party: Party?
        if let code { party = try await operations.joinParty(code, showtime: showtime.id, user: user) }
        let app = SeatMapApp(
            operations: operations, showtime: showtime, user: user, party: party,
            settings: SeatMapSettings(pollInterval: .milliseconds(Int64(poll * 1000)), policy: policy, source: source),
            logger: Logger(label: "cinebook.seats"))
        do {
            let outcome = try await runner.logFile!.capturingStandardError { try await app.run() }
            let text = Text.farewell(outcome, showtime: showtime.id)
            return Output(text: text, json: text)
        } catch let error as SeatMapError {
            throw StartupError(error)
        }
    }
}

extension StartupError {
    /// The seat map cannot use this terminal.
    init(_ error: SeatMapError) {
        self.init(.terminalUnavailable, message: error.description)
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
    static func farewell(_ outcome: SeatMapState.Outcome, showtime: Int) -> String {
        var lines = outcome.bookings.map(booked)
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
