import Foundation

/// Times as a cinema shows them: in the cinema's own time zone (never the viewer's), in
/// English words whatever the locale, so every front end prints a time the same way.
public enum CinemaTime {
    /// `Wed 25 Nov 20:15`; with `zoneNamed`, `Wed 25 Nov 20:15 GMT`, for text that may be
    /// read far from the cinema (the command line, error messages).
    public static func day(_ date: Date, in zone: TimeZone, zoneNamed: Bool = false) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.weekday, .day, .month], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[(parts.weekday ?? 1) - 1]) \(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) "
            + clock(date, in: zone, seconds: false, zoneNamed: zoneNamed)
    }

    /// `14:05:09`, or `14:05` without seconds; `14:05:09 GMT` with `zoneNamed`.
    public static func clock(_ date: Date, in zone: TimeZone, seconds: Bool = true, zoneNamed: Bool = false) -> String {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: date)
        let day = ((local % 86_400) + 86_400) % 86_400
        var text = String(format: "%02d:%02d", day / 3600, day / 60 % 60)
        if seconds { text += String(format: ":%02d", day % 60) }
        return zoneNamed ? text + " " + abbreviation(of: zone, at: date) : text
    }

    /// `GMT`, `GMT+1`, `GMT+5:30`: the zone's short name where it has one, else its offset.
    static func abbreviation(of zone: TimeZone, at date: Date) -> String {
        if let short = zone.abbreviation(for: date), !short.isEmpty { return short }
        let offset = zone.secondsFromGMT(for: date) / 60
        return String(format: "GMT%@%d:%02d", offset < 0 ? "-" : "+", abs(offset) / 60, abs(offset) % 60)
    }

    /// What is left of a hold, `14:59` for 899 seconds, `00:42` for 42: the seat map's
    /// countdown and the command line's "(14:59 left)" alike.
    /// A wait in round words: `about 40 s`, `about 3 min`.
    public static func roughly(_ seconds: Int64) -> String {
        seconds < 60 ? "about \(max(1, (seconds + 9) / 10 * 10)) s" : "about \((seconds + 30) / 60) min"
    }

    public static func countdown(_ seconds: Int64) -> String {
        let seconds = max(0, seconds)
        return String(format: "%02d:%02d", seconds / 60, seconds % 60)
    }
}
