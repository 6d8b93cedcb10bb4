import CinebookModel
import Foundation
import HTTPTypes
import Testing
import TestSupport

/// The house's holds over HTTP, for operators only; and a member tier's longer hold,
/// from its token to the lock.
@Suite struct HouseAndTierEndpointTests {
    @Test func operatorsKeepSeatsBackAndEveryoneElseIsRefused() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 6)
        let api = try await APIHarness.make(showtimes: [showtime])
        let ops = try await api.tokens.mint(user: "ops", ttl: .seconds(600), role: .operator)
        try await api.run { client in
            let base = "/api/v1/showtimes/\(showtime.id)"
            let asOperator: HTTPFields = [.authorization: "Bearer \(ops)"]
            let bob = TestUsers.unique("bob")

            let refused = try await client.send(.post, "\(base)/house", as: bob, json: #"{"seats": ["A1"], "label": "press"}"#)
            #expect(refused.status == 403 && refused.json["error"] as? String == "forbidden", "\(refused.text)")
            #expect(try await client.send(.get, "\(base)/house", as: bob).status == 403)

            let held = try await client.send(.post, "\(base)/house", json: #"{"seats": ["A1", "A2"], "label": "press"}"#, headers: asOperator)
            #expect(held.status == 201 && held.json["seats"] as? [String] == ["A1", "A2"] && held.json["ends"] as? String == "released", "\(held.text)")
            let unlabelled = try await client.send(.post, "\(base)/house", json: #"{"seats": ["A3"]}"#, headers: asOperator)
            #expect(unlabelled.status == 422, "\(unlabelled.text)")
            let badEnd = try await client.send(.post, "\(base)/house", json: #"{"seats": ["A3"], "label": "x", "until": "soon"}"#, headers: asOperator)
            #expect(badEnd.status == 422 && badEnd.text.contains("is not a time"), "\(badEnd.text)")

            // The public: not available, nothing to take, release or book.
            #expect(try await client.lock(["A1"], showtime: showtime.id, as: bob).status == 409)
            #expect(try await client.states(showtime: showtime.id, as: bob)["A1"] == "occupied")
            let unlock = try await client.send(.delete, "\(base)/seats/unlock", as: bob, json: APIClient.selection(["A1"]))
            #expect(unlock.status == 409, "\(unlock.text)")
            #expect(try await client.send(.post, "\(base)/bookings", as: bob, json: APIClient.selection(["A1"])).status == 409)

            // Operators see them as the house's.
            let seen = try await client.send(.get, "\(base)/house", headers: asOperator)
            let holds = (seen.json["holds"] as? [String: Any])?["holds"] as? [[String: Any]]
            #expect(holds?.first?["label"] as? String == "press", "\(seen.text)")
            let seats = ((seen.json["status"] as? [String: Any])?["seats"] as? [[String: Any]]) ?? []
            #expect(seats.first { $0["seat"] as? String == "A1" }?["state"] as? String == "house", "\(seen.text)")

            let guest = try await client.send(.post, "\(base)/house/bookings", json: #"{"seats": ["A1"], "guest": "Ann Lee"}"#, headers: asOperator)
            #expect(guest.status == 201 && guest.json["user"] as? String == "Ann Lee", "\(guest.text)")
            let released = try await client.send(.delete, "\(base)/house/seats", json: #"{"label": "press"}"#, headers: asOperator)
            #expect(released.status == 200 && released.json["released"] as? [String] == ["A2"], "\(released.text)")
            #expect(try await client.lock(["A2"], showtime: showtime.id, as: bob).status == 200, "back on sale")
        }
    }

    @Test func aMemberTierHoldsLongerFromItsToken() async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 8)
        let tiers = try HoldTiers(json: Data(#"{"tiers": {"member": {"hold_minutes": 30, "maximum_hold_minutes": 120, "seat_limit": 12}}}"#.utf8))
        let api = try await APIHarness.make(showtimes: [showtime]) { $0.tiers = tiers }
        let member = try await api.tokens.mint(user: "mia", ttl: .seconds(600), tier: "member")
        try await api.run { client in
            let base = "/api/v1/showtimes/\(showtime.id)"
            func held(_ response: APIResponse) throws -> TimeInterval {
                let expires = try #require((response.json["expires_at"] as? String).flatMap(ISO8601DateFormatter.withFraction.date(from:)))
                let now = try #require((response.json["server_time"] as? String).flatMap(ISO8601DateFormatter.withFraction.date(from:)))
                return expires.timeIntervalSince(now)
            }
            let eleven = (1...8).map { "A\($0)" } + ["B1", "B2", "B3"]
            let mine = try await client.send(.post, "\(base)/seats/lock", json: APIClient.selection(eleven), headers: [.authorization: "Bearer \(member)"])
            #expect(mine.status == 200, "a member may hold 11 seats: \(mine.text)")
            #expect(abs(try held(mine) - 1800) < 2, "\(mine.text)")
            let plain = try await client.lock(["B8"], showtime: showtime.id, as: TestUsers.unique("pat"))
            #expect(abs(try held(plain) - 900) < 2, "\(plain.text)")
            let detail = try await client.send(.get, base, headers: [.authorization: "Bearer \(member)"])
            #expect((detail.json["policy"] as? [String: Any])?["lock_seconds"] as? Int == 1800, "\(detail.text)")
        }
    }
}

extension ISO8601DateFormatter {
    static var withFraction: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
