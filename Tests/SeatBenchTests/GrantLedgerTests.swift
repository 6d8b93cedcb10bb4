import CinebookModel
import CinebookSupport
import Foundation
import SeatBench
import SeatLocking
import SeatRecords
import Testing

/// The ledger that the concurrency tests and the benchmark trust to find double holds,
/// double sales and tokens given twice or out of order finds them, and finds nothing in a
/// clean history.
@Suite struct GrantLedgerTests {
    private static let showtime = 7

    private static func grant(_ seat: SeatCode, to user: String, token: Int64, from start: Int64, until end: Int64) -> LockGrant {
        LockGrant(
            showtimeID: showtime, user: user, seats: [HeldSeat(code: seat, expiresAt: Date(milliseconds: end), token: token)],
            serverTime: Date(milliseconds: start))
    }

    private static func booking(_ id: Int64, _ seat: SeatCode, by user: String, at time: Int64) -> Booking {
        Booking(id: id, showtimeID: showtime, user: user, seats: [seat], bookedAt: Date(milliseconds: time))
    }

    @Test func aSeatGrantedToTwoUsersAtOnceIsAViolation() {
        let ledger = GrantLedger()
        ledger.held(Self.grant("A1", to: "alice", token: 1, from: 1_000, until: 5_000))
        ledger.held(Self.grant("A1", to: "bob", token: 2, from: 3_000, until: 9_000))
        let violations = ledger.finish().violations
        #expect(violations.count == 1)
        #expect(violations.first?.contains("A1 of showtime 7 held by alice (token 1) and bob (token 2) at once") == true, "\(violations)")
    }

    @Test func aSeatGrantedAgainOnceReleasedIsNoViolation() {
        let ledger = GrantLedger()
        ledger.held(Self.grant("A1", to: "alice", token: 1, from: 1_000, until: 5_000))
        ledger.released(Release(showtimeID: Self.showtime, released: ["A1"], serverTime: Date(milliseconds: 2_000)), user: "alice")
        ledger.held(Self.grant("A1", to: "bob", token: 2, from: 3_000, until: 9_000))
        ledger.held(Self.grant("A2", to: "carol", token: 3, from: 3_000, until: 9_000))
        let result = ledger.finish()
        #expect(result.violations.isEmpty, "\(result.violations)")
        #expect(result.grants == 3)
    }

    @Test func aSeatGrantedWhileTheHouseKeepsItBackIsAViolation() {
        let ledger = GrantLedger()
        ledger.held(Self.grant("A1", to: "alice", token: 1, from: 500, until: 900))
        ledger.keptBack(["A1", "A2"], showtime: Self.showtime, at: Date(milliseconds: 1_000))
        ledger.held(Self.grant("A2", to: "bob", token: 2, from: 2_000, until: 9_000))
        let result = ledger.finish()
        #expect(result.violations == ["A2 of showtime 7 locked for bob while the house kept it back"], "the earlier hold of A1 was no violation")
        #expect(result.houseSeats == 2)
    }

    @Test func aSeatSoldTwiceOrLockedAfterItsSaleIsAViolation() {
        let ledger = GrantLedger()
        ledger.held(Self.grant("B1", to: "alice", token: 1, from: 1_000, until: 5_000))
        ledger.booked(Self.booking(10, "B1", by: "alice", at: 2_000))
        ledger.held(Self.grant("B1", to: "bob", token: 2, from: 3_000, until: 9_000))
        ledger.booked(Self.booking(11, "B1", by: "bob", at: 4_000))
        let violations = ledger.finish().violations
        #expect(violations.contains { $0.contains("B1 of showtime 7 locked for bob after booking 10 sold it") }, "\(violations)")
        #expect(violations.contains { $0.contains("B1 of showtime 7 sold twice: booking 10 and 11") }, "\(violations)")
    }

    @Test func aSaleToSomeoneWhoDidNotHoldTheSeatIsAViolation() {
        let ledger = GrantLedger()
        ledger.booked(Self.booking(12, "C1", by: "dave", at: 2_000))
        #expect(ledger.finish().violations == ["C1 of showtime 7 sold to dave, who did not hold it"])
    }

    @Test func oneTokenGivenToTwoUsersIsAViolation() {
        let ledger = GrantLedger()
        ledger.held(Self.grant("D1", to: "alice", token: 4, from: 1_000, until: 2_000))
        ledger.held(Self.grant("D1", to: "bob", token: 4, from: 3_000, until: 4_000))
        let violations = ledger.finish().violations
        #expect(violations.contains("D1 of showtime 7: token 4 given to alice and bob"), "\(violations)")
    }

    @Test func aLaterTokenGrantedEarlierIsAViolation() {
        let ledger = GrantLedger()
        ledger.held(Self.grant("E1", to: "alice", token: 6, from: 5_000, until: 6_000))
        ledger.held(Self.grant("E1", to: "bob", token: 5, from: 7_000, until: 8_000))
        #expect(ledger.finish().violations == ["E1 of showtime 7: token 6 granted at 5000, before token 5 at 7000"])
    }

    @Test func theLatestGrantOfEachSeatIsWhatRedisShouldShow() {
        let ledger = GrantLedger()
        ledger.held(Self.grant("F1", to: "alice", token: 1, from: 1_000, until: 2_000))
        ledger.held(Self.grant("F1", to: "bob", token: 2, from: 3_000, until: 4_000))
        #expect(ledger.latestHolds(showtime: Self.showtime) == ["F1": GrantLedger.LatestHold(user: "bob", token: 2)])
    }
}
