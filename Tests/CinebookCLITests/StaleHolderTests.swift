import CinebookSupport
import Foundation
import RedisClient
import Testing
import TestSupport

/// A client paused (SIGSTOP) past its TTL finds, when it resumes, that its seats went to
/// someone else: its booking is refused and no seat is sold twice.
@Suite struct StaleHolderTests {
    @Test func aPausedHolderCannotBookSeatsSoldMeanwhile() async throws {
        let fixture = try CLIFixtures.make(from: 2)
        let redis = try RedisTestServer.shared().urlString
        let cli = CLI(redis: redis, fixtures: fixture.directory)
        let showtime = String(fixture.id)
        let common = ["--showtime", showtime, "--redis", redis, "--fixtures", fixture.directory, "--database", cli.database]
        // Alice's client: locks with a 1 s TTL, is paused before it books, then books.
        let script = #"""
            "$0" lock --user alice --ttl 1 "$@" C1 C2 >/dev/null || exit 9
            kill -STOP $$
            exec "$0" book --user alice "$@" C1 C2 >/dev/null 2>&1
            """#
        let alice = try ChildProcess.spawn("/bin/sh", ["-c", script, CLI.binary] + common)
        #expect(try await eventually(timeout: .seconds(20)) { Self.isStopped(alice) }, "alice's client holds C1 C2 and is paused")

        #expect(try await eventually(timeout: .seconds(10)) {
            let status = try await cli.run(["status", "--showtime", showtime, "--json"])
            let seats = status.json["seats"] as? [[String: Any]] ?? []
            return seats.filter { ["C1", "C2"].contains($0["seat"] as? String) }.allSatisfy { $0["state"] as? String == "available" }
        }, "alice's hold expired while her client was paused")
        #expect(try await cli.run(["lock", "--showtime", showtime, "--user", "bob", "C1", "C2"]).status == 0)
        let bobs = try await cli.run(["book", "--showtime", showtime, "--user", "bob", "C1", "C2", "--json"])
        #expect(bobs.status == 0)
        let bobsBooking = try #require(bobs.json["booking_id"] as? Int)

        kill(alice, SIGCONT)
        let status = try await offThePool { ChildProcess.wait(alice) }
        #expect(status == 4, "alice's late booking is refused as not hers (exit 4), got \(status)")

        let client = RedisClient(url: try RedisURL(parsing: redis))
        defer { client.close() }
        let sold = try await client.hash(RedisKeyNames(showtime: Int(showtime)!).sold)
        #expect(sold == ["C1": String(bobsBooking), "C2": String(bobsBooking)], "each seat sold once, to bob")
    }

    /// Whether the process is stopped by a signal (state T in /proc).
    static func isStopped(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("T")
    }
}
