import CinebookModel
import CinebookSupport
import Foundation
import HummingbirdTesting
import SeatAPIClient
import Testing
import TestSupport

/// The API's client, on a live server: what it is asked is what the server does, and the
/// server's answers come back as the model's values and errors.
@Suite struct SeatAPIClientTests {
    @Test func aLockAndAnExtensionHoldForTheTTLTheyAreGiven() async throws {
        let api = try await APIHarness.make()
        try await api.runWithSeatAPIClient { client in
            let alice = TestUsers.unique("alice")
            let grant = try await client.lock(["A1"], showtime: api.id, user: alice, ttl: .seconds(120))
            #expect(grant.ttl == .seconds(120), "the lock holds for the TTL asked for, not the default")
            let extended = try await client.extend(["A1"], showtime: api.id, user: alice, ttl: .seconds(600))
            #expect(extended.ttl == .seconds(600), "the extension holds for the TTL asked for")
            let standard = try await client.lock(["A2"], showtime: api.id, user: alice, ttl: nil)
            #expect(standard.ttl == LockPolicy.defaultTTL, "without a TTL, the server's default")
        }
    }

    @Test func everySeatOperationComesBackAsTheModelsValues() async throws {
        let api = try await APIHarness.make()
        try await api.runWithSeatAPIClient { client in
            let alice = TestUsers.unique("alice")
            let bob = TestUsers.unique("bob")
            _ = try await client.lock(["B1", "B2", "B3"], showtime: api.id, user: alice, ttl: nil)
            let status = try await client.status(showtime: api.id, viewer: bob)
            #expect(status.state(of: "B1") == .locked, "bob sees alice's seat held by someone else")
            let conflict = await #expect(throws: SeatLockingError.self) {
                try await client.lock(["B2", "B4"], showtime: api.id, user: bob, ttl: nil)
            }
            guard case let .seatsUnavailable(taken, suggestions) = try #require(conflict) else {
                Issue.record("expected seatsUnavailable, got \(String(describing: conflict))")
                return
            }
            #expect(taken == ["B2"])
            #expect(!suggestions.isEmpty, "a conflict comes with suggestions")
            let release = try await client.unlock(["B3"], showtime: api.id, user: alice)
            #expect(release.released == ["B3"])
            let booking = try await client.book(["B1", "B2"], showtime: api.id, user: alice)
            #expect(booking.seats == ["B1", "B2"] && booking.showtimeID == api.id)
            let bookings = try await client.bookings(showtime: api.id, user: alice)
            #expect(bookings.map(\.id) == [booking.id], "alice's bookings are the one she made")
            let after = try await client.status(showtime: api.id, viewer: bob)
            #expect(after.state(of: "B1") == .occupied && after.state(of: "B3") == .available)
        }
    }

    /// A pick that lost its race and the best for a party, each settled by the server in
    /// one request: the grant says what it held instead.
    @Test func theNearestBlockAndTheBestAreHeldInOneRequest() async throws {
        let api = try await APIHarness.make()
        try await api.runWithSeatAPIClient { client in
            let alice = TestUsers.unique("alice"), bob = TestUsers.unique("bob"), carol = TestUsers.unique("carol")
            _ = try await client.lock(["C2"], showtime: api.id, user: alice, ttl: nil)
            let instead = try await client.lock(["C2", "C3"], showtime: api.id, user: bob, ttl: nil, orNearest: true)
            #expect(instead.replacing == ["C2", "C3"])
            #expect(!instead.seats.contains { $0.code == "C2" } && instead.seats.count == 2)
            #expect(instead.replacementNote?.contains("we hold") == true)
            let best = try await client.lockBest(SeatWish(count: 3), showtime: api.id, user: carol, ttl: .seconds(300))
            #expect(best.seats.count == 3 && best.ttl == .seconds(300))
            let status = try await client.status(showtime: api.id, viewer: carol)
            #expect(Set(status.seats(in: .selected).map(\.seat.code)) == Set(best.seats.map(\.code)))
            #expect(Set(best.seats.map(\.code)).isDisjoint(with: instead.seats.map(\.code) + ["C2"]))
        }
    }

    @Test func aServerThatIsNotThereIsUnreachableWithinTheRequestTimeout() async throws {
        let port = try unusedTCPPort()
        let client = SeatAPIClient(base: "http://127.0.0.1:\(port)", connections: 1, requestTimeout: .seconds(2)) { _ in "token" }
        let error = await #expect(throws: SeatLockingError.self) { try await client.showtime(1) }
        #expect(error?.code == "server_unreachable", "\(String(describing: error))")
        await client.shutdown()
    }
}
