import Foundation
import RedisClient
import Testing
import TestSupport

/// `cinebook sweep` takes the cleanup lock as the server's passes do, so a pass is never
/// run by two processes at once.
@Suite struct SweepLockTests {
    @Test func aSweepWaitsWhileAnotherProcessHoldsTheCleanupLock() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let redis = RedisClient(url: server.url)
        defer { redis.close() }
        let fixture = try CLIFixtures.make(from: 2)
        let cli = CLI(redis: server.urlString, fixtures: fixture.directory)
        let showtime = String(fixture.id)
        #expect(try await cli.run(["lock", "--showtime", showtime, "--user", "alice", "--ttl", "1", "J1"]).status == 0)
        let index = RedisKeyNames(showtime: Int(showtime)!).index
        #expect(try await eventually(timeout: .seconds(5)) { try await redis.pttl(RedisKeyNames(showtime: Int(showtime)!).lock("J1")) == -2 }, "J1's lock expired")

        // Another process holds the lock: the sweep waits, and sweeps nothing meanwhile.
        try await redis.send("SET", RedisKeyNames.sweepLock, "another-process", "PX", "20000")
        async let sweep = cli.run(["sweep", "--json"])
        for _ in 0..<5 {
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await redis.send("ZCARD", index) == .integer(1), "nothing is swept while another process holds the lock")
        }
        try await redis.send("DEL", RedisKeyNames.sweepLock)
        let result = try await sweep
        #expect(result.status == 0, "\(result.stderr)")
        #expect((result.json["expired"] as? [String: [String]])?[showtime] == ["J1"], "then it sweeps")
        #expect(try await redis.send("EXISTS", RedisKeyNames.sweepLock) == .integer(0), "and releases the lock")
    }
}
