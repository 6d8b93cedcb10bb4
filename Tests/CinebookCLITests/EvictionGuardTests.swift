import CinebookSupport
import Foundation
import RedisClient
import Testing
import TestSupport

/// A Redis that may evict keys without a TTL could forget sold seats: cinebook refuses it
/// up front, and warns about one that may evict holds.
@Suite struct EvictionGuardTests {
    @Test func aRedisThatEvictsAnyKeyIsRefusedWithExit78AndTheSettingToChange() async throws {
        let server = try RedisTestServer(extraArguments: ["--maxmemory", "3mb", "--maxmemory-policy", "allkeys-lru"])
        defer { server.stop() }
        let fixture = try CLIFixtures.make()
        let cli = CLI(redis: server.urlString, fixtures: fixture.directory)

        let lock = try await cli.run(["lock", "--showtime", String(fixture.id), "--user", "alice", "A1", "A2"])
        #expect(lock.status == 78)
        #expect(lock.stderr.contains("maxmemory-policy allkeys-lru"), "\(lock.stderr)")
        #expect(lock.stderr.contains("noeviction"), "it says which setting to change")
        let json = try await cli.run(["book", "--showtime", String(fixture.id), "--user", "alice", "--json", "A1"])
        #expect(json.status == 78)
        #expect(json.json["error"] as? String == "unsafe_redis")

        let port = try unusedTCPPort()
        let serve = try await cli.run(["serve", "--dev", "--port", String(port)])
        #expect(serve.status == 78, "the server refuses to start: \(serve.stderr)")
    }

    @Test func aRedisThatMayEvictHoldsIsUsedWithAWarning() async throws {
        let server = try RedisTestServer(extraArguments: ["--maxmemory", "64mb", "--maxmemory-policy", "volatile-lru"])
        defer { server.stop() }
        let fixture = try CLIFixtures.make()
        let cli = CLI(redis: server.urlString, fixtures: fixture.directory)

        let lock = try await cli.run(["lock", "--showtime", String(fixture.id), "--user", "alice", "A1"])
        #expect(lock.status == 0, "\(lock.stderr)")
        #expect(lock.stderr.contains("holds may end before their time"), "\(lock.stderr)")
    }
}
