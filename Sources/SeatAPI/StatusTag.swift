import Hummingbird
import SeatLocking

/// The `ETag` of a status answer: a weak tag, since two answers of one tag differ in their
/// `server_time`, but not in any seat. It names the showtime's version, the earliest live
/// lock's expiry (a lock that ends changes the map with no new version) and the viewer.
enum StatusTag {
    static func of(_ status: ShowtimeStatus) -> String {
        #"W/"\#(status.showtime.id).\#(status.revision).\#(fingerprint(status.viewer ?? ""))""#
    }

    /// True when `If-None-Match` names `tag` (or is `*`): the client's copy is current.
    static func matches(_ tag: String, _ request: Request) -> Bool {
        guard let header = request.headers[.ifNoneMatch] else { return false }
        return header.split(separator: ",").contains { candidate in
            let candidate = candidate.trimmingCharacters(in: .whitespaces)
            return candidate == "*" || candidate == tag || "W/" + candidate == tag
        }
    }

    /// FNV-1a of the viewer's name, so the tag differs per viewer without spelling the name.
    private static func fingerprint(_ viewer: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in viewer.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return String(hash, radix: 36)
    }
}
