import CinebookModel
import CinebookWire
import Hummingbird
import SeatLocking

/// The `ETag` of a status answer (its format is `ShowtimeRevision.tag`), and whether a
/// request's `If-None-Match` names it.
enum StatusTag {
    static func of(_ status: ShowtimeStatus) -> String {
        status.revision.tag(showtime: status.showtime.id, viewer: status.viewer)
    }

    /// True when `If-None-Match` names `tag` (or is `*`): the client's copy is current.
    static func matches(_ tag: String, _ request: Request) -> Bool {
        matches(tag, request.headers[.ifNoneMatch])
    }

    /// True when the tags of an `If-None-Match` name `tag` (or are `*`).
    static func matches(_ tag: String, _ header: String?) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { candidate in
            let candidate = candidate.trimmingCharacters(in: .whitespaces)
            return candidate == "*" || candidate == tag || "W/" + candidate == tag
        }
    }
}
