import CinebookModel
import Foundation
import TestSupport
import Testing
@testable import CinebookWire

/// The wire's one key strategy: camelCase properties in snake_case on the wire, read back
/// as the same properties; dictionary keys such as seat codes are left alone.
@Suite("Wire keys")
struct WireKeyTests {
    @Test(arguments: [
        ("showtimeID", "showtime_id"), ("expiresAt", "expires_at"), ("p99Ms", "p99_ms"), ("p50OverFloor", "p50_over_floor"),
        ("everyS", "every_s"), ("maxSeatsPerUser", "max_seats_per_user"), ("bookingID", "booking_id"),
        ("redisBytesPerHeldSeat", "redis_bytes_per_held_seat"), ("ok", "ok"), ("counts", "counts"),
    ])
    func propertiesAreWrittenInSnakeCaseAndReadBack(property: String, key: String) {
        #expect(WireKeys.snakeCased(property) == key)
        #expect(WireKeys.camelCased(key) == property)
    }

    @Test(arguments: ["A1", "AA12", "B10", "1", "12"])
    func dictionaryKeysStayAsTheyAre(key: String) {
        #expect(WireKeys.snakeCased(key) == key)
        #expect(WireKeys.camelCased(key) == key)
    }

    /// The ASCII bytes' rules are the `Character`s' rules: 20,000 names of letters, digits,
    /// underscores and a few non-ASCII letters, each written and read both ways.
    @Test func theBytesRulesAreTheCharactersRules() {
        var random = SeededRandom(seed: 22)
        let alphabet = Array("abcdxyzABCDXYZ0129__éÉß")
        for _ in 0..<20_000 {
            let name = String((0..<Int.random(in: 1...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            let lowercaseFirst = name.first!.isLowercase
            #expect(WireKeys.snakeCased(name) == (lowercaseFirst ? WireKeys.snakeCasedCharacters(name) : name), "\(name)")
            #expect(WireKeys.camelCased(name) == (lowercaseFirst ? WireKeys.camelCasedCharacters(name) : name), "\(name)")
        }
    }

    @Test func aBodyWritesEveryKeyInSnakeCaseAndSeatCodesAsTheyAre() throws {
        let stats = ShowtimeStats(
            showtimeID: 4, since: nil, conflictingSeats: 2, limitRefusals: 0, limitRefusedSeats: 0, failedSeats: ["lock": 1],
            booked: 1, released: 0, expired: 0, medianMillisecondsToBooking: 1500, seats: ["A1": .init(held: 2, booked: 1)])
        let body = SeatLockingJSON.encode(SeatLockingJSON.Stats(stats))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(object["showtime_id"] as? Int == 4)
        #expect(object["median_seconds_to_booking"] as? Double == 1.5)
        #expect((object["seats"] as? [String: Any])?.keys.sorted() == ["A1"])
        #expect(object.keys.allSatisfy { $0 == $0.lowercased() }, "\(object.keys.sorted())")
        let back = try #require(ShowtimeStats(try SeatLockingJSON.decode(SeatLockingJSON.Stats.self, from: Data(body.utf8))))
        #expect(back == stats)
    }
}
