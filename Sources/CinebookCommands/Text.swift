import CinebookModel
import CinebookSupport
import CinebookWire
import Foundation
import SeatLocking

/// The text answers of the command line.
enum Text {
    /// Times are in the showtime's own time zone, `zone`, as the cinema shows them.
    static func granted(_ verb: String, _ grant: LockGrant, zone: TimeZone) -> String {
        let seats = grant.seats.map(\.code).joined(separator: " ")
        let left = grant.ttl.components.seconds
        let until = CinemaTime.clock(grant.expiresAt, in: zone, zoneNamed: true)
        let held = "\(verb) \(seats) for \(PartyCode.named(grant.user)) in showtime \(grant.showtimeID) until \(until) (\(CinemaTime.countdown(left)) left)."
        return grant.replacementNote.map { $0 + "\n" + held } ?? held
    }

    static func best(_ best: BestAvailable) -> String {
        let what = "\(best.wish.count) seat\(best.wish.count == 1 ? "" : "s")"
        guard !best.offers.isEmpty else { return "No \(what) are free together in showtime \(best.showtimeID)." }
        let lines = best.offers.enumerated().map { index, offer in
            "  \(index + 1). \(offer.codes.joined(separator: " "))"
        }
        return (["Best \(what) in showtime \(best.showtimeID), best first:"] + lines).joined(separator: "\n")
    }

    /// Where a person stands in a waiting room, in a line or two.
    /// A party: its code, who is in it, and who sits where; with `joining`, how others join.
    static func party(_ party: Party, joining: Bool = false) -> String {
        let members = party.members.map { member in
            member.seats.isEmpty ? member.name : "\(member.name) (\(member.seats.map(\.text).joined(separator: " ")))"
        }
        var lines = ["Party \(party.code) for showtime \(party.showtimeID): \(members.joined(separator: ", "))."]
        let unassigned = party.seats.filter { $0.value.isEmpty }.keys.sorted()
        if !unassigned.isEmpty { lines.append("Held with nobody in them yet: \(unassigned.map(\.text).joined(separator: " ")).") }
        if joining {
            lines.append("Others join with: cinebook party join \(party.code) --showtime \(party.showtimeID) --user NAME")
        }
        return lines.joined(separator: "\n")
    }

    static func departure(_ departure: PartyDeparture, code: PartyCode) -> String {
        let given = departure.released.isEmpty ? "" : " Gave back \(departure.released.map(\.text).joined(separator: " "))."
        return departure.party == nil ? "Left party \(code), the last to go: it has ended.\(given)" : "Left party \(code).\(given)"
    }

    static func standing(_ standing: RoomStanding, in zone: TimeZone) -> String {
        let soldOut = standing.likelySoldOut
            ? "\nSold out, or very likely: the people ahead would take every seat left. You keep your place in case seats come back." : ""
        switch standing.phase {
        case .open:
            return "Showtime \(standing.showtimeID) has no waiting room now: lock seats as usual."
        case .preQueue:
            let opening = standing.opensAt.map { " at \(CinemaTime.day($0, in: zone, zoneNamed: true))" } ?? ""
            return "In the pre-queue of showtime \(standing.showtimeID): sales open\(opening), and everyone's place is drawn at random then." + soldOut
        case .waiting:
            let ahead = standing.ahead ?? 0
            let wait = standing.estimatedWait.map { ", " + CinemaTime.roughly(Int64($0.seconds.rounded(.up))) } ?? ""
            return "Place \(standing.ticket ?? 0) in line for showtime \(standing.showtimeID): \(ahead) ahead\(wait)." + soldOut
        case .admitted:
            let pass = standing.pass.map { "\nPass (until \(CinemaTime.clock($0.expiresAt, in: zone))): \($0.text)" } ?? ""
            return "It's your turn for showtime \(standing.showtimeID): lock seats with --pass within a minute." + pass
        case .choosing:
            return "You are choosing seats in showtime \(standing.showtimeID): locks need no pass for now."
        case .outside:
            return "Not in showtime \(standing.showtimeID)'s waiting room."
        }
    }

    static func released(_ release: Release) -> String {
        release.released.isEmpty
            ? "Nothing to release: you held none of those seats in showtime \(release.showtimeID)."
            : "Released \(release.released.joined(separator: " ")) in showtime \(release.showtimeID)."
    }

    static func booked(_ booking: Booking) -> String {
        let booked = "Booked \(booking.seats.joined(separator: " ")) for \(PartyCode.named(booking.user)) in showtime \(booking.showtimeID): booking \(booking.id)."
        return sitting(booking).map { booked + " " + $0 + "." } ?? booked
    }

    /// A party's booking: `alice in H9 H11, bob in H10`, in the order of its seats; nil for one person's.
    static func sitting(_ booking: Booking) -> String? {
        Party.seating(of: booking.seats, sitters: booking.sitters)
    }

    static func bookings(_ bookings: [Booking]) -> String {
        guard !bookings.isEmpty else { return "No bookings." }
        return bookings.map { booking in
            "booking \(booking.id)  showtime \(booking.showtimeID)  \(PartyCode.named(booking.user))  \(booking.seats.joined(separator: " "))  "
                + SeatLockingJSON.timestamp(booking.bookedAt) + (sitting(booking).map { "  (\($0))" } ?? "")
        }.joined(separator: "\n")
    }

    static func reconciled(_ reports: [ReconcileReport]) -> String {
        reports.map { report in
            var differences: [String] = []
            if report.redisLostData { differences.append("Redis had lost its sold seats") }
            if !report.soldOnlyInDatabase.isEmpty { differences.append("sold in the database but not in Redis: \(report.soldOnlyInDatabase.joined(separator: " "))") }
            if !report.soldOnlyInRedis.isEmpty { differences.append("sold in Redis but in no booking: \(report.soldOnlyInRedis.joined(separator: " "))") }
            for interrupted in report.interruptedBookings {
                differences.append("interrupted booking of \(interrupted.seat) by \(interrupted.user): \(interrupted.committed ? "committed, so sold" : "never committed, so free")")
            }
            if !report.locksOnSoldSeats.isEmpty { differences.append("locks on sold seats: \(report.locksOnSoldSeats.joined(separator: " "))") }
            guard !differences.isEmpty else { return "showtime \(report.showtimeID): Redis agrees with the database." }
            let verdict = report.repaired ? "repaired" : "run with --repair to fix (the database wins)"
            return "showtime \(report.showtimeID): \(differences.joined(separator: "; ")) — \(verdict)."
        }.joined(separator: "\n")
    }

    /// A cleanup pass whose every step succeeded.
    static func swept(_ report: SweepReport, reconciled: [ReconcileReport], archived archive: ArchiveReport) -> String {
        let repaired = reconciled.filter(\.repaired).map(\.showtimeID)
        let archived = " Archived \(archive.total) history entr\(archive.total == 1 ? "y" : "ies")."
        let reconciled = repaired.isEmpty ? "" : " Repaired Redis from the database for showtime\(repaired.count == 1 ? "" : "s") \(repaired.map(String.init).joined(separator: ", "))."
        guard report.total > 0 else { return "Swept: no expired locks." + archived + reconciled }
        let parts = report.expired.sorted { $0.key < $1.key }.map { "showtime \($0.key): \($0.value.joined(separator: " "))" }
        return "Swept \(report.total) expired lock\(report.total == 1 ? "" : "s") (\(parts.joined(separator: "; ")))." + archived + reconciled
    }

    /// Each showtime with its start in the cinema's time zone, and until when it is on sale.
    static func showtimes(_ catalog: Catalog, now: Date) -> String {
        let rows = catalog.showtimes.map { showtime in
            let sales = showtime.isOnSale(at: now)
                ? "until " + CinemaTime.day(showtime.salesCloseAt, in: showtime.timeZone) : "closed"
            return [
                String(showtime.id), showtime.title, showtime.auditorium,
                CinemaTime.day(showtime.startsAt, in: showtime.timeZone, zoneNamed: true), sales, String(showtime.layout.seatCount),
            ]
        }
        return table(header: ["ID", "FILM", "AUDITORIUM", "STARTS", "ON SALE", "SEATS"], rows: rows)
    }

    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func inspected(_ inspections: [SeatInspection], showtime: Int, zone: TimeZone, now: Date) -> String {
        func clock(_ date: Date) -> String { CinemaTime.clock(date, in: zone, zoneNamed: true) }
        return inspections.map { inspection in
            let what: String
            switch inspection.state {
            case .free: what = "free"
            case let .held(user, since, until, token):
                let left = Int64(until.timeIntervalSince(now).rounded(.up))
                what = "held by \(user) since \(clock(since)) until \(clock(until)) (\(CinemaTime.countdown(left)) left), token \(token)"
            case let .beingBooked(user, deadline): what = "being booked by \(user) (the database is committing it until \(clock(deadline)))"
            case let .sold(booking): what = "sold: booking \(booking)"
            case .boxOffice: what = "sold at the box office"
            }
            return "\(inspection.seat) in showtime \(showtime): \(what)."
        }.joined(separator: "\n")
    }

    static func forced(_ release: ForcedRelease) -> String {
        var lines: [String] = []
        if !release.released.isEmpty {
            lines.append("Released \(release.released.map { "\($0.seat) (held by \($0.user))" }.joined(separator: ", ")) in showtime \(release.showtimeID).")
        }
        if !release.notHeld.isEmpty {
            lines.append("Nobody held \(release.notHeld.joined(separator: " ")); left as \(release.notHeld.count == 1 ? "it was" : "they were").")
        }
        return lines.joined(separator: "\n")
    }
}
