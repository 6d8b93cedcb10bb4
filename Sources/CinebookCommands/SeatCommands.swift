import ArgumentParser
import CinebookModel
import CinebookWire
import Foundation
import SeatLocking

struct LockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Lock seats for a user, all or nothing.",
        discussion: """
            Seats the user already holds get a fresh TTL. If any seat is sold or held by someone else, \
            nothing is locked and the answer suggests free seats instead (exit 3).
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var request: SeatArguments
    @Option(help: ArgumentHelp("Seconds the lock lives unless extended (default \(LockPolicy.defaultTTL.components.seconds)).", valueName: "seconds"))
    var ttl: Int?
    @Flag(help: "If the seats were just taken, hold the nearest equivalent block instead, in the same step.")
    var orNearest = false
    @Option(help: ArgumentHelp("The waiting room's pass, from `cinebook queue`, for a showtime whose room is on.", valueName: "pass"))
    var pass: String?

    func run() async throws {
        let (orNearest, pass) = (orNearest, pass)
        try await request.grant("Locked", .lock, ttl: ttl, common: common) { service in
            { seats, showtime, user, party, ttl throws(SeatLockingError) in
                try await service.lock(seats, showtime: showtime, user: user, party: party, ttl: ttl, orNearest: orNearest, pass: pass)
            }
        }
    }
}

struct UnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Release seats the user holds.",
        discussion: "Seats the user does not hold are left alone; releasing twice is fine.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var request: SeatArguments

    func run() async throws {
        try await CommandRunner(options: common, json: request.json, holder: request.user).runOperation { service in
            let release = try await service.unlock(
                service.seatCodes(request.seats, for: .unlock), showtime: request.showtime, user: request.user, party: request.party?.code)
            return Output(text: Text.released(release), json: SeatLockingJSON.Released(release))
        }
    }
}

struct ExtendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend",
        abstract: "Give seats the user holds a fresh TTL, all or nothing.",
        discussion: "An expired lock is not recreated (exit 4); no hold grows past the maximum hold time.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var request: SeatArguments
    @Option(help: ArgumentHelp("Seconds from now the lock lives (default \(LockPolicy.defaultTTL.components.seconds)).", valueName: "seconds"))
    var ttl: Int?

    func run() async throws {
        try await request.grant("Extended", .extend, ttl: ttl, common: common) { $0.extend }
    }
}

struct BookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Book seats the user holds: they are sold for good.",
        discussion: "Every seat must still be held by the user; otherwise nothing is booked (exit 4).")

    @OptionGroup var common: CommonOptions
    @OptionGroup var request: SeatArguments

    func run() async throws {
        try await CommandRunner(options: common, json: request.json, holder: request.user).runOperation { service in
            let booking = try await service.book(
                service.seatCodes(request.seats, for: .book), showtime: request.showtime, user: request.user, party: request.party?.code)
            return Output(text: Text.booked(booking), json: SeatLockingJSON.Booked(booking))
        }
    }
}

extension SeatArguments {
    /// A lock or an extension of these seats (`operation` of the service, for `ttl`
    /// seconds), reported as `verb` and its grant.
    func grant(
        _ verb: String, _ counted: SeatMetrics.Operation, ttl: Int?, common: CommonOptions,
        _ operation: @escaping (SeatLockingService) -> ([SeatCode], Int, String, PartyCode?, Duration?) async throws(SeatLockingError) -> LockGrant
    ) async throws {
        try await CommandRunner(options: common, json: json, holder: user).runOperation { service in
            let grant = try await operation(service)(service.seatCodes(seats, for: counted), showtime, user, party?.code, ttl.map { .seconds($0) })
            return Output(text: Text.granted(verb, grant, zone: service.catalog.timeZone(of: grant.showtimeID)), json: SeatLockingJSON.Grant(grant))
        }
    }
}
