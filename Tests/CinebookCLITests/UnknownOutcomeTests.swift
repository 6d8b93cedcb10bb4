import Foundation
import Testing
import TestSupport

/// No answer says "failed" when the outcome is unknown, and the retry tells the truth.
@Suite struct UnknownOutcomeTests {
    @Test func aBookingWhoseCommitWasNeverConfirmedSaysUnknownAndTheRetryAnswersWithTheBooking() async throws {
        try await FaultyPostgres.exclusive { database, url in
            let fixture = try CLIFixtures.make()
            var cli = CLI(redis: try RedisTestServer.shared().urlString, fixtures: fixture.directory)
            cli.databaseURL = url.description
            let showtime = String(fixture.id)
            #expect(try await cli.run(["lock", "--showtime", showtime, "--user", "gina", "H7", "H8"]).status == 0)

            try await offThePool { try database.holdCommits() }
            let first = try await cli.run(["book", "--showtime", showtime, "--user", "gina", "--json", "H7", "H8"])
            try await offThePool { try database.confirmCommits() }
            #expect(first.status == 75, "\(first.stdout) \(first.stderr)")
            #expect(first.json["error"] as? String == "outcome_unknown")
            #expect((first.json["message"] as? String)?.contains("run the same command again") == true)

            let retry = try await cli.run(["book", "--showtime", showtime, "--user", "gina", "--json", "H7", "H8"])
            #expect(retry.status == 0, "\(retry.stdout) \(retry.stderr)")
            #expect(retry.json["seats"] as? [String] == ["H7", "H8"])
            let bookings = try await cli.run(["bookings", "--showtime", showtime, "--json"])
            #expect((bookings.json["bookings"] as? [[String: Any]])?.map { $0["booking_id"] as? Int } == [retry.json["booking_id"] as? Int],
                "one booking: the one the first call made")
        }
    }

    @Test func aBookingDuringARedisHangSaysNothingWasBookedAndTheRetryBooks() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let fixture = try CLIFixtures.make()
        let cli = CLI(redis: server.urlString, fixtures: fixture.directory)
        let showtime = String(fixture.id)
        #expect(try await cli.run(["lock", "--showtime", showtime, "--user", "gina", "H7", "H8"]).status == 0)

        server.suspend()
        let hung = try await cli.run(["book", "--showtime", showtime, "--user", "gina", "--json", "H7", "H8"])
        server.resume()
        #expect(hung.status == 69, "\(hung.stdout) \(hung.stderr)")
        #expect((hung.json["message"] as? String)?.contains("nothing was booked") == true, "\(hung.stdout)")

        let retry = try await cli.run(["book", "--showtime", showtime, "--user", "gina", "--json", "H7", "H8"])
        #expect(retry.status == 0, "\(retry.stdout) \(retry.stderr)")
        let again = try await cli.run(["book", "--showtime", showtime, "--user", "gina", "--json", "H7", "H8"])
        #expect(again.json["booking_id"] as? Int == retry.json["booking_id"] as? Int, "booking again answers with the booking")
    }
}
