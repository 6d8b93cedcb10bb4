/// Which primary serves each hash slot of a Redis Cluster, as `CLUSTER SLOTS` tells it.
struct ClusterTopology: Sendable, Equatable {
    /// Every primary that serves at least one slot, in the order the reply named them.
    private(set) var primaries: [RedisURL.Endpoint]
    /// For each slot, the index of its primary in `primaries`; -1 while no node serves it.
    private var owners: [Int16]

    /// A map that knows no slot yet.
    static let empty = ClusterTopology(primaries: [], owners: Array(repeating: -1, count: HashSlot.count))

    private init(primaries: [RedisURL.Endpoint], owners: [Int16]) {
        self.primaries = primaries
        self.owners = owners
    }

    /// Reads a `CLUSTER SLOTS` reply: entries of {first slot, last slot, {host, port, id, …},
    /// replicas…}. An empty host means the node that answered, `answeredBy`.
    init(slots reply: RedisReply, answeredBy: RedisURL.Endpoint) throws(RedisReplyError) {
        self = .empty
        guard let ranges = reply.array else { throw RedisReplyError(expected: "the CLUSTER SLOTS array", reply: reply) }
        for range in ranges {
            guard let parts = range.array, parts.count >= 3,
                  let first = parts[0].int, let last = parts[1].int, 0 <= first, first <= last, last < HashSlot.count,
                  let node = parts[2].array, node.count >= 2, let host = node[0].string, let port = node[1].int
            else { throw RedisReplyError(expected: "a CLUSTER SLOTS range", reply: range) }
            let endpoint = Self.endpoint(host: host, port: Int(port), answeredBy: answeredBy)
            assign(HashSlot(Int(first))...HashSlot(Int(last)), to: endpoint)
        }
    }

    /// The primary of `slot`, if the map knows one.
    func primary(of slot: HashSlot) -> RedisURL.Endpoint? {
        let owner = owners[slot.value]
        return owner < 0 ? nil : primaries[Int(owner)]
    }

    /// Records that `endpoint` now serves `slots` (as a `MOVED` answer says).
    mutating func assign(_ slots: ClosedRange<HashSlot>, to endpoint: RedisURL.Endpoint) {
        let index: Int
        if let known = primaries.firstIndex(of: endpoint) {
            index = known
        } else {
            primaries.append(endpoint)
            index = primaries.count - 1
        }
        for slot in slots.lowerBound.value...slots.upperBound.value { owners[slot] = Int16(index) }
    }

    /// `host:port` as a node names another; an empty or unknown host is the answering node's.
    static func endpoint(host: String, port: Int, answeredBy: RedisURL.Endpoint) -> RedisURL.Endpoint {
        if host.isEmpty || host == "?", case let .tcp(answeringHost, _) = answeredBy {
            return .tcp(host: answeringHost, port: port)
        }
        return .tcp(host: host, port: port)
    }
}
