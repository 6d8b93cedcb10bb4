import CinebookModel
import CinebookSupport
import Foundation
import RedisClient
import SeatLocking
import Testing
import TestSupport

@Suite("Every change is published")
struct EventTests {
    @Test(arguments: RedisKind.allCases) func lockExtendUnlockAndBookPublishTheirSeats(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 6)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")
        let recorder = EventRecorder(redis.subscribe(to: keys.events))
        defer { recorder.stop() }
        #expect(await recorder.waitUntilSubscribed())

        let grant = try await service.lock(["A1", "A2", "A3"], showtime: showtime.id, user: alice)
        let locked = try #require(await recorder.waitForJSON { $0["event"] as? String == "locked" })
        #expect(locked["seats"] as? [String] == ["A1", "A2", "A3"])
        #expect(locked["showtime_id"] as? Int == showtime.id)
        #expect((locked["expires_at"] as? NSNumber)?.int64Value == grant.expiresAt.milliseconds)
        #expect(locked["user_id"] == nil, "events never reveal who holds a seat")

        _ = try await service.extend(["A2", "A3"], showtime: showtime.id, user: alice)
        let extended = try #require(await recorder.waitForJSON { $0["event"] as? String == "extended" })
        #expect(extended["seats"] as? [String] == ["A2", "A3"])

        _ = try await service.unlock(["A1"], showtime: showtime.id, user: alice)
        let released = try #require(await recorder.waitForJSON { $0["event"] as? String == "released" })
        #expect(released["seats"] as? [String] == ["A1"])

        let booking = try await service.book(["A2", "A3"], showtime: showtime.id, user: alice)
        let booked = try #require(await recorder.waitForJSON { $0["event"] as? String == "booked" })
        #expect(booked["seats"] as? [String] == ["A2", "A3"])
        #expect((booked["booking_id"] as? NSNumber)?.int64Value == booking.id)

        #expect(recorder.jsonMessages.compactMap { $0["event"] as? String } == ["locked", "extended", "released", "booked"])
    }

    @Test(arguments: RedisKind.allCases) func refusedOperationsPublishNothing(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 6)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let keys = RedisKeyNames(showtime: showtime.id)
        let alice = TestUsers.unique("alice")
        let bob = TestUsers.unique("bob")
        _ = try await service.lock(["A1"], showtime: showtime.id, user: alice)
        let recorder = EventRecorder(redis.subscribe(to: keys.events))
        defer { recorder.stop() }
        #expect(await recorder.waitUntilSubscribed())

        await #expect(throws: SeatLockingError.self) { try await service.lock(["A1", "A2"], showtime: showtime.id, user: bob) }
        await #expect(throws: SeatLockingError.self) { try await service.extend(["A1"], showtime: showtime.id, user: bob) }
        await #expect(throws: SeatLockingError.self) { try await service.book(["A1"], showtime: showtime.id, user: bob) }
        #expect(try await service.unlock(["A1"], showtime: showtime.id, user: bob).released.isEmpty)

        _ = try await service.unlock(["A1"], showtime: showtime.id, user: alice)
        #expect(await recorder.waitForJSON { $0["event"] as? String == "released" } != nil)
        #expect(recorder.jsonMessages.compactMap { $0["event"] as? String } == ["released"])
    }
}
