import CinebookModel
import CinebookSupport
import Foundation
import SeatRecords

/// The catalog's one home is the database of record; showtime files are seed data.
extension Catalog {
    /// The database's showtimes as a catalog; a showtime whose layout does not read is an error.
    public init(records: [ShowtimeRecord]) throws(CatalogError) {
        var showtimes: [Showtime] = []
        for record in records {
            do { showtimes.append(try Showtime(record)) } catch {
                throw CatalogError(file: "showtime \(record.id) in the database", problem: error.description)
            }
        }
        self.init(showtimes: showtimes)
    }
}

extension Showtime {
    init(_ record: ShowtimeRecord) throws(LayoutError) {
        let layout = try SeatLayout(rowPatterns: record.rows.map { (label: $0.row, pattern: $0.seats) })
        let zone = try TimeZone.named(record.timeZone)
        var occupied = Set<SeatCode>()
        for text in record.boxOffice {
            guard let code = SeatCode(text) else { throw LayoutError("box-office seat '\(text.quotable)' is not a seat code") }
            occupied.insert(code)
        }
        self.init(
            id: record.id, title: record.title, auditorium: record.auditorium, startsAt: record.startsAt, layout: layout,
            occupied: occupied, timeZone: zone, salesCutoff: .seconds(60 * record.salesCutoffMinutes), salesOpenAt: record.salesOpenAt)
    }
}

extension ShowtimeRecord {
    /// A showtime as the database keeps it: each row as its pattern of `s`, `p`, `w` and `_`.
    public init(_ showtime: Showtime) {
        let rows = showtime.layout.rows.map { row in
            ShowtimeRecord.Row(row: row.label, seats: String(row.cells.map { $0?.category.patternLetter ?? "_" }))
        }
        self.init(
            id: showtime.id, title: showtime.title, auditorium: showtime.auditorium, startsAt: showtime.startsAt, rows: rows,
            boxOffice: showtime.layout.seats.map(\.code).filter(showtime.occupied.contains).map(\.text), timeZone: showtime.timeZone.identifier,
            salesCutoffMinutes: Int(showtime.salesCutoff.components.seconds / 60), salesOpenAt: showtime.salesOpenAt)
    }
}

extension SeatCategory {
    /// The letter of a row pattern: `s`, `p` or `w`.
    var patternLetter: Character {
        switch self {
        case .standard: "s"
        case .premium: "p"
        case .wheelchair: "w"
        }
    }
}

extension Catalog {
    /// Adds these showtimes to the database, or updates those it has. A new layout that
    /// would lose a seat the database has sold is refused, and nothing is saved.
    public func save(into records: any SalesRecord) async throws(SeatLockingError) {
        do {
            for showtime in showtimes {
                let lost = try await records.sold(showtime: showtime.id).keys.filter { showtime.layout.seat($0) == nil }.sorted()
                guard lost.isEmpty else {
                    throw SeatLockingError.invalidRequest(
                        "Showtime \(showtime.id)'s new layout has no seat \(lost.sentence), which \(lost.count == 1 ? "is" : "are") sold; nothing was imported.")
                }
            }
            try await records.save(showtimes.map(ShowtimeRecord.init))
        } catch let error as SeatLockingError {
            throw error
        } catch let error as RecordsError {
            throw SeatLockingService.failure(error)
        } catch {
            throw .internalError("\(error)")
        }
    }
}
