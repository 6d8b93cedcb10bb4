/// A reply from Redis, copied out of hiredis's memory as soon as it arrives.
public enum RedisReply: Sendable, Hashable {
    case status(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8])
    case array([RedisReply])
    case null

    /// The text of a bulk or status reply, or the decimal text of an integer.
    public var string: String? {
        switch self {
        case let .bulk(bytes): String(decoding: bytes, as: UTF8.self)
        case let .status(text): text
        case let .integer(value): String(value)
        default: nil
        }
    }

    /// An integer reply, or a bulk reply that holds a decimal integer.
    public var int: Int64? {
        switch self {
        case let .integer(value): value
        case let .bulk(bytes): Int64(String(decoding: bytes, as: UTF8.self))
        default: nil
        }
    }

    public var array: [RedisReply]? {
        if case let .array(elements) = self { return elements }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension RedisReply: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .bulk(Array(value.utf8)) }
}
