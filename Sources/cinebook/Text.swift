import Foundation
import SeatLocking

/// The text answers of the command line.
enum Text {
    static func granted(_ verb: String, _ grant: LockGrant) -> String {
        let seats = grant.seats.map(\.code).joined(separator: " ")
        let left = grant.ttl.components.seconds
        return "\(verb) \(seats) for \(grant.user) in showtime \(grant.showtimeID) until \(clock(grant.expiresAt)) (\(minutes(left)) left)."
    }

    static func best(_ best: BestAvailable) -> String {
        let what = "\(best.wish.count) seat\(best.wish.count == 1 ? "" : "s")"
        guard !best.offers.isEmpty else { return "No \(what) are free together in showtime \(best.showtimeID)." }
        let lines = best.offers.enumerated().map { index, offer in
            "  \(index + 1). \(offer.codes.joined(separator: " "))"
        }
        return (["Best \(what) in showtime \(best.showtimeID), best first:"] + lines).joined(separator: "\n")
    }

    static func released(_ release: Release) -> String {
        release.released.isEmpty
            ? "Nothing to release: you held none of those seats in showtime \(release.showtimeID)."
            : "Released \(release.released.joined(separator: " ")) in showtime \(release.showtimeID)."
    }

    static func booked(_ booking: Booking) -> String {
        "Booked \(booking.seats.joined(separator: " ")) for \(booking.user) in showtime \(booking.showtimeID): booking \(booking.id)."
    }

    static func swept(_ report: SweepReport) -> String {
        guard report.total > 0 else { return "Swept: no expired locks." }
        let parts = report.expired.sorted { $0.key < $1.key }.map { "showtime \($0.key): \($0.value.joined(separator: " "))" }
        return "Swept \(report.total) expired lock\(report.total == 1 ? "" : "s") (\(parts.joined(separator: "; ")))."
    }

    static func showtimes(_ catalog: Catalog) -> String {
        let rows = catalog.showtimes.map { showtime in
            [String(showtime.id), showtime.title, showtime.auditorium, startTime(showtime.startsAt), String(showtime.layout.seatCount)]
        }
        return table(header: ["ID", "FILM", "AUDITORIUM", "STARTS", "SEATS"], rows: rows)
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

    /// `14:05:09`, local time.
    static func clock(_ date: Date) -> String {
        format(date, "HH:mm:ss")
    }

    /// `Wed 25 Nov 19:30`, local time.
    static func startTime(_ date: Date) -> String {
        format(date, "EEE d MMM HH:mm")
    }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    /// `14:59` for 899 seconds.
    static func minutes(_ seconds: Int64) -> String {
        let seconds = max(0, seconds)
        return String(format: "%d:%02d", seconds / 60, seconds % 60)
    }
}
