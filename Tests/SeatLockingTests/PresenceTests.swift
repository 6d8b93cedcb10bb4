import CinebookModel
import Foundation
import RedisClient
import SeatLocking
import Synchronization
import Testing
import TestSupport

/// "Being chosen": a hint, not a lock. Others see it at once and it ends by itself; one
/// person's marks are capped and replaced by their next; it never stops a lock.
@Suite("Seats being chosen")
struct PresenceTests {
    @Test(arguments: RedisKind.allCases) func othersSeeTheMarkAtOnceButNotTheOneChoosing(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 3, seats: 8)
        let (service, redis) = try await kind.service([showtime], policy: LockPolicy(presenceLifetime: .seconds(300)))
        defer { redis.close() }
        let alice = TestUsers.unique("alice"), bob = TestUsers.unique("bob")
        let heard = Mutex<[SeatFeedEvent]>([])
        let feed = try service.events(showtime: showtime.id)
        let listening = Task { for await event in feed { heard.withLock { $0.append(event) } } }
        defer { listening.cancel() }
        #expect(await eventually(timeout: .seconds(30)) { heard.withLock { $0.contains(.connected) } })
        let mark = try await service.markChoosing(["B4"], showtime: showtime.id, user: alice)
        #expect(mark.seats == ["B4"] && mark.expiresAt > mark.serverTime)
        #expect(await eventually {
            heard.withLock { $0.contains { if case let .change(change) = $0 { change.kind == .choosing && change.seats == ["B4"] } else { false } } }
        }, "the other maps hear of it")
        #expect(try await service.status(showtime: showtime.id, viewer: bob).state(of: "B4") == .choosing)
        #expect(try await service.status(showtime: showtime.id, viewer: alice).state(of: "B4") == .available, "not to the one choosing")
        let revision = try #require(try await service.revision(showtime: showtime.id)).revision
        #expect(revision.nextExpiry == mark.expiresAt.milliseconds, "a map knows when to look again")
    }

    @Test func aMarkEndsByItself() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 8)
        let (service, redis) = try await RedisKind.standalone.service([showtime], policy: LockPolicy(presenceLifetime: .seconds(1)))
        defer { redis.close() }
        let alice = TestUsers.unique("alice")
        let mark = try await service.markChoosing(["A4"], showtime: showtime.id, user: alice)
        // What the script answered: the mark was made in Redis, to end a second later. (Its
        // key itself lives no longer than its latest mark, so a busy run may find it gone.)
        #expect(mark.seats == ["A4"])
        #expect(mark.expiresAt.milliseconds - mark.serverTime.milliseconds == 1000)
        #expect(try await eventually(timeout: .seconds(20)) {
            try await service.status(showtime: showtime.id, viewer: nil).state(of: "A4") == .available
        }, "with no renewal the mark ends by itself")
    }

    @Test func onePersonsMarksAreCappedAndReplacedByTheirNext() async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 12)
        let (service, redis) = try await RedisKind.standalone.service([showtime], policy: LockPolicy(presenceLifetime: .seconds(300)))
        defer { redis.close() }
        let painter = TestUsers.unique("painter"), viewer = TestUsers.unique("viewer")
        let row: [SeatCode] = (1...10).map { SeatCode("A\($0)")! }
        let mark = try await service.markChoosing(row, showtime: showtime.id, user: painter)
        #expect(mark.seats.count == LockPolicy.presenceCap)
        var status = try await service.status(showtime: showtime.id, viewer: viewer)
        #expect(status.seats(in: .choosing).count == LockPolicy.presenceCap)
        _ = try await service.markChoosing(["B1"], showtime: showtime.id, user: painter)
        status = try await service.status(showtime: showtime.id, viewer: viewer)
        #expect(status.seats(in: .choosing).map(\.seat.code) == ["B1"], "the next mark replaces the last")
        _ = try await service.markChoosing([], showtime: showtime.id, user: painter)
        #expect(try await service.status(showtime: showtime.id, viewer: viewer).seats(in: .choosing).isEmpty)
    }

    /// Best available steps around seats others are choosing, but takes them when nothing
    /// else fits: a mark never keeps a free seat from a party.
    @Test func bestAvailableStepsAroundMarksButNeverLetsThemWithholdASeat() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 10)
        let (service, redis) = try await RedisKind.standalone.service([showtime], policy: LockPolicy(presenceLifetime: .seconds(300)))
        defer { redis.close() }
        _ = try await service.markChoosing(["A5", "A6"], showtime: showtime.id, user: TestUsers.unique("bob"))
        let around = try await service.lockBest(SeatWish(count: 2), showtime: showtime.id, user: TestUsers.unique("alice"))
        #expect(Set(around.seats.map(\.code)).isDisjoint(with: ["A5", "A6"]), "\(around.seats)")
        for seat in ["A1", "A2", "A3", "A4", "A7", "A8", "A9", "A10"] as [SeatCode] where !around.seats.contains(where: { $0.code == seat }) {
            _ = try await service.lock([seat], showtime: showtime.id, user: TestUsers.unique("filler"))
        }
        let last = try await service.lockBest(SeatWish(count: 2), showtime: showtime.id, user: TestUsers.unique("carol"))
        #expect(last.seats.map(\.code) == ["A5", "A6"], "the last pair goes to carol though bob is choosing it")
    }

    @Test func aMarkNeverStopsALock() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 6)
        let (service, redis) = try await RedisKind.standalone.service([showtime])
        defer { redis.close() }
        let alice = TestUsers.unique("alice"), bob = TestUsers.unique("bob")
        _ = try await service.markChoosing(["A3"], showtime: showtime.id, user: alice)
        let grant = try await service.lock(["A3"], showtime: showtime.id, user: bob)
        #expect(grant.seats.map(\.code) == ["A3"])
        #expect(try await service.status(showtime: showtime.id, viewer: alice).state(of: "A3") == .locked, "a hold outranks a mark")
    }
}
