import CinebookModel
import Foundation
import SeatAPI
import SeatBench
import Testing
import TestSupport

/// `GET .../seats/events` streams the showtime's changes as Server-Sent Events.
@Suite struct EventStreamTests {
    @Test func theStreamDeliversAnotherUsersLockWithinOneSecond() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let alice = TestUsers.unique("alice")
            let bob = TestUsers.unique("bob")
            let reader = try RawConnection(
                port: client.port, path: "/api/v1/showtimes/\(api.id)/seats/events",
                headers: ["Authorization": "Bearer \(try await client.token(alice))"])
            defer { reader.stop() }
            #expect(await reader.waitFor("event: connected"), "subscribed: \(reader.text)")
            #expect(reader.text.hasPrefix("HTTP/1.1 200"))
            #expect(reader.text.lowercased().contains("content-type: text/event-stream"))

            let bobToken = try await client.token(bob)
            let lock = try await client.raw(
                .post, "/api/v1/showtimes/\(api.id)/seats/lock",
                headers: [.authorization: "Bearer \(bobToken)", .contentType: "application/json"], body: .init(string: #"{"seats":["D4"]}"#))
            #expect(lock.status == 200)
            // The script publishes before it answers, so the second counts from the grant.
            #expect(await reader.waitFor(#""seats":["D4"]"#, timeout: .seconds(1)), "the lock arrived within 1 s: \(reader.text)")
            #expect(reader.text.contains("event: locked\ndata: {"))
            #expect(!reader.text.contains(bob), "events never say who made the change")

            _ = try await client.send(.delete, "/api/v1/showtimes/\(api.id)/seats/unlock?seats=D4", as: bob)
            #expect(await reader.waitFor("event: released"))
        }
    }

    /// A stream lives no longer than its token: at its expiry, `token_expired`, then the end.
    @Test func aStreamEndsWhenItsTokenExpires() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            // Whole seconds: it expires 2 to 3 s from now.
            let token = try await api.tokens.mint(user: TestUsers.unique("carl"), ttl: .seconds(3))
            let reader = try RawConnection(
                port: client.port, path: "/api/v1/showtimes/\(api.id)/seats/events", headers: ["Authorization": "Bearer \(token)"])
            defer { reader.stop() }
            #expect(await reader.waitFor("HTTP/1.1 200"), "the stream opened: \(reader.text)")
            #expect(await reader.waitFor("event: token_expired", timeout: .seconds(10)), "told why: \(reader.text)")
            #expect(reader.text.contains("open the stream again with a new one"))
            #expect(await eventually(timeout: .seconds(5)) { reader.ended }, "and the stream ends")
        }
    }

    @Test func eventsCarryTheVersionAndAResumedStreamThatMissedChangesIsToldToResync() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let viewer = try await client.token(TestUsers.unique("viewer"))
            let bob = TestUsers.unique("bob")
            let path = "/api/v1/showtimes/\(api.id)/seats/events"
            let first = try RawConnection(port: client.port, path: path, headers: ["Authorization": "Bearer \(viewer)"])
            #expect(await first.waitFor("event: connected"))
            #expect(try await client.lock(["A1"], showtime: api.id, as: bob).status == 200)
            #expect(await first.waitFor("event: locked"))
            let seen = try #require(Self.lastID(in: first.text), "the lock's event has an id: \(first.text)")
            #expect(first.text.contains(#""version":\#(seen)"#), "and the data its version")
            first.stop()

            // Resumed with nothing missed: connected, no resync.
            let current = try RawConnection(port: client.port, path: path, headers: ["Authorization": "Bearer \(viewer)", "Last-Event-ID": String(seen)])
            defer { current.stop() }
            #expect(await current.waitFor("event: connected"))
            #expect(try await client.lock(["A2"], showtime: api.id, as: bob).status == 200)
            #expect(await current.waitFor("event: locked"))
            #expect(!current.text.contains("event: resync"), "\(current.text)")

            // Resumed after missing A2's lock: told to resync, with the version to reload from.
            let behind = try RawConnection(port: client.port, path: path, headers: ["Authorization": "Bearer \(viewer)", "Last-Event-ID": String(seen)])
            defer { behind.stop() }
            #expect(await behind.waitFor("event: resync"), "\(behind.text)")
            #expect((Self.lastID(in: behind.text) ?? 0) > seen)
        }
    }

    /// Each stream is a connection of its own (not a thread, not a Redis connection): a
    /// thousand viewers of one showtime all see one lock. The 10,000 figure is the bench's.
    @Test func aThousandStreamsAllReceiveOneChange() async throws {
        OpenFileLimit.raise()
        let api = try await APIHarness.make()
        try await api.run { client in
            var tokens: [String] = []
            for index in 0..<1000 { tokens.append(try await client.token(TestUsers.unique("viewer-\(index)"))) }
            let crowd = EventStreamCrowd(host: "127.0.0.1", port: client.port, path: "/api/v1/showtimes/\(api.id)/seats/events")
            let (opened, failed, reasons) = await crowd.open(tokens: tokens, parallel: 100, timeout: .seconds(60))
            #expect(opened == 1000, "\(failed) streams failed: \(reasons)")
            crowd.expect(.init(event: "locked", seat: "C5"))
            #expect(try await client.lock(["C5"], showtime: api.id, as: TestUsers.unique("bob")).status == 200)
            let arrivals = await crowd.wait(timeout: .seconds(60))
            #expect(arrivals.count == opened, "every open stream got the lock")
            await crowd.close()
        }
    }

    /// The `id:` of the last event in a stream's text.
    static func lastID(in text: String) -> Int64? {
        text.split(whereSeparator: \.isNewline).last { $0.hasPrefix("id: ") }.flatMap { Int64($0.dropFirst(4)) }
    }

    @Test func aClosedStreamReleasesItsPlace() async throws {
        let api = try await APIHarness.make { $0.maximumEventStreams = 1 }
        try await api.run { client in
            let token = try await client.token(TestUsers.unique("viewer"))
            let path = "/api/v1/showtimes/\(api.id)/seats/events"
            let first = try RawConnection(port: client.port, path: path, headers: ["Authorization": "Bearer \(token)"])
            #expect(await first.waitFor("event: connected"))
            let second = try await client.raw(.get, path, headers: [.authorization: "Bearer \(token)"])
            #expect(second.status == 429, "only one stream may be open")
            #expect(second.isFailureJSON)

            first.stop()
            #expect(await eventually(timeout: .seconds(20)) {
                let third = try? RawConnection(port: client.port, path: path, headers: ["Authorization": "Bearer \(token)"])
                defer { third?.stop() }
                return await third?.waitFor("event: connected", timeout: .seconds(2)) ?? false
            }, "the place is free again once the client has gone")
        }
    }

    @Test func unknownShowtimesHaveNoStream() async throws {
        let api = try await APIHarness.make()
        try await api.run { client in
            let response = try await client.send(.get, "/api/v1/showtimes/\(api.id + 1_000_000)/seats/events", as: TestUsers.unique())
            #expect(response.status == 404)
            #expect(response.error == "unknown_showtime")
        }
    }
}
