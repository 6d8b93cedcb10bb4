import ArgumentParser
import CinebookModel
import CinebookWire
import Foundation
import SeatLocking
import SeatMapUI

/// `cinebook house`: seats the cinema keeps back from sale, for the press, guests, or
/// people who book a wheelchair space by phone.
struct HouseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "house",
        abstract: "Keep seats back for the house (press, guests), list them, give them back to sale, or book them for a guest.",
        discussion: """
            Seats kept back are in the database of record, as sales are: nobody can lock, release or book them, \
            the sweep never touches them, best available never offers them, and they survive anything that \
            happens to Redis. Moviegoers see them as not available. A hold ends by itself at its --until \
            (a time, or sales-open: when sales to the public open), or, without --until, when an operator \
            releases it.
            """,
        subcommands: [Hold.self, List.self, Release.self, Book.self])

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Keep seats back for the house, all or none.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var house: HouseArguments
        @Option(help: ArgumentHelp("What the seats are kept back for, such as press.", valueName: "label"))
        var label: HouseLabelArgument
        @Option(help: ArgumentHelp(
            "When they go back to sale by themselves: 18:00, 2026-12-07 18:00, an ISO 8601 time, or sales-open (default: when an operator releases them).",
            valueName: "when"))
        var until: String?

        func run() async throws {
            let (house, label, until) = (house, label.label, until)
            try await CommandRunner(options: common, json: house.json).runOperation { service in
                guard let showtime = service.catalog.showtime(house.showtime) else { throw SeatLockingError.unknownShowtime(house.showtime) }
                let end = try HouseHoldEnd.typed(until, for: showtime, now: Date())
                let hold = try await service.holdForHouse(
                    try service.seatCodes(house.seats), showtime: house.showtime, label: label, until: end, by: house.operatorName)
                return Output(text: Text.houseHeld(hold, in: showtime), json: SeatLockingJSON.HouseHold(hold))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The showtime's seats kept back by the house, on its map and one hold per line.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var target: ShowtimeOption
        @OptionGroup var output: JSONOutput

        func run() async throws {
            let id = target.showtime
            try await CommandRunner(options: common, json: output.json).runOperation { service in
                let holds = try await service.houseHolds(showtime: id)
                let status = try await service.houseStatus(showtime: id)
                let lines = [SeatMapText.render(status), ""] + (holds.isEmpty ? ["Nothing is kept back by the house."] : holds.map { Text.houseHold($0, in: status.showtime) })
                return Output(text: lines.joined(separator: "\n"), json: SeatLockingJSON.HouseHolds(showtime: id, holds))
            }
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give seats kept back by the house back to sale: the seats named, or every seat of --label.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var house: HouseArguments
        @Option(help: ArgumentHelp("The hold whose seats to give back (all of them, when no seat is named).", valueName: "label"))
        var label: HouseLabelArgument?

        func run() async throws {
            let (house, label) = (house, label?.label)
            try await CommandRunner(options: common, json: house.json).runOperation { service in
                let release = try await service.releaseHouse(
                    try service.seatCodes(house.seats), label: label, showtime: house.showtime, by: house.operatorName)
                return Output(text: Text.released(release), json: SeatLockingJSON.Released(release))
            }
        }
    }

    struct Book: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Book seats kept back by the house for a named guest: the seats named, or every seat of --label.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var house: HouseArguments
        @Option(help: ArgumentHelp("The hold whose seats to book (all of them, when no seat is named).", valueName: "label"))
        var label: HouseLabelArgument?
        @Option(help: ArgumentHelp("Whom the booking is for.", valueName: "name"))
        var guest: String

        func run() async throws {
            let (house, label, guest) = (house, label?.label, guest)
            try await CommandRunner(options: common, json: house.json).runOperation { service in
                let booking = try await service.bookForGuest(
                    try service.seatCodes(house.seats), label: label, guest: guest, showtime: house.showtime, by: house.operatorName)
                return Output(text: Text.booked(booking), json: SeatLockingJSON.Booked(booking))
            }
        }
    }
}

/// `--showtime`, the seats, `--by` and `--json` of the house commands.
struct HouseArguments: ParsableArguments {
    @OptionGroup var target: ShowtimeOption
    var showtime: Int { target.showtime }

    @Argument(help: ArgumentHelp("Seat codes such as A1 C7.", valueName: "seat"))
    var seats: [String] = []

    @Option(help: ArgumentHelp("The operator doing it, for the hold history (default: your login name).", valueName: "name"))
    var by: String?
    var operatorName: String { by ?? LoginName.current }

    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }
}

/// A house hold's label as typed.
struct HouseLabelArgument: ExpressibleByArgument {
    let label: HouseLabel

    init?(argument: String) {
        guard let label = HouseLabel(argument) else { return nil }
        self.label = label
    }

    static var defaultValueDescription: String {
        "1 to \(HouseLabel.maximumLength) letters, digits, spaces, - _ or ., such as press"
    }
}

extension Text {
    static func houseHeld(_ hold: HouseHold, in showtime: Showtime) -> String {
        "Kept back \(hold.seats.joined(separator: " ")) for the house in showtime \(hold.showtimeID): \(houseHold(hold, in: showtime))"
    }

    /// `"press" A1 A2, until Mon 7 Dec 18:00 GMT, by ops (hold 12)`.
    static func houseHold(_ hold: HouseHold, in showtime: Showtime) -> String {
        let until = switch hold.end {
        case let .at(date): "until \(CinemaTime.day(date, in: showtime.timeZone, zoneNamed: true))"
        case let .salesOpen(date): "until sales open, \(CinemaTime.day(date, in: showtime.timeZone, zoneNamed: true))"
        case .released: "until an operator releases it"
        }
        return "\"\(hold.label)\" \(hold.seats.joined(separator: " ")), \(until), by \(hold.heldBy) (hold \(hold.id))."
    }
}
