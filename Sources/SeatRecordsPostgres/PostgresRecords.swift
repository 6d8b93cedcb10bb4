import CinebookModel
import CinebookSupport
import Foundation
import Logging
import PostgresNIO
import SeatRecords
import Synchronization

/// The database of record on a PostgreSQL server, through a pool of connections. Every
/// call answers within `timeout`: a server that is down or hangs is reported, not
/// waited for, and the pool reconnects by itself when it returns.
final class PostgresRecords: SalesRecord {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let timeout: Duration
    private let name: String

    init(_ address: RecordsURL.PostgresAddress, timeout: Duration, seed: () throws -> [ShowtimeRecord]) async throws {
        var configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: .disable)
        configuration.options.connectTimeout = timeout
        configuration.options.maximumConnections = 8
        // The server ends a statement that waits longer (a lock held by a stuck transaction).
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        configuration.options.additionalStartupParameters = [("statement_timeout", String(milliseconds))]
        let client = PostgresClient(configuration: configuration)
        self.client = client
        runner = Task { await client.run() }
        self.timeout = timeout
        name = RecordsURL.postgres(address).description
        // The seed is read first (it is small), so that a new database gets its schema and
        // its showtimes in one transaction.
        let showtimes = Result { try seed() }
        // Most opens find the schema current, and need no lock to learn it; a server that
        // does not answer is reported now.
        let found = try await attempt(write: false) { connection -> Int64? in
            guard try await Self.rows(connection, "SELECT to_regclass('schema_version')::text", []).first?.first?.text != nil else { return nil }
            return try await Self.rows(connection, RecordsSQL.readVersion, []).first?.first?.integer
        }
        if found == Int64(RecordsSchema.version) { return }
        // Migrating takes a few statements more than any later call: it gets a few timeouts' worth.
        try await attempt(write: false, within: timeout * 4) { connection in
            try await Self.rows(connection, RecordsSQL.createVersionTable, [])
            // One process migrates at a time; the others then find the schema current.
            try await Self.rows(connection, RecordsSQL.lockSchema, [])
            let found = try await Self.rows(connection, RecordsSQL.readVersion, []).first?.first?.integer
            let upgrade = try RecordsSchema.upgrade(from: found, .postgres)
            for statement in upgrade.statements { try await Self.rows(connection, statement.sql, statement.values) }
            if upgrade.created {
                for showtime in try showtimes.get() {
                    try await Self.rows(connection, RecordsSQL.upsertShowtime, RecordsSQL.values(showtime))
                }
            }
        }
    }

    func showtimes() async throws(RecordsError) -> [ShowtimeRecord] {
        let rows = try await transaction(write: false) { try await Self.rows($0, RecordsSQL.selectShowtimes, []) }
        return try rows.map { row throws(RecordsError) in try RecordsSQL.showtime(row) }
    }

    func save(_ showtimes: [ShowtimeRecord]) async throws(RecordsError) {
        try await transaction(write: false) { connection in
            for showtime in showtimes { try await Self.rows(connection, RecordsSQL.upsertShowtime, RecordsSQL.values(showtime)) }
        }
    }

    func commit(_ sale: Sale) async throws(RecordsError) -> SaleOutcome {
        do {
            return try await attempt(write: true) { connection in
                guard let id = try await Self.rows(connection, RecordsSQL.insertBooking, RecordsSQL.values(sale)).first?.first?.integer else {
                    throw RecordsError.unusable("The database gave the new booking no id.")
                }
                // A seat sold already breaks the unique key on (showtime, seat): the whole
                // transaction is rolled back, and nothing is sold.
                try await Self.rows(connection, RecordsSQL.insertSoldSeats(sale.seats.count), RecordsSQL.soldSeatValues(sale, booking: id))
                if let house = sale.house { try await Self.rows(connection, RecordsSQL.insertHouseHold, RecordsSQL.values(house, booking: id)) }
                return SaleOutcome.booked(RecordsSQL.booking(id: id, sale))
            }
        } catch is SoldAlready {
            let sold = try await transaction(write: false) { connection in
                try await Self.rows(connection, RecordsSQL.selectSoldAmong(sale.seats.count), RecordsSQL.soldAmongValues(sale))
            }
            return .refused(sold: try RecordsSQL.soldSeats(sold))
        } catch let error as RecordsError {
            throw error
        } catch {
            throw .unusable("PostgreSQL at \(name): \(error)")
        }
    }

    func houseHolds(showtime: Int?, endingBy: Date?) async throws(RecordsError) -> [HouseHold] {
        let query = RecordsSQL.selectHouseHolds(showtime: showtime, endingBy: endingBy)
        return try RecordsSQL.houseHolds(try await transaction(write: false) { try await Self.rows($0, query.sql, query.values) })
    }

    func releaseHouseSeats(showtime: Int, _ seats: [SeatCode], at: Date) async throws(RecordsError) -> [SeatCode] {
        guard !seats.isEmpty else { return [] }
        return try await transaction(write: true) { connection in
            // The rows are locked (FOR UPDATE) until the delete: a concurrent guest booking waits.
            let held = try await Self.rows(
                connection, RecordsSQL.selectHouseSeatsAmong(seats.count) + " FOR UPDATE OF s", RecordsSQL.seatValues(showtime: showtime, seats))
            try await Self.rows(connection, RecordsSQL.deleteHouseSeats(seats.count), RecordsSQL.seatValues(showtime: showtime, seats))
            try await Self.rows(connection, RecordsSQL.endEmptyHouseHolds, [.integer(at.milliseconds)])
            return held.compactMap { $0.first?.text.flatMap { SeatCode(canonical: $0) } }
        }
    }

    func bookHouseGuest(_ sale: Sale) async throws(RecordsError) -> HouseGuestOutcome {
        try await transaction(write: true) { connection in
            let held = try await Self.rows(connection, RecordsSQL.selectHouseSeatsAmong(sale.seats.count) + " FOR UPDATE OF s", RecordsSQL.soldAmongValues(sale))
            let kept = Set(held.compactMap { $0.first?.text.flatMap { SeatCode(canonical: $0) } })
            guard kept.count == sale.seats.count, let hold = held.first?[1].integer else {
                return HouseGuestOutcome.notHeld(sale.seats.filter { !kept.contains($0) })
            }
            guard let id = try await Self.rows(connection, RecordsSQL.insertBooking, RecordsSQL.values(sale)).first?.first?.integer else {
                throw RecordsError.unusable("The database gave the new booking no id.")
            }
            try await Self.rows(connection, RecordsSQL.markHouseGuest, [.integer(hold), .integer(id)])
            try await Self.rows(connection, RecordsSQL.moveHouseSeats(sale.seats.count), [.integer(id)] + RecordsSQL.soldAmongValues(sale))
            try await Self.rows(connection, RecordsSQL.endEmptyHouseHolds, [.integer(sale.at.milliseconds)])
            return HouseGuestOutcome.booked(RecordsSQL.booking(id: id, sale))
        }
    }

    func sold(showtime: Int) async throws(RecordsError) -> [SeatCode: Int64] {
        try RecordsSQL.soldIDs(try await transaction(write: false) { try await Self.rows($0, RecordsSQL.selectSold, [.integer(Int64(showtime))]) })
    }

    func bookings(showtime: Int?, user: String?) async throws(RecordsError) -> [Booking] {
        let query = RecordsSQL.selectBookings(showtime: showtime, user: user)
        let rows = try await transaction(write: false) { try await Self.rows($0, query.sql, query.values) }
        return try rows.map { row throws(RecordsError) in try RecordsSQL.booking(row) }
    }

    func archive(_ entries: [HistoryEntry]) async throws(RecordsError) {
        guard !entries.isEmpty else { return }
        try await transaction(write: false) { connection in
            for insert in RecordsSQL.insertHistory(entries) { try await Self.rows(connection, insert.sql, insert.values) }
        }
    }

    func history(showtime: Int, since: Date?) async throws(RecordsError) -> [HistoryEntry] {
        let rows = try await transaction(write: false) {
            try await Self.rows($0, RecordsSQL.selectHistory, RecordsSQL.historyValues(showtime: showtime, since: since))
        }
        return try RecordsSQL.history(rows, showtime: showtime)
    }

    func purge(showtimes: [Int]) async throws(RecordsError) {
        try await transaction(write: false) { connection in
            for id in showtimes {
                try await Self.rows(connection, RecordsSQL.purgeSold, [.integer(Int64(id))])
                try await Self.rows(connection, RecordsSQL.purgeHouseHolds, [.integer(Int64(id))])
                try await Self.rows(connection, RecordsSQL.purgeBookings, [.integer(Int64(id))])
                try await Self.rows(connection, RecordsSQL.purgeHistory, [.integer(Int64(id))])
            }
        }
    }

    func close() async {
        runner.cancel()
        _ = await runner.value
    }

    // MARK: PostgresNIO

    /// Runs `work` in a transaction, within the timeout. A `write` whose COMMIT went out
    /// but was never answered may have been committed: it is reported as an unknown
    /// outcome, not as a failure.
    private func transaction<T: Sendable>(
        write: Bool, _ work: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws(RecordsError) -> T {
        do { return try await attempt(write: write, work) } catch let error as RecordsError { throw error } catch {
            throw .unusable("PostgreSQL at \(name): \(error)")
        }
    }

    /// A sale broke the unique key on (showtime, seat): a seat was sold already.
    private struct SoldAlready: Error {}

    /// `transaction`, passing on errors of `work` that are not the database's as they are.
    private func attempt<T: Sendable>(
        write: Bool, within limit: Duration? = nil, _ work: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let committing = Atomic<Bool>(false)
        do {
            return try await withDeadline(limit ?? timeout) { [client] in
                try await client.withConnection { connection in
                    try await Self.rows(connection, "BEGIN", [])
                    let result: T
                    do { result = try await work(connection) } catch {
                        _ = try? await Self.rows(connection, "ROLLBACK", [])
                        throw error
                    }
                    // From here on, a lost answer leaves the outcome unknown.
                    committing.store(true, ordering: .relaxed)
                    try await Self.rows(connection, "COMMIT", [])
                    return result
                }
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw SoldAlready()
        } catch let error where error is PSQLError || error is DeadlinePassed || error is CancellationError {
            let reason = describe(error)
            // The server answered the COMMIT with an error: it is known not to have happened.
            let answered = (error as? PSQLError)?.code == .server
            if write, committing.load(ordering: .relaxed), !answered {
                throw RecordsError.outcomeUnknown("PostgreSQL at \(name) did not confirm the booking: \(reason).")
            }
            throw RecordsError.unavailable("PostgreSQL at \(name) is unavailable: \(reason).")
        }
    }

    @discardableResult
    private static func rows(_ connection: PostgresConnection, _ sql: String, _ values: [SQLValue]) async throws -> [[SQLValue]] {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case let .integer(number): bindings.append(number)
            case let .text(text): bindings.append(text)
            case .null: bindings.appendNull()
            }
        }
        var result: [[SQLValue]] = []
        for try await row in try await connection.query(PostgresQuery(unsafeSQL: numbered(sql), binds: bindings), logger: Logger(label: "cinebook.records")) {
            result.append(try row.map { cell in
                guard cell.bytes != nil else { return .null }
                switch cell.dataType {
                case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
                default: return .text(try cell.decode(String.self))
                }
            })
        }
        return result
    }

    /// `?` placeholders as PostgreSQL's `$1`, `$2`, ...
    private static func numbered(_ sql: String) -> String {
        var result = ""
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                result += "$\(index)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    private func describe(_ error: any Error) -> String {
        if error is DeadlinePassed { return "no answer within \(timeout.components.seconds) s (is it running, and is the URL right?)" }
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] { return message }
        switch error.code {
        case .connectionError: return "cannot connect"
        case .serverClosedConnection, .uncleanShutdown: return "the connection was closed"
        case .poolClosed, .clientClosedConnection: return "the client is closed"
        default: return "\(error.code)"
        }
    }
}
