import CinebookModel
import Foundation
import RedisClient
import SeatLocking
import Synchronization
import Testing
import TestSupport

/// A showtime's waiting room: people are admitted in order at the pace the free seats
/// allow; a pass admits once, only its user, only for its showtime, only while it lasts;
/// the pre-queue's order is drawn fairly when sales open.
@Suite("The waiting room")
struct WaitingRoomTests {
    /// Two rows of eight: with so few seats, four people choose at once (a pair's worth
    /// each); in a larger hall, each would have four pairs' worth to themselves.
    private static func hall() throws -> Showtime { try TestShowtimes.grid(rows: 2, seats: 8) }

    @Test(arguments: RedisKind.allCases) func peopleAreAdmittedInOrderAndAPassAdmitsOnce(on kind: RedisKind) async throws {
        let showtime = try Self.hall()
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        try await service.openRoom(showtime: showtime.id, at: Date().addingTimeInterval(-1))
        let people = (1...6).map { TestUsers.unique("fan\($0)") }
        var standings: [RoomStanding] = []
        for person in people { standings.append(try await service.joinRoom(showtime: showtime.id, user: person)) }
        #expect(standings.map(\.phase) == [.admitted, .admitted, .admitted, .admitted, .waiting, .waiting])
        #expect(standings.map(\.ticket) == [1, 2, 3, 4, 5, 6], "tickets in order of arrival")
        #expect(standings.map(\.ahead) == [nil, nil, nil, nil, 0, 1])
        #expect(try await service.joinRoom(showtime: showtime.id, user: people[5]).ticket == 6, "joining again keeps the place")

        await #expect(throws: SeatLockingError.waitingRoom(.passRequired(showtime: showtime.id))) {
            try await service.lock(["B1"], showtime: showtime.id, user: people[4])
        }
        let pass = try #require(standings[0].pass)
        let grant = try await service.lock(["A1", "A2"], showtime: showtime.id, user: people[0], pass: pass.text)
        #expect(grant.seats.map(\.code) == ["A1", "A2"])
        _ = try await service.lock(["A3"], showtime: showtime.id, user: people[0])
        #expect(try await service.roomStanding(showtime: showtime.id, user: people[0]).phase == .choosing, "inside: no pass needed")

        // A first hold ends a person's choosing: the next in line comes in.
        let next = try await service.roomStanding(showtime: showtime.id, user: people[4])
        #expect(next.phase == .admitted && next.pass != nil)
        #expect(try await service.roomStanding(showtime: showtime.id, user: people[5]).ahead == 0)
    }

    /// Everyone waiting hears the room's news on the event feed: how far the line is let in,
    /// and from which ticket the seats are as good as gone, so that a waiting map asks for its
    /// standing the moment it concerns it, not at its next poll.
    @Test(arguments: RedisKind.allCases) func theRoomsNewsGoesOutOnTheEventFeed(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let heard = Mutex<[RoomNews]>([])
        let connected = Mutex(false)
        let feed = try service.events(showtime: showtime.id)
        let listening = Task {
            for await event in feed {
                switch event {
                case .connected: connected.withLock { $0 = true }
                case let .change(change) where change.kind == .room:
                    #expect(change.seats.isEmpty && change.version == nil, "no seat changed")
                    if let news = change.room { heard.withLock { $0.append(news) } }
                default: break
                }
            }
        }
        defer { listening.cancel() }
        #expect(await eventually(timeout: .seconds(30)) { connected.withLock { $0 } })

        try await service.openRoom(showtime: showtime.id, at: Date().addingTimeInterval(-1))
        // Four seats: two choose at once (a pair's worth each); the rest wait.
        let people = (1...5).map { TestUsers.unique("fan\($0)") }
        var standings: [RoomStanding] = []
        for person in people { standings.append(try await service.joinRoom(showtime: showtime.id, user: person)) }
        #expect(standings.map(\.phase) == [.admitted, .admitted, .waiting, .waiting, .waiting])
        #expect(standings[4].likelySoldOut, "two ahead and two choosing would take the four seats")
        #expect(await eventually { heard.withLock { $0.last?.servedThrough == 2 && $0.last?.soldOutFrom == 5 } }, "\(heard.withLock { $0 })")

        // The first person holds all four seats: nothing is left for anyone waiting.
        _ = try await service.lock(["A1", "A2", "A3", "A4"], showtime: showtime.id, user: people[0], pass: try #require(standings[0].pass).text)
        _ = try await service.roomStanding(showtime: showtime.id, user: people[1])
        #expect(await eventually { heard.withLock { $0.last?.soldOutFrom == 0 } }, "\(heard.withLock { $0 })")
        let news = try #require(heard.withLock { $0.last })
        #expect(news.changes(standings[2]), "the third in line, told they might get seats, learns they will not")
        #expect(!news.changes(try await service.roomStanding(showtime: showtime.id, user: people[2])), "once told, the same news changes nothing")
    }

    @Test func aPassIsBoundToItsUserAndShowtimeAndCannotBeForged() async throws {
        let showtime = try Self.hall(), other = try Self.hall()
        let (service, redis) = try await RedisKind.standalone.service([showtime, other])
        defer { redis.close() }
        try await service.openRoom(showtime: showtime.id, at: Date().addingTimeInterval(-1))
        try await service.openRoom(showtime: other.id, at: Date().addingTimeInterval(-1))
        let alice = TestUsers.unique("alice"), mallory = TestUsers.unique("mallory")
        let pass = try #require(try await service.joinRoom(showtime: showtime.id, user: alice).pass?.text)
        _ = try await service.joinRoom(showtime: showtime.id, user: mallory)

        func refusal(_ text: String, user: String, showtime id: Int) async -> SeatLockingError? {
            do {
                _ = try await service.lock(["A1"], showtime: id, user: user, pass: text)
                return nil
            } catch { return error }
        }
        #expect(await refusal(pass, user: mallory, showtime: showtime.id) == .waitingRoom(.passInvalid("it was not given to \(mallory) for this showtime")))
        #expect(await refusal(pass, user: alice, showtime: other.id) == .waitingRoom(.passInvalid("it is for showtime \(showtime.id), not \(other.id)")))
        var parts = pass.split(separator: ".").map(String.init)
        parts[1] = "999"
        #expect(await refusal(parts.joined(separator: "."), user: alice, showtime: showtime.id)?.code == "pass_invalid", "an altered ticket")
        #expect(await refusal("let-me-in", user: alice, showtime: showtime.id) == .waitingRoom(.passInvalid("it is not a pass of this system")))
        #expect(try await service.lock(["A1"], showtime: showtime.id, user: alice, pass: pass).seats.count == 1, "its own user gets in")
    }

    @Test func aUsedPassIsRefusedOnceItsSessionIsOver() async throws {
        let showtime = try Self.hall()
        let (service, redis) = try await RedisKind.standalone.service([showtime], policy: LockPolicy(room: RoomPolicy(session: .milliseconds(200))))
        defer { redis.close() }
        try await service.openRoom(showtime: showtime.id, at: Date().addingTimeInterval(-1))
        let alice = TestUsers.unique("alice")
        let pass = try #require(try await service.joinRoom(showtime: showtime.id, user: alice).pass?.text)
        _ = try await service.lock(["A1"], showtime: showtime.id, user: alice, pass: pass)
        _ = try await service.unlock(["A1"], showtime: showtime.id, user: alice)
        let replayed = try await eventually(timeout: .seconds(10)) { () async throws -> Bool in
            do {
                _ = try await service.lock(["A2"], showtime: showtime.id, user: alice, pass: pass)
                _ = try await service.unlock(["A2"], showtime: showtime.id, user: alice)
                return false
            } catch let error as SeatLockingError {
                return error == .waitingRoom(.passUsed)
            }
        }
        #expect(replayed, "once the session is over, the same pass is refused as used")
    }

    @Test func anUnusedPassExpiresAndItsHolderCountsAsLeft() async throws {
        let showtime = try Self.hall()
        let (service, redis) = try await RedisKind.standalone.service([showtime], policy: LockPolicy(room: RoomPolicy(passLifetime: .seconds(1))))
        defer { redis.close() }
        try await service.openRoom(showtime: showtime.id, at: Date().addingTimeInterval(-1))
        let bob = TestUsers.unique("bob")
        let pass = try #require(try await service.joinRoom(showtime: showtime.id, user: bob).pass?.text)
        #expect(try await eventually(timeout: .seconds(30)) { try await service.roomStanding(showtime: showtime.id, user: bob).phase == .outside },
                "an unused pass runs out")
        await #expect(throws: SeatLockingError.waitingRoom(.passExpired)) {
            try await service.lock(["B1"], showtime: showtime.id, user: bob, pass: pass)
        }
        #expect(try await service.roomSummary(showtime: showtime.id).left == 1, "an unused pass that ran out counts as someone who left")
    }

    @Test(arguments: RedisKind.allCases) func aPassFromOneServerWorksOnAnother(on kind: RedisKind) async throws {
        let showtime = try Self.hall()
        let (first, redis) = try await kind.service([showtime])
        let (second, other) = try await kind.service([showtime])
        defer { redis.close(); other.close() }
        try await first.openRoom(showtime: showtime.id, at: Date().addingTimeInterval(-1))
        let alice = TestUsers.unique("alice"), bob = TestUsers.unique("bob"), carol = TestUsers.unique("carol")
        let pass = try #require(try await first.joinRoom(showtime: showtime.id, user: alice).pass)
        let bobs = try #require(try await second.joinRoom(showtime: showtime.id, user: bob).pass)
        #expect(try await second.joinRoom(showtime: showtime.id, user: carol).ticket == 3, "one line, whichever server is asked")
        #expect(try await second.lock(["A4"], showtime: showtime.id, user: alice, pass: pass.text).seats.count == 1)
        #expect(try await first.lock(["B4"], showtime: showtime.id, user: bob, pass: bobs.text).seats.count == 1)
        #expect(try await first.roomStanding(showtime: showtime.id, user: carol).phase == .admitted, "each server saw the other's holds")
    }

    @Test func beforeSalesOpenPeopleWaitInAPreQueueAndLocksAreRefused() async throws {
        let showtime = try Self.hall()
        let (service, redis) = try await RedisKind.standalone.service([showtime])
        defer { redis.close() }
        let opensAt = Date().addingTimeInterval(3600)
        try await service.openRoom(showtime: showtime.id, at: opensAt)
        let early = TestUsers.unique("early")
        let standing = try await service.joinRoom(showtime: showtime.id, user: early)
        #expect(standing.phase == .preQueue && standing.ticket == nil && standing.opensAt?.milliseconds == opensAt.milliseconds)
        await #expect(throws: SeatLockingError.waitingRoom(.notOpenYet(showtime: showtime.id, opensAt: Date(milliseconds: opensAt.milliseconds), timeZone: .utc))) {
            try await service.lock(["A1"], showtime: showtime.id, user: early)
        }
        try await service.openRoom(showtime: showtime.id, at: Date().addingTimeInterval(-1))
        let opened = try await service.roomStanding(showtime: showtime.id, user: early)
        #expect(opened.phase == .admitted && opened.ticket == 1)
    }

    /// Six hundred people join the pre-queue in order; when sales open, their tickets are a
    /// permutation with no trace of the order they came in: the rank correlation is near
    /// zero, and each tenth of the arrivals spreads evenly over the tenths of the line (a
    /// chi-square test of the 10 × 10 table, below its 99.9 % critical value). The seed is
    /// fixed, so the test gives the same answer every run.
    @Test func thePreQueueIsDrawnIntoAFairOrder() async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try await RedisKind.standalone.service([showtime], policy: LockPolicy(room: RoomPolicy(burst: 1)))
        defer { redis.close() }
        try await service.openRoom(showtime: showtime.id, at: Date().addingTimeInterval(3600), seed: 20_261_206)
        let people = (0..<600).map { TestUsers.unique("fan\($0)") }
        for person in people { _ = try await service.joinRoom(showtime: showtime.id, user: person) }
        #expect(try await service.joinRoom(showtime: showtime.id, user: people[0]).phase == .preQueue, "coming back changes nothing")
        try await service.openRoom(showtime: showtime.id, at: Date().addingTimeInterval(-1))
        var tickets: [Int] = []
        for person in people { tickets.append(try #require(try await service.roomStanding(showtime: showtime.id, user: person).ticket)) }
        #expect(Set(tickets) == Set(1...600), "a permutation: everyone has a place, no two the same")

        let n = Double(people.count)
        let rankDifferences = tickets.enumerated().map { Double(($0.offset + 1) - $0.element) }
        let spearman = 1 - 6 * rankDifferences.map { $0 * $0 }.reduce(0, +) / (n * (n * n - 1))
        #expect(abs(spearman) < 0.1, "arrival order and ticket are unrelated (ρ = \(spearman))")

        var table = Array(repeating: Array(repeating: 0.0, count: 10), count: 10)
        for (arrival, ticket) in tickets.enumerated() { table[arrival / 60][(ticket - 1) / 60] += 1 }
        let chiSquare = table.joined().map { ($0 - 6) * ($0 - 6) / 6 }.reduce(0, +)
        #expect(chiSquare < 124.84, "each tenth of the arrivals spreads over the whole line (χ² = \(chiSquare), 81 degrees of freedom)")
    }
}
