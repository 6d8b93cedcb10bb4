import Foundation

/// Wording and time formats of the seat map. Times are shown in the settings' time
/// zone, so rendering depends on nothing but the state.
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

    /// `14:05:09` (or `14:05`) in the given time zone.
    static func clock(_ date: Date, in zone: TimeZone, seconds: Bool = true) -> String {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: date)
        let day = ((local % 86_400) + 86_400) % 86_400
        let text = String(format: "%02d:%02d", day / 3600, day / 60 % 60)
        return seconds ? text + String(format: ":%02d", day % 60) : text
    }

    /// `Wed 25 Nov 20:15` in the given time zone.
    static func startTime(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.weekday, .day, .month], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[(parts.weekday ?? 1) - 1]) \(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) "
            + clock(date, in: zone, seconds: false)
    }
}
