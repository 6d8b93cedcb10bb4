import CinebookModel
import SeatRecords

extension Records {
    /// Opens the database of record that a URL names: an SQLite file or a PostgreSQL server.
    public static func open(
        _ url: RecordsURL,
        timeout: Duration = .seconds(2),
        seed: () throws -> [ShowtimeRecord]
    ) async throws -> any SalesRecord {
        switch url {
        case let .sqlite(path): try sqlite(path: path, timeout: timeout, seed: seed)
        case let .postgres(address): try await PostgresRecords(address, timeout: timeout, seed: seed)
        }
    }
}
