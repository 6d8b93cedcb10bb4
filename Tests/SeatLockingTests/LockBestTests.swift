import CinebookModel
import RedisClient
import SeatLocking
import Testing
import TestSupport

/// Locking the best set: the best still free wins, and a party is turned away only when
/// nothing is left for it.
@Suite("Locking the best available seats")
struct LockBestTests {
    @Test(arguments: RedisKind.allCases) func theBestSetIsLockedAndTheNextPartyGetsTheNextBest(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 3, seats: 8)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let wish = SeatWish(count: 2)
        let offered = try await service.best(wish, showtime: showtime.id)
        let first = try #require(offered.offers.first).codes
        let grant = try await service.lockBest(wish, showtime: showtime.id, user: TestUsers.unique("alice"))
        #expect(grant.seats.map(\.code) == first)
        let second = try await service.lockBest(wish, showtime: showtime.id, user: TestUsers.unique("bob"))
        #expect(Set(second.seats.map(\.code)).isDisjoint(with: first))
    }

    @Test(arguments: RedisKind.allCases) func manyPartiesAtOnceNeverShareASeatAndNoneIsTurnedAwayWhileASetIsLeft(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 4, seats: 9)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let wish = SeatWish(count: 3)
        let results = await Self.race(parties: 24) { index throws(SeatLockingError) in
            try await service.lockBest(wish, showtime: showtime.id, user: "party-\(index)")
        }
        let grants = results.compactMap { try? $0.get() }
        let seats = grants.flatMap { $0.seats.map(\.code) }
        #expect(Set(seats).count == seats.count, "no seat granted twice")
        #expect(grants.allSatisfy { $0.seats.count == 3 })
        #expect(grants.count >= 8, "4 rows of 9 seat at least two parties of three a row")
        for case let .failure(error) in results {
            guard case .seatsUnavailable(let unavailable, let suggestions) = error else {
                Issue.record("unexpected failure: \(error)")
                continue
            }
            #expect(unavailable.isEmpty && suggestions.isEmpty)
        }
        if grants.count < results.count {
            #expect(try await service.best(wish, showtime: showtime.id).offers.isEmpty, "a party was turned away while seats were left")
        }
    }

    /// A hundred parties ask for the best pair at once: the best offers of a read go to the
    /// lock script together, which holds the first still free. Nobody gets a seat twice,
    /// and a party is refused only once no pair is left.
    @Test func aHundredWayRaceForTheBestGivesDisjointSeatsOrAClearRefusal() async throws {
        let showtime = try TestShowtimes.grid(rows: 6, seats: 12)
        let (service, redis) = try await RedisKind.standalone.service([showtime])
        defer { redis.close() }
        let results = await Self.race(parties: 100) { index throws(SeatLockingError) in
            try await service.lockBest(SeatWish(count: 2), showtime: showtime.id, user: "pair-\(index)")
        }
        let grants = results.compactMap { try? $0.get() }
        let seats = grants.flatMap { $0.seats.map(\.code) }
        #expect(Set(seats).count == seats.count, "no seat granted twice")
        #expect(grants.allSatisfy { $0.seats.count == 2 && $0.user.hasPrefix("pair-") })
        #expect(grants.count >= 30, "6 rows of 12 seat at least 30 pairs: \(grants.count)")
        for case let .failure(error) in results {
            #expect(error == .seatsUnavailable([], suggestions: []), "a refusal says only that nothing is left: \(error)")
        }
        if grants.count < results.count {
            #expect(try await service.best(SeatWish(count: 2), showtime: showtime.id).offers.isEmpty, "refused while a pair was left")
        }
        let status = try await service.status(showtime: showtime.id, viewer: nil)
        #expect(status.seats(in: .locked).count == seats.count, "every grant is a hold in Redis")
    }

    /// A lock that asks for the nearest block when its seats were just taken: the block is
    /// held in the same call, never overlaps another's hold, and the grant says what it replaces.
    @Test(arguments: RedisKind.allCases) func aTakenPickIsReplacedByTheNearestFreeBlock(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 4, seats: 10)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let alice = TestUsers.unique("alice"), bob = TestUsers.unique("bob")
        let free = try await service.lock(["C5", "C6"], showtime: showtime.id, user: bob, orNearest: true)
        #expect(free.seats.map(\.code) == ["C5", "C6"] && free.replacing.isEmpty, "free seats are held as asked")
        _ = try await service.unlock(["C5", "C6"], showtime: showtime.id, user: bob)
        _ = try await service.lock(["C6"], showtime: showtime.id, user: alice)
        let grant = try await service.lock(["C5", "C6"], showtime: showtime.id, user: bob, orNearest: true)
        let held = grant.seats.map(\.code)
        #expect(grant.replacing == ["C5", "C6"])
        #expect(held.count == 2 && !held.contains("C6"))
        let lost: [SeatCode] = held.contains("C5") ? ["C6"] : ["C5", "C6"]
        #expect(grant.replacementNote == "\(lost.sentence) \(lost.count == 1 ? "was" : "were") just taken; we hold \(held.sentence) for you.")
        let status = try await service.status(showtime: showtime.id, viewer: bob)
        #expect(Set(status.seats(in: .selected).map(\.seat.code)) == Set(held))
        await #expect(throws: SeatLockingError.self, "without the flag a taken pick is refused as before") {
            try await service.lock(["C6", "C7"], showtime: showtime.id, user: TestUsers.unique("carol"))
        }
    }

    /// Fifty people click the same pair at once, each asking for the nearest block if it is
    /// taken: one gets the pair, everyone else a block of their own while any is left, and
    /// no seat goes twice.
    @Test func fiftyPeopleOnOnePairEachGetABlockOfTheirOwn() async throws {
        let showtime = try TestShowtimes.grid(rows: 8, seats: 14)
        let (service, redis) = try await RedisKind.standalone.service([showtime])
        defer { redis.close() }
        let results = await Self.race(parties: 50) { index throws(SeatLockingError) in
            try await service.lock(["D7", "D8"], showtime: showtime.id, user: "clicker-\(index)", orNearest: true)
        }
        let grants = results.compactMap { try? $0.get() }
        let seats = grants.flatMap { $0.seats.map(\.code) }
        #expect(Set(seats).count == seats.count, "no seat granted twice")
        #expect(grants.filter { $0.replacing.isEmpty }.count == 1, "exactly one person holds the pair asked for")
        #expect(grants.filter { !$0.replacing.isEmpty }.allSatisfy { $0.replacing == ["D7", "D8"] && !$0.seats.contains { ["D7", "D8"].contains($0.code) } })
        for case let .failure(error) in results {
            guard case .seatsUnavailable = error else {
                Issue.record("unexpected failure: \(error)")
                continue
            }
        }
        if grants.count < results.count {
            #expect(try await service.best(SeatWish(count: 2), showtime: showtime.id).offers.isEmpty, "refused while a pair was left")
        }
    }

    /// Runs `parties` operations at once and collects how each ended.
    static func race(
        parties: Int, _ operation: @escaping @Sendable (Int) async throws(SeatLockingError) -> LockGrant
    ) async -> [Result<LockGrant, SeatLockingError>] {
        await withTaskGroup(of: Result<LockGrant, SeatLockingError>.self) { group in
            for index in 0..<parties {
                group.addTask {
                    do throws(SeatLockingError) {
                        return .success(try await operation(index))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test(arguments: RedisKind.allCases) func countsOutsideOneToTheLimitAreRefused(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 4)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        for count in [0, 11] {
            await #expect(throws: SeatLockingError.self) { try await service.best(SeatWish(count: count), showtime: showtime.id) }
        }
        await #expect(throws: SeatLockingError.self) { try await service.best(SeatWish(count: 1), showtime: -1) }
    }
}
