import ArgumentParser
import CinebookModel
import CinebookWire
import SeatLocking
import SeatRecords

struct BestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "best",
        abstract: "Find the best available seats for a party, and optionally lock them.",
        discussion: """
            Offers up to three sets of exactly --count free seats, best first: together in one row \
            (split over rows straight behind each other, or across an aisle, only when no row has room), \
            never leaving a single seat stranded, centred and about two thirds back — or as close as \
            possible to --near. Premium seats only with --category premium; wheelchair places only with \
            --wheelchair. With --lock the best set still free is locked for --user (exit 3 when none is).
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var target: ShowtimeOption
    var showtime: Int { target.showtime }
    @Option(help: ArgumentHelp("How many seats, together (1 to \(LockPolicy.defaultMaximumSeatsPerUser)).", valueName: "n"))
    var count: Int
    @Option(help: ArgumentHelp("standard (default) or premium.", valueName: "category"))
    var category: String?
    @Flag(help: "One seat of the set is a wheelchair place.")
    var wheelchair = false
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Seats to sit close to, such as C7.", valueName: "seat"))
    var near: [String] = []
    @Option(help: ArgumentHelp("Who asks; their own seats count as taken. Needed with --lock.", valueName: "name"))
    var user: String?
    @Flag(help: "Lock the best set that is still free.")
    var lock = false
    @Option(help: ArgumentHelp("With --lock: seconds the lock lives unless extended (default \(LockPolicy.defaultTTL.components.seconds)).", valueName: "seconds"))
    var ttl: Int?
    @Option(help: ArgumentHelp("With --lock: the waiting room's pass, from `cinebook queue`.", valueName: "pass"))
    var pass: String?
    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }

    func validate() throws {
        let most = LockPolicy.defaultMaximumSeatsPerUser
        guard (1...most).contains(count) else { throw ValidationError("--count must be from 1 to \(most).") }
        if let category, SeatCategory(rawValue: category.lowercased()).map({ $0 != .wheelchair }) != true {
            throw ValidationError("--category must be standard or premium (use --wheelchair for a wheelchair place).")
        }
        if lock, user == nil { throw ValidationError("--lock needs --user NAME: the seats are locked for that user.") }
        if ttl != nil, !lock { throw ValidationError("--ttl only applies with --lock.") }
        if pass != nil, !lock { throw ValidationError("--pass only applies with --lock.") }
    }

    func run() async throws {
        try await CommandRunner(options: common, json: json, holder: user).runOperation { service in
            let wish = try service.wish(
                count: count, near: service.seatCodes(near), category: category.flatMap { SeatCategory(rawValue: $0.lowercased()) },
                wheelchair: wheelchair, showtime: showtime)
            if lock, let user {
                let grant = try await service.lockBest(wish, showtime: showtime, user: user, ttl: ttl.map { .seconds($0) }, pass: pass)
                return Output(text: Text.granted("Locked", grant, zone: service.catalog.timeZone(of: grant.showtimeID)), json: SeatLockingJSON.Grant(grant))
            }
            let best = try await service.best(wish, showtime: showtime, viewer: user)
            return Output(text: Text.best(best), json: SeatLockingJSON.Best(best))
        }
    }
}
