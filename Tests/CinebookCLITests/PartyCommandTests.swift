import Foundation
import Testing
import TestSupport

/// Parties from the command line: a code read aloud and typed back in any case, seats
/// picked for the party by each member, one booking; every bad code its own error and exit.
@Suite struct PartyCommandTests {
    @Test func friendsChooseTogetherAndBadCodesGetTheirOwnExits() async throws {
        let (first, second) = (CLIFixtures.newID(), CLIFixtures.newID())
        let cli = CLI(redis: try RedisTestServer.shared().urlString, fixtures: try CLIFixtures.make(from: 2, ids: [first, second]), redisTimeout: 5)
        let showtime = String(first)
        let party = { (arguments: [String]) async throws -> CLI.Result in try await cli.run(["party"] + arguments + ["--showtime", showtime, "--json"]) }

        let started = try await party(["start", "--user", "alice"])
        #expect(started.status == 0, "\(started.stderr)")
        let code = try #require(started.json["code"] as? String)
        let text = try await cli.run(["party", "show", code, "--showtime", showtime, "--user", "alice"])
        #expect(text.stdout.contains("Party \(code) for showtime \(showtime): alice."), "\(text.stdout)")
        let typed = code.lowercased().replacingOccurrences(of: "-", with: "")
        #expect(try await party(["join", typed, "--user", "bob"]).json["members"].map { ($0 as? [[String: Any]])?.count } == 2)

        let lock = { (user: String, seats: [String]) async throws -> CLI.Result in
            try await cli.run(["lock", "--showtime", showtime, "--user", user, "--party", code, "--json"] + seats)
        }
        #expect(try await lock("alice", ["H4", "H5"]).status == 0)
        #expect(try await lock("bob", ["H6"]).status == 0)
        let shown = try await party(["show", code, "--user", "bob"])
        #expect(shown.json["seats"] as? [String: String] == ["H4": "alice", "H5": "alice", "H6": "bob"], "\(shown.stdout)")
        let stranger = try await lock("carol", ["H7"])
        #expect(stranger.status == 4 && stranger.json["error"] as? String == "not_party_member", "\(stranger.stdout)")
        let booked = try await cli.run(["book", "--showtime", showtime, "--user", "bob", "--party", code, "H4", "H5", "H6", "--json"])
        #expect(booked.status == 0 && booked.json["seats"] as? [String] == ["H4", "H5", "H6"], "\(booked.stdout)")
        #expect(booked.json["sitters"] as? [String: String] == ["H4": "alice", "H5": "alice", "H6": "bob"], "who sits where: \(booked.stdout)")

        // Bad codes: none such, another showtime's, malformed, and an ended party's.
        let unknown = try await party(["join", "ZZZZZ-000", "--user", "dan"])
        #expect(unknown.status == 2 && unknown.json["error"] as? String == "party_not_found", "\(unknown.stdout)")
        let elsewhere = try await cli.run(["party", "join", code, "--showtime", String(second), "--user", "dan", "--json"])
        #expect(elsewhere.status == 2 && elsewhere.json["error"] as? String == "party_other_showtime", "\(elsewhere.stdout)")
        #expect(elsewhere.json["showtime_id"] as? Int == first)
        let malformed = try await party(["join", "FERN-42", "--user", "dan"])
        #expect(malformed.status == 2, "\(malformed.stderr)")
        #expect(try await party(["leave", code, "--user", "alice"]).status == 0)
        let last = try await party(["leave", code, "--user", "bob"])
        #expect(last.status == 0 && last.json["party"] == nil, "\(last.stdout)")
        let ended = try await party(["join", code, "--user", "dan"])
        #expect(ended.status == 3 && ended.json["error"] as? String == "party_ended", "\(ended.stdout)")
    }
}
