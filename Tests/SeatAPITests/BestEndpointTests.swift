import Foundation
import Testing
import TestSupport

/// `GET /api/v1/showtimes/{id}/seats/best`: ranked offers from the live status.
@Suite struct BestEndpointTests {
    @Test func offersRankedFreeSetsAndCountsTheCallersSeatsAsTaken() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let path = "/api/v1/showtimes/\(api.id)/seats/best?count=4"
            let empty = try await client.send(.get, path, as: alice)
            #expect(empty.status == 200, "\(empty.text)")
            #expect(Set(empty.json.keys) == ["ok", "showtime_id", "count", "wheelchair", "offers"])
            let offers = try #require(empty.json["offers"] as? [[String: Any]])
            let first = try #require(offers.first?["seats"] as? [String])
            #expect(first == ["D4", "D5", "D6", "D7"], "5 rows of 10: row D is two thirds back, seats 4–7 the centre")
            #expect(offers.count == 3)

            #expect(try await client.lock(first, showtime: api.id, as: alice).status == 200)
            let again = try await client.send(.get, path, as: alice)
            let seats = try #require((again.json["offers"] as? [[String: Any]])?.compactMap { $0["seats"] as? [String] })
            #expect(!seats.isEmpty)
            #expect(seats.allSatisfy { Set($0).isDisjoint(with: first) }, "held seats, even the caller's, are not offered")

            let near = try await client.send(.get, "/api/v1/showtimes/\(api.id)/seats/best?count=2&near=a1,A2", as: alice)
            #expect((near.json["offers"] as? [[String: Any]])?.first?["seats"] as? [String] == ["A1", "A2"])
            let repeated = try await client.send(.get, "/api/v1/showtimes/\(api.id)/seats/best?count=2&near=a1&near=A2", as: alice)
            #expect((repeated.json["offers"] as? [[String: Any]])?.first?["seats"] as? [String] == ["A1", "A2"],
                    "repeated parameters count like the comma form: \(repeated.json)")
        }
    }

    @Test func badQueriesGet422AndNoTokenGets401() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let base = "/api/v1/showtimes/\(api.id)/seats/best"
            for query in ["", "?count=0", "?count=11", "?count=abc", "?count=99999999999999999999", "?count=2&category=wheelchair",
                          "?count=2&category=gold", "?count=2&wheelchair=maybe", "?count=2&near=Z99", "?count=2&near=%F0%9F%8E%AC",
                          "?count=2&near=" + String(repeating: "A1,", count: 5_000)] {
                let response = try await client.send(.get, base + query, as: alice)
                #expect(response.status == 422, "\(query.prefix(40)): \(response.status) \(response.text)")
                #expect(response.isFailureJSON, "\(query.prefix(40))")
            }
            let unknown = try await client.send(.get, "/api/v1/showtimes/999999/seats/best?count=2", as: alice)
            #expect(unknown.status == 404)
            let anonymous = try await client.raw(.get, base + "?count=2")
            #expect(anonymous.status == 401)
        }
    }
}
