import CinebookSupport
import Foundation
import Testing
import TestSupport

/// An on-sale rush as the bench plays it: people who look, hesitate and pick what they
/// see, the same crowd with the mechanisms off and on. Every play is audited.
@Suite struct RushBenchTests {
    @Test func theSameCrowdPlayedPlainAndWithOneClickSellsNothingTwice() async throws {
        let fixture = try CLIFixtures.make(from: 4)
        let cli = CLI(redis: try RedisTestServer.shared().urlString, fixtures: fixture.directory)
        let result = try await cli.run(
            // Patient with Redis: the other tests of the run share the two cores.
            ["bench", "--rush", "--showtime", String(fixture.id), "--arrivals", "40", "--arrivals-over", "3", "--seed", "11", "--redis-timeout", "5", "--json"],
            limit: 120)
        #expect(result.status == 0, "\(result.stderr) \(result.stdout)")
        let plays = try #require(result.json["plays"] as? [[String: Any]])
        #expect(plays.count == 2)
        for play in plays {
            #expect((play["violations"] as? [Any])?.isEmpty == true, "\(play)")
            #expect(play["errors"] as? Int == 0, "\(play)")
            #expect(play["bookings"] as? Int == play["people_with_seats"] as? Int, "whoever got seats booked them")
            #expect((play["people_with_seats"] as? Int ?? 0) + (play["people_without_seats"] as? Int ?? 0) == 40)
            #expect((play["seats_asked"] as? Int ?? 0) > 0)
        }
        let oneClick = try #require(plays.first { ($0["mechanisms"] as? [String: Any])?["one_click"] as? Bool == true })
        #expect(oneClick["seats_found_taken"] as? Int == 0, "with seats left, a click that lost its race holds the nearest block instead: \(oneClick)")
        #expect(oneClick["left_while_seats_were_free"] as? Int == 0)
    }

    /// More people than seats, through the waiting room: one crowd of 150 for a hall of 150
    /// seats. Nothing is sold twice, the hall as good as sells out, the first arrivals wait in
    /// the pre-queue and are drawn into an order, and nobody loses a race.
    @Test func aRushThroughTheWaitingRoomSellsTheHallWithoutARace() async throws {
        let fixture = try CLIFixtures.make(from: 4)
        let cli = CLI(redis: try RedisTestServer.shared().urlString, fixtures: fixture.directory)
        let result = try await cli.run(
            ["bench", "--rush", "--room", "--mechanisms", "on", "--showtime", String(fixture.id), "--arrivals", "150", "--arrivals-over", "3",
             "--seed", "23", "--redis-timeout", "5", "--json"],
            limit: 240)
        #expect(result.status == 0, "\(result.stderr) \(result.stdout)")
        let play = try #require((result.json["plays"] as? [[String: Any]])?.first)
        #expect((play["violations"] as? [Any])?.isEmpty == true && play["errors"] as? Int == 0, "\(play)")
        #expect((play["mechanisms"] as? [String: Any])?["room"] as? Bool == true)
        #expect((play["people_with_seats"] as? Int ?? 0) + (play["people_without_seats"] as? Int ?? 0) == 150)
        #expect((play["people_without_seats"] as? Int ?? 0) > 0, "more people than seats")
        #expect((play["seats_left"] as? Int ?? 150) < 10, "the hall as good as sells out: \(play)")
        #expect(play["seats_found_taken"] as? Int == 0, "admitted at the pace of the free seats, nobody lost a race: \(play)")
        #expect((play["drawn"] as? Int ?? 0) > 0, "the first arrivals waited in the pre-queue")
        #expect(play["served_before_an_earlier_arrival"] as? Int == 0, "let in in the order people reached the room, the drawn as one: \(play)")
    }
}
