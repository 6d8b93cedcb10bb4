import CinebookModel
import Synchronization

/// The parts of a showtime's status answer that are the same in every answer, written
/// once: around each seat's state, its category before and its number, row and code after
/// (an `expires_at` goes between the two), and the showtime's summary at the end. A status
/// answer is then these bytes with the states, counts and times written in between.
final class StatusTemplate: Sendable {
    let showtime: Showtime
    /// `{"category":"standard"` of each seat, in the layout's order.
    let heads: [[UInt8]]
    /// `,"number":1,"row":"A","seat":"A1","state":` of each seat.
    let tails: [[UInt8]]
    /// `,"showtime":{…}` after the server time.
    let summary: [UInt8]

    private init(_ showtime: Showtime) {
        self.showtime = showtime
        heads = showtime.layout.seats.enumerated().map { index, seat in
            var json = JSONWriter(capacity: 32)
            json.member(index == 0 ? #"{"category":"# : #",{"category":"#, seat.category.rawValue)
            return json.bytes
        }
        tails = showtime.layout.seats.map { seat in
            var json = JSONWriter(capacity: 64)
            json.member(#","number":"#, seat.number)
            json.member(#","row":"#, seat.row)
            json.member(#","seat":"#, seat.code.text)
            json.raw(#","state":"#)
            return json.bytes
        }
        var json = JSONWriter(capacity: 256)
        json.member(#","showtime":{"auditorium":"#, showtime.auditorium)
        json.member(#","id":"#, showtime.id)
        json.member(#","sales_close_at":"#, SeatLockingJSON.timestamp(showtime.salesCloseAt))
        json.member(#","seat_count":"#, showtime.layout.seatCount)
        json.member(#","starts_at":"#, SeatLockingJSON.timestamp(showtime.startsAt))
        json.member(#","time_zone":"#, showtime.timeZone.identifier)
        json.member(#","title":"#, showtime.title)
        json.raw("}")
        summary = json.bytes
    }

    private static let cache = Mutex<[Int: StatusTemplate]>([:])

    /// The template of `showtime`, made on first use; a showtime whose details changed
    /// under the same id gets a new one.
    static func of(_ showtime: Showtime) -> StatusTemplate {
        if let template = cache.withLock({ $0[showtime.id] }), template.showtime == showtime { return template }
        let template = StatusTemplate(showtime)
        cache.withLock { $0[showtime.id] = template }
        return template
    }
}
