import ArgumentParser
import CinebookModel
import CinebookWire
import Foundation
import SeatLocking
import SeatRecords

/// `cinebook seat`: what an operator needs to know of a seat.
struct SeatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seat",
        abstract: "Inspect seats: who holds each, since and until when, with which token; or its booking.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var target: OperatorSeats

    func run() async throws {
        try await CommandRunner(options: common, json: target.json).runOperation { service in
            let (inspections, now) = try await service.inspect(service.seatCodes(target.seats), showtime: target.showtime)
            return Output(
                text: Text.inspected(inspections, showtime: target.showtime, zone: service.catalog.timeZone(of: target.showtime), now: now),
                json: SeatLockingJSON.Inspection(showtime: target.showtime, inspections, serverTime: now))
        }
    }
}

/// `cinebook release --force`: an operator ends stuck holds, whoever has them.
struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release seats whoever holds them (an operator's tool; needs --force).",
        discussion: """
            Each hold ends as if its holder had released it: every open seat map sees it free at once, \
            and the hold history records it. Sold seats and seats being booked are left alone. The release \
            is logged with the operator's name (--operator, else $USER). A user releases their own seats \
            with `cinebook unlock`.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var target: OperatorSeats
    @Flag(help: "Release other people's holds: required, as a reminder that this is not `unlock`.")
    var force = false
    @Option(help: ArgumentHelp("Who releases them, for the log (default: $USER).", valueName: "name"))
    var `operator`: String?

    func validate() throws {
        guard force else {
            throw ValidationError("release ends other people's holds; add --force to do so (a user releases their own with `cinebook unlock`).")
        }
    }

    func run() async throws {
        let name = `operator` ?? ProcessInfo.processInfo.environment["USER"] ?? "operator"
        var runner = CommandRunner(options: common, json: target.json)
        runner.defaultLogLevel = .notice
        try await runner.runOperation { service in
            let release = try await service.forceRelease(service.seatCodes(target.seats), showtime: target.showtime, by: name)
            return Output(text: Text.forced(release), json: SeatLockingJSON.Forced(release))
        }
    }
}

/// `--showtime`, the seats and `--json` of the operator's commands: any user's seats.
struct OperatorSeats: ParsableArguments {
    @OptionGroup var target: ShowtimeOption
    var showtime: Int { target.showtime }
    @Argument(help: ArgumentHelp("Seat codes such as A1 C7 (1 to \(LockPolicy.defaultMaximumSeatsPerUser)).", valueName: "seat"))
    var seats: [String] = []
    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }
}
