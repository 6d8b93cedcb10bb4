import CinebookSupport
import Foundation
import RedisClient
import Synchronization
import Testing
import TestSupport

/// `cinebook serve` and `cinebook token` as an operator runs them.
@Suite struct ServeCommandTests {
    @Test func theServerRefusesToStartWithoutASecret() async throws {
        let server = try ServeProcess(["serve", "--port", String(try unusedTCPPort())], secret: nil)
        #expect(await eventually(timeout: .seconds(20)) { !server.isRunning })
        #expect(server.exitStatus == 78)
        #expect(server.stderr.contains("CINEBOOK_SECRET is not set"))
        #expect(server.stderr.contains("--dev"))
    }

    /// A second server on a busy port says which address is busy, exits 78, and never
    /// sweeps: its sweeper waits until the server listens.
    @Test func aBusyPortIsNamedAndNothingIsSwept() async throws {
        let port = try unusedTCPPort()
        let first = try ServeProcess(["serve", "--dev", "--port", String(port)], secret: nil)
        defer { first.forceStop() }
        #expect(await eventually(timeout: .seconds(20)) { acceptsConnections(port: port) }, "the first server listens")
        let second = try ServeProcess(["serve", "--dev", "--port", String(port), "--sweep-every", "1"], secret: nil)
        defer { second.forceStop() }
        #expect(await eventually(timeout: .seconds(20)) { !second.isRunning })
        #expect(second.exitStatus == 78)
        #expect(second.stderr.contains("127.0.0.1:\(port) is already in use by another program"), "\(second.stderr)")
        #expect(!second.stderr.contains("bind(descriptor"), "\(second.stderr)")
        #expect(!(second.stdout + second.stderr).contains("swept"), "no sweep before the server listens: \(second.stderr)")
    }

    @Test func aDevelopmentServerPrintsHowToMintTokensAndStopsGracefullyOnSIGTERM() async throws {
        let port = try unusedTCPPort()
        let server = try ServeProcess(["serve", "--dev", "--port", String(port)], secret: nil)
        defer { server.forceStop() }
        #expect(await eventually(timeout: .seconds(20)) { server.stdout.contains("export TOKEN=") && server.stderr.contains("listening") },
                "started: \(server.stdout) \(server.stderr)")
        let secret = try #require(server.line(after: "export CINEBOOK_SECRET="))
        let aliceToken = try #require(server.line(after: "export TOKEN="))
        #expect(secret.count == 64)

        let status = try RawConnection(
            port: port, path: "/api/v1/showtimes/1/seats/status", headers: ["Authorization": "Bearer \(aliceToken)", "Connection": "close"])
        #expect(await status.waitFor(#""viewer":"alice""#, timeout: .seconds(10)), "\(status.text)")
        #expect(status.text.hasPrefix("HTTP/1.1 200"))
        #expect(status.text.lowercased().contains("x-request-id: "))

        let minted = try ServeProcess.run(["token", "bob", "--ttl", "60"], secret: secret)
        #expect(minted.status == 0)
        let bob = try RawConnection(
            port: port, path: "/api/v1/showtimes/1/seats/status",
            headers: ["Authorization": "Bearer \(minted.stdout.trimmingCharacters(in: .whitespacesAndNewlines))", "Connection": "close"])
        #expect(await bob.waitFor(#""viewer":"bob""#, timeout: .seconds(10)), "a token from `cinebook token` works: \(bob.text)")
        #expect(await eventually { server.stderr.contains("GET /api/v1/showtimes/1/seats/status 200") && server.stderr.contains("hb.request.id") },
                "requests are logged with their id: \(server.stderr)")

        let events = try RawConnection(port: port, path: "/api/v1/showtimes/1/seats/events", headers: ["Authorization": "Bearer \(aliceToken)"])
        defer { events.stop() }
        #expect(await events.waitFor("event: connected", timeout: .seconds(10)))

        let stopping = ContinuousClock.now
        server.terminate()
        #expect(await eventually(timeout: .seconds(10)) { !server.isRunning }, "SIGTERM stops the server even with a stream open")
        #expect(ContinuousClock.now - stopping < .seconds(10))
        #expect(server.exitStatus == 0, "\(server.stderr)")
        #expect(await eventually { events.ended }, "the event stream was ended")
    }

    @Test func tokensNeedTheSecretAndAValidName() throws {
        let missing = try ServeProcess.run(["token", "alice"], secret: nil)
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("CINEBOOK_SECRET is not set"))
        let weak = try ServeProcess.run(["token", "alice"], secret: "too-short")
        #expect(weak.status == 78)
        let blank = try ServeProcess.run(["token", "   "], secret: String(repeating: "k", count: 40))
        #expect(blank.status == 2)
        let token = try ServeProcess.run(["token", "alice", "--ttl", "30"], secret: String(repeating: "k", count: 40))
        #expect(token.status == 0)
        #expect(token.stdout.split(separator: ".").count == 3)
    }
}
