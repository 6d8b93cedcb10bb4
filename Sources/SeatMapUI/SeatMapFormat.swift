import Foundation

/// Wording of the seat map; its times are `CinemaTime`'s, in the showtime's own time zone.
enum SeatMapFormat {
    /// `C4`, `C4 and C5`, `C4, C5 and C6`.
    static func list(_ seats: [String]) -> String {
        switch seats.count {
        case 0: "no seats"
        case 1: seats[0]
        default: seats.dropLast().joined(separator: ", ") + " and " + seats.last!
        }
    }

    /// `14:59` for 899 seconds.
    static func countdown(_ seconds: Int) -> String {
        let seconds = max(0, seconds)
        return String(format: "%02d:%02d", seconds / 60, seconds % 60)
    }
}
