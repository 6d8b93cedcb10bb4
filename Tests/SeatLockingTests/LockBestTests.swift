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
        let results = await withTaskGroup(of: Result<LockGrant, SeatLockingError>.self) { group in
            for index in 0..<24 {
                group.addTask {
                    do throws(SeatLockingError) {
                        return .success(try await service.lockBest(wish, showtime: showtime.id, user: "party-\(index)", rounds: 50))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
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
