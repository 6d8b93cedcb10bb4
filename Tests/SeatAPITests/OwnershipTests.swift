import Foundation
import Hummingbird
import RedisClient
import Testing
import TestSupport

/// Another user's token can never release, extend or book someone's seats.
@Suite struct OwnershipTests {
    @Test func bobCannotUnlockExtendOrBookAlicesSeats() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let bob = TestUsers.unique("bob")
            let base = "/api/v1/showtimes/\(api.id)"
            let grant = try await client.lock(["A1", "A2"], showtime: api.id, as: alice)
            #expect(grant.status == 200)
            let lockKey = RedisKeyNames(showtime: api.id).lock("A1")
            let before = try await api.redis.hash(lockKey)
            let expiryBefore = try await api.redis.expireTime(lockKey)

            let unlock = try await client.send(.delete, "\(base)/seats/unlock", as: bob, json: #"{"seats":["A1","A2"]}"#)
            #expect(unlock.status == 409)
            #expect(unlock.error == "not_lock_owner")
            #expect(unlock.json["seats"] as? [String] == ["A1", "A2"])
            let unlockByQuery = try await client.send(.delete, "\(base)/seats/unlock?seats=A1", as: bob)
            #expect(unlockByQuery.status == 409)

            let extend = try await client.send(.put, "\(base)/seats/extend-lock", as: bob, json: #"{"seats":["A1"],"ttl_seconds":3000}"#)
            #expect(extend.status == 409)
            #expect(extend.error == "not_lock_owner")

            let book = try await client.send(.post, "\(base)/bookings", as: bob, json: #"{"seats":["A1","A2"]}"#)
            #expect(book.status == 409)
            #expect(book.error == "not_lock_owner")

            #expect(try await api.redis.hash(lockKey) == before, "the lock is untouched")
            #expect(try await api.redis.expireTime(lockKey) == expiryBefore, "and so is its expiry")
            let states = try await client.states(showtime: api.id, as: alice)
            #expect(states["A1"] == "selected" && states["A2"] == "selected")
            #expect(try await client.send(.post, "\(base)/bookings", as: alice, json: #"{"seats":["A1","A2"]}"#).status == 201)
        }
    }

    @Test func unlockingAMixOfOwnAndOthersSeatsReleasesNothing() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let bob = TestUsers.unique("bob")
            #expect(try await client.lock(["B1"], showtime: api.id, as: alice).status == 200)
            #expect(try await client.lock(["B2"], showtime: api.id, as: bob).status == 200)
            let mixed = try await client.send(.delete, "/api/v1/showtimes/\(api.id)/seats/unlock?seats=B1,B2", as: bob)
            #expect(mixed.status == 409)
            #expect(mixed.json["seats"] as? [String] == ["B1"])
            let states = try await client.states(showtime: api.id, as: bob)
            #expect(states["B1"] == "locked" && states["B2"] == "selected")
        }
    }
}
