import CinebookModel
import Foundation

extension SeatLockingJSON {
    /// `cinebook seat --json`: each seat's state, holder, times and token.
    public struct Inspection: Encodable, Sendable {
        struct Seat: Encodable, Sendable {
            let seat: SeatCode
            /// `free`, `held`, `being_booked`, `sold` or `box_office`.
            let state: String
            let user: String?
            let held_since: String?
            let expires_at: String?
            let token: Int64?
            let booking_deadline: String?
            let booking_id: Int64?
        }

        let ok = true
        let showtime_id: Int
        let server_time: String
        let seats: [Seat]

        public init(showtime: Int, _ inspections: [SeatInspection], serverTime: Date) {
            showtime_id = showtime
            server_time = SeatLockingJSON.timestamp(serverTime)
            seats = inspections.map { inspection in
                switch inspection.state {
                case .free:
                    Seat(seat: inspection.seat, state: "free", user: nil, held_since: nil, expires_at: nil, token: nil, booking_deadline: nil, booking_id: nil)
                case let .held(user, since, until, token):
                    Seat(seat: inspection.seat, state: "held", user: user, held_since: SeatLockingJSON.timestamp(since),
                         expires_at: SeatLockingJSON.timestamp(until), token: token, booking_deadline: nil, booking_id: nil)
                case let .beingBooked(user, deadline):
                    Seat(seat: inspection.seat, state: "being_booked", user: user, held_since: nil, expires_at: nil, token: nil,
                         booking_deadline: SeatLockingJSON.timestamp(deadline), booking_id: nil)
                case let .sold(booking):
                    Seat(seat: inspection.seat, state: "sold", user: nil, held_since: nil, expires_at: nil, token: nil, booking_deadline: nil, booking_id: booking)
                case .boxOffice:
                    Seat(seat: inspection.seat, state: "box_office", user: nil, held_since: nil, expires_at: nil, token: nil, booking_deadline: nil, booking_id: nil)
                }
            }
        }
    }

    /// `cinebook release --force --json`.
    public struct Forced: Encodable, Sendable {
        struct Hold: Encodable, Sendable {
            let seat: SeatCode
            let user: String
        }

        let ok = true
        let showtime_id: Int
        let released: [Hold]
        let not_held: [SeatCode]
        let server_time: String

        public init(_ release: ForcedRelease) {
            showtime_id = release.showtimeID
            released = release.released.map { Hold(seat: $0.seat, user: $0.user) }
            not_held = release.notHeld
            server_time = SeatLockingJSON.timestamp(release.serverTime)
        }
    }
}
