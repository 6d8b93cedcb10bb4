import CinebookModel
import Foundation
import RedisClient
import SeatLocking
import Synchronization
import Testing
import TestSupport

/// House holds: seats an operator keeps back for the press or guests. Nobody else can lock,
/// release or book them; sweeps, reconciliation and a flushed Redis leave them alone; best
/// available never offers them; an operator gives them back (every map hears at once) or
/// books them for a guest.
@Suite("House holds")
struct HouseHoldTests {
    @Test(arguments: RecordsKind.allCases)
    func theHouseKeepsSeatsBackFromEveryoneUntilAnOperatorGivesThemBack(records kind: RecordsKind) async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let redis = RedisClient(url: server.url)
        defer { redis.close() }
        let showtime = try TestShowtimes.grid(rows: 1, seats: 6)
        let service = SeatLockingService(redis: redis, records: try await kind.shared(), catalog: Catalog(showtimes: [showtime]))
        let id = showtime.id
        let bob = TestUsers.unique("bob"), ops = TestUsers.unique("ops")
        let press = try #require(HouseLabel("press"))

        let hold = try await service.holdForHouse(["A3", "A1", "A2"], showtime: id, label: press, until: .released, by: ops)
        #expect(hold.seats == ["A1", "A2", "A3"] && hold.label == press && hold.heldBy == ops && hold.end == .released)

        // The public: not available, and nothing they can do about it.
        let refused = await #expect(throws: SeatLockingError.self) { try await service.lock(["A2"], showtime: id, user: bob) }
        #expect(refused?.code == "seats_unavailable" && refused?.seats == ["A2"])
        #expect(try await service.unlock(["A2"], showtime: id, user: bob).released.isEmpty)
        await #expect(throws: SeatLockingError.notLockOwner(["A2"])) { try await service.unlock(["A2"], showtime: id, user: bob, strict: true) }
        await #expect(throws: SeatLockingError.self) { try await service.book(["A2"], showtime: id, user: bob) }
        await #expect(throws: SeatLockingError.invalidRequest("User names beginning with \"house:\" name the house's holds; choose another name.")) {
            try await service.lock(["A5"], showtime: id, user: press.holder)
        }
        #expect(try await service.best(SeatWish(count: 3), showtime: id, viewer: bob).offers.map(\.codes) == [["A4", "A5", "A6"]])
        #expect(try await service.status(showtime: id, viewer: bob).state(of: "A1") == .occupied, "plainly not available")
        #expect(try await service.bookings(showtime: id, user: nil).isEmpty, "the house's hold is no sale")

        // Sweeps, reconciliation and an empty Redis leave it alone; operators see it as the house's.
        _ = try await service.sweep()
        try await service.reconcile(showtime: id, repair: true)
        _ = try await redis.send("FLUSHALL")
        await #expect(throws: SeatLockingError.self) { try await service.lock(["A1"], showtime: id, user: bob) }
        let seen = try await service.houseStatus(showtime: id)
        #expect(["A1", "A2", "A3"].allSatisfy { seen.state(of: $0) == .house } && seen.state(of: "A4") == .available)
        #expect(try await service.houseHolds(showtime: id) == [hold])

        // The operator gives A2 back: every map hears it at once, and bob takes it.
        let heard = Mutex<[SeatFeedEvent]>([])
        let feed = try service.events(showtime: id)
        let listening = Task { for await event in feed { heard.withLock { $0.append(event) } } }
        defer { listening.cancel() }
        #expect(await eventually(timeout: .seconds(30)) { heard.withLock { $0.contains(.connected) } })
        #expect(try await service.releaseHouse(["A2"], label: nil, showtime: id, by: ops).released == ["A2"])
        #expect(await eventually {
            heard.withLock { $0.contains { if case let .change(change) = $0 { change.kind == .released && change.seats == ["A2"] } else { false } } }
        }, "the maps hear of it")
        #expect(try await service.lock(["A2"], showtime: id, user: bob).seats.map(\.code) == ["A2"])

        // A1 goes to a guest: their booking, the only one listed; A3 stays kept back.
        let guest = try await service.bookForGuest(["A1"], label: press, guest: "Ann Lee", showtime: id, by: ops)
        #expect(guest.user == "Ann Lee" && guest.seats == ["A1"])
        #expect(try await service.bookings(showtime: id, user: nil) == [guest])
        #expect(try await service.houseHolds(showtime: id).map(\.seats) == [["A3"]])
        #expect(try await service.status(showtime: id, viewer: bob).state(of: "A1") == .occupied)

        // Wrong seats and labels are refused, and change nothing.
        await #expect(throws: SeatLockingError.invalidRequest("A2 is not kept back by the house")) {
            try await service.releaseHouse(["A2"], label: nil, showtime: id, by: ops)
        }
        let guests = try #require(HouseLabel("guests"))
        await #expect(throws: SeatLockingError.self) { try await service.bookForGuest([], label: guests, guest: "Bo", showtime: id, by: ops) }
        await #expect(throws: SeatLockingError.seatsUnavailable(["A2"], suggestions: [])) {
            try await service.holdForHouse(["A2", "A4"], showtime: id, label: guests, until: .released, by: ops)
        }
        await #expect(throws: SeatLockingError.self, "an end in the past") {
            try await service.holdForHouse(["A5"], showtime: id, label: guests, until: .at(Date(timeIntervalSinceNow: -60)), by: ops)
        }
        #expect(try await service.houseHolds(showtime: id).map(\.seats) == [["A3"]])

        // The rest goes back by its label; the figures count the house apart from sales.
        #expect(try await service.releaseHouse([], label: press, showtime: id, by: ops).released == ["A3"])
        #expect(try await service.houseHolds(showtime: id).isEmpty)
        let stats = try await service.stats(showtime: id, since: nil)
        #expect(stats.house == ShowtimeStats.HouseCounts(held: 3, released: 2, guests: 1), "\(stats.house)")
        #expect(stats.booked == 0, "no sale of the public's was counted")
    }

    /// A hold with an end goes back to sale at the first cleanup pass after it.
    @Test func aHoldGoesBackToSaleAtItsEnd() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try await RedisKind.standalone.service([showtime])
        defer { redis.close() }
        let label = try #require(HouseLabel("director's guests".replacingOccurrences(of: "'", with: "")))
        _ = try await service.holdForHouse(["A1", "A2"], showtime: showtime.id, label: label, until: .at(Date(timeIntervalSinceNow: 1)), by: "ops")
        #expect(try await service.status(showtime: showtime.id, viewer: nil).state(of: "A1") == .occupied)
        #expect(await eventually(timeout: .seconds(20)) {
            _ = try? await service.cleanupPass()
            return (try? await service.status(showtime: showtime.id, viewer: nil).state(of: "A1")) == .available
        }, "the pass after the end gave the seats back")
        #expect(try await service.houseHolds(showtime: showtime.id).isEmpty)
        #expect(try await service.lock(["A1", "A2"], showtime: showtime.id, user: TestUsers.unique()).seats.count == 2)
    }

    /// On the cluster: the same fence, and the same release.
    @Test func onTheClusterTheHouseHoldsAndGivesBack() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try await RedisKind.cluster.service([showtime])
        defer { redis.close() }
        let press = try #require(HouseLabel("press"))
        _ = try await service.holdForHouse(["A1"], showtime: showtime.id, label: press, until: .released, by: "ops")
        await #expect(throws: SeatLockingError.self) { try await service.lock(["A1"], showtime: showtime.id, user: TestUsers.unique()) }
        #expect(try await service.houseStatus(showtime: showtime.id).state(of: "A1") == .house)
        _ = try await service.releaseHouse([], label: press, showtime: showtime.id, by: "ops")
        #expect(try await service.lock(["A1"], showtime: showtime.id, user: TestUsers.unique()).seats.count == 1)
    }
}
