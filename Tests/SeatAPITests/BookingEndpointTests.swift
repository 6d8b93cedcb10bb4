import Foundation
import Testing
import TestSupport

/// Bookings come from the database of record, and only their owner sees them.
@Suite struct BookingEndpointTests {
    @Test func callersSeeTheirOwnBookingsAndNobodyElses() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let bob = TestUsers.unique("bob")
            #expect(try await client.lock(["C1", "C2"], showtime: api.id, as: alice).status == 200)
            let booked = try await client.send(.post, "/api/v1/showtimes/\(api.id)/bookings", as: alice, json: #"{"seats":["C1","C2"]}"#)
            let id = try #require(booked.json["booking_id"] as? Int)

            let mine = try await client.send(.get, "/api/v1/bookings", as: alice)
            #expect(mine.status == 200)
            let listed = mine.json["bookings"] as? [[String: Any]] ?? []
            #expect(listed.map { $0["booking_id"] as? Int } == [id])
            #expect(listed.first?["seats"] as? [String] == ["C1", "C2"])
            #expect((try await client.send(.get, "/api/v1/bookings", as: bob).json["bookings"] as? [Any])?.isEmpty == true)
            #expect(try await client.send(.get, "/api/v1/bookings").status == 401)

            let one = try await client.send(.get, "/api/v1/showtimes/\(api.id)/bookings/\(id)", as: alice)
            #expect(one.status == 200)
            #expect(one.json["booking_id"] as? Int == id)
            #expect(one.json["user"] as? String == alice)
            let others = try await client.send(.get, "/api/v1/showtimes/\(api.id)/bookings/\(id)", as: bob)
            #expect(others.status == 404, "someone else's booking is not found, not forbidden")
            #expect(others.isFailureJSON)
            #expect(try await client.send(.get, "/api/v1/showtimes/\(api.id)/bookings/x1", as: alice).status == 400)
        }
    }

    @Test func healthShowsRedisMemoryAgainstItsLimit() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let health = try await client.raw(.get, "/health")
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ok")
            let redis = health.json["redis"] as? [String: Any] ?? [:]
            #expect((redis["used_memory_bytes"] as? Int ?? 0) > 0, "\(health.text)")
            #expect(redis["maxmemory_bytes"] is Int)
        }
    }
}
