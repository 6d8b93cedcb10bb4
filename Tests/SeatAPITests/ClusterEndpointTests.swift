import Foundation
import Testing
import TestSupport

/// The API on a Redis Cluster, with a showtime on each of its three shards.
@Suite struct ClusterEndpointTests {
    @Test func lockStatusBookAndEventsWorkOnEveryShard() async throws {
        let cluster = try await RedisTestCluster.shared()
        let showtimes = try await TestShowtimes.oneOnEachShard(of: cluster)
        let api = try await APIHarness.make(showtimes: showtimes, redis: cluster.url)
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let bob = TestUsers.unique("bob")
            for showtime in showtimes {
                let reader = try RawConnection(
                    port: client.port, path: "/api/v1/showtimes/\(showtime.id)/seats/events",
                    headers: ["Authorization": "Bearer \(try await client.token(bob))"])
                defer { reader.stop() }
                #expect(await reader.waitFor("event: connected"), "subscribed: \(reader.text)")

                #expect(try await client.lock(["C4", "C5"], showtime: showtime.id, as: alice).status == 200)
                #expect(await reader.waitFor(#""seats":["C4","C5"]"#), "the lock's event reached the stream: \(reader.text)")
                let taken = try await client.lock(["C5"], showtime: showtime.id, as: bob)
                #expect(taken.status == 409 && taken.error == "seats_unavailable")
                #expect(try await client.states(showtime: showtime.id, as: alice)["C4"] == "selected")

                let booked = try await client.send(.post, "/api/v1/showtimes/\(showtime.id)/bookings", as: alice, json: #"{"seats":["C4","C5"]}"#)
                #expect(booked.status == 201, "\(booked.json)")
                #expect(try await client.states(showtime: showtime.id, as: bob)["C5"] == "occupied")
                #expect(await reader.waitFor("event: booked"))
            }
            let health = try await client.send(.get, "/health")
            #expect(health.status == 200)
            #expect((health.json["redis"] as? [String: Any])?["cluster_state"] as? String == "ok")
            #expect(health.json["status"] as? String == "ok")
        }
    }
}
