import Synchronization

/// A Lua script, called by SHA1 with EVALSHA. The SHA1 is the one Redis answers when the
/// script is first loaded in this process (`SCRIPT LOAD`), so no hashing code is needed
/// here; the source is sent again only on `NOSCRIPT` (a new server, or a replica just
/// promoted).
public struct RedisScript: Sendable, Hashable {
    public let name: String
    public let source: String
    private let digest = LearnedDigest()

    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }

    /// The script's SHA1 as Redis computed it, once a server has loaded it; nil before.
    public var sha1: String? { digest.value.withLock { $0 } }

    func remember(sha1: String) { digest.value.withLock { $0 = sha1 } }

    public static func == (left: RedisScript, right: RedisScript) -> Bool {
        left.name == right.name && left.source == right.source
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(source)
    }
}

/// Shared by every copy of one script value, so the SHA1 is learned once.
private final class LearnedDigest: Sendable {
    let value = Mutex<String?>(nil)
}
