import ArgumentParser
import CinebookCommands
import CinebookModel
import CinebookSupport
import Foundation
import SeatAPI

package struct ServeCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: ServerCommandHelp.serve,
        discussion: """
            Clients authenticate with `Authorization: Bearer TOKEN`; tokens are signed with $CINEBOOK_SECRET \
            (at least 32 bytes, e.g. `openssl rand -hex 32`) and minted with `cinebook token NAME`. \
            Without the secret the server refuses to start, unless --dev makes up one for this run.
            """)

    package init() {}

    @OptionGroup var common: CommonOptions
    @Option(help: ArgumentHelp("Address to listen on.", valueName: "address"))
    var host = "127.0.0.1"
    @Option(help: ArgumentHelp("Port to listen on.", valueName: "port"))
    var port = 8080
    @Flag(help: "Development: without $CINEBOOK_SECRET, generate a secret for this run and print how to mint tokens; the browser page offers a sign-in form for any name.")
    var dev = false
    @Option(name: .customLong("cors-origin"), help: ArgumentHelp(
        "An origin (https://cinema.example) whose web pages may use the API; repeat for more.", valueName: "origin"))
    var corsOrigins: [String] = []
    @Option(name: .customLong("rate-limit"), help: ArgumentHelp("Seat operations per second per user; 0 turns the limit off.", valueName: "n"))
    var rateLimit: Double = 10
    @Option(name: .customLong("rate-burst"), help: ArgumentHelp("Seat operations a user may make at once.", valueName: "n"))
    var rateBurst = 20
    @Option(name: .customLong("sweep-every"), help: ArgumentHelp("Seconds between cleanup passes; 0 runs none.", valueName: "seconds"))
    var sweepEvery = 300
    @Option(name: .customLong("redis-connections"), help: ArgumentHelp("Pooled Redis connections.", valueName: "n"))
    var redisConnections = 2
    @Option(name: .customLong("max-streams"), help: ArgumentHelp(
        "Event streams (SSE) open at once; more are refused with 429. Capped by the open-file limit.", valueName: "n"))
    var maxStreams = APIConfiguration.defaultMaximumEventStreams

    package func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be from 1 to 65535.") }
        guard rateLimit >= 0, rateLimit.isFinite else { throw ValidationError("--rate-limit must be 0 or more.") }
        guard rateBurst >= 1 else { throw ValidationError("--rate-burst must be at least 1.") }
        guard sweepEvery >= 0 else { throw ValidationError("--sweep-every must be 0 or more seconds.") }
        guard (1...64).contains(redisConnections) else { throw ValidationError("--redis-connections must be from 1 to 64.") }
        guard (1...1_000_000).contains(maxStreams) else { throw ValidationError("--max-streams must be from 1 to 1000000.") }
        for origin in corsOrigins {
            // An origin is a scheme, a host and maybe a port: nothing after them.
            guard let url = URL(string: origin), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                  url.path.isEmpty, url.query == nil, !origin.hasSuffix("/")
            else {
                throw ValidationError("--cors-origin '\(origin.escapingInvisibles)' is not an origin; write it as https://cinema.example or http://localhost:3000.")
            }
        }
    }

    package func run() async throws {
        try await APIServerRunner(options: self).run()
    }
}
