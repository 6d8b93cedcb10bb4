import CinebookModel
import Foundation

extension SeatLockingJSON {
    /// A house hold: `{"ok", "id", "showtime_id", "label", "held_by", "held_at", "ends",
    /// "ends_at"?, "seats"}`; `ends` is `at`, `sales_open` or `released` (an operator ends it).
    public struct HouseHold: Codable, Sendable {
        private(set) var ok = true
        let id: Int64
        let showtimeID: Int
        let label: String
        let heldBy: String
        let heldAt: String
        let ends: String
        let endsAt: String?
        let seats: [SeatCode]

        public init(_ hold: CinebookModel.HouseHold) {
            id = hold.id
            showtimeID = hold.showtimeID
            label = hold.label.text
            heldBy = hold.heldBy
            heldAt = SeatLockingJSON.timestamp(hold.heldAt)
            ends = switch hold.end {
            case .at: "at"
            case .salesOpen: "sales_open"
            case .released: "released"
            }
            endsAt = hold.end.date.map(SeatLockingJSON.timestamp)
            seats = hold.seats
        }
    }

    /// `{"ok", "showtime_id", "holds": [...]}`.
    public struct HouseHolds: Encodable, Sendable {
        let ok = true
        let showtimeID: Int
        let holds: [HouseHold]

        public init(showtime: Int, _ holds: [CinebookModel.HouseHold]) {
            showtimeID = showtime
            self.holds = holds.map(HouseHold.init)
        }
    }
}
