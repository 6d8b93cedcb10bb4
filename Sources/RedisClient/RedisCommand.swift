/// One Redis command as binary-safe arguments, plus the key it is routed by.
///
/// `routingKey` is the seam for Redis Cluster: a slot-aware client sends the command to
/// the node that owns this key's slot. Commands without keys (PING, SCRIPT LOAD) have none.
public struct RedisCommand: Sendable, Hashable {
    public var arguments: [[UInt8]]
    public var routingKey: String?

    public init(arguments: [[UInt8]], routingKey: String? = nil) {
        precondition(!arguments.isEmpty, "a Redis command needs a name")
        self.arguments = arguments
        self.routingKey = routingKey
    }

    public init(_ name: String, _ arguments: [String] = [], routingKey: String? = nil) {
        self.init(arguments: [Array(name.utf8)] + arguments.map { Array($0.utf8) }, routingKey: routingKey)
    }

    public var name: String { String(decoding: arguments[0], as: UTF8.self) }
}
