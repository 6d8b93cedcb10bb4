import CinebookSupport
import Foundation

/// One entry of a showtime's hold history: how a hold ended, a lock that was refused, or
/// a seat operation that failed for a fault of the system. Redis keeps the latest entries
/// of each showtime in a capped stream; the periodic pass moves them into the database of
/// record, which keeps them for good, under the same id.
public struct HistoryEntry: Sendable, Hashable {
    /// The stream entry id, `<ms>-<sequence>`: unique per showtime, ordered by time.
    public struct ID: Sendable, Hashable, Comparable, CustomStringConvertible {
        public let milliseconds: Int64
        public let sequence: Int64

        public init(milliseconds: Int64, sequence: Int64) {
            self.milliseconds = milliseconds
            self.sequence = sequence
        }

        /// `<ms>-<sequence>`, as Redis writes it.
        public init?(_ text: String) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let milliseconds = Int64(parts[0]), let sequence = Int64(parts[1]) else { return nil }
            self.init(milliseconds: milliseconds, sequence: sequence)
        }

        public var description: String { "\(milliseconds)-\(sequence)" }

        public static func < (lhs: ID, rhs: ID) -> Bool {
            (lhs.milliseconds, lhs.sequence) < (rhs.milliseconds, rhs.sequence)
        }
    }

    public enum Event: String, Sendable, Hashable, CaseIterable {
        /// A hold ended; it began `heldMilliseconds` before.
        case booked, released, expired
        /// A lock was refused: seats taken, or the user's limit reached.
        case unavailable
        case tooMany = "too_many"
        /// A seat operation (`operation`) failed for a fault of the system: Redis or the
        /// database unavailable, an outcome unknown, a bug.
        case error
        /// The house kept seats back (`operation`: the label; `user`: the operator), gave
        /// them back to sale (an operator, or the hold's end), or booked them for a guest
        /// (`user`: the guest).
        case houseHeld = "house_held", houseReleased = "house_released", houseBooked = "house_booked"
    }

    public let id: ID
    public let showtimeID: Int
    public let event: Event
    public let seats: [SeatCode]
    /// Who, where known (an expiry does not say).
    public let user: String?
    /// When it happened (an expiry: when the hold ran out).
    public let at: Date
    /// For an end: how long the hold lasted (the longest of the seats').
    public let heldMilliseconds: Int64?
    /// For an error: the operation that failed (`lock`, `unlock`, `extend`, `book`).
    public let operation: String?

    public init(
        id: ID, showtimeID: Int, event: Event, seats: [SeatCode], user: String?, at: Date, heldMilliseconds: Int64? = nil,
        operation: String? = nil
    ) {
        self.id = id
        self.showtimeID = showtimeID
        self.event = event
        self.seats = seats
        self.user = user
        self.at = at
        self.heldMilliseconds = heldMilliseconds
        self.operation = operation
    }
}
