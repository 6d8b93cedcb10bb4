import ArgumentParser
import CinebookModel
import CinebookWire
import SeatLocking

struct BookingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bookings",
        abstract: "List bookings from the database of record.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var target: ShowtimeOption
    var showtime: Int { target.showtime }
    @Option(help: ArgumentHelp("Only this user's bookings.", valueName: "name"))
    var user: String?
    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }

    func run() async throws {
        try await CommandRunner(options: common, json: json).run { service in
            let bookings = try await service.bookings(showtime: showtime, user: user)
            return Output(text: Text.bookings(bookings), json: SeatLockingJSON.Bookings(bookings))
        }
    }
}

struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare Redis with the database of record; with --repair, make Redis agree.",
        discussion: """
            Reports, per showtime: seats sold in the database but not in Redis, seats sold in Redis but in no \
            booking, bookings interrupted between the two stores, and locks on sold seats. The database wins. \
            Exit 0 when Redis agrees (or was repaired), 1 when differences remain.
            """)

    @OptionGroup var common: CommonOptions
    @Option(help: ArgumentHelp("Only this showtime.", valueName: "id"))
    var showtime: Int?
    @Flag(help: "Fix every difference found.")
    var repair = false
    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }

    func run() async throws {
        var consistent = true
        try await CommandRunner(options: common, json: json).run { service in
            let reports = if let showtime {
                [try await service.reconcile(showtime: showtime, repair: repair)]
            } else {
                try await service.reconcile(repair: repair)
            }
            consistent = reports.allSatisfy { $0.isConsistent || $0.repaired }
            return Output(text: Text.reconciled(reports), json: SeatLockingJSON.Reconciled(reports))
        }
        if !consistent { throw ExitCode.failure }
    }
}
