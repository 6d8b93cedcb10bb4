/// Opens the database of record that a URL names, creating or migrating its schema. A
/// database created now is filled with `seed()`'s showtimes in the same step; errors of
/// `seed` are passed on as they are.
public enum Records {
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

    /// An SQLite file, opened at once (SQLite needs no server to wait for).
    public static func sqlite(
        path: String,
        timeout: Duration = .seconds(2),
        seed: () throws -> [ShowtimeRecord]
    ) throws -> any SalesRecord {
        try SQLiteRecords(path: path, timeout: timeout, seed: seed)
    }
}
