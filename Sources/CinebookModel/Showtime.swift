import CinebookSupport
import Foundation

/// The seats of an auditorium, row by row from the screen, with aisle gaps.
public struct SeatLayout: Sendable, Hashable {
    public struct Row: Sendable, Hashable {
        public let label: String
        /// One entry per grid column: a seat, or nil for an aisle gap.
        public let cells: [Seat?]
        public let seats: [Seat]

        public init(label: String, cells: [Seat?]) {
            self.label = label
            self.cells = cells
            seats = cells.compactMap { $0 }
        }
    }

    public let rows: [Row]
    /// Widest row, in grid columns.
    public let width: Int
    /// Every seat, row by row.
    public let seats: [Seat]
    /// The kinds of seat the hall has, for a legend.
    public let categories: Set<SeatCategory>
    private let seatsByCode: [SeatCode: Seat]

    public init(rows: [Row]) {
        self.rows = rows
        width = rows.map(\.cells.count).max() ?? 0
        seats = rows.flatMap(\.seats)
        categories = Set(seats.map(\.category))
        var index: [SeatCode: Seat] = [:]
        for row in rows { for seat in row.seats { index[seat.code] = seat } }
        seatsByCode = index
    }

    /// Builds a layout from one string per row: `s` standard, `p` premium,
    /// `w` wheelchair, `_` an aisle gap (or an empty place at a row's end).
    public init(rowPatterns: [(label: String, pattern: String)]) throws(LayoutError) {
        var rows: [Row] = []
        var seen = Set<String>()
        for (rowIndex, (label, pattern)) in rowPatterns.enumerated() {
            guard label.count <= 2, !label.isEmpty, label.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw LayoutError("row label '\(label.quotable)' must be one or two capital letters")
            }
            guard seen.insert(label).inserted else { throw LayoutError("row \(label) appears twice") }
            var cells: [Seat?] = []
            var number = 0
            for (column, character) in pattern.enumerated() {
                let category: SeatCategory?
                switch character {
                case "s": category = .standard
                case "p": category = .premium
                case "w": category = .wheelchair
                case "_": category = nil
                default:
                    throw LayoutError("row \(label) has '\(String(character).quotable)' at column \(column + 1); use s, p, w or _")
                }
                if let category {
                    number += 1
                    cells.append(Seat(row: label, number: number, rowIndex: rowIndex, column: column, category: category))
                } else {
                    cells.append(nil)
                }
            }
            guard number > 0 else { throw LayoutError("row \(label) has no seats") }
            rows.append(Row(label: label, cells: cells))
        }
        guard !rows.isEmpty else { throw LayoutError("the layout has no rows") }
        self.init(rows: rows)
    }

    /// Each row as `init(rowPatterns:)` reads it: the layout's own text form.
    public var rowPatterns: [(label: String, pattern: String)] {
        rows.map { row in
            (row.label, String(row.cells.map { cell in
                switch cell?.category {
                case .standard?: "s"
                case .premium?: "p"
                case .wheelchair?: "w"
                case nil: "_"
                }
            }))
        }
    }

    public var seatCount: Int { seatsByCode.count }

    public func seat(_ code: SeatCode) -> Seat? { seatsByCode[code] }
}

public struct LayoutError: Error, Sendable, CustomStringConvertible {
    public let description: String
    package init(_ description: String) { self.description = description }
}

/// One screening of a film in an auditorium, with its seat layout.
public struct Showtime: Sendable, Hashable, Identifiable {
    public let id: Int
    public let title: String
    public let auditorium: String
    public let startsAt: Date
    public let layout: SeatLayout
    /// Seats sold outside this system (the box office), never lockable.
    public let occupied: Set<SeatCode>
    /// The cinema's own time zone: every time of the showtime is shown in it.
    public let timeZone: TimeZone
    /// How long before the start sales close; zero closes them at the start.
    public let salesCutoff: Duration
    /// When sales open, for a showtime expected to sell out in a rush: its waiting room
    /// takes people before, and draws their order at this moment. Nil: on sale already.
    public let salesOpenAt: Date?

    public init(
        id: Int, title: String, auditorium: String, startsAt: Date, layout: SeatLayout, occupied: Set<SeatCode> = [],
        timeZone: TimeZone = .utc, salesCutoff: Duration = .zero, salesOpenAt: Date? = nil
    ) {
        self.id = id
        self.title = title
        self.auditorium = auditorium
        self.startsAt = startsAt
        self.layout = layout
        self.occupied = occupied
        self.timeZone = timeZone
        self.salesCutoff = salesCutoff
        self.salesOpenAt = salesOpenAt
    }

    /// The seats that can ever be sold here: the layout's, less the box office's.
    public var sellableSeats: Int { layout.seatCount - occupied.count }

    /// The moment seats can no longer be locked or booked.
    public var salesCloseAt: Date { startsAt.addingTimeInterval(-salesCutoff.seconds) }

    public func isOnSale(at now: Date) -> Bool { now < salesCloseAt }

    /// Refuses a lock, an extension or a booking once sales have closed.
    public func checkOnSale(at now: Date) throws(SeatLockingError) {
        guard isOnSale(at: now) else { throw .salesClosed(showtime: id, closedAt: salesCloseAt, timeZone: timeZone) }
    }

    /// The longest cut-off a showtime file may set: a week.
    public static let maximumSalesCutoff = Duration.seconds(7 * 86_400)
}

extension TimeZone {
    public static let utc = TimeZone(identifier: "UTC")!

    /// The zone of an IANA name, as a showtime file or the database gives it.
    package static func named(_ name: String) throws(LayoutError) -> TimeZone {
        guard let zone = TimeZone(identifier: name) else {
            throw LayoutError("time_zone '\(name.quotable)' is not a time zone name like Europe/London or America/New_York")
        }
        return zone
    }
}
