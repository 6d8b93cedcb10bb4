import CinebookModel
import CinebookSupport
import Foundation
import RedisClient
import SeatLocking
import Testing
import TestSupport

/// With `appendonly yes` and `appendfsync always`, as the embedded Redis runs, nothing
/// that was answered is lost when Redis is killed.
@Suite("Bookings and locks survive a Redis crash")
struct DurabilityTests {
    @Test func killNineAndRestartKeepsTheBookingTheSoldSeatsAndTheLocksWithTheirTTL() async throws {
        let server = try RedisTestServer(extraArguments: ["--appendonly", "yes", "--appendfsync", "always"])
        defer { server.stop() }
        let showtime = try TestShowtimes.grid(rows: 2, seats: 6)
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")
        let bob = TestUsers.unique("bob")

        var redis = RedisClient(url: server.url)
        var service = SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: [showtime]))
        let held = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice, ttl: .seconds(600))
        let booking = try await service.book(["A1"], showtime: showtime.id, user: alice)
        let bobs = try await service.lock(["B3"], showtime: showtime.id, user: bob, ttl: .seconds(300))
        redis.close()

        try await offThePool {
            server.stop(hard: true)
            try server.start()
        }

        redis = RedisClient(url: server.url)
        defer { redis.close() }
        service = SeatLockingService(redis: redis, records: try TestRecords.shared(), catalog: Catalog(showtimes: [showtime]))
        let status = try await service.status(showtime: showtime.id, viewer: alice)
        #expect(status.state(of: "A1") == .occupied, "the sold seat is still sold")
        #expect(status.state(of: "A2") == .selected, "alice's other seat is still hers")
        #expect(status.state(of: "B3") == .locked, "bob's lock is still there")
        #expect(try await redis.hash(keys.sold) == ["A1": String(booking.id)], "Redis still has the sale")
        let expiry = try #require(held.seats.first { $0.code == "A2" }).expiresAt.milliseconds
        #expect(try await redis.expireTime(keys.lock("A2")) == expiry, "the lock keeps its expiry, so its remaining TTL")
        #expect(try await redis.expireTime(keys.lock("B3")) == bobs.seats[0].expiresAt.milliseconds)
        #expect(try await redis.pttl(keys.lock("A2")) > 0)

        await #expect(throws: SeatLockingError.self) { try await service.lock(["A1"], showtime: showtime.id, user: bob) }
        let next = try await service.lock(["B1"], showtime: showtime.id, user: bob)
        #expect(next.seats[0].token > bobs.seats[0].token, "fencing tokens keep growing after the restart")
    }
}
