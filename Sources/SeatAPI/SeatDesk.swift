import CinebookModel
import CinebookWire
import Foundation
import SeatLocking

/// The seat operations of the API as the HTTP routes and the WebSocket both call them: one
/// caller's request in, the wire body out, the core's errors thrown as they are (the error
/// middleware and the socket turn them into the same status and body).
struct SeatDesk: Sendable {
    let service: SeatLockingService
    /// Locks and extensions hold by the rules of the caller's tier.
    let tiers: HoldTiers

    /// Who asks, on which showtime, for which party, with which waiting-room pass.
    struct Caller: Sendable {
        let user: String
        let tier: String?
        let showtime: Int
        let party: PartyCode?
        let pass: String?
    }

    /// The core, holding by the caller's tier.
    private func holding(for caller: Caller) -> SeatLockingService {
        service.holding(by: caller.tier, of: tiers)
    }

    func lock(_ selection: SeatLockingJSON.SeatRequest, by caller: Caller) async throws -> SeatLockingJSON.Grant {
        let grant = try await holding(for: caller).lock(
            try service.seatCodes(selection.seats, for: .lock), showtime: caller.showtime, user: caller.user, party: caller.party,
            ttl: selection.ttl, orNearest: selection.nearestIfTaken, pass: caller.pass)
        return SeatLockingJSON.Grant(grant)
    }

    func extend(_ selection: SeatLockingJSON.SeatRequest, by caller: Caller) async throws -> SeatLockingJSON.Grant {
        let grant = try await holding(for: caller).extend(
            try service.seatCodes(selection.seats, for: .extend), showtime: caller.showtime, user: caller.user, party: caller.party,
            ttl: selection.ttl)
        return SeatLockingJSON.Grant(grant)
    }

    /// The best offer still free, held in one step.
    func lockBest(_ wish: SeatWish, ttl: Duration?, by caller: Caller) async throws -> SeatLockingJSON.Grant {
        let grant = try await holding(for: caller).lockBest(
            wish, showtime: caller.showtime, user: caller.user, party: caller.party, ttl: ttl, pass: caller.pass)
        return SeatLockingJSON.Grant(grant)
    }

    /// `strict`: someone else's (or a sold) seat is refused and nothing is released, as the
    /// API's unlock answers; a closing page's beacon releases what is the caller's.
    func unlock(_ selection: SeatLockingJSON.SeatRequest, by caller: Caller, strict: Bool = true) async throws -> SeatLockingJSON.Released {
        let release = try await service.unlock(
            service.seatCodes(selection.seats, for: .unlock), showtime: caller.showtime, user: caller.user, party: caller.party,
            strict: strict)
        return SeatLockingJSON.Released(release)
    }

    func book(_ selection: SeatLockingJSON.SeatRequest, by caller: Caller) async throws -> SeatLockingJSON.Booked {
        let booking = try await service.book(
            service.seatCodes(selection.seats, for: .book), showtime: caller.showtime, user: caller.user, party: caller.party)
        return SeatLockingJSON.Booked(booking)
    }

    func presence(_ selection: SeatLockingJSON.SeatRequest, by caller: Caller) async throws -> SeatLockingJSON.Choosing {
        let mark = try await service.markChoosing(try service.seatCodes(selection.seats), showtime: caller.showtime, user: caller.user)
        return SeatLockingJSON.Choosing(mark)
    }

    /// The status and its tag; nil for the body when `knownTags` (an `If-None-Match`) names
    /// the current one, and the client's copy shows every seat as it is.
    func status(by caller: Caller, knownTags: String?) async throws -> (body: SeatLockingJSON.Status?, tag: String) {
        let status = try await service.status(showtime: caller.showtime, viewer: caller.user, party: caller.party)
        let tag = StatusTag.of(status)
        return (StatusTag.matches(tag, knownTags) ? nil : SeatLockingJSON.Status(status), tag)
    }
}
