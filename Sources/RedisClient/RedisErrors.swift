/// Redis answered with an error reply (`-ERR ...`, `-NOSCRIPT ...`, `-OOM ...`).
public struct RedisServerError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(message: String) { self.message = message }

    /// The first word of the error, such as `ERR`, `NOSCRIPT` or `WRONGTYPE`.
    public var code: String { String(message.prefix { $0 != " " }) }

    public var description: String { "Redis error: \(message)" }
}

/// The connection to Redis could not be made, broke, or Redis did not answer in time.
public struct RedisConnectionError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// No connection could be opened (refused, no such host, no socket file, timeout).
        case connect
        /// The server did not answer a command in flight in time: it may have run.
        case timeout
        /// The operation's time ran out before the command was sent: it did not run.
        case outOfTime
        /// The connection broke while a command was in flight (closed, reset, protocol error).
        case broken
        /// Logging in or selecting the database failed.
        case handshake
        /// The client was closed by its owner.
        case closed
    }

    public let kind: Kind
    public let endpoint: String
    public let detail: String

    public init(kind: Kind, endpoint: String, detail: String) {
        self.kind = kind
        self.endpoint = endpoint
        self.detail = detail
    }

    /// A timeout as one operation saw it: the time it waited in all, not one round trip's.
    func waited(_ wait: Duration) -> RedisConnectionError {
        guard kind == .timeout || kind == .outOfTime else { return self }
        return RedisConnectionError(kind: kind, endpoint: endpoint, detail: wait.spokenWait)
    }

    public var description: String {
        switch kind {
        case .connect: "cannot connect to Redis at \(endpoint): \(detail)"
        case .timeout, .outOfTime: "Redis at \(endpoint) did not answer within \(detail)"
        case .broken: "the connection to Redis at \(endpoint) broke: \(detail)"
        case .handshake: "Redis at \(endpoint) refused the login: \(detail)"
        case .closed: "the Redis client for \(endpoint) is closed"
        }
    }
}

/// Redis answered, but not in the shape the caller needed.
public struct RedisReplyError: Error, Sendable, CustomStringConvertible {
    public let expected: String
    public let reply: RedisReply

    public init(expected: String, reply: RedisReply) {
        self.expected = expected
        self.reply = reply
    }

    public var description: String { "unexpected Redis reply: expected \(expected), got \(reply)" }
}
