import Foundation
import SeatRecords

/// What an operator sees of one seat: who holds it, until when, with which token; or its
/// booking.
public struct SeatInspection: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case free
        case held(user: String, since: Date, until: Date, token: Int64)
        /// A booking is being committed in the database until the deadline.
        case beingBooked(user: String, deadline: Date)
        case sold(booking: Int64)
        /// Sold at the box office, outside this system.
        case boxOffice
    }

    public let seat: SeatCode
    public let state: State
}

/// Holds an operator ended: each released seat with who held it.
public struct ForcedRelease: Sendable, Hashable {
    public struct Hold: Sendable, Hashable {
        public let seat: SeatCode
        public let user: String
    }

    public let showtimeID: Int
    public let released: [Hold]
    /// Seats that nobody held (free, sold, or being booked): left as they were.
    public let notHeld: [SeatCode]
    public let serverTime: Date
}

extension SeatLockingService {
    /// The seats as they are now, for an operator.
    public func inspect(_ seats: [SeatCode], showtime id: Int) async throws(SeatLockingError) -> (seats: [SeatInspection], serverTime: Date) {
        guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
        let codes = try checkedSeats(seats, of: showtime)
        guard !codes.isEmpty else { throw .invalidRequest("Name at least one seat, like C7.") }
        let keys = SeatKeys(showtime: id)
        let outcome = try await run(
            SeatScripts.seatInfo, keys: [keys.sold, keys.claims] + codes.map(keys.lock), arguments: codes.map(\.text),
            Request(showtime: showtime, user: "", seats: codes))
        guard outcome.seats.count == codes.count else { throw .internalError("seat_info answered for \(outcome.seats.count) of \(codes.count) seats") }
        let inspections = zip(codes, outcome.seats).map { code, fields in
            SeatInspection(seat: code, state: Self.state(fields, boxOffice: showtime.occupied.contains(code)))
        }
        return (inspections, outcome.serverTime)
    }

    private static func state(_ fields: SeatInfoOutcome.Fields, boxOffice: Bool) -> SeatInspection.State {
        if boxOffice { return .boxOffice }
        if let booking = fields.booking { return .sold(booking: booking) }
        if let claim = fields.claim { return .beingBooked(user: claim.user, deadline: claim.deadline) }
        if let user = fields.holder, let since = fields.since, let token = fields.token, let until = fields.until {
            return .held(user: user, since: since, until: until, token: token)
        }
        return .free
    }

    /// Ends the holds on these seats whoever has them, as if each holder had released
    /// them (the history, every map). A hold taken between the look and the release is
    /// left alone: the release names the token it saw. Logged with the operator's name.
    public func forceRelease(_ seats: [SeatCode], showtime id: Int, by operatorName: String) async throws(SeatLockingError) -> ForcedRelease {
        let request = try validated(seats, showtime: id, user: operatorName)
        let (inspections, _) = try await inspect(request.seats, showtime: id)
        var holders: [(seat: SeatCode, user: String, token: Int64)] = []
        for inspection in inspections {
            if case let .held(user, _, _, token) = inspection.state { holders.append((inspection.seat, user, token)) }
        }
        let keys = SeatKeys(showtime: id)
        let outcome = try await run(
            SeatScripts.forceUnlock,
            keys: [keys.index] + holders.flatMap { [keys.lock($0.seat), keys.holds($0.user)] } + keys.historyKeys,
            arguments: [String(id), keys.events] + holders.flatMap { [$0.seat.text, String($0.token)] },
            request, write: true)
        let released = outcome.released
        let result = ForcedRelease(
            showtimeID: id, released: holders.filter { released.contains($0.seat) }.map { ForcedRelease.Hold(seat: $0.seat, user: $0.user) },
            notHeld: request.seats.filter { !released.contains($0) }, serverTime: outcome.serverTime)
        metrics.holdsEnded(.released, seats: result.released.count)
        logger.notice("holds released by an operator", metadata: request.metadata([
            "operator": "\(request.user)", "released": "\(result.released.map { "\($0.seat) (\($0.user))" })",
            "not_held": "\(result.notHeld)",
        ]))
        return result
    }
}

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
