import ArgumentParser
import CinebookModel
import CinebookWire
import Foundation
import SeatLocking

/// `cinebook queue`: a showtime's waiting room, as a moviegoer's script uses it.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Join a showtime's waiting room, or say where the user stands in it.",
        discussion: """
            Joining again keeps the place. Once it is the user's turn, the answer carries a pass: \
            lock with `cinebook lock --pass PASS` within its minute. With no room on, the showtime \
            is open and any lock goes through.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var target: ShowtimeOption
    @Option(help: ArgumentHelp("Who waits.", valueName: "name"))
    var user: String
    @Flag(help: "Only say where the user stands; do not join.")
    var look = false
    @Flag(help: "Leave the line, or give back an unused pass.")
    var leave = false
    @OptionGroup var output: JSONOutput

    func validate() throws {
        if look && leave { throw ValidationError("--look and --leave cannot go together.") }
    }

    func run() async throws {
        let (showtime, user, look, leave) = (target.showtime, user, look, leave)
        try await CommandRunner(options: common, json: output.json).runOperation { service in
            let standing = try await leave ? service.leaveRoom(showtime: showtime, user: user)
                : look ? service.roomStanding(showtime: showtime, user: user) : service.joinRoom(showtime: showtime, user: user)
            return Output(text: Text.standing(standing, in: service.catalog.showtime(showtime)?.timeZone ?? .utc), json: SeatLockingJSON.Standing(standing))
        }
    }
}

/// `cinebook room`: an operator opens a showtime's waiting room at a time, or closes it.
struct RoomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "room",
        abstract: "Open a showtime's waiting room at a time, or close it.",
        discussion: """
            --opens-at takes an ISO 8601 time, `now`, or `+SECONDS`. People who join before then wait \
            in a pre-queue, whose order is drawn at random when sales open. The time overrides the \
            showtime's sales_open_at. --close removes the room and everyone in it.
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var target: ShowtimeOption
    @Option(name: .customLong("opens-at"), help: ArgumentHelp("When sales open: an ISO 8601 time, now, or +SECONDS.", valueName: "time"))
    var opensAt: String?
    @Flag(help: "Remove the room and everyone in it.")
    var close = false
    @OptionGroup var output: JSONOutput

    func validate() throws {
        guard (opensAt != nil) != close else { throw ValidationError("Give --opens-at TIME or --close.") }
        if let opensAt, Self.time(opensAt, now: Date()) == nil {
            throw ValidationError("--opens-at '\(opensAt)' is not an ISO 8601 time like 2026-12-24T10:00:00Z, now, or +SECONDS.")
        }
    }

    static func time(_ text: String, now: Date) -> Date? {
        if text == "now" { return now }
        if text.hasPrefix("+"), let seconds = Int(text.dropFirst()), seconds >= 0 { return now.addingTimeInterval(Double(seconds)) }
        return SeatLockingJSON.date(fromTimestamp: text)
    }

    func run() async throws {
        let showtime = target.showtime
        let opening = opensAt.flatMap { Self.time($0, now: Date()) }
        try await CommandRunner(options: common, json: output.json).runOperation { service in
            if let opening {
                try await service.openRoom(showtime: showtime, at: opening)
                let zone = service.catalog.showtime(showtime)?.timeZone ?? .utc
                return Output(text: "Showtime \(showtime)'s waiting room is on; sales open at \(CinemaTime.day(opening, in: zone, zoneNamed: true)).",
                              json: ["ok": true])
            }
            try await service.closeRoom(showtime: showtime)
            return Output(text: "Showtime \(showtime)'s waiting room is closed.", json: ["ok": true])
        }
    }
}
