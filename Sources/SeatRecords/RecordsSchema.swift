/// Versioned schema: `schema_version` holds the version a database is at, and opening a
/// database runs the migrations it lacks, in one transaction with the version update.
/// A database newer than this program is refused rather than guessed at.
package enum RecordsSchema {
    package struct Upgrade {
        package var statements: [(sql: String, values: [SQLValue])]
        /// The database had no schema: it is new, and wants its seed showtimes.
        package var created: Bool
    }

    package static let version = RecordsSQL.migrations(.sqlite).count

    /// The statements that take a database at version `found` (nil: no version row yet)
    /// to the current version.
    package static func upgrade(from found: Int64?, _ dialect: RecordsSQL.Dialect) throws(RecordsError) -> Upgrade {
        let current = Int(found ?? 0)
        guard current <= version else {
            throw .unusable("The database has schema version \(current), newer than this cinebook knows (\(version)); upgrade cinebook.")
        }
        var statements = RecordsSQL.migrations(dialect)[current...].flatMap { $0.map { (sql: $0, values: [SQLValue]()) } }
        if found == nil {
            statements.append((RecordsSQL.insertVersion, [.integer(Int64(version))]))
        } else if current < version {
            statements.append((RecordsSQL.updateVersion, [.integer(Int64(version))]))
        }
        return Upgrade(statements: statements, created: found == nil)
    }
}
