import CinebookModel
import Foundation

/// A status answer's `ETag` is its revision, as the HTTP API writes and reads it.
extension ShowtimeRevision {
    /// The `ETag` of the status of this revision as `viewer` sees it: a weak tag (two
    /// answers of one tag differ in their `server_time`, but in no seat) naming the
    /// showtime, the revision and a fingerprint of the viewer (FNV-1a), not the name.
    public func tag(showtime: Int, viewer: String?) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in (viewer ?? "").utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return #"W/"\#(showtime).\#(self).\#(String(hash, radix: 36))""#
    }

    /// The revision a status `ETag` names; nil when the text is not such a tag.
    public init?(tag: String) {
        let opaque = tag.hasPrefix("W/") ? tag.dropFirst(2) : tag[...]
        let parts = opaque.trimmingCharacters(in: CharacterSet(charactersIn: "\"")).split(separator: ".")
        guard parts.count == 4, let version = Int64(parts[1]), let nextExpiry = Int64(parts[2]) else { return nil }
        self.init(version: version, nextExpiry: nextExpiry)
    }
}
