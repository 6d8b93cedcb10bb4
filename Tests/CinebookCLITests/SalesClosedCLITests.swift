import Foundation
import Testing
import TestSupport

/// The command line shows each showtime's times in its cinema's time zone, whatever the
/// viewer's `TZ`, says until when it is on sale, and refuses a showtime whose sales closed.
@Suite struct SalesClosedCLITests {
    let cli: CLI
    let past: Int
    let upcoming: Int

    /// A showtime that started on 25 Nov 2026, and a copy of the bundled late showtime
    /// (tomorrow at 22:00 in London, sales closing 20 minutes before).
    init() throws {
        upcoming = CLIFixtures.newID()
        let directory = try CLIFixtures.make(from: 4, ids: [upcoming])
        past = CLIFixtures.newID()
        try #"""
            {"id": \#(past), "title": "Yesterday's Film", "auditorium": "Hall 9", "starts_at": "2026-11-25T17:00:00Z",
             "time_zone": "Europe/London", "rows": [{"row": "A", "seats": "ssss"}]}
            """#.write(to: URL(fileURLWithPath: directory).appendingPathComponent("past.json"), atomically: true, encoding: .utf8)
        cli = CLI(redis: try RedisTestServer.shared().urlString, fixtures: directory, environment: ["TZ": "America/New_York"])
    }

    @Test func aShowtimeWhoseSalesClosedRefusesLocksWithTheReason() async throws {
        let text = try await cli.run(["lock", "--showtime", String(past), "--user", "alice", "A1"])
        #expect(text.status == 3)
        #expect(
            text.stderr == "cinebook: Sales for showtime \(past) closed at Wed 25 Nov 17:00 GMT; its seats can no longer be locked or booked.\n")

        let json = try await cli.run(["book", "--showtime", String(past), "--user", "alice", "A1", "--json"])
        #expect(json.status == 3)
        #expect(json.json["error"] as? String == "sales_closed")
        #expect(json.json["closed_at"] as? String == "2026-11-25T17:00:00.000Z")
        #expect(json.json["time_zone"] as? String == "Europe/London")

        let upcomingLock = try await cli.run(["lock", "--showtime", String(upcoming), "--user", "alice", "B1"])
        #expect(upcomingLock.status == 0, "\(upcomingLock.stderr)")
        // London's zone (GMT, or GMT+1 in summer), not New York's.
        #expect(["GMT (", "GMT+1 ("].contains { upcomingLock.stdout.contains($0) }, "the hold's end in the cinema's zone: \(upcomingLock.stdout)")
        _ = try await cli.run(["unlock", "--showtime", String(upcoming), "--user", "alice", "B1"])
    }

    @Test func showtimesAreListedInTheCinemasZoneWithTheirSales() async throws {
        let result = try await cli.run(["showtimes"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["ID", "FILM", "AUDITORIUM", "STARTS", "ON", "SALE", "SEATS"])
        let pastLine = try #require(lines.first { $0.hasPrefix("\(past) ") })
        #expect(pastLine.contains("Wed 25 Nov 17:00 GMT"), "London's time, not New York's 12:00: \(pastLine)")
        #expect(pastLine.contains("closed"))
        let upcomingLine = try #require(lines.first { $0.hasPrefix("\(upcoming) ") })
        #expect(upcomingLine.contains(" 22:00 "), "\(upcomingLine)")
        #expect(upcomingLine.contains("until ") && upcomingLine.contains(" 21:40 "), "\(upcomingLine)")

        let json = try await cli.run(["showtimes", "--json"])
        let entries = try #require(json.json["showtimes"] as? [[String: Any]])
        let entry = try #require(entries.first { ($0["id"] as? Int) == upcoming })
        #expect(entry["time_zone"] as? String == "Europe/London")
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let start = try #require((entry["starts_at"] as? String).flatMap(formatter.date(from:)))
        let close = try #require((entry["sales_close_at"] as? String).flatMap(formatter.date(from:)))
        #expect(start.timeIntervalSince(close) == 20 * 60)
        #expect(start > Date(), "the bundled showtime is upcoming")
    }
}
