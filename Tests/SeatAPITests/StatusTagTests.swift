import Foundation
import Hummingbird
import Testing
import TestSupport

/// Status answers carry an `ETag`; a client whose copy is current gets 304 and no body.
@Suite struct StatusTagTests {
    @Test func anUnchangedMapIsA304AndEveryChangeGivesANewTag() async throws {
        // Polled until a hold ends: no rate limit.
        let api = try await APIHarness.make { $0.rateLimit = nil }
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let bob = TestUsers.unique("bob")
            let path = "/api/v1/showtimes/\(api.id)/seats/status"
            let first = try await client.status(showtime: api.id, as: alice)
            let tag = try #require(first.headers[.eTag])
            #expect(tag.hasPrefix(#"W/""#))

            let same = try await client.send(.get, path, as: alice, headers: [.ifNoneMatch: tag])
            #expect(same.status == 304)
            #expect(same.text.isEmpty)
            #expect(same.headers[.eTag] == tag)
            #expect(try await client.status(showtime: api.id, as: bob).headers[.eTag] != tag, "each viewer has a tag of their own")

            #expect(try await client.lock(["C3"], showtime: api.id, as: bob).status == 200)
            let changed = try await client.send(.get, path, as: alice, headers: [.ifNoneMatch: tag])
            #expect(changed.status == 200)
            let newTag = try #require(changed.headers[.eTag])
            #expect(newTag != tag)
            #expect(try await client.states(showtime: api.id, as: alice)["C3"] == "locked")

            // A hold that ends by itself changes the map with no write: the tag changes too.
            let short = try await client.send(.post, "/api/v1/showtimes/\(api.id)/seats/lock", as: bob, json: #"{"seats":["D1"],"ttl_seconds":3}"#)
            #expect(short.status == 200)
            let held = try #require(try await client.status(showtime: api.id, as: alice).headers[.eTag])
            #expect(try await client.send(.get, path, as: alice, headers: [.ifNoneMatch: held]).status == 304)
            #expect(try await eventually(timeout: .seconds(10)) {
                try await client.send(.get, path, as: alice, headers: [.ifNoneMatch: held]).status == 200
            }, "the expiry of D1 is a new map")
            #expect(try await client.states(showtime: api.id, as: alice)["D1"] == "available")
        }
    }
}
