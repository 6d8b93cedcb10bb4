import CinebookModel
import CinebookSupport
import Foundation
import SeatLocking
import SeatRecords
import Synchronization

/// A record of who held which seat when, kept by the clients independently of Redis
/// and checked for double holds, double sales, a token given to two users and tokens out
/// of the order of their grants: the benchmark's, and the concurrency tests'. Memory stays bounded: per seat only the latest holds are kept, and each is
/// checked against the others before it is dropped; a finished showtime is checked and
/// dropped whole.
package final class GrantLedger: Sendable {
    private struct Hold {
        let user: String
        let token: Int64
        /// When Redis had last loaded the showtime before granting it (0: not known).
        let epoch: Int64
        let start: Int64
        var end: Int64
        /// Redis lost it with its data: a later epoch granted the seat to someone else.
        var lost = false

        /// Grant order: tokens start again when Redis loses its data, epochs do not.
        var order: (Int64, Int64) { (epoch, token) }
    }

    private struct SeatID: Hashable {
        let showtime: Int
        let seat: SeatCode
    }

    /// What the ledger knows of one showtime, seat by seat.
    private struct Showtime {
        var holds: [SeatCode: [Hold]] = [:]
        var sold: [SeatCode: (user: String, booking: Int64)] = [:]
        /// The latest epoch seen: holds of earlier ones may have been lost with Redis's data.
        var epoch: Int64 = 0
        /// Seats of bookings whose answer never came (Redis unavailable): sold or not.
        var maybeSold: Set<SeatCode> = []
        /// Seats the house kept back, and since when (ms): nobody may be granted or sold them.
        var keptBack: [SeatCode: Int64] = [:]

        var sales: Sales { Sales(sold: sold.mapValues(\.booking), maybeSold: maybeSold, keptBack: Set(keptBack.keys)) }
    }

    /// The sales of a showtime the ledger saw, to compare with Redis's.
    package struct Sales: Sendable {
        package var sold: [SeatCode: Int64] = [:]
        package var maybeSold: Set<SeatCode> = []
        /// Seats the house kept back: the database holds them as the house's booking.
        package var keptBack: Set<SeatCode> = []
    }

    /// The latest grant of a seat the ledger saw, to compare with Redis's lock.
    package struct LatestHold: Sendable, Hashable {
        package let user: String
        package let token: Int64

        package init(user: String, token: Int64) {
            self.user = user
            self.token = token
        }
    }

    private struct State {
        var showtimes: [Int: Showtime] = [:]
        var violations: [String] = []
        var grants = 0
        var bookings = 0
        /// Bookings of parties (`party:<CODE>`): friends who chose together.
        var partyBookings = 0
        var houseSeats = 0
        var lostHolds = 0
    }

    /// What a run's ledger found, once it is over.
    package struct Summary: Sendable {
        package let violations: [String]
        package let grants: Int
        package let bookings: Int
        package let partyBookings: Int
        /// Seats the house kept back during the run.
        package let houseSeats: Int
        /// Holds that ended early because Redis lost its data.
        package let lostHolds: Int
    }

    private static let window = 16
    private static let maximumViolations = 100
    private let state = Mutex(State())

    package init() {}

    /// A lock or extend answer: new holds start, held ones get their new expiry. A seat
    /// granted in a later epoch ends the holds of earlier epochs on it at the epoch's start:
    /// Redis lost them (a flush, or a failover to a replica that missed the last writes).
    /// Holds that Redis kept go on.
    package func held(_ grant: LockGrant) {
        let now = grant.serverTime.milliseconds
        state.withLock { state in
            if let epoch = grant.epoch?.milliseconds, epoch > state.showtimes[grant.showtimeID, default: Showtime()].epoch {
                state.showtimes[grant.showtimeID]?.epoch = epoch
            }
            let epoch = grant.epoch?.milliseconds ?? state.showtimes[grant.showtimeID]?.epoch ?? 0
            for seat in grant.seats {
                let id = SeatID(showtime: grant.showtimeID, seat: seat.code)
                if let kept = state.showtimes[id.showtime]?.keptBack[id.seat], kept <= now {
                    Self.note("\(seat.code) of showtime \(id.showtime) locked for \(grant.user) while the house kept it back", into: &state.violations)
                }
                if let sale = state.showtimes[id.showtime]?.sold[id.seat] {
                    Self.note(
                        "\(seat.code) of showtime \(id.showtime) locked for \(grant.user) after booking \(sale.booking) sold it",
                        into: &state.violations)
                }
                var holds = state.showtimes[id.showtime, default: Showtime()].holds[id.seat, default: []]
                if let other = holds.first(where: { $0.token == seat.token && $0.epoch == epoch && $0.user != grant.user }) {
                    Self.note(
                        "\(seat.code) of showtime \(id.showtime): token \(seat.token) given to \(other.user) and \(grant.user)",
                        into: &state.violations)
                }
                let same = holds.indices.filter { holds[$0].token == seat.token && holds[$0].user == grant.user }
                if let index = same.max(by: { holds[$0].epoch < holds[$1].epoch }), grant.epoch == nil || holds[index].epoch == epoch {
                    holds[index].end = seat.expiresAt.milliseconds
                } else {
                    state.grants += 1
                    for index in holds.indices where holds[index].epoch < epoch && holds[index].end > epoch && !holds[index].lost
                        && (holds[index].user != grant.user || holds[index].token != seat.token) {
                        holds[index].end = epoch
                        holds[index].lost = true
                        state.lostHolds += 1
                    }
                    var hold = Hold(user: grant.user, token: seat.token, epoch: epoch, start: now, end: seat.expiresAt.milliseconds)
                    // A grant of an earlier epoch noted after a later one (answers of concurrent
                    // users arrive in any order): Redis lost it when the later epoch began.
                    let latest = state.showtimes[id.showtime]?.epoch ?? epoch
                    if latest > epoch, hold.end > latest {
                        hold.end = latest
                        hold.lost = true
                        state.lostHolds += 1
                    }
                    holds.append(hold)
                    if holds.count > Self.window {
                        let oldest = holds.min { $0.order < $1.order }!
                        Self.check(oldest, against: holds, seat: id, into: &state.violations)
                        holds.removeAll { $0.order == oldest.order && $0.user == oldest.user }
                    }
                }
                state.showtimes[id.showtime, default: Showtime()].holds[id.seat] = holds
            }
        }
    }

    /// An unlock answer: the released seats' holds end now.
    package func released(_ release: Release, user: String) {
        end(release.released, showtime: release.showtimeID, user: user, at: release.serverTime.milliseconds)
    }

    /// A booking: the user must hold every seat at that moment, and no seat may be sold twice.
    package func booked(_ booking: Booking) {
        let at = booking.bookedAt.milliseconds
        state.withLock { state in
            state.bookings += 1
            if PartyCode(holder: booking.user) != nil { state.partyBookings += 1 }
            for seat in booking.seats where state.showtimes[booking.showtimeID]?.keptBack[seat] != nil {
                Self.note("\(seat) of showtime \(booking.showtimeID) sold to \(booking.user) while the house kept it back", into: &state.violations)
            }
            for seat in booking.seats {
                if let earlier = state.showtimes[booking.showtimeID]?.sold[seat] {
                    Self.note(
                        "\(seat) of showtime \(booking.showtimeID) sold twice: booking \(earlier.booking) and \(booking.id)",
                        into: &state.violations)
                }
                state.showtimes[booking.showtimeID, default: Showtime()].sold[seat] = (booking.user, booking.id)
                let holding = state.showtimes[booking.showtimeID]?.holds[seat]?.contains { $0.user == booking.user && $0.start <= at && at <= $0.end } ?? false
                if !holding {
                    Self.note(
                        "\(seat) of showtime \(booking.showtimeID) sold to \(booking.user), who did not hold it",
                        into: &state.violations)
                }
            }
        }
        end(booking.seats, showtime: booking.showtimeID, user: booking.user, at: at)
    }

    /// Seats the house kept back (an operator's hold): from `at` on, a grant or a sale of
    /// any of them is a violation.
    package func keptBack(_ seats: [SeatCode], showtime: Int, at: Date) {
        state.withLock { state in
            state.houseSeats += seats.count
            for seat in seats { state.showtimes[showtime, default: Showtime()].keptBack[seat] = at.milliseconds }
        }
    }

    /// A booking whose answer never came: Redis may have sold these seats to `user` or
    /// not. Its seats may show up sold in Redis without a booking the bench saw.
    func maybeBooked(_ seats: [SeatCode], showtime: Int, user: String) {
        state.withLock { state in
            state.showtimes[showtime, default: Showtime()].maybeSold.formUnion(seats)
        }
        end(seats, showtime: showtime, user: user, at: Date().milliseconds)
    }

    private func end(_ seats: [SeatCode], showtime: Int, user: String, at: Int64) {
        state.withLock { state in
            for seat in seats {
                guard var holds = state.showtimes[showtime]?.holds[seat],
                      let index = holds.indices.filter({ holds[$0].user == user }).max(by: { holds[$0].order < holds[$1].order })
                else { continue }
                holds[index].end = min(holds[index].end, at)
                state.showtimes[showtime]?.holds[seat] = holds
            }
        }
    }

    /// Checks the holds kept of a showtime nobody will play again, forgets it, and
    /// returns its sales for the comparison with Redis.
    func finish(showtime id: Int) -> Sales {
        state.withLock { state in
            guard let showtime = state.showtimes.removeValue(forKey: id) else { return Sales() }
            Self.checkAll(showtime, id: id, into: &state.violations)
            return showtime.sales
        }
    }

    /// Checks every hold still kept; returns every violation found during the run, and
    /// how many holds Redis lost with its data.
    package func finish() -> Summary {
        state.withLock { state in
            for (id, showtime) in state.showtimes { Self.checkAll(showtime, id: id, into: &state.violations) }
            for id in state.showtimes.keys { state.showtimes[id]?.holds = [:] }
            return Summary(
                violations: state.violations, grants: state.grants, bookings: state.bookings, partyBookings: state.partyBookings,
                houseSeats: state.houseSeats, lostHolds: state.lostHolds)
        }
    }

    /// The sales of a showtime the ledger saw (after `finish()`, for the final audit).
    package func sales(showtime id: Int) -> Sales {
        state.withLock { $0.showtimes[id]?.sales ?? Sales() }
    }

    /// Each seat's latest grant (the highest token of the latest epoch), before `finish()`.
    package func latestHolds(showtime id: Int) -> [SeatCode: LatestHold] {
        state.withLock { state in
            (state.showtimes[id]?.holds ?? [:]).compactMapValues { holds in
                holds.max { $0.order < $1.order }.map { LatestHold(user: $0.user, token: $0.token) }
            }
        }
    }

    private static func checkAll(_ showtime: Showtime, id: Int, into violations: inout [String]) {
        for (seat, holds) in showtime.holds {
            for hold in holds { check(hold, against: holds, seat: SeatID(showtime: id, seat: seat), into: &violations) }
        }
    }

    private static func check(_ hold: Hold, against holds: [Hold], seat: SeatID, into violations: inout [String]) {
        for other in holds where other.order > hold.order {
            if other.user != hold.user, hold.start < other.end && other.start < hold.end {
                note(
                    "\(seat.seat) of showtime \(seat.showtime) held by \(hold.user) (token \(hold.token)) and \(other.user) (token \(other.token)) at once",
                    into: &violations)
            }
            // Tokens grow with the grants: a later token is never granted earlier.
            if other.epoch == hold.epoch, other.start < hold.start {
                note(
                    "\(seat.seat) of showtime \(seat.showtime): token \(other.token) granted at \(other.start), before token \(hold.token) at \(hold.start)",
                    into: &violations)
            }
        }
    }

    private static func note(_ violation: String, into violations: inout [String]) {
        if violations.count < maximumViolations { violations.append(violation) }
    }
}
