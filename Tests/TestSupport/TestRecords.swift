import CinebookModel
import Foundation
import SeatRecords
import SeatRecordsPostgres
import Synchronization

/// The two kinds of database of record; tests of the database run on both.
public enum RecordsKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// A database of this kind, shared by the tests of this run.
    public func shared() async throws -> any SalesRecord {
        switch self {
        case .sqlite: try TestRecords.shared()
        case .postgres: try await TestRecords.postgres()
        }
    }
}

/// Databases of record for tests: an SQLite file in a temporary directory, shared by the
/// tests of this run (each test uses showtime ids of its own), or the run's PostgreSQL.
public enum TestRecords {
    /// The client of the run's PostgreSQL server, shared by the tests.
    public static func postgres() async throws -> any SalesRecord {
        let opening = sharedPostgres.withLock { task in
            if let task { return task }
            let opening = Task {
                // initdb and pg_ctl block: off Swift's task threads, which other tests need.
                let server = try await offThePool { try PostgresTestServer.shared() }
                // The whole suite starts at once on two cores: opening and migrating may take
                // a while, and no test of this client times the database (the fault tests
                // have servers of their own).
                return try await Records.open(server.url, timeout: .seconds(30), seed: { [] })
            }
            task = opening
            return opening
        }
        do {
            return try await opening.value
        } catch {
            // A failed opening is not kept: the next test tries again.
            sharedPostgres.withLock { task in if task == opening { task = nil } }
            throw error
        }
    }

    private static let sharedPostgres = Mutex<Task<any SalesRecord, any Error>?>(nil)

    public static func shared() throws -> any SalesRecord {
        try sharedSQLite.get()
    }

    /// The shared SQLite file, for `cinebook` processes that must see the same sales.
    public static let sharedURL = "sqlite://" + temporaryPath("shared")

    private static let sharedSQLite: Result<any SalesRecord, any Error> = Result {
        // Many tests book here at once: their commits need not wait for the disk.
        try Records.sqlite(path: String(sharedURL.dropFirst("sqlite://".count)), durable: false, seed: { [] })
    }

    /// A new, empty SQLite database.
    public static func sqlite() throws -> any SalesRecord {
        try Records.sqlite(path: temporaryPath("own"), durable: false, seed: { [] })
    }

    /// A path for a new SQLite file in a directory of its own.
    public static func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cinebook-db-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("\(name).sqlite").path
    }
}
