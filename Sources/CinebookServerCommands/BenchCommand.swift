import ArgumentParser
import CinebookCommands
import CinebookModel
import CinebookSupport
import CinebookWire
import Foundation
import RedisClient
import SeatAPI
import SeatAPIClient
import SeatBench
import SeatLocking

package struct BenchCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: ServerCommandHelp.bench,
        discussion: """
            Users pick 1–6 seats near a preferred spot, lock them (or a suggested alternative), sometimes \
            extend, then book or release. The run measures each operation's latency (HdrHistogram) next to \
            a bare PING, a trivial EVALSHA and a bare SET of the same run, then verifies from Redis and from \
            its own log of grants that no seat was held or sold twice. It plays on showtime ids of its own \
            and removes their keys afterwards. Exit 1 if an invariant was violated.
            """)

    package init() {}

    @OptionGroup var common: CommonOptions

    @Option(help: "Virtual users.")
    var users = 50

    @Option(help: "Showtimes the users spread over.")
    var showtimes = 1

    @Option(help: ArgumentHelp("Share a pool of this many Redis connections (default: one per user).", valueName: "n"))
    var connections: Int?

    @Option(help: ArgumentHelp("Run for this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("Stop after this many operations instead.", valueName: "n"))
    var operations: Int?

    @Option(help: "Share of picks aimed at the best seats of the house, 0 to 1 (more contention).")
    var hotspot = 0.5

    @Option(help: ArgumentHelp("Every pick exactly this many seats (default: 1 to 6, mostly pairs).", valueName: "seats"))
    var party: Int?

    @Option(name: .customLong("book-rate"), help: "Share of held picks that are booked rather than released.")
    var bookRate = 0.1

    @Option(help: ArgumentHelp(
        "Share of visits made by three friends choosing as one party (cinebook party), 0 to 1.", valueName: "share"))
    var together = 0.0

    @Option(help: ArgumentHelp(
        "Seats the house keeps back on each performance as it opens (the best ones), 0 to \(LockPolicy.defaultMaximumSeatsPerUser); never on --target.",
        valueName: "seats"))
    var house = 0

    @Option(name: .customLong("think"), help: ArgumentHelp(
        "Mean pause of each user before an operation, in milliseconds, as people take between clicks (default 0: as fast as answers come).",
        valueName: "ms"))
    var thinkMilliseconds = 0.0

    @Option(help: ArgumentHelp("Layout to copy (default: the largest showtime).", valueName: "id"))
    var showtime: Int?

    @Option(help: ArgumentHelp("Set Redis's appendfsync (always, everysec or no) for the run, then restore it.", valueName: "mode"))
    var appendfsync: String?

    @Option(help: ArgumentHelp(
        "Send the load through the HTTP API at this address (http://HOST:PORT) instead of the core. Tokens are minted with $CINEBOOK_SECRET; the server should run with --rate-limit 0.",
        valueName: "url"))
    var target: String?

    @Flag(help: "With --target: empty the played showtimes (of the server's catalog) before and after the run.")
    var reset = false

    @Flag(help: "Time the best-available engine alone instead (no Redis): random occupancies of the layout.")
    var suggestions = false

    @Option(help: ArgumentHelp("With --suggestions: share of seats taken, 0 to 1.", valueName: "share"))
    var occupancy = 0.5

    @Option(help: ArgumentHelp(
        "Hold this many event streams (SSE) open on the server at --target and time how fast seat changes reach all of them.",
        valueName: "streams"))
    var sse: Int?

    @Option(help: ArgumentHelp("With --sse: seat changes to time (a seat locked, then released, and so on).", valueName: "n"))
    var changes = 10

    @Option(name: .customLong("server-pid"), help: ArgumentHelp(
        "With --sse: the server's process id, to report its memory per idle stream (same machine).", valueName: "pid"))
    var serverPID: Int32?

    @Option(name: .customLong("floor-samples"), help: ArgumentHelp(
        "Round trips timed for each floor (PING, a trivial script, SET) before the load; fewer start a short run sooner.", valueName: "n"))
    var floorSamples = BenchConfiguration.defaultFloorSamples

    @Flag(help: "Time a lock over the showtime's WebSocket against a lock over HTTP, on the server at --target (run it with --rate-limit 0); --operations locks each way (default 2000).")
    var socket = false

    @Flag(help: "An on-sale rush instead: people arrive, look at the live map, pick the best free block for their party, click, and take the first suggestion when they lose (up to four tries).")
    var rush = false

    @Option(help: ArgumentHelp("With --rush: people arriving.", valueName: "n"))
    var arrivals = 120

    @Option(name: .customLong("arrivals-over"), help: ArgumentHelp("With --rush: seconds over which they arrive.", valueName: "seconds"))
    var arrivalsOver = 30.0

    @Option(help: ArgumentHelp(
        "With --rush: play the crowd with the mechanisms (seats being chosen shown; one click holds the nearest block) on, off, both in turn, or each one alone too (the same crowd, side by side).",
        valueName: "on|off|both|each"))
    var mechanisms = "both"

    @Flag(help: "With --rush: the plays with mechanisms on sell through the showtime's waiting room, opened a tenth of the way into the arrivals (at most 5 s); with --mechanisms each, the room is also played alone.")
    var room = false

    @Option(help: ArgumentHelp("With --rush: the seed the crowd is drawn from (default: random).", valueName: "n"))
    var seed: UInt64?

    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }

    package func validate() throws {
        guard users >= 1, users <= 20_000 else { throw ValidationError("--users must be from 1 to 20000.") }
        guard showtimes >= 1, showtimes <= 1000 else { throw ValidationError("--showtimes must be from 1 to 1000.") }
        if let connections, connections < 1 { throw ValidationError("--connections must be at least 1.") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be more than 0 seconds.") }
        let most = LockPolicy.defaultMaximumSeatsPerUser
        if let party, !(1...most).contains(party) { throw ValidationError("--party must be from 1 to \(most).") }
        if let operations, operations < 1 { throw ValidationError("--operations must be at least 1.") }
        if duration != nil && operations != nil { throw ValidationError("Give --duration or --operations, not both.") }
        guard (0...1).contains(hotspot), (0...1).contains(bookRate), (0...1).contains(together) else {
            throw ValidationError("--hotspot, --book-rate and --together are shares from 0 to 1.")
        }
        guard (0...LockPolicy.defaultMaximumSeatsPerUser).contains(house) else {
            throw ValidationError("--house must be from 0 to \(LockPolicy.defaultMaximumSeatsPerUser) seats.")
        }
        if house > 0, target != nil { throw ValidationError("--house keeps seats back on the core's own showtimes; leave out --target.") }
        if let target {
            guard let url = URL(string: target), url.scheme == "http", url.host != nil, url.path.isEmpty || url.path == "/" else {
                throw ValidationError("--target must be a server address such as http://127.0.0.1:8080.")
            }
            guard reset || sse != nil || socket else {
                throw ValidationError("""
                    --target plays on the server's own showtimes and empties them before and after the run;                     add --reset to agree (use a test deployment).
                    """)
            }
            if connections != nil { throw ValidationError("--connections applies to the core; through HTTP the users share one client.") }
        } else if reset {
            throw ValidationError("--reset only applies with --target.")
        } else if sse != nil {
            throw ValidationError("--sse needs --target, the server whose streams to measure (http://HOST:PORT).")
        } else if socket {
            throw ValidationError("--socket needs --target, the server to measure (http://HOST:PORT).")
        }
        if let sse, !(1...100_000).contains(sse) { throw ValidationError("--sse must be from 1 to 100000 streams.") }
        guard (1...10_000).contains(changes) else { throw ValidationError("--changes must be from 1 to 10000.") }
        guard (10...1_000_000).contains(floorSamples) else { throw ValidationError("--floor-samples must be from 10 to 1000000.") }
        guard thinkMilliseconds >= 0, thinkMilliseconds <= 600_000 else { throw ValidationError("--think must be from 0 to 600000 ms.") }
        guard (0...1).contains(occupancy) else { throw ValidationError("--occupancy is a share from 0 to 1.") }
        if room, !rush { throw ValidationError("--room only applies with --rush.") }
        if rush {
            guard (1...100_000).contains(arrivals) else { throw ValidationError("--arrivals must be from 1 to 100000.") }
            guard arrivalsOver > 0, arrivalsOver <= 3600 else { throw ValidationError("--arrivals-over must be from more than 0 to 3600 seconds.") }
            guard ["on", "off", "both", "each"].contains(mechanisms) else { throw ValidationError("--mechanisms must be on, off, both or each.") }
        }
        if let appendfsync, !["always", "everysec", "no"].contains(appendfsync) {
            throw ValidationError("--appendfsync must be always, everysec or no.")
        }
    }

    package func run() async throws {
        if suggestions { return try await runSuggestionBench() }
        if rush { return try await runRushBench() }
        if socket { return try await runSocketBench() }
        if let sse { return try await runFanoutBench(streams: sse) }
        let runner = CommandRunner(options: common, json: json)
        var report: BenchReport?
        try await runner.run(patience: BenchPatience.standard) { service in
            report = try await BenchSession(command: self, service: service, timeouts: runner.timeouts).run()
            return Output(text: report!.text, json: report!)
        }
        if report?.ok == false { throw ExitCode.failure }
    }

    /// `--sse`: event streams on the server at `--target`, as many as asked, and the seat
    /// changes timed to all of them.
    func runFanoutBench(streams: Int) async throws {
        let runner = CommandRunner(options: common, json: json)
        var report: FanoutReport?
        try await runner.run { service in
            let catalog = service.catalog
            let chosen = showtime ?? catalog.showtimes.max { $0.layout.seatCount < $1.layout.seatCount }!.id
            guard catalog.showtime(chosen) != nil else { throw SeatLockingError.unknownShowtime(chosen) }
            let minter = TokenMinter()
            guard minter.secret != nil, let target, let url = URL(string: target), let host = url.host else {
                throw StartupError(.invalidConfiguration, message: "--sse needs CINEBOOK_SECRET, the secret of the server, to mint tokens.")
            }
            OpenFileLimit.raise()
            let operations = SeatAPIClient(base: target, catalog: catalog, connections: 4) { user in
                try await minter.mint(user: user, ttl: .seconds(86_400))
            }
            let bench = FanoutBench(
                configuration: .init(streams: streams, changes: changes, showtime: chosen, serverProcess: serverPID),
                operations: operations, host: host, port: url.port ?? 80
            ) { index in try await minter.mint(user: "fanout-viewer-\(index)", ttl: .seconds(3600)) }
            let showProgress = isatty(STDERR_FILENO) == 1
            let outcome: Result<FanoutReport, any Error>
            do {
                try await operations.checkHealth()
                outcome = .success(try await bench.run { step in
                    if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K  \(step)".utf8)) }
                })
            } catch {
                outcome = .failure(error)
            }
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            await operations.shutdown()
            report = try outcome.get()
            return Output(text: report!.text, json: report!)
        }
        if report?.ok == false { throw ExitCode.failure }
    }

    /// The showtime `--showtime` names, else the largest of the catalog.
    private func chosenShowtime() async throws -> Showtime {
        let catalog: Catalog
        do {
            catalog = try await CommandRunner(options: common, json: json).openCatalog()
        } catch {
            throw ValidationError(error.message)
        }
        let chosen = showtime.flatMap(catalog.showtime) ?? catalog.showtimes.max { $0.layout.seatCount < $1.layout.seatCount }
        guard let chosen else { throw ValidationError("There is no showtime \(showtime.map(String.init) ?? "") to measure.") }
        return chosen
    }

    var limit: BenchConfiguration.Limit {
        if let operations { return .operations(operations) }
        return .duration(.milliseconds(Int64((duration ?? 10) * 1000)))
    }
}

/// Runs a bench on the service's Redis and catalog, with a progress line on a terminal.
private struct BenchSession {
    let command: BenchCommand
    let service: SeatLockingService
    let timeouts: RedisTimeouts

    func run() async throws -> BenchReport {
        let catalog = service.catalog
        let template: Showtime
        if let id = command.showtime {
            guard let chosen = catalog.showtime(id) else { throw SeatLockingError.unknownShowtime(id) }
            template = chosen
        } else {
            template = catalog.showtimes.max { $0.layout.seatCount < $1.layout.seatCount }!
        }
        let configuration = BenchConfiguration(
            users: command.users, showtimes: command.showtimes, connections: command.connections, limit: command.limit,
            hotspot: command.hotspot, fixedParty: command.party, bookRate: command.bookRate,
            thinkTime: .milliseconds(Int64(command.thinkMilliseconds)), togetherShare: command.together, houseSeats: command.house,
            floorSamples: command.floorSamples)
        let redis = service.redisURL
        let http = try await httpTarget(catalog: catalog, template: template)
        let control = RedisClient(url: redis, timeouts: timeouts)
        defer { control.close() }
        let previous: String?
        do {
            previous = try await BenchPatience.settled {
                try await control.sendToEveryPrimary(RedisCommand("CONFIG", ["GET", "appendfsync"])).first?.array?.last?.string
            }
            if let mode = command.appendfsync {
                try await BenchPatience.settled { try await control.sendToEveryPrimary(RedisCommand("CONFIG", ["SET", "appendfsync", mode])) }
            }
        } catch {
            await http?.operations.shutdown()
            throw error
        }
        let showProgress = isatty(STDERR_FILENO) == 1
        let runner = BenchRunner(
            configuration: configuration, url: redis, records: service.records, timeouts: timeouts, template: template, http: http)
        let outcome: Result<BenchReport, any Error>
        do {
            outcome = .success(try await runner.run { progress in
                guard showProgress else { return }
                let line = String(
                    format: "\r  %6.1f s  %10d ops  %8.0f ops/s  %d errors ",
                    Double(progress.elapsed.components.seconds), progress.operations, progress.operationsPerSecond, progress.errors)
                FileHandle.standardError.write(Data(line.utf8))
            })
        } catch {
            outcome = .failure(error)
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        await http?.operations.shutdown()
        if command.appendfsync != nil, let previous {
            try await BenchPatience.settled { try await control.sendToEveryPrimary(RedisCommand("CONFIG", ["SET", "appendfsync", previous])) }
        }
        return try outcome.get()
    }
}

extension BenchSession {
    /// With `--target`: the HTTP client (checked healthy) and the server's showtimes to
    /// play on, those sharing the chosen layout, the chosen one first.
    func httpTarget(catalog: Catalog, template: Showtime) async throws -> (operations: SeatAPIClient, showtimes: [Showtime])? {
        guard let target = command.target else { return nil }
        let minter = TokenMinter()
        guard minter.secret != nil else {
            throw StartupError(.invalidConfiguration, message: "--target needs CINEBOOK_SECRET, the secret of the server, to mint tokens.")
        }
        let showtimes = Array(catalog.showtimes
            .filter { $0.layout == template.layout }
            .sorted { ($0.id == template.id ? 0 : 1, $0.id) < ($1.id == template.id ? 0 : 1, $1.id) }
            .prefix(command.showtimes))
        guard showtimes.count == command.showtimes else {
            throw StartupError(.invalidRequest,
                message: "Only \(showtimes.count) showtime(s) share the layout of showtime \(template.id); ask for fewer --showtimes.")
        }
        let operations = SeatAPIClient(base: target, catalog: catalog, connections: command.users) { user in
            try await minter.mint(user: user, ttl: .seconds(86_400))
        }
        do {
            try await operations.checkHealth()
        } catch {
            await operations.shutdown()
            throw error
        }
        return (operations, showtimes)
    }
}

extension BenchCommand {
    /// `--rush`: the crowd, played once per set of mechanisms, on the chosen (default:
    /// largest) layout, over the core or through the server at `--target`.
    func runRushBench() async throws {
        let runner = CommandRunner(options: common, json: json)
        var report: RushReport?
        try await runner.run { service in
            let catalog = service.catalog
            let chosen = showtime ?? catalog.showtimes.max { $0.layout.seatCount < $1.layout.seatCount }!.id
            guard let template = catalog.showtime(chosen) else { throw SeatLockingError.unknownShowtime(chosen) }
            var http: (operations: SeatAPIClient, showtime: Showtime)?
            if let target {
                let minter = TokenMinter()
                guard minter.secret != nil else {
                    throw StartupError(.invalidConfiguration, message: "--target needs CINEBOOK_SECRET, the secret of the server, to mint tokens.")
                }
                OpenFileLimit.raise()
                let operations = SeatAPIClient(base: target, catalog: catalog, connections: 64) { user in
                    try await minter.mint(user: user, ttl: .seconds(86_400))
                }
                http = (operations, template)
            }
            var plays: [RushMechanisms] = switch mechanisms {
            case "on": [.all]
            case "off": [.none]
            case "each": [.none, RushMechanisms(presence: true, oneClick: false), RushMechanisms(presence: false, oneClick: true), .all]
            default: [.none, .all]
            }
            if room {
                plays = plays.map { $0 == .none ? $0 : RushMechanisms(presence: $0.presence, oneClick: $0.oneClick, room: true) }
                if mechanisms == "each" { plays.insert(RushMechanisms(presence: false, oneClick: false, room: true), at: 1) }
            }
            let bench = RushBench(
                configuration: .init(
                    arrivals: arrivals, arrivalsOver: .milliseconds(Int64(arrivalsOver * 1000)), plays: plays,
                    seed: seed ?? UInt64.random(in: 1..<1_000_000)),
                url: service.redisURL, records: service.records, timeouts: runner.timeouts, template: template, http: http)
            let showProgress = isatty(STDERR_FILENO) == 1
            let outcome: Result<RushReport, any Error>
            do {
                try await http?.operations.checkHealth()
                outcome = .success(try await bench.run { step in
                    if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K  \(step)".utf8)) }
                })
            } catch {
                outcome = .failure(error)
            }
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            await http?.operations.shutdown()
            report = try outcome.get()
            return Output(text: report!.text, json: report!)
        }
        if report?.ok == false { throw ExitCode.failure }
    }

    /// `--socket`: one user's lock over the WebSocket against the same lock over HTTP, on
    /// `--showtime` (default: the largest of the catalog) of the server at `--target`.
    func runSocketBench() async throws {
        let minter = TokenMinter()
        guard minter.secret != nil, let target else {
            throw StartupError(.invalidConfiguration, message: "--socket needs CINEBOOK_SECRET, the secret of the server, to mint a token.").reported
        }
        let chosen = if let showtime { showtime } else { try await chosenShowtime().id }
        let user = "bench-socket"
        let token = try await minter.mint(user: user, ttl: .seconds(3600))
        let http = SeatAPIClient(base: target, connections: 1) { _ in token }
        let overSocket = SeatAPIClient(base: target, connections: 1, socket: true) { _ in token }
        let outcome: Result<SocketBench.Report, any Error>
        do {
            outcome = .success(try await SocketBench(http: http, socket: overSocket, showtime: chosen, locks: operations ?? 2000, user: user).run())
        } catch {
            outcome = .failure(error)
        }
        await http.shutdown()
        await overSocket.shutdown()
        let report = try outcome.get()
        print(json ? SeatLockingJSON.encode(report) : report.text)
    }

    /// `--suggestions`: the engine on the chosen (default: largest) layout, 10,000 calls or
    /// `--operations`.
    func runSuggestionBench() async throws {
        let chosen = try await chosenShowtime()
        let report = SuggestionBench(layout: chosen.layout, occupancy: occupancy, calls: operations ?? 10_000).run()
        print(json ? SeatLockingJSON.encode(report) : report.text)
    }
}
