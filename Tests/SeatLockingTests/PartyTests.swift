import CinebookModel
import Foundation
import RedisClient
import SeatLocking
import Testing
import TestSupport

/// Parties: friends choose seats together. Seats any member picks are the party's, with one
/// seat limit and one TTL; each seat names who sits in it; any member books them; a member
/// who leaves gives back only their own seats, the last one the rest.
@Suite("Parties")
struct PartyTests {
    @Test(arguments: RedisKind.allCases) func membersHoldSeatsAsOnePartyUnderOneLimit(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 2, seats: 8)
        let (service, redis) = try await kind.service([showtime], policy: LockPolicy(maximumSeatsPerUser: 4))
        defer { redis.close() }
        let alice = TestUsers.unique("alice"), bob = TestUsers.unique("bob"), carol = TestUsers.unique("carol")
        let started = try await service.startParty(showtime: showtime.id, user: alice)
        let code = started.code
        #expect(started.members.map(\.name) == [alice] && started.startedBy == alice)
        #expect(PartyCode(code.text.lowercased().replacingOccurrences(of: "-", with: "")) == code, "typed in any case, without its dash")
        let joined = try await service.joinParty(code, showtime: showtime.id, user: bob)
        #expect(joined.members.map(\.name) == [alice, bob])

        _ = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice, party: code)
        let bobs = try await service.lock(["A3"], showtime: showtime.id, user: bob, party: code)
        #expect(bobs.seats.map(\.code) == ["A3"])
        let party = try await service.party(code, showtime: showtime.id, user: bob)
        #expect(party.seats == ["A1": alice, "A2": alice, "A3": bob], "each seat names who sits in it")
        #expect(party.members.map(\.seats) == [["A1", "A2"], ["A3"]])

        // One limit for the party: three held, two more would pass four.
        await #expect(throws: SeatLockingError.tooManySeats(requested: 2, alreadyHeld: 3, limit: 4)) {
            try await service.lock(["B1", "B2"], showtime: showtime.id, user: bob, party: code)
        }
        // Any member's activity extends the one hold; a stranger cannot act for it.
        _ = try await service.extend(["A1", "A2", "A3"], showtime: showtime.id, user: bob, party: code)
        await #expect(throws: SeatLockingError.party(.notMember(code))) {
            try await service.lock(["B1"], showtime: showtime.id, user: carol, party: code)
        }
        await #expect(throws: SeatLockingError.party(.notMember(code))) {
            try await service.unlock(["A1"], showtime: showtime.id, user: carol, party: code)
        }
        await #expect(throws: SeatLockingError.party(.notMember(code))) {
            try await service.book(["A1"], showtime: showtime.id, user: carol, party: code)
        }
        let never = try #require(PartyCode("ZZZZZ-000"))
        await #expect(throws: SeatLockingError.party(.notMember(never)), "a party that does not exist has no members") {
            try await service.book(["A1"], showtime: showtime.id, user: carol, party: never)
        }
        // Members see the party's seats as theirs; others as taken; nobody can take them alone.
        #expect(try await service.status(showtime: showtime.id, viewer: bob, party: code).state(of: "A1") == .selected)
        #expect(try await service.status(showtime: showtime.id, viewer: carol).state(of: "A1") == .locked)
        await #expect(throws: SeatLockingError.self) { try await service.lock(["A1"], showtime: showtime.id, user: alice) }
        await #expect(throws: SeatLockingError.invalidRequest("User names beginning with \"party:\" name parties' holds; choose another name.")) {
            try await service.lock(["B1"], showtime: showtime.id, user: code.holder)
        }

        // Bob books all three: one booking, and each seat names its person, in the database too.
        let booking = try await service.book(["A1", "A2", "A3"], showtime: showtime.id, user: bob, party: code)
        #expect(booking.seats == ["A1", "A2", "A3"] && booking.sitters == ["A1": alice, "A2": alice, "A3": bob])
        let recorded = try await service.bookings(showtime: showtime.id, user: nil)
        #expect(recorded.map(\.sitters) == [["A1": alice, "A2": alice, "A3": bob]], "\(recorded)")
        #expect(try await service.status(showtime: showtime.id, viewer: carol).state(of: "A2") == .occupied)
    }

    /// Swapping two party seats, or moving into one, is one step: who sits where changes,
    /// the hold does not.
    @Test(arguments: RedisKind.allCases) func membersSwapSeatsAndMoveIntoThemInOneStep(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 8)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let alice = TestUsers.unique("alice"), bob = TestUsers.unique("bob"), carol = TestUsers.unique("carol")
        let code = try await service.startParty(showtime: showtime.id, user: alice).code
        _ = try await service.joinParty(code, showtime: showtime.id, user: bob)
        _ = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice, party: code)
        let latest = try await service.lock(["A3"], showtime: showtime.id, user: bob, party: code)

        let swapped = try await service.swap("A2", "A3", party: code, showtime: showtime.id, user: bob)
        #expect(swapped.seats == ["A1": alice, "A2": bob, "A3": alice])
        let moved = try await service.sit(in: "A1", party: code, showtime: showtime.id, user: bob)
        #expect(moved.seats == ["A1": bob, "A2": bob, "A3": alice])
        #expect(moved.holdExpiresAt == latest.expiresAt, "who sits where changes, the hold does not")

        await #expect(throws: SeatLockingError.notLockOwner(["A5"])) {
            try await service.swap("A1", "A5", party: code, showtime: showtime.id, user: alice)
        }
        await #expect(throws: SeatLockingError.party(.notMember(code))) {
            try await service.sit(in: "A1", party: code, showtime: showtime.id, user: carol)
        }
        #expect(try await service.party(code, showtime: showtime.id, user: alice).seats == ["A1": bob, "A2": bob, "A3": alice], "refusals change nothing")
    }

    @Test(arguments: RedisKind.allCases) func aLeaverGivesBackOnlyTheirSeatsAndTheLastOneTheRest(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 1, seats: 8)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let alice = TestUsers.unique("alice"), bob = TestUsers.unique("bob")
        let code = try await service.startParty(showtime: showtime.id, user: alice).code
        _ = try await service.joinParty(code, showtime: showtime.id, user: bob)
        _ = try await service.lock(["A1", "A2"], showtime: showtime.id, user: alice, party: code)
        _ = try await service.lock(["A3"], showtime: showtime.id, user: bob, party: code)

        let bobLeft = try await service.leaveParty(code, showtime: showtime.id, user: bob)
        #expect(bobLeft.released == ["A3"])
        #expect(bobLeft.party?.members.map(\.name) == [alice] && bobLeft.party?.seats == ["A1": alice, "A2": alice])
        let status = try await service.status(showtime: showtime.id, viewer: nil)
        #expect(status.state(of: "A3") == .available && status.state(of: "A1") == .locked)
        await #expect(throws: SeatLockingError.party(.notMember(code)), "gone is gone") {
            try await service.lock(["A4"], showtime: showtime.id, user: bob, party: code)
        }

        let aliceLeft = try await service.leaveParty(code, showtime: showtime.id, user: alice)
        #expect(aliceLeft.released == ["A1", "A2"] && aliceLeft.party == nil, "the last one gives back the rest")
        #expect(try await service.status(showtime: showtime.id, viewer: nil).seats(in: .available).count == 8)
        await #expect(throws: SeatLockingError.party(.ended(code))) { try await service.joinParty(code, showtime: showtime.id, user: bob) }
    }

    @Test func wrongFullAndOtherShowtimesCodesAreRefusedClearly() async throws {
        let first = try TestShowtimes.grid(rows: 1, seats: 8), second = try TestShowtimes.grid(rows: 1, seats: 8)
        let (service, redis) = try await RedisKind.standalone.service(
            [first, second], policy: LockPolicy(party: PartyPolicy(maximumMembers: 2)))
        defer { redis.close() }
        let alice = TestUsers.unique("alice"), bob = TestUsers.unique("bob"), carol = TestUsers.unique("carol")
        let code = try await service.startParty(showtime: first.id, user: alice).code
        _ = try await service.joinParty(code, showtime: first.id, user: bob)

        await #expect(throws: SeatLockingError.party(.full(code, members: 2))) { try await service.joinParty(code, showtime: first.id, user: carol) }
        await #expect(throws: SeatLockingError.party(.otherShowtime(code, showtime: first.id))) {
            try await service.joinParty(code, showtime: second.id, user: carol)
        }
        // A code no party ever had (the registry is shared; this one is made up and never claimed).
        let never = try #require(PartyCode("ZZZZZ-000"))
        await #expect(throws: SeatLockingError.party(.notFound(never))) { try await service.joinParty(never, showtime: first.id, user: carol) }
        #expect(PartyCode("FERN-42") == nil && PartyCode("12-FERN") == nil && PartyCode("FERN-4271") == nil, "a malformed code is no code")
        #expect(SeatLockingError.party(.full(code, members: 2)).message.contains("is full"))
    }

    /// Fifty people race to join one party and pick seats for it while a second party picks
    /// too: the party never has more members than its cap nor more seats than its limit, no
    /// seat is held by both parties, and every pick is the party's or a clear refusal.
    @Test(arguments: RedisKind.allCases) func aFiftyWayRaceOfJoinsAndPicksKeepsEveryLimit(on kind: RedisKind) async throws {
        let showtime = try TestShowtimes.grid(rows: 4, seats: 10)
        let (service, redis) = try await kind.service([showtime])
        defer { redis.close() }
        let host = TestUsers.unique("host"), rival = TestUsers.unique("rival")
        let ours = try await service.startParty(showtime: showtime.id, user: host).code
        let theirs = try await service.startParty(showtime: showtime.id, user: rival).code
        let seats = showtime.layout.seats.map(\.code)
        let outcomes = await withTaskGroup(of: String.self) { group in
            for index in 0..<50 {
                let party = index % 5 == 0 ? theirs : ours
                let person = TestUsers.unique("friend\(index)")
                let pick = [seats[(index * 7) % seats.count], seats[(index * 7 + 1) % seats.count]]
                group.addTask {
                    do {
                        _ = try await service.joinParty(party, showtime: showtime.id, user: person)
                        let grant = try await service.lock(pick, showtime: showtime.id, user: person, party: party)
                        return Set(grant.seats.map(\.code)) == Set(pick) ? "held" : "other seats"
                    } catch {
                        return (error as? SeatLockingError)?.code ?? "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        let counted = Dictionary(grouping: outcomes, by: { $0 }).mapValues(\.count)
        #expect(Set(counted.keys).isSubset(of: ["held", "party_full", "seats_unavailable", "too_many_seats"]), "\(counted)")
        #expect(counted["held", default: 0] > 0 && counted["party_full", default: 0] > 0, "\(counted)")

        let status = try await service.status(showtime: showtime.id, viewer: nil)
        let ourParty = try await service.party(ours, showtime: showtime.id, user: host)
        let theirParty = try await service.party(theirs, showtime: showtime.id, user: rival)
        for party in [ourParty, theirParty] {
            #expect(party.members.count <= PartyPolicy().maximumMembers, "the cap holds: \(party.members.count)")
            #expect(party.seats.count <= LockPolicy.defaultMaximumSeatsPerUser, "the seat limit counts per party: \(party.seats.count)")
            for seat in party.seats.keys { #expect(status.state(of: seat) == .locked) }
            #expect(Set(party.seats.values).isSubset(of: Set(party.members.map(\.name))), "each seat's sitter is a member")
        }
        #expect(Set(ourParty.seats.keys).isDisjoint(with: theirParty.seats.keys), "no seat is held by both parties")
        #expect(ourParty.seats.count + theirParty.seats.count == status.seats(in: .locked).count, "every held seat is one party's")
    }
}
