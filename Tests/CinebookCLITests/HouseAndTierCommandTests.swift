import Foundation
import Testing
import TestSupport

/// The house's holds and the hold tiers from the command line: exits, words and JSON.
@Suite struct HouseAndTierCommandTests {
    @Test func theHouseKeepsSeatsBackGivesThemBackAndBooksAGuest() async throws {
        let id = CLIFixtures.newID()
        let cli = CLI(redis: try RedisTestServer.shared().urlString, fixtures: try CLIFixtures.make(from: 2, ids: [id]), redisTimeout: 5)
        let showtime = String(id)
        let house = { (arguments: [String]) async throws -> CLI.Result in
            try await cli.run(["house"] + arguments + ["--showtime", showtime, "--by", "ops", "--json"])
        }
        let held = try await house(["hold", "C1", "C2", "C3", "--label", "press", "--until", "23:59"])
        #expect(held.status == 0 && held.json["seats"] as? [String] == ["C1", "C2", "C3"] && held.json["ends"] as? String == "at", "\(held.stdout) \(held.stderr)")
        let taken = try await house(["hold", "C3", "C4", "--label", "guests"])
        #expect(taken.status == 3 && taken.json["error"] as? String == "seats_unavailable", "\(taken.stdout)")
        let badLabel = try await house(["hold", "C5", "--label", "press|vip"])
        #expect(badLabel.status == 2, "\(badLabel.stderr)")
        let badEnd = try await house(["hold", "C5", "--label", "guests", "--until", "tomorrowish"])
        #expect(badEnd.status == 2 && (badEnd.json["message"] as? String)?.contains("is not a time") == true, "\(badEnd.stdout)")

        let bob = try await cli.run(["lock", "--showtime", showtime, "--user", "bob", "C2", "--json"])
        #expect(bob.status == 3 && bob.json["error"] as? String == "seats_unavailable", "the public cannot take it: \(bob.stdout)")
        let listed = try await cli.run(["house", "list", "--showtime", showtime])
        #expect(listed.stdout.contains("H house 3") && listed.stdout.contains("\"press\" C1 C2 C3"), "\(listed.stdout)")

        let guest = try await house(["book", "C1", "--guest", "Ann Lee"])
        #expect(guest.status == 0 && guest.json["user"] as? String == "Ann Lee", "\(guest.stdout)")
        let notKept = try await house(["release", "C9"])
        #expect(notKept.status == 2 && (notKept.json["message"] as? String)?.contains("not kept back") == true, "\(notKept.stdout)")
        let released = try await house(["release", "--label", "press"])
        #expect(released.status == 0 && released.json["released"] as? [String] == ["C2", "C3"], "\(released.stdout)")
        #expect(try await cli.run(["lock", "--showtime", showtime, "--user", "bob", "C2"]).status == 0, "back on sale")
        let stats = try await cli.run(["stats", "--showtime", showtime])
        #expect(stats.stdout.contains("house holds       3 seats kept back, 2 given back to sale, 1 booked for guests"), "\(stats.stdout)")
    }

    @Test func aMemberTierHoldsLongerAndABadTiersFileIsRefused() async throws {
        let id = CLIFixtures.newID()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tiers-\(id)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("tiers.json").path
        try #"{"tiers": {"member": {"hold_minutes": 30, "maximum_hold_minutes": 120, "seat_limit": 12}}, "users": {"mia": "member"}}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        var cli = CLI(redis: try RedisTestServer.shared().urlString, fixtures: try CLIFixtures.make(from: 2, ids: [id]), redisTimeout: 5)
        cli.environment["CINEBOOK_TIERS"] = file
        func heldSeconds(_ result: CLI.Result) -> Double? {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let expires = (result.json["expires_at"] as? String).flatMap(formatter.date(from:)),
                  let now = (result.json["server_time"] as? String).flatMap(formatter.date(from:)) else { return nil }
            return expires.timeIntervalSince(now)
        }
        let seats = (1...11).map { "H\($0)" }
        let mia = try await cli.run(["lock", "--showtime", String(id), "--user", "mia", "--json"] + seats)
        #expect(mia.status == 0, "a member may hold 11 seats: \(mia.stdout) \(mia.stderr)")
        #expect(heldSeconds(mia).map { abs($0 - 1800) < 2 } == true, "\(mia.stdout)")
        let pat = try await cli.run(["lock", "--showtime", String(id), "--user", "pat", "E1", "--json"])
        #expect(heldSeconds(pat).map { abs($0 - 900) < 2 } == true, "\(pat.stdout)")

        try #"{"tiers": {"member": {"hold_minutes": 0, "maximum_hold_minutes": 120, "seat_limit": 12}}}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let broken = try await cli.run(["lock", "--showtime", String(id), "--user", "mia", "E2", "--json"])
        #expect(broken.json["error"] as? String == "invalid_configuration", "\(broken.stdout)")
        #expect((broken.json["message"] as? String)?.contains("hold_minutes must be from 1 to 240") == true, "\(broken.stdout)")
    }
}
