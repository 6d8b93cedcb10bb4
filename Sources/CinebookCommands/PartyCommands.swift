import ArgumentParser
import CinebookModel
import CinebookWire
import Foundation
import SeatLocking

/// `cinebook party`: people who choose seats for one showtime together.
struct PartyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "party",
        abstract: "Choose seats together: start a party, join one with its code, see it, or leave it.",
        discussion: """
            A party holds its seats as one: any member's pick is the party's (`cinebook lock --party CODE`), \
            one TTL that any member's activity extends, one seat limit, and each seat names who sits in it. \
            Any member can book the party's seats. Leaving gives back your own seats; the last one to leave \
            gives back the rest.
            """,
        subcommands: [Start.self, Join.self, Show.self, Sit.self, Swap.self, Leave.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a party and get its code to read aloud.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var member: PartyMemberArguments

        func run() async throws {
            try await member.answer(common, joining: true) { service, showtime, user throws(SeatLockingError) in try await service.startParty(showtime: showtime, user: user) }
        }
    }

    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Join a party with its code.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var member: PartyMemberArguments
        @Argument(help: ArgumentHelp("The party's code, such as FERN-427.", valueName: "code"))
        var code: PartyCodeArgument

        func run() async throws {
            let code = code.code
            try await member.answer(common) { service, showtime, user throws(SeatLockingError) in try await service.joinParty(code, showtime: showtime, user: user) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a party you are in: its members, and who sits where.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var member: PartyMemberArguments
        @Argument(help: ArgumentHelp("The party's code.", valueName: "code"))
        var code: PartyCodeArgument

        func run() async throws {
            let code = code.code
            try await member.answer(common) { service, showtime, user throws(SeatLockingError) in try await service.party(code, showtime: showtime, user: user) }
        }
    }

    struct Sit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sit in one of the party's seats, in place of whoever sat there.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var member: PartyMemberArguments
        @Argument(help: ArgumentHelp("The party's code.", valueName: "code"))
        var code: PartyCodeArgument
        @Argument(help: ArgumentHelp("One of the party's seats.", valueName: "seat"))
        var seat: String

        func run() async throws {
            let (code, seat) = (code.code, seat)
            try await member.answer(common) { service, showtime, user throws(SeatLockingError) in
                try await service.sit(in: try service.seatCodes([seat]).first!, party: code, showtime: showtime, user: user)
            }
        }
    }

    struct Swap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Swap the people in two of the party's seats, in one step.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var member: PartyMemberArguments
        @Argument(help: ArgumentHelp("The party's code.", valueName: "code"))
        var code: PartyCodeArgument
        @Argument(help: ArgumentHelp("Two of the party's seats.", valueName: "seat"))
        var seats: [String]

        func validate() throws {
            guard seats.count == 2 else { throw ValidationError("Name two seats to swap.") }
        }

        func run() async throws {
            let (code, seats) = (code.code, seats)
            try await member.answer(common) { service, showtime, user throws(SeatLockingError) in
                let codes = try service.seatCodes(seats)
                return try await service.swap(codes[0], codes[1], party: code, showtime: showtime, user: user)
            }
        }
    }

    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Leave a party, giving back the seats you sit in.")

        @OptionGroup var common: CommonOptions
        @OptionGroup var member: PartyMemberArguments
        @Argument(help: ArgumentHelp("The party's code.", valueName: "code"))
        var code: PartyCodeArgument

        func run() async throws {
            let (showtime, user, code) = (member.showtime, member.user, code.code)
            try await CommandRunner(options: common, json: member.json).runOperation { service in
                let departure = try await service.leaveParty(code, showtime: showtime, user: user)
                return Output(text: Text.departure(departure, code: code), json: SeatLockingJSON.PartyDeparture(departure))
            }
        }
    }
}

/// `--showtime`, `--user` and `--json` of the party commands.
struct PartyMemberArguments: ParsableArguments {
    @OptionGroup var target: ShowtimeOption
    var showtime: Int { target.showtime }

    @Option(help: ArgumentHelp("Who you are.", valueName: "name"))
    var user: String

    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }

    /// Runs `act` for this member and answers with the party it leaves.
    func answer(
        _ common: CommonOptions, joining: Bool = false,
        _ act: @escaping @Sendable (SeatLockingService, Int, String) async throws(SeatLockingError) -> Party
    ) async throws {
        let (showtime, user) = (showtime, user)
        try await CommandRunner(options: common, json: json).runOperation { service in
            let party = try await act(service, showtime, user)
            return Output(text: Text.party(party, joining: joining), json: SeatLockingJSON.Party(party))
        }
    }
}

/// A party code as typed: any case, with or without its dash.
struct PartyCodeArgument: ExpressibleByArgument {
    let code: PartyCode

    init?(argument: String) {
        guard let code = PartyCode(argument) else { return nil }
        self.code = code
    }

    static var defaultValueDescription: String { "a word and three digits, such as FERN-427" }
}
