import CinebookModel
import Foundation
import SeatLocking
import Testing
import TestSupport

/// Every hold's end, with how long it lasted, and every refused lock is in the showtime's
/// history, written by the same script as the change.
@Suite struct HoldHistoryTests {
    @Test func aScriptedSequenceLeavesExactlyItsHistory() async throws {
        let showtime = try TestShowtimes.grid(rows: 5, seats: 4)
        let (service, redis) = try SharedRedis.service([showtime], policy: LockPolicy(maximumSeatsPerUser: 2))
        defer { redis.close() }
        let id = showtime.id
        let (alice, bob, carol, dave) = (TestUsers.unique("alice"), TestUsers.unique("bob"), TestUsers.unique("carol"), TestUsers.unique("dave"))

        _ = try await service.lock(["A1", "A2"], showtime: id, user: alice)
        await #expect(throws: SeatLockingError.self) { try await service.lock(["A2"], showtime: id, user: bob) }
        _ = try await service.lock(["A1"], showtime: id, user: alice)                 // held already: no new hold
        _ = try await service.unlock(["A1"], showtime: id, user: alice)
        _ = try await service.lock(["C1", "C2"], showtime: id, user: carol)
        await #expect(throws: SeatLockingError.self) { try await service.lock(["C3"], showtime: id, user: carol) }
        let short = try await service.lock(["B1"], showtime: id, user: bob, ttl: .seconds(1))
        let swept = try await service.lock(["E1"], showtime: id, user: bob, ttl: .seconds(1))
        // B1 runs out and is taken by dave before any sweep; E1 runs out and is swept.
        #expect(await eventually(timeout: .seconds(10)) {
            let seats = (try? await service.status(showtime: id))?.seats ?? []
            return seats.filter { ["B1", "E1"].contains($0.seat.code) }.allSatisfy { $0.state == .available }
        }, "both holds ran out")
        _ = try await service.lock(["B1"], showtime: id, user: dave)
        #expect(try await service.sweep().expired[id] == ["E1"])
        _ = try await service.book(["A2"], showtime: id, user: alice)

        let history = try await service.history(showtime: id)
        let summary = history.map { "\($0.event.rawValue) \($0.seats.joined(separator: ",")) \($0.user ?? "-")" }
        #expect(summary == [
            "unavailable A2 \(bob)",
            "released A1 \(alice)",
            "too_many C3 \(carol)",
            "expired B1 -",
            "expired E1 -",
            "booked A2 \(alice)",
        ], "\(summary)")
        let expiredB1 = try #require(history.first { $0.event == .expired && $0.seats == ["B1"] })
        #expect(expiredB1.heldMilliseconds == 1000, "a hold that ran out lasted its TTL")
        #expect(expiredB1.at == short.expiresAt, "and ended at its expiry")
        let expiredE1 = try #require(history.first { $0.event == .expired && $0.seats == ["E1"] })
        #expect(expiredE1.at == swept.expiresAt)
        for ended in history where [.released, .booked].contains(ended.event) {
            #expect((ended.heldMilliseconds ?? -1) >= 0, "an end says how long the hold lasted: \(ended)")
        }
        #expect(history.filter { $0.event == .unavailable || $0.event == .tooMany }.allSatisfy { $0.heldMilliseconds == nil })
        #expect(Set(history.map(\.id)).count == history.count, "ids are unique")
        // The success metrics of the same sequence, in seats.
        let stats = try await service.stats(showtime: id)
        #expect(stats.conflictingSeats == 1 && stats.limitRefusals == 1)
        #expect((stats.booked, stats.released, stats.expired) == (1, 1, 2))
        #expect(stats.conflictRate == 0.2, "1 seat found taken of 5 asked for")
        #expect(stats.abandonmentRate == 0.75, "3 of 4 holds ended without a booking")
        let booked = try #require(history.last)
        #expect(stats.medianMillisecondsToBooking == booked.heldMilliseconds)
        #expect(stats.seats.mapValues { [$0.held, $0.booked] } == ["A1": [1, 0], "A2": [1, 1], "B1": [1, 0], "E1": [1, 0]])
        let none = try await service.stats(showtime: id, since: booked.at.addingTimeInterval(1))
        #expect(none.holdsEnded == 0 && none.conflictRate == nil && none.abandonmentRate == nil && none.seats.isEmpty)

        let later = try await service.history(showtime: id, after: history[2].id)
        #expect(later.map(\.id) == history.dropFirst(3).map(\.id), "reading on after an entry")
    }
}
