import Foundation
import Testing
import TestSupport

/// The scriptable commands end to end: exit codes and `--json` answers.
@Suite struct SeatCommandTests {
    let cli: CLI
    let showtime: String

    init() throws {
        let fixture = try CLIFixtures.make(from: 2)
        cli = CLI(redis: try RedisTestServer.shared().urlString, fixtures: fixture.directory, redisTimeout: 5)
        showtime = String(fixture.id)
    }

    func seats(_ command: String, _ user: String, _ seats: String...) async throws -> CLI.Result {
        try await cli.run([command, "--showtime", showtime, "--user", user, "--json"] + seats)
    }

    @Test func lockAnswersWithSeatsExpiryAndTTL() async throws {
        let result = try await seats("lock", "alice", "C4", "c5")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.json["ok"] as? Bool == true)
        #expect(result.json["seats"] as? [String] == ["C4", "C5"])
        #expect(result.json["ttl_seconds"] as? Int == 900)
        let expires = try #require(result.json["expires_at"] as? String)
        #expect(ISO8601DateFormatter.withFractions.date(from: expires) != nil)
    }

    /// An operator inspects a stuck hold and ends it: logged, and only with --force.
    @Test func anOperatorInspectsAndForceReleasesAStuckHold() async throws {
        let locked = try await seats("lock", "henry", "A3", "A4")
        let token = try #require((locked.json["held"] as? [[String: Any]])?.first?["token"] as? Int)
        let inspected = try await cli.run(["seat", "--showtime", showtime, "A3", "A5", "--json"])
        #expect(inspected.status == 0, "\(inspected.stderr)")
        let found = try #require(inspected.json["seats"] as? [[String: Any]])
        #expect(found.map { $0["state"] as? String } == ["held", "free"])
        #expect(found[0]["user"] as? String == "henry" && found[0]["token"] as? Int == token)
        #expect(found[0]["expires_at"] as? String == locked.json["expires_at"] as? String)
        let text = try await cli.run(["seat", "--showtime", showtime, "A3"])
        #expect(text.stdout.contains("A3 in showtime \(showtime): held by henry since"), "\(text.stdout)")

        let refused = try await cli.run(["release", "--showtime", showtime, "A3"])
        #expect(refused.status == 2 && refused.stderr.contains("add --force"), "\(refused.stderr)")
        let forced = try await cli.run(["release", "--showtime", showtime, "A3", "A5", "--force", "--operator", "olga", "--json"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect((forced.json["released"] as? [[String: String]]) == [["seat": "A3", "user": "henry"]])
        #expect(forced.json["not_held"] as? [String] == ["A5"])
        #expect(forced.stderr.contains("holds released by an operator") && forced.stderr.contains("olga"), "logged: \(forced.stderr)")
        let after = try await cli.run(["seat", "--showtime", showtime, "A3", "A4", "--json"])
        #expect((after.json["seats"] as? [[String: Any]])?.map { $0["state"] as? String } == ["free", "held"], "A4 is still henry's")
        #expect(try await seats("lock", "ida", "A3").status == 0, "A3 can be picked again")
    }

    /// In `status --user`, the user's own sold seats are marked as theirs.
    @Test func statusMarksTheViewersOwnBookings() async throws {
        #expect(try await seats("lock", "olive", "J1").status == 0)
        #expect(try await seats("book", "olive", "J1").status == 0)
        #expect(try await seats("lock", "pat", "J2").status == 0)
        #expect(try await seats("book", "pat", "J2").status == 0)
        let mine = try await cli.run(["status", "--showtime", showtime, "--user", "olive"])
        let row = mine.stdout.split(separator: "\n").first { $0.hasPrefix("J ") }.map(String.init) ?? ""
        #expect(row.split(separator: " ").prefix(3) == ["J", "B", "X"], "J1 olive's, J2 someone else's: \(row)")
        #expect(mine.stdout.contains("B booked by olive 1"), "\(mine.stdout)")
    }

    /// `--or-nearest`: a taken pick is answered with the nearest block held, in words and in JSON.
    @Test func orNearestHoldsTheNearestBlockAndSaysWhy() async throws {
        #expect(try await seats("lock", "quinn", "F6").status == 0)
        let text = try await cli.run(["lock", "--showtime", showtime, "--user", "rita", "--or-nearest", "F6", "F7"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("just taken; we hold") && text.stdout.contains("Locked"), "\(text.stdout)")
        let json = try await cli.run(["lock", "--showtime", showtime, "--user", "sam", "--or-nearest", "--json", "F6", "F7"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.json["replacing"] as? [String] == ["F6", "F7"])
        #expect((json.json["seats"] as? [String])?.contains("F6") == false)
    }

    @Test func conflictExitsThreeWithUnavailableSeatsAndSuggestions() async throws {
        #expect(try await seats("lock", "alice", "E6").status == 0)
        let result = try await seats("lock", "bob", "E5", "E6", "E7")
        #expect(result.status == 3)
        #expect(result.json["ok"] as? Bool == false)
        #expect(result.json["error"] as? String == "seats_unavailable")
        #expect(result.json["unavailable"] as? [String] == ["E6"])
        let suggestions = try #require(result.json["suggestions"] as? [[String]])
        #expect(!suggestions.isEmpty)
        #expect(suggestions.allSatisfy { $0.count == 3 && !$0.contains("E6") })
        let text = try await cli.run(["lock", "--showtime", showtime, "--user", "bob", "E6"])
        #expect(text.status == 3)
        #expect(text.stderr.contains("E6 is no longer available"))
    }

    @Test func bestOffersRankedSetsAndLocksTheBestOneForAUser() async throws {
        let offered = try await cli.run(["best", "--showtime", showtime, "--count", "3", "--json"])
        #expect(offered.status == 0, "\(offered.stderr)")
        let offers = try #require(offered.json["offers"] as? [[String: Any]])
        let first = try #require(offers.first?["seats"] as? [String])
        #expect(first.count == 3)
        #expect(offers.count == 3)

        let text = try await cli.run(["best", "--showtime", showtime, "--count", "3"])
        #expect(text.stdout.contains("1. " + first.joined(separator: " ")))

        let locked = try await cli.run(["best", "--showtime", showtime, "--count", "3", "--lock", "--user", "carol", "--json"])
        #expect(locked.status == 0, "\(locked.stderr)")
        #expect(locked.json["seats"] as? [String] == first)
        let next = try await cli.run(["best", "--showtime", showtime, "--count", "3", "--lock", "--user", "dave", "--json"])
        let nextSeats = try #require(next.json["seats"] as? [String])
        #expect(Set(nextSeats).isDisjoint(with: first), "the second party gets the next best set")
    }

    @Test func bestRefusesBadRequestsWithExitTwo() async throws {
        for arguments in [["--count", "0"], ["--count", "11"], ["--count", "2", "--category", "gold"], ["--count", "2", "--lock"],
                          ["--count", "2", "--near", "ZZ"], ["--count", "2", "--ttl", "60"]] {
            let result = try await cli.run(["best", "--showtime", showtime] + arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(!result.stderr.isEmpty)
        }
    }

    @Test func unlockReleasesOnlyOwnSeatsAndIsIdempotent() async throws {
        #expect(try await seats("lock", "alice", "F1", "F2").status == 0)
        let stranger = try await seats("unlock", "bob", "F1")
        #expect(stranger.status == 0)
        #expect(stranger.json["released"] as? [String] == [])
        let owner = try await seats("unlock", "alice", "F1", "F2")
        #expect(owner.json["released"] as? [String] == ["F1", "F2"])
        let again = try await seats("unlock", "alice", "F1", "F2")
        #expect(again.status == 0)
        #expect(again.json["released"] as? [String] == [])
    }

    @Test func extendNeedsALiveLockOfYourOwn() async throws {
        let locked = try await cli.run(["lock", "--showtime", showtime, "--user", "alice", "--ttl", "300", "--json", "H3"])
        #expect(locked.status == 0)
        let extended = try await cli.run(["extend", "--showtime", showtime, "--user", "alice", "--ttl", "600", "--json", "H3"])
        #expect(extended.status == 0)
        #expect((596...600).contains(extended.json["ttl_seconds"] as? Int ?? 0), "\(extended.stdout)")
        let shorter = try await cli.run(["extend", "--showtime", showtime, "--user", "alice", "--ttl", "60", "--json", "H3"])
        #expect(shorter.json["expires_at"] as? String == extended.json["expires_at"] as? String, "an extension never shortens a hold")
        let stranger = try await seats("extend", "bob", "H3")
        #expect(stranger.status == 4)
        #expect(stranger.json["error"] as? String == "not_lock_owner")
        let never = try await seats("extend", "alice", "H4")
        #expect(never.status == 4)
        #expect(never.json["error"] as? String == "lock_expired")
        let message = never.json["message"] as? String ?? ""
        #expect(message == "You hold no lock on H4 now; lock it first.", "no claim of an expiry that never was: \(message)")
    }

    @Test func bookSellsHeldSeatsAndOnlyThose() async throws {
        #expect(try await seats("lock", "alice", "B7", "B8").status == 0)
        let stranger = try await seats("book", "bob", "B7")
        #expect(stranger.status == 4)
        #expect(stranger.json["error"] as? String == "not_lock_owner")
        let booked = try await seats("book", "alice", "B7", "B8")
        #expect(booked.status == 0)
        #expect(booked.json["booking_id"] as? Int != nil)
        #expect(booked.json["seats"] as? [String] == ["B7", "B8"])
        let relock = try await seats("lock", "bob", "B8")
        #expect(relock.status == 3)
        let status = try await cli.run(["status", "--showtime", showtime, "--json"])
        let entries = try #require(status.json["seats"] as? [[String: Any]])
        #expect(entries.first { $0["seat"] as? String == "B7" }?["state"] as? String == "occupied")
    }

    @Test func statusShowsFourStatesToTheViewer() async throws {
        #expect(try await seats("lock", "alice", "I1").status == 0)
        #expect(try await seats("lock", "bob", "I2").status == 0)
        let result = try await cli.run(["status", "--showtime", showtime, "--user", "alice", "--json"])
        #expect(result.status == 0)
        let entries = try #require(result.json["seats"] as? [[String: Any]])
        #expect(entries.count == 150)
        func state(_ seat: String) -> String? { entries.first { $0["seat"] as? String == seat }?["state"] as? String }
        #expect(state("I1") == "selected")
        #expect(state("I2") == "locked")
        #expect(state("D6") == "occupied")
        #expect(state("A1") == "available")
        let mine = try #require(entries.first { $0["seat"] as? String == "I1" })
        #expect(mine["expires_at"] as? String != nil)
        #expect(mine["row"] as? String == "I" && mine["number"] as? Int == 1)
        #expect(entries.first { $0["seat"] as? String == "I2" }?["expires_at"] == nil)
        let text = try await cli.run(["status", "--showtime", showtime, "--user", "alice"])
        #expect(text.stdout.contains("SCREEN"))
        #expect(text.stdout.contains("@ selected 1"))
        #expect(text.stdout.contains("# locked 1"))
    }

    @Test func showtimesAndSweepAnswerInJSON() async throws {
        let list = try await cli.run(["showtimes", "--json"], plain: false)
        #expect(list.status == 0)
        let showtimes = try #require(list.json["showtimes"] as? [[String: Any]])
        #expect(showtimes.first?["id"] as? Int == Int(showtime))
        #expect(showtimes.first?["seat_count"] as? Int == 150)
        #expect(try await cli.run(["lock", "--showtime", showtime, "--user", "alice", "--ttl", "1", "J1"]).status == 0)
        let deadline = Date().addingTimeInterval(5)
        var swept: [String] = []
        while swept.isEmpty, Date() < deadline {
            let sweep = try await cli.run(["sweep", "--json"])
            #expect(sweep.status == 0)
            swept = (sweep.json["expired"] as? [String: [String]])?[showtime] ?? []
        }
        #expect(swept == ["J1"])
    }
}

extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
