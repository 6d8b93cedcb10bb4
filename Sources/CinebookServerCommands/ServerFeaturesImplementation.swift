import CinebookCommands
import CinebookModel
import CinebookSupport
import Foundation
import SeatAPI
import SeatAPIClient
import SeatLocking
import SeatMapUI
import SeatRecords
import SeatRecordsPostgres

/// The server build's features, installed by `cinebook-server` before it reads its
/// command line.
package struct ServerBuildFeatures: ServerFeatures {
    package init() {}

    package func openPostgres(_ url: RecordsURL, seed: () throws -> [ShowtimeRecord]) async throws -> any SalesRecord {
        try await Records.open(url, seed: seed)
    }

    /// The same map, with the server's API as its seat operations.
    package func mapOverAPI(base: String, token: String, showtime: Int?, party: PartyCode?, poll: Double, runner: CommandRunner) async throws {
        let client = SeatAPIClient(base: base, connections: 4, requestTimeout: .seconds(3), socket: true) { _ in token }
        let outcome: Result<Void, any Error>
        do {
            try await runner.runWithoutBackend {
                let id: Int
                if let showtime {
                    id = showtime
                } else {
                    guard let first = try await client.showtimeIDs().first else { throw SeatLockingError.unknownShowtime(0) }
                    id = first
                }
                let (chosen, policy) = try await client.showtime(id, as: "you")
                let name = try await client.viewer(of: "you", showtime: id)
                return try await SeatMapSession.run(
                    on: client, showtime: chosen, user: name, party: party, policy: policy, source: .server, poll: poll, runner: runner)
            }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await client.shutdown()
        try outcome.get()
    }

    /// A server on a free port with a fresh secret in the first pane, then one map per user
    /// through it, each with a token of its own (passed in the environment).
    package func serverDemo(
        tmux: String, users: [String], party: DemoParty?, showtime: Int, binary: String, backend: [String], environment: [String: String]
    ) async throws(StartupError) -> TmuxDemo {
        let port: Int
        do { port = try unusedTCPPort() } catch {
            throw StartupError(.serverFailed, message: "\(error).")
        }
        let secret = AccessTokens.generateSecret()
        let minter = TokenMinter(environment: ["CINEBOOK_SECRET": secret])
        var serverEnvironment = environment
        serverEnvironment["CINEBOOK_SECRET"] = secret
        let server = TmuxDemo.Pane(
            title: "server :\(port)", arguments: [binary, "serve", "--port", String(port)] + backend, environment: serverEnvironment)
        var panes = [server]
        for user in users {
            let token = try await minter.mint(user: user, ttl: .seconds(86_400))
            panes.append(.init(
                title: DemoParty.title(of: user, in: party),
                arguments: [binary, "seats", "--showtime", String(showtime), "--api", "http://127.0.0.1:\(port)"] + (party?.arguments(for: user) ?? []),
                environment: environment.merging(["CINEBOOK_TOKEN": token]) { $1 }))
        }
        var demo = TmuxDemo(tmux: tmux, users: users, showtime: showtime, panes: panes)
        demo.afterFirstPane = { () throws(StartupError) in
            let deadline = Date().addingTimeInterval(30)
            while !acceptsConnections(port: port) {
                guard Date() < deadline else {
                    throw StartupError(.serverFailed, message: "The demo's server did not start on port \(port); see its pane.")
                }
                usleep(100_000)
            }
        }
        return demo
    }
}
