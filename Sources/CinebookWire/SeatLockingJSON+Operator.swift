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
            let heldSince: String?
            let expiresAt: String?
            let token: Int64?
            let bookingDeadline: String?
            let bookingID: Int64?
        }

        let ok = true
        let showtimeID: Int
        let serverTime: String
        let seats: [Seat]

        public init(showtime: Int, _ inspections: [SeatInspection], serverTime: Date) {
            showtimeID = showtime
            self.serverTime = SeatLockingJSON.timestamp(serverTime)
            seats = inspections.map { inspection in
                switch inspection.state {
                case .free:
                    Seat(seat: inspection.seat, state: "free", user: nil, heldSince: nil, expiresAt: nil, token: nil, bookingDeadline: nil, bookingID: nil)
                case let .held(user, since, until, token):
                    Seat(seat: inspection.seat, state: "held", user: user, heldSince: SeatLockingJSON.timestamp(since),
                         expiresAt: SeatLockingJSON.timestamp(until), token: token, bookingDeadline: nil, bookingID: nil)
                case let .beingBooked(user, deadline):
                    Seat(seat: inspection.seat, state: "being_booked", user: user, heldSince: nil, expiresAt: nil, token: nil,
                         bookingDeadline: SeatLockingJSON.timestamp(deadline), bookingID: nil)
                case let .sold(booking):
                    Seat(seat: inspection.seat, state: "sold", user: nil, heldSince: nil, expiresAt: nil, token: nil, bookingDeadline: nil, bookingID: booking)
                case .boxOffice:
                    Seat(seat: inspection.seat, state: "box_office", user: nil, heldSince: nil, expiresAt: nil, token: nil, bookingDeadline: nil, bookingID: nil)
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
        let showtimeID: Int
        let released: [Hold]
        let notHeld: [SeatCode]
        let serverTime: String

        public init(_ release: ForcedRelease) {
            showtimeID = release.showtimeID
            released = release.released.map { Hold(seat: $0.seat, user: $0.user) }
            notHeld = release.notHeld
            serverTime = SeatLockingJSON.timestamp(release.serverTime)
        }
    }
}
