import CinebookModel
import Foundation
import HTTPTypes
import SeatLocking
import Synchronization
import Testing
import TestSupport

/// The waiting room over HTTP: join, ask, lock with the pass in `Cinebook-Pass`; refusals
/// are 403 with their own codes; two servers on one Redis share one room.
@Suite struct RoomEndpointTests {
    /// A showtime whose sales opened a moment ago: its room is on from the catalog alone.
    private static func onSale() throws -> Showtime {
        let hall = try TestShowtimes.grid(rows: 2, seats: 8)
        return Showtime(
            id: hall.id, title: hall.title, auditorium: hall.auditorium, startsAt: hall.startsAt, layout: hall.layout,
            salesOpenAt: Date().addingTimeInterval(-1))
    }

    @Test func aLockWithoutAPassIs403AndThePassInItsHeaderLetsTheCallerIn() async throws {
        let showtime = try Self.onSale()
        let api = try await APIHarness.make(showtimes: [showtime])
        try await api.run { client in
            let alice = TestUsers.unique("alice"), bob = TestUsers.unique("bob")
            let joined = try await client.send(.post, "/api/v1/showtimes/\(showtime.id)/queue", as: alice)
            #expect(joined.status == 200 && joined.json["phase"] as? String == "admitted" && joined.json["ticket"] as? Int == 1)
            let pass = try #require(joined.json["pass"] as? String)
            #expect(joined.json["ask_again_ms"] as? Int != nil && joined.json["pass_expires_at"] as? String != nil)

            let refused = try await client.lock(["A1"], showtime: showtime.id, as: bob)
            #expect(refused.status == 403 && refused.json["error"] as? String == "pass_required", "\(refused.text)")
            let stolen = try await client.send(
                .post, "/api/v1/showtimes/\(showtime.id)/seats/lock", as: bob, json: APIClient.selection(["A1"]),
                headers: [HTTPField.Name("Cinebook-Pass")!: pass])
            #expect(stolen.status == 403 && stolen.json["error"] as? String == "pass_invalid", "another user's pass: \(stolen.text)")
            let admitted = try await client.send(
                .post, "/api/v1/showtimes/\(showtime.id)/seats/lock", as: alice, json: APIClient.selection(["A1"]),
                headers: [HTTPField.Name("Cinebook-Pass")!: pass])
            #expect(admitted.status == 200, "\(admitted.text)")

            let look = try await client.send(.get, "/api/v1/showtimes/\(showtime.id)/queue", as: alice)
            #expect(look.json["phase"] as? String == "choosing")
            let left = try await client.send(.delete, "/api/v1/showtimes/\(showtime.id)/queue", as: bob)
            #expect(left.status == 200 && left.json["phase"] as? String == "outside")

            let stats = try await client.send(.get, "/api/v1/showtimes/\(showtime.id)/stats", as: alice)
            let room = try #require(stats.json["room"] as? [String: Any], "\(stats.text)")
            #expect(room["admitted"] as? Int == 1 && room["waiting"] as? Int == 0 && room["active"] as? Bool == true)
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.text.contains("cinebook_room_admitted{showtime=\"\(showtime.id)\"} 1"), "\(metrics.text.prefix(3000))")
            #expect(metrics.text.contains("cinebook_lock_attempts_total{outcome=\"waiting_room\"} 2"), "bob's two refusals are counted apart from conflicts")
        }
    }

    /// Alice is admitted through one server and locks through the other; Carol's place,
    /// taken on the second, moves when Alice's and Bob's holds on either end their choosing.
    @Test func twoServersShareOneRoom() async throws {
        let showtime = try Self.onSale()
        let first = try await APIHarness.make(showtimes: [showtime]), second = try await APIHarness.make(showtimes: [showtime])
        try await first.runWithSeatAPIClient { one in
            try await second.runWithSeatAPIClient { two in
                let alice = TestUsers.unique("alice"), bob = TestUsers.unique("bob"), carol = TestUsers.unique("carol")
                // The room's news reaches a client of the second server's event stream.
                let news = Mutex<[RoomNews]>([]), connected = Mutex(false)
                let stream = try two.events(showtime: showtime.id)
                let listening = Task {
                    for await event in stream {
                        if case .connected = event { connected.withLock { $0 = true } }
                        if case let .change(change) = event, let room = change.room { news.withLock { $0.append(room) } }
                    }
                }
                defer { listening.cancel() }
                #expect(await eventually(timeout: .seconds(30)) { connected.withLock { $0 } })
                let alicePass = try #require(try await one.joinRoom(showtime: showtime.id, user: alice).pass)
                let bobPass = try #require(try await two.joinRoom(showtime: showtime.id, user: bob).pass)
                // Sixteen seats: four people choose at once.
                for filler in ["dan", "erin"] { _ = try await one.joinRoom(showtime: showtime.id, user: TestUsers.unique(filler)) }
                let carolWaits = try await two.joinRoom(showtime: showtime.id, user: carol)
                #expect(carolWaits.phase == .waiting && carolWaits.ticket == 5 && carolWaits.ahead == 0)
                await #expect(throws: SeatLockingError.waitingRoom(.passRequired(showtime: showtime.id))) {
                    try await one.lock(["B1"], showtime: showtime.id, user: carol, ttl: nil)
                }
                _ = try await two.lock(["A1"], showtime: showtime.id, user: alice, ttl: nil, orNearest: false, pass: alicePass.text)
                _ = try await one.lockBest(SeatWish(count: 2), showtime: showtime.id, user: bob, ttl: nil, pass: bobPass.text)
                let carolsTurn = try await one.roomStanding(showtime: showtime.id, user: carol)
                #expect(carolsTurn.phase == .admitted && carolsTurn.pass != nil)
                #expect(await eventually { news.withLock { $0.last?.servedThrough == 5 } }, "carol's turn is news: \(news.withLock { $0 })")
            }
        }
    }
}
