import Foundation
import RedisClient
import Testing
import TestSupport

/// The scriptable commands on a Redis Cluster, given by its seed nodes, with a showtime on
/// each of its three shards.
@Suite struct ClusterCommandTests {
    @Test func theCommandsWorkOnEveryShard() async throws {
        let cluster = try await RedisTestCluster.shared()
        var ids: [Int: Int] = [:]
        for primary in try await cluster.primaries() {
            while ids[primary] == nil {
                let id = CLIFixtures.newID()
                if try await cluster.primary(serving: HashSlot(key: "{\(id)}")) == primary { ids[primary] = id }
            }
        }
        let cli = CLI(redis: cluster.urlString, fixtures: try CLIFixtures.make(ids: Array(ids.values)))
        for id in ids.values {
            func seats(_ command: String, _ user: String, _ seats: String...) async throws -> CLI.Result {
                try await cli.run([command, "--showtime", String(id), "--user", user, "--json"] + seats)
            }
            let locked = try await seats("lock", "alice", "C4", "C5")
            #expect(locked.status == 0, "\(locked.stderr)")
            let conflict = try await seats("lock", "bob", "C5")
            #expect(conflict.status == 3 && conflict.json["error"] as? String == "seats_unavailable")
            let status = try await cli.run(["status", "--showtime", String(id), "--user", "alice", "--json"])
            let entries = try #require(status.json["seats"] as? [[String: Any]])
            #expect(entries.first { $0["seat"] as? String == "C4" }?["state"] as? String == "selected")
            let booked = try await seats("book", "alice", "C4", "C5")
            #expect(booked.status == 0, "\(booked.stderr)")
            let bookingID = try #require(booked.json["booking_id"] as? Int)
            let bookings = try await cli.run(["bookings", "--showtime", String(id), "--json"])
            #expect((bookings.json["bookings"] as? [[String: Any]])?.map { $0["booking_id"] as? Int } == [bookingID])
            let reconciled = try await cli.run(["reconcile", "--showtime", String(id), "--json"])
            #expect(reconciled.status == 0, "Redis agrees with the database: \(reconciled.stdout)")
        }
        let sweep = try await cli.run(["sweep", "--json"])
        #expect(sweep.status == 0, "\(sweep.stderr)")
    }
}
