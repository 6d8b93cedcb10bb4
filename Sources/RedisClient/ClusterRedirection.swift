/// What a cluster node's error reply asks the client to do instead.
enum ClusterRedirection: Sendable, Equatable {
    /// `MOVED <slot> <host:port>`: the slot lives elsewhere for good; update the map.
    case moved(HashSlot, RedisURL.Endpoint)
    /// `ASK <slot> <host:port>`: this one key is being migrated; ask there, once, after `ASKING`.
    case ask(HashSlot, RedisURL.Endpoint)
    /// `TRYAGAIN`, `CLUSTERDOWN`, `LOADING`: nothing ran; the cluster is changing, try again soon.
    case retryLater

    /// The redirection an error reply stands for, or nil when it is an answer of its own.
    /// `answeredBy` fills in a host the node left out.
    init?(error message: String, answeredBy: RedisURL.Endpoint) {
        let words = message.split(separator: " ")
        switch words.first {
        case "MOVED", "ASK":
            guard words.count == 3, let slot = Int(words[1]), (0..<HashSlot.count).contains(slot),
                  let colon = words[2].lastIndex(of: ":"), let port = Int(words[2][words[2].index(after: colon)...])
            else { return nil }
            var host = String(words[2][..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            let endpoint = ClusterTopology.endpoint(host: host, port: port, answeredBy: answeredBy)
            self = words[0] == "MOVED" ? .moved(HashSlot(slot), endpoint) : .ask(HashSlot(slot), endpoint)
        case "TRYAGAIN", "CLUSTERDOWN", "LOADING":
            self = .retryLater
        default:
            return nil
        }
    }
}
