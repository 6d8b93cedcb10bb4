import CinebookSupport
import Foundation

/// Where a Redis server is and how to log in to it.
///
/// Accepted forms: `redis://[[user]:password@]host[:port][,host[:port]…][/db]` and
/// `unix:///path/to/redis.sock[?db=N]` (also `redis+unix://` / `unix:` with a password
/// as `unix://:password@/path`). Several hosts are seed nodes of one Redis Cluster:
/// any of them that answers tells the client where the others are.
public struct RedisURL: Sendable, Hashable, CustomStringConvertible {
    public enum Endpoint: Sendable, Hashable, CustomStringConvertible {
        case tcp(host: String, port: Int)
        case unix(path: String)

        public var description: String {
            switch self {
            case let .tcp(host, port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case let .unix(path): path
            }
        }
    }

    /// Every seed node, in the order given; never empty.
    public private(set) var endpoints: [Endpoint]
    public var username: String?
    public var password: String?
    public var database: Int

    public init(endpoint: Endpoint, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.init(endpoints: [endpoint], username: username, password: password, database: database)
    }

    public init(endpoints: [Endpoint], username: String? = nil, password: String? = nil, database: Int = 0) {
        precondition(!endpoints.isEmpty, "a Redis URL needs a node")
        self.endpoints = endpoints
        self.username = username
        self.password = password
        self.database = database
    }

    /// The first seed node: the server itself, unless this is a cluster.
    public var endpoint: Endpoint { endpoints[0] }

    /// The same login at another node (of a cluster).
    public func at(_ endpoint: Endpoint) -> RedisURL {
        RedisURL(endpoint: endpoint, username: username, password: password, database: database)
    }

    public static let defaultPort = 6379

    /// Parses a Redis URL; throws `RedisURLError` naming what is wrong.
    public init(parsing text: String) throws(RedisURLError) {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard let schemeEnd = text.range(of: "://") else {
            throw RedisURLError(url: text, problem: "expected redis://host:port[/db] or unix:///path/to/redis.sock")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        var rest = Substring(text[schemeEnd.upperBound...])
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let user = String(userInfo[..<colon])
                username = user.isEmpty ? nil : user.removingPercentEncoding ?? user
                let pass = String(userInfo[userInfo.index(after: colon)...])
                password = pass.removingPercentEncoding ?? pass
            } else if !userInfo.isEmpty {
                password = String(userInfo).removingPercentEncoding ?? String(userInfo)
            }
        }
        switch scheme {
        case "redis":
            var database = 0
            var hostPort = rest
            if let slash = rest.firstIndex(of: "/") {
                hostPort = rest[..<slash]
                let dbText = rest[rest.index(after: slash)...]
                if !dbText.isEmpty {
                    guard let db = Int(dbText), (0...15_999).contains(db) else {
                        throw RedisURLError(url: text, problem: "the database '\(dbText)' is not a number from 0 to 15999")
                    }
                    database = db
                }
            }
            let nodes = try hostPort.split(separator: ",", omittingEmptySubsequences: false).map { node throws(RedisURLError) in
                try Self.node(node, in: text)
            }
            self.init(endpoints: nodes, username: username, password: password, database: database)
        case "unix", "redis+unix":
            var database = 0
            var path = rest
            if let query = rest.firstIndex(of: "?") {
                path = rest[..<query]
                for pair in rest[rest.index(after: query)...].split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    if parts.count == 2, parts[0] == "db" {
                        guard let db = Int(parts[1]), db >= 0 else {
                            throw RedisURLError(url: text, problem: "the database '\(parts[1])' is not a number")
                        }
                        database = db
                    }
                }
            }
            guard path.hasPrefix("/") else {
                throw RedisURLError(url: text, problem: "a Unix socket URL needs an absolute path, like unix:///run/redis.sock")
            }
            self.init(endpoint: .unix(path: String(path)), username: username, password: password, database: database)
        default:
            throw RedisURLError(url: text, problem: "unknown scheme '\(scheme)' (use redis:// or unix://)")
        }
    }

    /// One `host[:port]` of the host list; IPv6 addresses go in brackets.
    private static func node(_ hostPort: Substring, in text: String) throws(RedisURLError) -> Endpoint {
        var host = String(hostPort)
        var port = RedisURL.defaultPort
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw RedisURLError(url: text, problem: "unclosed '[' in the IPv6 address")
            }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") {
                port = try Self.port(after.dropFirst(), in: text)
            } else if !after.isEmpty {
                throw RedisURLError(url: text, problem: "unexpected '\(after)' after the IPv6 address")
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            guard !host.contains(":") else {
                throw RedisURLError(url: text, problem: "write an IPv6 address in brackets, like redis://[::1]:6379")
            }
            port = try Self.port(hostPort[hostPort.index(after: colon)...], in: text)
        }
        guard !host.isEmpty else { throw RedisURLError(url: text, problem: "the host is missing") }
        return .tcp(host: host, port: port)
    }

    private static func port(_ text: Substring, in url: String) throws(RedisURLError) -> Int {
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw RedisURLError(url: url, problem: "the port '\(text)' is not a number from 1 to 65535")
        }
        return port
    }

    /// The URL without its password, fit for messages and logs.
    public var description: String {
        let auth = password == nil ? "" : "\(username ?? ""):***@"
        if case let .unix(path) = endpoint {
            return "unix://\(auth)\(path)" + (database == 0 ? "" : "?db=\(database)")
        }
        return "redis://\(auth)" + endpoints.map(\.description).joined(separator: ",") + (database == 0 ? "" : "/\(database)")
    }
}

public struct RedisURLError: Error, Sendable, CustomStringConvertible {
    /// The URL as given, with its password (if any) replaced by `***`.
    public let url: String
    public let problem: String
    public var description: String { "invalid Redis URL '\(url)': \(problem)".escapingInvisibles }

    init(url: String, problem: String) {
        self.url = Self.redacted(url)
        self.problem = problem
    }

    /// Hides the password of `scheme://[user:]password@...`, as the parser reads it.
    private static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let at = url[schemeEnd.upperBound...].lastIndex(of: "@") else {
            return url
        }
        let userInfo = url[schemeEnd.upperBound..<at]
        let user = userInfo.contains(":") ? userInfo.prefix { $0 != ":" } + ":" : ""
        return url[..<schemeEnd.upperBound] + user + "***" + url[at...]
    }
}
