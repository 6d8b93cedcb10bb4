import Foundation
import Testing
import TestSupport

/// A short load run, as CI runs it: moviegoers race for seats on the test Redis, and the
/// run must end with every invariant checked and none violated.
@Suite struct BenchCommandTests {
    let cli: CLI

    init() throws {
        let fixture = try CLIFixtures.make(from: 3)
        cli = CLI(redis: try RedisTestServer.shared().urlString, fixtures: fixture.directory)
    }

    @Test func aShortRunPassesEveryInvariantCheck() async throws {
        let result = try await cli.run(["bench", "--users", "50", "--operations", "3000", "--hotspot", "0.8", "--book-rate", "0.3", "--json"])
        #expect(result.status == 0, "\(result.stderr) \(result.stdout)")
        #expect(result.json["ok"] as? Bool == true)
        let invariants = try #require(result.json["invariants"] as? [String: Any])
        #expect((invariants["violations"] as? [Any])?.isEmpty == true, "\(invariants)")
        #expect((invariants["grants"] as? Int ?? 0) > 0)
        #expect((invariants["bookings"] as? Int ?? 0) > 0, "some seats were sold and checked")
        #expect(result.json["errors"] as? Int == 0)
        let latencies = try #require(result.json["latencies"] as? [[String: Any]])
        #expect(Set(latencies.compactMap { $0["operation"] as? String }).isSuperset(of: ["lock", "unlock", "book"]))
    }

    @Test func theSuggestionEngineIsTimedWithoutRedis() async throws {
        let result = try await cli.run(["bench", "--suggestions", "--operations", "200", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json["calls"] as? Int == 200)
        #expect(result.json["layout_seats"] as? Int == 440)
        #expect((result.json["offers_per_call"] as? Double ?? 0) > 0)
    }
}
