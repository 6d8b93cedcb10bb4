import CinebookModel
import Foundation
import SeatRecords

extension SeatLockingService {
    /// The seats as they are now, for an operator.
    public func inspect(_ seats: [SeatCode], showtime id: Int) async throws(SeatLockingError) -> (seats: [SeatInspection], serverTime: Date) {
        guard let showtime = catalog.showtime(id) else { throw .unknownShowtime(id) }
        let codes = try checkedSeats(seats, of: showtime)
        guard !codes.isEmpty else { throw .invalidRequest("Name at least one seat, like C7.") }
        let outcome = try await run(
            SeatScripts.seatInfo, SeatInfoInput(keys: SeatKeys(showtime: id), seats: codes), Request(showtime: showtime, user: "", seats: codes))
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
        var holders: [ForceUnlockInput.Hold] = []
        for inspection in inspections {
            if case let .held(user, _, _, token) = inspection.state { holders.append(.init(seat: inspection.seat, user: user, token: token)) }
        }
        let outcome = try await run(
            SeatScripts.forceUnlock, ForceUnlockInput(keys: SeatKeys(showtime: id), holds: holders), request, write: true)
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
