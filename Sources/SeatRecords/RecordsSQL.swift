import CinebookModel
import CinebookSupport
import Foundation

/// A value bound to a statement or read from a row: the database keeps only whole
/// numbers (times as milliseconds since 1970) and text.
package enum SQLValue: Sendable, Hashable {
    case integer(Int64)
    case text(String)
    case null

    package var integer: Int64? { if case let .integer(value) = self { value } else { nil } }
    package var text: String? { if case let .text(value) = self { value } else { nil } }
}

/// The schema and every statement, written once for SQLite and PostgreSQL: `?` marks a
/// parameter (PostgreSQL's drivers turn them into `$1`, `$2`, ...).
package enum RecordsSQL {
    package enum Dialect {
        case sqlite, postgres

        /// A booking id that is never used twice, also after the newest bookings are deleted.
        var bookingID: String {
            switch self {
            case .sqlite: "INTEGER PRIMARY KEY AUTOINCREMENT"
            case .postgres: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
            }
        }
    }

    /// `migrations(dialect)[n]` takes the schema from version n to n + 1.
    package static func migrations(_ dialect: Dialect) -> [[String]] {
        [[
            """
            CREATE TABLE showtimes (
              id BIGINT PRIMARY KEY,
              title TEXT NOT NULL,
              auditorium TEXT NOT NULL,
              starts_at BIGINT NOT NULL,
              layout TEXT NOT NULL,
              box_office TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE bookings (
              id \(dialect.bookingID),
              showtime_id BIGINT NOT NULL,
              user_id TEXT NOT NULL,
              seats TEXT NOT NULL,
              booked_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX bookings_by_user ON bookings (user_id, showtime_id)",
            "CREATE INDEX bookings_by_showtime ON bookings (showtime_id)",
            """
            CREATE TABLE sold_seats (
              showtime_id BIGINT NOT NULL,
              seat TEXT NOT NULL,
              booking_id BIGINT NOT NULL REFERENCES bookings (id),
              PRIMARY KEY (showtime_id, seat)
            )
            """,
        ], [
            // The hold history moved out of Redis, under the stream entry's id.
            """
            CREATE TABLE hold_history (
              showtime_id BIGINT NOT NULL,
              entry_ms BIGINT NOT NULL,
              entry_seq BIGINT NOT NULL,
              event TEXT NOT NULL,
              seats TEXT NOT NULL,
              user_id TEXT,
              at BIGINT NOT NULL,
              held_ms BIGINT,
              operation TEXT,
              PRIMARY KEY (showtime_id, entry_ms, entry_seq)
            )
            """,
        ], [
            // The cinema's time zone, and when sales close before the start.
            "ALTER TABLE showtimes ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC'",
            "ALTER TABLE showtimes ADD COLUMN sales_cutoff_minutes BIGINT NOT NULL DEFAULT 0",
        ], [
            // When sales open, for showtimes sold through a waiting room (ms; NULL: on sale).
            "ALTER TABLE showtimes ADD COLUMN sales_open_at BIGINT",
        ], [
            // Who sits where, for a party's booking: a JSON object seat → member (NULL: the
            // one who booked sits in every seat).
            "ALTER TABLE bookings ADD COLUMN sitters TEXT",
        ], [
            // Seats the house keeps back: a booking of the house (`house:<label>`) whose sold
            // seats are the seats still kept back, so the unique key on (showtime, seat)
            // fences them as it fences sales. `ends_at` NULL: until an operator releases it.
            """
            CREATE TABLE house_holds (
              booking_id BIGINT PRIMARY KEY REFERENCES bookings (id),
              label TEXT NOT NULL,
              held_by TEXT NOT NULL,
              ends_at BIGINT,
              until_sales_open BIGINT NOT NULL DEFAULT 0,
              ended_at BIGINT
            )
            """,
            // A guest's booking made from a house hold: the house hold's booking id.
            "ALTER TABLE bookings ADD COLUMN house_hold BIGINT",
        ]]
    }

    package static let createVersionTable = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
    package static let readVersion = "SELECT version FROM schema_version"
    package static let insertVersion = "INSERT INTO schema_version (version) VALUES (?)"
    package static let updateVersion = "UPDATE schema_version SET version = ?"

    /// PostgreSQL: one process migrates at a time (a key no showtime id uses).
    package static let lockSchema = "SELECT pg_advisory_xact_lock(-1)"

    package static let upsertShowtime = """
        INSERT INTO showtimes (id, title, auditorium, starts_at, layout, box_office, time_zone, sales_cutoff_minutes, sales_open_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET title = excluded.title, auditorium = excluded.auditorium,
          starts_at = excluded.starts_at, layout = excluded.layout, box_office = excluded.box_office,
          time_zone = excluded.time_zone, sales_cutoff_minutes = excluded.sales_cutoff_minutes,
          sales_open_at = excluded.sales_open_at
        """
    package static let selectShowtimes = """
        SELECT id, title, auditorium, starts_at, layout, box_office, time_zone, sales_cutoff_minutes, sales_open_at
        FROM showtimes ORDER BY id
        """

    package static let insertBooking = "INSERT INTO bookings (showtime_id, user_id, seats, booked_at, sitters) VALUES (?, ?, ?, ?, ?) RETURNING id"
    /// The sold seats of one booking, in one statement.
    package static func insertSoldSeats(_ count: Int) -> String {
        "INSERT INTO sold_seats (showtime_id, seat, booking_id) VALUES "
            + Array(repeating: "(?, ?, ?)", count: count).joined(separator: ", ")
    }

    package static func soldSeatValues(_ sale: Sale, booking id: Int64) -> [SQLValue] {
        sale.seats.flatMap { [SQLValue.integer(Int64(sale.showtimeID)), .text($0.text), .integer(id)] }
    }
    package static let selectSold = "SELECT seat, booking_id FROM sold_seats WHERE showtime_id = ?"

    /// The bookings that sold any of `count` seats of a showtime, with the seat each sold.
    package static func selectSoldAmong(_ count: Int) -> String {
        """
        SELECT s.seat, b.id, b.showtime_id, b.user_id, b.seats, b.booked_at, b.sitters
        FROM sold_seats s JOIN bookings b ON b.id = s.booking_id
        WHERE s.showtime_id = ? AND s.seat IN (\(Array(repeating: "?", count: count).joined(separator: ", ")))
        """
    }

    /// Bookings, optionally of one showtime and of one user.
    package static func selectBookings(showtime: Int?, user: String?) -> (sql: String, values: [SQLValue]) {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let showtime {
            conditions.append("showtime_id = ?")
            values.append(.integer(Int64(showtime)))
        }
        if let user {
            conditions.append("user_id = ?")
            values.append(.text(user))
        }
        conditions.append(notHouse)
        let filter = " WHERE " + conditions.joined(separator: " AND ")
        return ("SELECT id, showtime_id, user_id, seats, booked_at, sitters FROM bookings\(filter) ORDER BY id", values)
    }

    // MARK: House holds

    package static func values(_ hold: HouseTerms, booking id: Int64) -> [SQLValue] {
        let (endsAt, untilSalesOpen): (SQLValue, Int64) = switch hold.end {
        case let .at(date): (.integer(date.milliseconds), 0)
        case let .salesOpen(date): (.integer(date.milliseconds), 1)
        case .released: (.null, 0)
        }
        return [.integer(id), .text(hold.label.text), .text(hold.heldBy), endsAt, .integer(untilSalesOpen)]
    }

    package static let insertHouseHold = "INSERT INTO house_holds (booking_id, label, held_by, ends_at, until_sales_open) VALUES (?, ?, ?, ?, ?)"

    /// The house holds in force and their seats, of one showtime or all; with a time,
    /// only those that end by then.
    package static func selectHouseHolds(showtime: Int?, endingBy: Date?) -> (sql: String, values: [SQLValue]) {
        var conditions = ["h.ended_at IS NULL"]
        var values: [SQLValue] = []
        if let showtime {
            conditions.append("b.showtime_id = ?")
            values.append(.integer(Int64(showtime)))
        }
        if let endingBy {
            conditions.append("h.ends_at IS NOT NULL AND h.ends_at <= ?")
            values.append(.integer(endingBy.milliseconds))
        }
        let sql = """
            SELECT h.booking_id, b.showtime_id, h.label, h.held_by, b.booked_at, h.ends_at, h.until_sales_open, s.seat
            FROM house_holds h JOIN bookings b ON b.id = h.booking_id JOIN sold_seats s ON s.booking_id = h.booking_id
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY h.booking_id
            """
        return (sql, values)
    }

    /// Rows of `selectHouseHolds`, one per seat, as holds.
    package static func houseHolds(_ rows: [[SQLValue]]) throws(RecordsError) -> [HouseHold] {
        var holds: [HouseHold] = []
        for row in rows {
            guard row.count == 8, let id = row[0].integer, let showtime = row[1].integer, let label = row[2].text.flatMap(HouseLabel.init),
                  let heldBy = row[3].text, let heldAt = row[4].integer, let untilSalesOpen = row[6].integer,
                  let seat = row[7].text.flatMap({ SeatCode(canonical: $0) })
            else { throw .unusable("The house_holds table has a row this program cannot read: \(row.prefix(1)).") }
            if let last = holds.last, last.id == id {
                holds[holds.count - 1] = HouseHold(
                    id: id, showtimeID: last.showtimeID, label: last.label, heldBy: last.heldBy, heldAt: last.heldAt, end: last.end,
                    seats: last.seats + [seat])
                continue
            }
            let end: HouseHoldEnd = switch (row[5].integer, untilSalesOpen) {
            case let (at?, 1): .salesOpen(Date(milliseconds: at))
            case let (at?, _): .at(Date(milliseconds: at))
            case (nil, _): .released
            }
            holds.append(HouseHold(
                id: id, showtimeID: Int(showtime), label: label, heldBy: heldBy, heldAt: Date(milliseconds: heldAt), end: end, seats: [seat]))
        }
        return holds
    }

    /// Of `count` seats of a showtime, those kept back by the house, with their hold's booking id.
    package static func selectHouseSeatsAmong(_ count: Int) -> String {
        """
        SELECT s.seat, s.booking_id FROM sold_seats s JOIN house_holds h ON h.booking_id = s.booking_id
        WHERE h.ended_at IS NULL AND s.showtime_id = ? AND s.seat IN (\(Array(repeating: "?", count: count).joined(separator: ", ")))
        """
    }

    package static func seatValues(showtime: Int, _ seats: [SeatCode]) -> [SQLValue] {
        [.integer(Int64(showtime))] + seats.map { .text($0.text) }
    }

    /// Gives seats kept back by the house back to sale.
    package static func deleteHouseSeats(_ count: Int) -> String {
        """
        DELETE FROM sold_seats WHERE showtime_id = ? AND seat IN (\(Array(repeating: "?", count: count).joined(separator: ", ")))
        AND booking_id IN (SELECT booking_id FROM house_holds WHERE ended_at IS NULL)
        """
    }

    /// Moves seats kept back by the house to a guest's booking (its id first).
    package static func moveHouseSeats(_ count: Int) -> String {
        """
        UPDATE sold_seats SET booking_id = ? WHERE showtime_id = ? AND seat IN (\(Array(repeating: "?", count: count).joined(separator: ", ")))
        AND booking_id IN (SELECT booking_id FROM house_holds WHERE ended_at IS NULL)
        """
    }

    package static let markHouseGuest = "UPDATE bookings SET house_hold = ? WHERE id = ?"

    /// House holds with no seat left are over.
    package static let endEmptyHouseHolds = """
        UPDATE house_holds SET ended_at = ? WHERE ended_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM sold_seats s WHERE s.booking_id = house_holds.booking_id)
        """

    /// Bookings of the house are not sales: every list of bookings leaves them out.
    static let notHouse = "id NOT IN (SELECT booking_id FROM house_holds)"

    package static let purgeSold = "DELETE FROM sold_seats WHERE showtime_id = ?"
    package static let purgeHouseHolds = "DELETE FROM house_holds WHERE booking_id IN (SELECT id FROM bookings WHERE showtime_id = ?)"
    package static let purgeBookings = "DELETE FROM bookings WHERE showtime_id = ?"
    package static let purgeHistory = "DELETE FROM hold_history WHERE showtime_id = ?"

    // MARK: The hold history

    /// Rows per insert statement (nine values each: well under either database's limit).
    private static let historyBatch = 200

    /// The statements that insert `entries`, a batch of rows each; an entry kept already
    /// (same showtime and id) is skipped.
    package static func insertHistory(_ entries: [HistoryEntry]) -> [(sql: String, values: [SQLValue])] {
        stride(from: 0, to: entries.count, by: historyBatch).map { start in
            let rows = entries[start..<min(start + historyBatch, entries.count)]
            let sql = "INSERT INTO hold_history (showtime_id, entry_ms, entry_seq, event, seats, user_id, at, held_ms, operation) VALUES "
                + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows.count).joined(separator: ", ")
                + " ON CONFLICT DO NOTHING"
            return (sql, rows.flatMap(values))
        }
    }

    package static func values(_ entry: HistoryEntry) -> [SQLValue] {
        [
            .integer(Int64(entry.showtimeID)), .integer(entry.id.milliseconds), .integer(entry.id.sequence), .text(entry.event.rawValue),
            .text(entry.seats.joined(separator: " ")), entry.user.map(SQLValue.text) ?? .null, .integer(entry.at.milliseconds),
            entry.heldMilliseconds.map(SQLValue.integer) ?? .null, entry.operation.map(SQLValue.text) ?? .null,
        ]
    }

    package static let selectHistory = """
        SELECT entry_ms, entry_seq, event, seats, user_id, at, held_ms, operation FROM hold_history
        WHERE showtime_id = ? AND at >= ? ORDER BY entry_ms, entry_seq
        """

    package static func historyValues(showtime: Int, since: Date?) -> [SQLValue] {
        [.integer(Int64(showtime)), .integer(since?.milliseconds ?? Int64.min)]
    }

    /// Rows of `selectHistory`; an event this program does not know (written by a newer
    /// one) is left out.
    package static func history(_ rows: [[SQLValue]], showtime: Int) throws(RecordsError) -> [HistoryEntry] {
        var entries: [HistoryEntry] = []
        for row in rows {
            guard row.count == 8, let milliseconds = row[0].integer, let sequence = row[1].integer, let event = row[2].text,
                  let seats = row[3].text.flatMap({ SeatCode.codes(in: $0, separatedBy: " ") }), let at = row[5].integer
            else { throw .unusable("The hold_history table has a row this program cannot read: \(row.prefix(2)).") }
            guard let known = HistoryEntry.Event(rawValue: event) else { continue }
            entries.append(HistoryEntry(
                id: .init(milliseconds: milliseconds, sequence: sequence), showtimeID: showtime, event: known,
                seats: seats, user: row[4].text, at: Date(milliseconds: at), heldMilliseconds: row[6].integer,
                operation: row[7].text))
        }
        return entries
    }

    // MARK: Values in, rows out

    package static func values(_ showtime: ShowtimeRecord) -> [SQLValue] {
        [
            .integer(Int64(showtime.id)), .text(showtime.title), .text(showtime.auditorium),
            .integer(showtime.startsAt.milliseconds), .text(json(showtime.rows)), .text(json(showtime.boxOffice)),
            .text(showtime.timeZone), .integer(Int64(showtime.salesCutoffMinutes)),
            showtime.salesOpenAt.map { .integer($0.milliseconds) } ?? .null,
        ]
    }

    package static func showtime(_ row: [SQLValue]) throws(RecordsError) -> ShowtimeRecord {
        guard row.count == 9, let id = row[0].integer, let title = row[1].text, let auditorium = row[2].text,
              let startsAt = row[3].integer, let layout = row[4].text, let boxOffice = row[5].text,
              let rows = try? JSONDecoder().decode([ShowtimeRecord.Row].self, from: Data(layout.utf8)),
              let sold = try? JSONDecoder().decode([String].self, from: Data(boxOffice.utf8)),
              let zone = row[6].text, let cutoff = row[7].integer
        else { throw .unusable("The showtimes table has a row this program cannot read: \(row.prefix(1)).") }
        return ShowtimeRecord(
            id: Int(id), title: title, auditorium: auditorium, startsAt: Date(milliseconds: startsAt), rows: rows, boxOffice: sold,
            timeZone: zone, salesCutoffMinutes: Int(cutoff), salesOpenAt: row[8].integer.map { Date(milliseconds: $0) })
    }

    package static func values(_ sale: Sale) -> [SQLValue] {
        [
            .integer(Int64(sale.showtimeID)), .text(sale.user), .text(sale.seats.joined(separator: ",")), .integer(sale.at.milliseconds),
            sale.sitters.isEmpty ? .null : .text(json(Dictionary(uniqueKeysWithValues: sale.sitters.map { ($0.key.text, $0.value) }))),
        ]
    }

    package static func soldAmongValues(_ sale: Sale) -> [SQLValue] {
        [.integer(Int64(sale.showtimeID))] + sale.seats.map { .text($0.text) }
    }

    package static func booking(id: Int64, _ sale: Sale) -> Booking {
        Booking(id: id, showtimeID: sale.showtimeID, user: sale.user, seats: sale.seats, bookedAt: sale.at, sitters: sale.sitters)
    }

    /// A row of `id, showtime_id, user_id, seats, booked_at, sitters`.
    package static func booking(_ row: some Collection<SQLValue>) throws(RecordsError) -> Booking {
        let row = Array(row)
        guard row.count == 6, let id = row[0].integer, let showtime = row[1].integer, let user = row[2].text,
              let seats = row[3].text.flatMap({ SeatCode.codes(in: $0, separatedBy: ",") }), let bookedAt = row[4].integer,
              let sitters = sitters(row[5])
        else { throw .unusable("The bookings table has a row this program cannot read: \(row.prefix(1)).") }
        return Booking(id: id, showtimeID: Int(showtime), user: user, seats: seats, bookedAt: Date(milliseconds: bookedAt), sitters: sitters)
    }

    /// The `sitters` column: none, or a JSON object seat → member; nil when unreadable.
    private static func sitters(_ value: SQLValue) -> [SeatCode: String]? {
        guard let text = value.text else { return value == .null ? [:] : nil }
        guard let object = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) else { return nil }
        var sitters: [SeatCode: String] = [:]
        for (seat, member) in object {
            guard let code = SeatCode(canonical: seat) else { return nil }
            sitters[code] = member
        }
        return sitters
    }

    /// Rows of `seat, <booking>` as seat → booking.
    package static func soldSeats(_ rows: [[SQLValue]]) throws(RecordsError) -> [SeatCode: Booking] {
        var sold: [SeatCode: Booking] = [:]
        for row in rows {
            guard let seat = row.first?.text.flatMap({ SeatCode(canonical: $0) }) else { throw .unusable("The sold_seats table has a row this program cannot read.") }
            sold[seat] = try booking(row.dropFirst())
        }
        return sold
    }

    package static func soldIDs(_ rows: [[SQLValue]]) throws(RecordsError) -> [SeatCode: Int64] {
        var sold: [SeatCode: Int64] = [:]
        for row in rows {
            guard row.count == 2, let seat = row[0].text.flatMap({ SeatCode(canonical: $0) }), let booking = row[1].integer else {
                throw .unusable("The sold_seats table has a row this program cannot read.")
            }
            sold[seat] = booking
        }
        return sold
    }


    private static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(value)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
