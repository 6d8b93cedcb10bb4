import ArgumentParser
import CinebookModel
import CinebookSupport
import Foundation
import RedisClient
import SeatLocking

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open one seat map per user side by side in tmux, on one showtime and one Redis.",
        discussion: """
            The users are alice, bob, carol, dave, … with a mark of the run (alice-demo-7f3a), so that a \
            demo on a shared Redis never takes or releases real people's seats. A seat picked in one pane turns "held" in the others \
            at once. Inside tmux the maps open in a new window; outside, in a new session that is attached \
            right away. Ctrl-b d leaves tmux (the demo keeps running); q in a pane quits that map and \
            releases its seats. With --api the maps go through a `cinebook serve` that the demo starts in a \
            pane of its own (a fresh secret, a token per user), as moviegoers at home would use them. \
            With --party the first three users choose together as one party (its code is in their panes' \
            titles) and a fourth, a stranger, picks against them.
            """)

    static let names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj"]

    /// The first `count` demo users, marked with `run`: names no real user has.
    static func users(_ count: Int, run: String) -> [String] {
        names.prefix(count).map { "\($0)-demo-\(run)" }
    }

    @OptionGroup var common: CommonOptions
    @Option(help: ArgumentHelp("How many users, each in a pane of their own (1 to \(Self.names.count)).", valueName: "n"))
    var users = 3
    @Option(help: ArgumentHelp("The showtime id (default: the first; see `cinebook showtimes`).", valueName: "id"))
    var showtime: Int?
    @Flag(help: "Run the maps through the HTTP API of a server the demo starts, each with its user's token.")
    var api = false
    @Flag(help: "Open one party of three and one stranger (four users).")
    var party = false

    func validate() throws {
        guard (1...Self.names.count).contains(users) else {
            throw ValidationError("--users must be from 1 to \(Self.names.count).")
        }
        guard !party || users == 3 else { throw ValidationError("--party opens four users, a party of three and a stranger; leave out --users.") }
    }

    func run() async throws {
        let runner = CommandRunner(options: common, json: false)
        do {
            let catalog = try await runner.openCatalog()
            let id = showtime ?? catalog.showtimes[0].id
            guard catalog.showtime(id) != nil else {
                throw StartupError(SeatLockingError.unknownShowtime(id))
            }
            guard let tmux = ChildProcess.find("tmux") else {
                throw StartupError(.tmuxMissing, message: "The demo needs tmux; install it (apt-get install tmux).")
            }
            // Resolved once, so every pane shares the same Redis (the embedded one if none is configured).
            let url = try await RedisLocator(timeouts: runner.timeouts).resolve(explicit: common.redis)
            let names = Self.users(party ? DemoParty.size + 1 : users, run: String(format: "%04x", UInt16.random(in: .min ... .max)))
            let demoParty = party ? try await DemoParty.start(for: Array(names.prefix(DemoParty.size)), showtime: id, runner: runner) : nil
            let demo = api
                ? try await ServerBuild.features().serverDemo(
                    tmux: tmux, users: names, party: demoParty, showtime: id, binary: binary, backend: try backendOptions(url: url),
                    environment: paneEnvironment(url: url))
                : TmuxDemo(
                    tmux: tmux, users: names, showtime: id,
                    panes: try names.map { user throws(StartupError) in
                        .init(title: DemoParty.title(of: user, in: demoParty),
                              arguments: [binary, "seats", "--showtime", String(id), "--user", user]
                                  + (demoParty?.arguments(for: user) ?? []) + (try backendOptions(url: url)),
                              environment: paneEnvironment(url: url))
                    })
            try demo.open()
        } catch let error as StartupError {
            throw error.reported
        }
    }

    private var binary: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }

    /// The options every pane (and the server) must share: the same showtimes, Redis and log level.
    private func backendOptions(url: RedisURL) throws(StartupError) -> [String] {
        var arguments = ["--fixtures", try FixtureDirectory.locate(explicit: common.fixtures).path, "--redis-timeout", String(common.redisTimeout)]
        if url.password == nil { arguments += ["--redis", url.description] }
        if let level = common.logLevel { arguments += ["--log-level", level] }
        return arguments
    }

    /// Settings the panes need from this environment; a Redis password and the database
    /// URL (which may hold one) travel here rather than on a command line.
    private func paneEnvironment(url: RedisURL) -> [String: String] {
        let environment = ProcessInfo.processInfo.environment
        var passed = environment.filter { key, _ in
            ["LANG", "LC_ALL", "LC_CTYPE", "NO_COLOR", "XDG_STATE_HOME", "CINEBOOK_LOG_LEVEL", "CINEBOOK_DATABASE_URL"].contains(key)
        }
        if url.password != nil, let text = common.redis ?? environment["REDIS_URL"] { passed["REDIS_URL"] = text }
        if let database = common.database { passed["CINEBOOK_DATABASE_URL"] = database }
        return passed
    }
}

/// `demo --party`: a party started for the first users before their panes open, which
/// they join with its code.
package struct DemoParty: Sendable {
    /// How many choose together; one more user, a stranger, picks against them.
    static let size = 3

    let code: PartyCode
    let members: Set<String>

    /// Started with the first member in it, through the core (the server, with --api, shares its Redis).
    static func start(for members: [String], showtime: Int, runner: CommandRunner) async throws(StartupError) -> DemoParty {
        let service = try await runner.makeService()
        do {
            let party = try await service.startParty(showtime: showtime, user: members[0])
            return DemoParty(code: party.code, members: Set(members))
        } catch {
            throw StartupError(error)
        }
    }

    /// What a member's seat map is opened with; nothing for anyone else.
    package func arguments(for user: String) -> [String] {
        members.contains(user) ? ["--party", code.text] : []
    }

    /// A pane's title: the user, and the party for a member.
    package static func title(of user: String, in party: DemoParty?) -> String {
        guard let party, party.members.contains(user) else { return user }
        return "\(user) · party \(party.code)"
    }
}
