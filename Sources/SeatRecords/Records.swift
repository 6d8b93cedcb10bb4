/// Opens a database of record, creating or migrating its schema. A database created now
/// is filled with `seed()`'s showtimes in the same step; errors of `seed` are passed on
/// as they are. PostgreSQL is opened by `Records.open(_:)` of `SeatRecordsPostgres`, so
/// that programs on SQLite alone build no networking stack.
public enum Records {
    /// An SQLite file, opened at once (SQLite needs no server to wait for). `durable`
    /// syncs every commit to disk before it returns (`synchronous = FULL`); only a
    /// throwaway database, such as a test's, does without.
    public static func sqlite(
        path: String,
        timeout: Duration = .seconds(2),
        durable: Bool = true,
        seed: () throws -> [ShowtimeRecord]
    ) throws -> any SalesRecord {
        try SQLiteRecords(path: path, timeout: timeout, durable: durable, seed: seed)
    }
}
