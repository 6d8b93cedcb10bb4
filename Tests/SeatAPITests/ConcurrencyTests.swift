import Foundation
import Testing
import TestSupport

/// Many users racing for one seat through the HTTP API: exactly one wins.
@Suite struct ConcurrencyTests {
    @Test func oneHundredUsersRaceForOneSeatAndExactlyOneGetsIt() async throws {
        let api = try await APIHarness.make()
        let users = (0..<100).map { _ in TestUsers.unique("racer") }
        try await api.run { client in
            let tokens = try await withThrowingTaskGroup(of: (String, String).self) { group in
                for user in users { group.addTask { (user, try await client.token(user)) } }
                return try await group.reduce(into: [String: String]()) { $0[$1.0] = $1.1 }
            }
            let answers = try await withThrowingTaskGroup(of: (String, APIResponse).self) { group in
                for user in users {
                    group.addTask {
                        let response = try await client.raw(
                            .post, "/api/v1/showtimes/\(api.id)/seats/lock",
                            headers: [.authorization: "Bearer \(tokens[user]!)", .contentType: "application/json"],
                            body: .init(string: #"{"seats":["C5"]}"#))
                        return (user, response)
                    }
                }
                return try await group.reduce(into: [(String, APIResponse)]()) { $0.append($1) }
            }
            let winners = answers.filter { $0.1.status == 200 }
            #expect(winners.count == 1)
            #expect(answers.filter { $0.1.status == 409 && $0.1.error == "seats_unavailable" }.count == 99)
            let winner = try #require(winners.first?.0)
            #expect(try await client.states(showtime: api.id, as: winner)["C5"] == "selected")
        }
    }
}
