import CinebookModel
import CinebookSupport
import Foundation
import GRDB

/// The database of record in one SQLite file, shared by every process of the user: WAL
/// mode (readers never wait for the writer), and each commit is synced to disk before
/// it returns (`synchronous = FULL`). Writers wait up to `timeout` for each other.
final class SQLiteRecords: SalesRecord {
    private let pool: DatabasePool
    private let path: String

    init(path: String, timeout: Duration, durable: Bool, seed: () throws -> [ShowtimeRecord]) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw RecordsError.unavailable("Cannot open the database \(path): its directory \(directory.path) cannot be created.")
        }
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(TimeInterval(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
            let synchronous = durable ? "FULL" : "OFF"
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
            pool = try Self.openPool(path, configuration, within: timeout)
        } catch {
            throw RecordsError.unavailable("Cannot open the database \(path): \(Self.describe(error)).")
        }
        // Most opens find the schema current, and need no write lock to learn it.
        let found = try? pool.read { db in try Self.rows(db, RecordsSQL.readVersion, []).first?.first?.integer }
        if found == Int64(RecordsSchema.version) { return }
        // A new database gets its schema and its seed in one transaction: a broken seed
        // leaves no half-made database behind.
        var seedError: (any Error)?
        try Self.writing(path) {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try Self.rows(db, RecordsSQL.createVersionTable, [])
                    let found = try Self.rows(db, RecordsSQL.readVersion, []).first?.first?.integer
                    let upgrade = try RecordsSchema.upgrade(from: found, .sqlite)
                    for statement in upgrade.statements { try Self.rows(db, statement.sql, statement.values) }
                    if upgrade.created {
                        do { try Self.upsert(try seed(), db) } catch {
                            seedError = error
                            return .rollback
                        }
                    }
                    return .commit
                }
            }
        }
        if let seedError { throw seedError }
    }

    /// Opens the pool, which switches a new file to WAL. Two processes opening a new file at
    /// once (the panes of a demo) race for that switch, and SQLite answers the loser BUSY at
    /// once, without its busy timeout: the loser tries again until `timeout` has passed.
    private static func openPool(_ path: String, _ configuration: Configuration, within timeout: Duration) throws -> DatabasePool {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) && ContinuousClock.now < deadline {
                usleep(20_000)
            }
        }
    }

    func showtimes() async throws(RecordsError) -> [ShowtimeRecord] {
        let rows = try await read { db in try Self.rows(db, RecordsSQL.selectShowtimes, []) }
        return try rows.map { row throws(RecordsError) in try RecordsSQL.showtime(row) }
    }

    func save(_ showtimes: [ShowtimeRecord]) async throws(RecordsError) {
        try await write { db in try Self.upsert(showtimes, db) }
    }

    func commit(_ sale: Sale) async throws(RecordsError) -> SaleOutcome {
        try await write { db in
            // Writers queue up (BEGIN IMMEDIATE): no sale can slip in between the check and the insert.
            let sold = try Self.rows(db, RecordsSQL.selectSoldAmong(sale.seats.count), RecordsSQL.soldAmongValues(sale))
            if !sold.isEmpty { return .refused(sold: try RecordsSQL.soldSeats(sold)) }
            guard let id = try Self.rows(db, RecordsSQL.insertBooking, RecordsSQL.values(sale)).first?.first?.integer else {
                throw RecordsError.unusable("The database gave the new booking no id.")
            }
            try Self.rows(db, RecordsSQL.insertSoldSeats(sale.seats.count), RecordsSQL.soldSeatValues(sale, booking: id))
            if let house = sale.house { try Self.rows(db, RecordsSQL.insertHouseHold, RecordsSQL.values(house, booking: id)) }
            return .booked(RecordsSQL.booking(id: id, sale))
        }
    }

    func houseHolds(showtime: Int?, endingBy: Date?) async throws(RecordsError) -> [HouseHold] {
        let query = RecordsSQL.selectHouseHolds(showtime: showtime, endingBy: endingBy)
        return try RecordsSQL.houseHolds(try await read { db in try Self.rows(db, query.sql, query.values) })
    }

    func releaseHouseSeats(showtime: Int, _ seats: [SeatCode], at: Date) async throws(RecordsError) -> [SeatCode] {
        guard !seats.isEmpty else { return [] }
        return try await write { db in
            let held = try Self.rows(db, RecordsSQL.selectHouseSeatsAmong(seats.count), RecordsSQL.seatValues(showtime: showtime, seats))
            try Self.rows(db, RecordsSQL.deleteHouseSeats(seats.count), RecordsSQL.seatValues(showtime: showtime, seats))
            try Self.rows(db, RecordsSQL.endEmptyHouseHolds, [.integer(at.milliseconds)])
            return held.compactMap { $0.first?.text.flatMap { SeatCode(canonical: $0) } }
        }
    }

    func bookHouseGuest(_ sale: Sale) async throws(RecordsError) -> HouseGuestOutcome {
        try await write { db in
            let held = try Self.rows(db, RecordsSQL.selectHouseSeatsAmong(sale.seats.count), RecordsSQL.soldAmongValues(sale))
            let kept = Set(held.compactMap { $0.first?.text.flatMap { SeatCode(canonical: $0) } })
            guard kept.count == sale.seats.count, let hold = held.first?[1].integer else {
                return .notHeld(sale.seats.filter { !kept.contains($0) })
            }
            guard let id = try Self.rows(db, RecordsSQL.insertBooking, RecordsSQL.values(sale)).first?.first?.integer else {
                throw RecordsError.unusable("The database gave the new booking no id.")
            }
            try Self.rows(db, RecordsSQL.markHouseGuest, [.integer(hold), .integer(id)])
            try Self.rows(db, RecordsSQL.moveHouseSeats(sale.seats.count), [.integer(id)] + RecordsSQL.soldAmongValues(sale))
            try Self.rows(db, RecordsSQL.endEmptyHouseHolds, [.integer(sale.at.milliseconds)])
            return .booked(RecordsSQL.booking(id: id, sale))
        }
    }

    func sold(showtime: Int) async throws(RecordsError) -> [SeatCode: Int64] {
        try RecordsSQL.soldIDs(try await read { db in try Self.rows(db, RecordsSQL.selectSold, [.integer(Int64(showtime))]) })
    }

    func bookings(showtime: Int?, user: String?) async throws(RecordsError) -> [Booking] {
        let query = RecordsSQL.selectBookings(showtime: showtime, user: user)
        let rows = try await read { db in try Self.rows(db, query.sql, query.values) }
        return try rows.map { row throws(RecordsError) in try RecordsSQL.booking(row) }
    }

    func archive(_ entries: [HistoryEntry]) async throws(RecordsError) {
        guard !entries.isEmpty else { return }
        try await write { db in
            for insert in RecordsSQL.insertHistory(entries) { try Self.rows(db, insert.sql, insert.values) }
        }
    }

    func history(showtime: Int, since: Date?) async throws(RecordsError) -> [HistoryEntry] {
        let rows = try await read { db in
            try Self.rows(db, RecordsSQL.selectHistory, RecordsSQL.historyValues(showtime: showtime, since: since))
        }
        return try RecordsSQL.history(rows, showtime: showtime)
    }

    func purge(showtimes: [Int]) async throws(RecordsError) {
        try await write { db in
            for id in showtimes {
                try Self.rows(db, RecordsSQL.purgeSold, [.integer(Int64(id))])
                try Self.rows(db, RecordsSQL.purgeHouseHolds, [.integer(Int64(id))])
                try Self.rows(db, RecordsSQL.purgeBookings, [.integer(Int64(id))])
                try Self.rows(db, RecordsSQL.purgeHistory, [.integer(Int64(id))])
            }
        }
    }

    func close() async {
        try? pool.close()
    }

    // MARK: GRDB

    private func read<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws(RecordsError) -> T {
        do { return try await pool.read(work) } catch { throw Self.failure(error, path) }
    }

    private func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws(RecordsError) -> T {
        do {
            return try await pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try work(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw Self.failure(error, path)
        }
    }

    private static func writing<T>(_ path: String, _ work: () throws -> T) throws(RecordsError) -> T {
        do { return try work() } catch { throw failure(error, path) }
    }

    @discardableResult
    private static func rows(_ db: Database, _ sql: String, _ values: [SQLValue]) throws -> [[SQLValue]] {
        let arguments = StatementArguments(values.map { value -> DatabaseValue in
            switch value {
            case let .integer(number): number.databaseValue
            case let .text(text): text.databaseValue
            case .null: .null
            }
        })
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            row.databaseValues.map { value in
                switch value.storage {
                case let .int64(number): .integer(number)
                case let .double(number): .integer(Int64(number))
                case let .string(text): .text(text)
                case .null, .blob: .null
                }
            }
        }
    }

    private static func upsert(_ showtimes: [ShowtimeRecord], _ db: Database) throws {
        for showtime in showtimes { try rows(db, RecordsSQL.upsertShowtime, RecordsSQL.values(showtime)) }
    }

    private static func failure(_ error: any Error, _ path: String) -> RecordsError {
        if let error = error as? RecordsError { return error }
        return .unavailable("The database \(path) cannot be used: \(describe(error)).")
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else { return "\(error)" }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return "another process kept it busy for too long"
        case .SQLITE_CANTOPEN: return "the file cannot be opened"
        case .SQLITE_READONLY, .SQLITE_PERM: return "it is read-only"
        case .SQLITE_FULL: return "the disk is full"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return "the file is not a valid SQLite database"
        default: return error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
    }
}
