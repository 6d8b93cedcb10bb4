import ArgumentParser
import CinebookModel
import CinebookWire
import Foundation
import SeatLocking

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "The success metrics of a showtime, from its hold history.",
        discussion: """
            Conflict rate: seats that locks found taken, over every seat asked for. Abandonment rate: holds \\
            that ended released or expired, over every hold that ended. Time to booking: how long booked \\
            seats were held first (the median). Then how often each seat was held and booked, most held \\
            first. Counted in seats, from the history Redis keeps (the latest 10,000 entries per showtime).
            """)

    @OptionGroup var common: CommonOptions
    @OptionGroup var target: ShowtimeOption
    var showtime: Int { target.showtime }
    @Option(help: ArgumentHelp(
        "Only what happened since then: an ISO 8601 time (2026-11-25T19:00:00Z) or a time ago (30m, 6h, 2d).", valueName: "time"))
    var since: String?
    @OptionGroup var output: JSONOutput
    var json: Bool { output.json }

    func validate() throws {
        if let since, Self.date(since, now: Date()) == nil {
            throw ValidationError("--since must be an ISO 8601 time such as 2026-11-25T19:00:00Z, or a time ago such as 30m, 6h or 2d.")
        }
    }

    func run() async throws {
        let from = since.flatMap { Self.date($0, now: Date()) }
        try await CommandRunner(options: common, json: json).run { service in
            let stats = try await service.stats(showtime: showtime, since: from)
            return Output(text: Self.text(stats), json: SeatLockingJSON.Stats(stats))
        }
    }

    /// An ISO 8601 time, or a number of minutes, hours or days before `now`.
    static func date(_ text: String, now: Date) -> Date? {
        if let date = SeatLockingJSON.date(fromTimestamp: text) { return date }
        guard let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 else { return nil }
        let seconds: Double
        switch unit {
        case "m": seconds = 60
        case "h": seconds = 3600
        case "d": seconds = 86_400
        default: return nil
        }
        return now.addingTimeInterval(-amount * seconds)
    }

    static func text(_ stats: ShowtimeStats) -> String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", $0 * 100) } ?? "—" }
        func count(_ number: Int, _ thing: String) -> String { "\(number) \(thing)\(number == 1 ? "" : "s")" }
        let failures = stats.failedSeats.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let toBooking = stats.medianMillisecondsToBooking.map { String(format: "%.1f s (median)", Double($0) / 1000) } ?? "—"
        var lines: [String] = ["Showtime \(stats.showtimeID)" + (stats.since.map { " since \(SeatLockingJSON.timestamp($0))" } ?? "")]
        lines.append("  conflict rate     \(percent(stats.conflictRate))  (\(count(stats.conflictingSeats, "seat")) found taken; "
            + "\(count(stats.limitRefusals, "lock")) over the seat limit)")
        lines.append("  abandonment rate  \(percent(stats.abandonmentRate))  (\(count(stats.holdsEnded, "hold")) ended: "
            + "\(stats.booked) booked, \(stats.released) released, \(stats.expired) expired)")
        lines.append("  error rate        \(percent(stats.errorRate))  (\(stats.failures) of \(count(stats.operations, "seat operation")) failed"
            + (failures.isEmpty ? ")" : ": \(failures))"))
        lines.append("  time to booking   " + toBooking)
        let house = stats.house
        if house != ShowtimeStats.HouseCounts() {
            lines.append("  house holds       \(count(house.held, "seat")) kept back, \(house.released) given back to sale, "
                + "\(house.guests) booked for guests (not counted above)")
        }
        if let room = stats.room {
            lines.append("  waiting room      \(room.waiting) waiting, \(room.choosing) choosing; \(room.admitted) admitted "
                + "(\(room.admissionsLastMinute) in the last minute), \(room.left) left; "
                + String(format: "wait %.0f s mean, %.0f s longest", room.meanWait.seconds, room.longestWait.seconds))
        }
        let seats = stats.seats.sorted { ($1.value.held, $0.key) < ($0.value.held, $1.key) }
        if !seats.isEmpty {
            lines.append("  seat   held  booked")
            for (code, counts) in seats.prefix(20) {
                lines.append("  " + code.text.padding(toLength: 6, withPad: " ", startingAt: 0) + String(format: "%5d  %6d", counts.held, counts.booked))
            }
            if seats.count > 20 { lines.append("  … \(seats.count - 20) more seats (--json lists them all)") }
        }
        return lines.joined(separator: "\n")
    }
}
