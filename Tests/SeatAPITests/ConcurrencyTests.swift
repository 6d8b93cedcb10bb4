import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import TestSupport

/// Many users racing for one seat through the HTTP API: exactly one wins.
@Suite struct ConcurrencyTests {
    static let racers = 100

    /// What one racer was told: the HTTP status and the error code of the body, if any.
    struct Answer: Sendable {
        let user: String
        let status: Int
        let error: String?
    }

    @Test func oneHundredUsersRaceForOneSeatAndExactlyOneGetsIt() async throws {
        let api = try await APIHarness.make()
        let users = (0..<Self.racers).map { _ in TestUsers.unique("racer") }
        try await api.run { client in
            var tokens: [String: String] = [:]
            for user in users { tokens[user] = try await client.token(user) }
            let answers = try await Self.race(tokens, port: client.port, path: "/api/v1/showtimes/\(api.id)/seats/lock")
            let winners = answers.filter { $0.status == 200 }
            #expect(winners.count == 1)
            #expect(answers.filter { $0.status == 409 && $0.error == "seats_unavailable" }.count == Self.racers - 1)
            let winner = try #require(winners.first?.user)
            #expect(try await client.states(showtime: api.id, as: winner)["C5"] == "selected")
        }
    }

    /// Every user asks for C5 at once, each on a connection of its own, so all requests
    /// are in flight together and none waits in a pool's queue on a loaded machine.
    static func race(_ tokens: [String: String], port: Int, path: String) async throws -> [Answer] {
        let racing = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            timeout: .init(connect: .seconds(60), read: .seconds(60)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: tokens.count)))
        do {
            let answers = try await withThrowingTaskGroup(of: Answer.self) { group in
                for (user, token) in tokens {
                    group.addTask {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(token)")
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: #"{"seats":["C5"]}"#))
                        let response = try await racing.execute(request, timeout: .seconds(60))
                        let body = try await response.body.collect(upTo: 1 << 20)
                        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
                        return Answer(user: user, status: Int(response.status.code), error: json?["error"] as? String)
                    }
                }
                return try await group.reduce(into: [Answer]()) { $0.append($1) }
            }
            try await racing.shutdown()
            return answers
        } catch {
            try? await racing.shutdown()
            throw error
        }
    }
}
