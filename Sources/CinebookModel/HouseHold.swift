import Foundation

/// Seats the house keeps back from sale (for the press, guests, people who book a
/// wheelchair space by phone), under a label, until an end. The database of record holds
/// them as it holds sales, so nobody can lock, release or book them, and they survive
/// anything that happens to Redis; they are never swept and never offered as best seats.
/// An operator gives them back to sale, or books them for a named guest, all at once or
/// seat by seat.
public struct HouseHold: Sendable, Hashable {
    /// Its number in the database of record.
    public let id: Int64
    public let showtimeID: Int
    public let label: HouseLabel
    /// The operator who kept the seats back.
    public let heldBy: String
    public let heldAt: Date
    public let end: HouseHoldEnd
    /// The seats still kept back, in the order of the hall.
    public let seats: [SeatCode]

    public init(id: Int64, showtimeID: Int, label: HouseLabel, heldBy: String, heldAt: Date, end: HouseHoldEnd, seats: [SeatCode]) {
        self.id = id
        self.showtimeID = showtimeID
        self.label = label
        self.heldBy = heldBy
        self.heldAt = heldAt
        self.end = end
        self.seats = seats
    }
}

/// What a house hold is for, in a word or a few: `press`, `guests of the director`.
public struct HouseLabel: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let text: String

    /// Letters, digits, spaces, `-`, `_` and `.`; 1 to `maximumLength` characters.
    public init?(_ typed: String) {
        let text = typed.trimmingCharacters(in: .whitespaces)
        let allowed = { (character: Character) in character.isLetter || character.isNumber || " -_.".contains(character) }
        guard (1...Self.maximumLength).contains(text.count), text.allSatisfy(allowed) else { return nil }
        self.text = text
    }

    public static let maximumLength = 40

    /// Who holds the seats, in the database's bookings and the hold history:
    /// `house:press`. No user name may begin with `holderPrefix`.
    public var holder: String { Self.holderPrefix + text }
    public static let holderPrefix = "house:"

    public var description: String { text }

    public static func < (left: HouseLabel, right: HouseLabel) -> Bool { left.text < right.text }
}

/// When a house hold gives its seats back to sale by itself.
public enum HouseHoldEnd: Sendable, Hashable {
    /// At a time.
    case at(Date)
    /// When sales to the public open (the showtime's waiting room draws its order then).
    case salesOpen(Date)
    /// Never by itself: an operator releases it.
    case released

    /// The moment, if it ends by itself.
    public var date: Date? {
        switch self {
        case let .at(date), let .salesOpen(date): date
        case .released: nil
        }
    }
}

extension HouseHoldEnd {
    /// The end an operator typed, for a showtime: `sales-open`, a time of day (`18:00`, the
    /// next such time in the cinema's zone), a date and time there (`2026-12-07 18:00`), or
    /// an instant (`2026-12-07T18:00:00Z`). Nil text: until an operator releases it.
    public static func typed(_ text: String?, for showtime: Showtime, now: Date) throws(SeatLockingError) -> HouseHoldEnd {
        guard let text = text?.trimmingCharacters(in: .whitespaces) else { return .released }
        if ["sales-open", "sales_open"].contains(text.lowercased()) {
            guard let opens = showtime.salesOpenAt, opens > now else {
                throw .invalidRequest("Showtime \(showtime.id) is on sale already; give the hold an end time (such as 18:00), or none.")
            }
            return .salesOpen(opens)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = showtime.timeZone
        if let instant = ISO8601DateFormatter().date(from: text) { return .at(instant) }
        let numbers = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        let date: Date?
        switch (numbers.count, text.contains("-")) {
        case (2, false):
            let wanted = DateComponents(hour: numbers[0], minute: numbers[1], second: 0)
            date = (0...23).contains(numbers[0]) && (0...59).contains(numbers[1])
                ? calendar.nextDate(after: now, matching: wanted, matchingPolicy: .nextTime) : nil
        case (5, true):
            let parts = DateComponents(year: numbers[0], month: numbers[1], day: numbers[2], hour: numbers[3], minute: numbers[4])
            date = parts.isValidDate(in: calendar) ? calendar.date(from: parts) : nil
        default:
            date = nil
        }
        guard let date else {
            throw .invalidRequest("The end '\(text)' is not a time; use 18:00, 2026-12-07 18:00, an ISO 8601 time, or sales-open.")
        }
        return .at(date)
    }
}
