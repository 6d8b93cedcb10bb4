import Foundation
import Synchronization

/// Tokens whose signature this server has already checked, with the user and expiry
/// they carry. A client sends the same token with every request; the cache spares it a
/// base64 and JSON decoding and an HMAC per request. Only the exact token text that
/// passed verification hits, so a tampered token is always verified in full. An expired
/// entry is refused like an expired token; when the cache is full it starts over.
final class VerifiedTokens: Sendable {
    typealias Entry = Bearer

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func entry(for token: String) -> Entry? {
        entries.withLock { $0[token] }
    }

    func remember(_ token: String, _ entry: Entry) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = entry
        }
    }
}
