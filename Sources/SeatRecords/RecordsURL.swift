import Foundation

/// Where the database of record lives: `sqlite:///path/file.sqlite` or
/// `postgres://user[:password]@host[:port]/database` (also `postgresql://`).
public enum RecordsURL: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresAddress)

    public struct PostgresAddress: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var user: String
        public var password: String?
        public var database: String

        public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String) {
            self.host = host
            self.port = port
            self.user = user
            self.password = password
            self.database = database
        }
    }

    public init(parsing text: String) throws(RecordsURLError) {
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard path.hasPrefix("/"), path.count > 1, !path.hasSuffix("/") else {
                throw RecordsURLError("An SQLite database is named by an absolute file path, like sqlite:///var/lib/cinebook/cinebook.sqlite.")
            }
            self = .sqlite(path: path)
            return
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme,
              scheme == "postgres" || scheme == "postgresql"
        else {
            throw RecordsURLError("A database URL starts with sqlite:/// or postgres://, like postgres://cinebook@127.0.0.1:5432/cinebook.")
        }
        guard let host = components.host, !host.isEmpty else { throw RecordsURLError("The PostgreSQL URL names no host.") }
        guard let user = components.user, !user.isEmpty else { throw RecordsURLError("The PostgreSQL URL names no user, as in postgres://USER@host/db.") }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw RecordsURLError("The PostgreSQL port must be from 1 to 65535.") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw RecordsURLError("The PostgreSQL URL names no database, as in postgres://user@host:5432/DATABASE.")
        }
        self = .postgres(PostgresAddress(host: host, port: port, user: user, password: components.password, database: database))
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        switch self {
        case let .sqlite(path): "sqlite://\(path)"
        case let .postgres(address): "postgres://\(address.user)@\(address.host):\(address.port)/\(address.database)"
        }
    }
}

public struct RecordsURLError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
