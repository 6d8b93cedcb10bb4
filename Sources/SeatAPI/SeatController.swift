import CinebookModel
import CinebookWire
import Foundation
import Hummingbird
import SeatLocking

/// The seat operations of one showtime, for the authenticated user. Each answers with
/// the same JSON as the command line's `--json`.
struct SeatController: Sendable {
    let service: SeatLockingService
    /// Locks and extensions hold by the rules of the token's tier.
    let tiers: HoldTiers
    let maximumBodySize: Int

    /// The core, holding by the caller's tier.
    private func holding(for context: APIRequestContext) -> SeatLockingService {
        service.holding(by: context.bearer?.tier, of: tiers)
    }

    /// Adds the routes to a group at `/api/v1/showtimes/{id}`.
    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.post("seats/lock", use: lock)
        group.delete("seats/unlock", use: unlock)
        group.get("seats/status", use: status)
        group.get("seats/best", use: best)
        group.post("seats/best", use: lockBest)
        group.put("seats/extend-lock", use: extend)
        group.put("seats/presence", use: presence)
        group.post("bookings", use: book)
        group.get("bookings/{booking}", use: booking)
        group.get("stats", use: stats)
    }

    /// `"or_nearest": true` in the body: when the seats were just taken, the nearest
    /// equivalent block is held instead, and the answer's `replacing` names the seats asked for.
    /// A waiting room's pass comes in the `Cinebook-Pass` header. Every seat operation acts
    /// for the party named in the `Cinebook-Party` header, if any.
    @Sendable func lock(_ request: Request, context: APIRequestContext) async throws -> Response {
        let party = try PartyController.party(of: request)
        let service = holding(for: context)
        return try await grant(.lock, request, context) { seats, showtime, user, selection throws(SeatLockingError) in
            try await service.lock(
                seats, showtime: showtime, user: user, party: party, ttl: selection.ttl, orNearest: selection.nearestIfTaken,
                pass: RoomController.pass(of: request))
        }
    }

    @Sendable func extend(_ request: Request, context: APIRequestContext) async throws -> Response {
        let party = try PartyController.party(of: request)
        let service = holding(for: context)
        return try await grant(.extend, request, context) { seats, showtime, user, selection throws(SeatLockingError) in
            try await service.extend(seats, showtime: showtime, user: user, party: party, ttl: selection.ttl)
        }
    }

    /// `{"seats": [...]}`: the caller is choosing these seats now (others see them as
    /// `choosing` for a few seconds); `{"seats": []}` clears the marks.
    @Sendable func presence(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog))
        let selection = try await SeatSelection.required(in: request, limit: maximumBodySize)
        let mark = try await service.markChoosing(try service.seatCodes(selection.seats), showtime: showtime, user: user)
        return JSONResponse.make(SeatLockingJSON.Choosing(mark))
    }

    /// A lock or an extension: the seats of the body, for the token's user, for the TTL asked.
    private func grant(
        _ operation: SeatMetrics.Operation, _ request: Request, _ context: APIRequestContext,
        _ perform: ([SeatCode], Int, String, SeatLockingJSON.SeatRequest) async throws(SeatLockingError) -> LockGrant
    ) async throws -> Response {
        let (user, showtime) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog))
        let selection = try await SeatSelection.required(in: request, limit: maximumBodySize)
        let grant = try await perform(try service.seatCodes(selection.seats, for: operation), showtime, user, selection)
        return JSONResponse.make(SeatLockingJSON.Grant(grant))
    }

    /// The query of `GET .../seats/best`, and `ttl_seconds` (optional): the best offer
    /// still free is chosen and held in one step.
    @Sendable func lockBest(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog))
        let wish = try BestQuery.wish(from: request, showtime: showtime, service: service)
        let ttl = try BestQuery.ttl(from: request)
        let grant = try await holding(for: context).lockBest(
            wish, showtime: showtime, user: user, party: try PartyController.party(of: request), ttl: ttl, pass: RoomController.pass(of: request))
        return JSONResponse.make(SeatLockingJSON.Grant(grant))
    }

    /// Seats in the body, or in `?seats=A1,A2` for clients that send no body with DELETE.
    /// Someone else's (or a sold) seat is refused with 409 and nothing is released, as
    /// extend and book refuse; the check and the release are one script.
    @Sendable func unlock(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog))
        let body = try await SeatSelection.optional(in: request, limit: maximumBodySize)
        guard let selection = body ?? SeatSelection.fromQuery(of: request) else {
            throw APIError.badRequest("Name the seats in a JSON body like \(SeatSelection.example) or as ?seats=A1,A2.")
        }
        let release = try await service.unlock(
            service.seatCodes(selection.seats, for: .unlock), showtime: showtime, user: user, party: try PartyController.party(of: request),
            strict: true)
        return JSONResponse.make(SeatLockingJSON.Released(release))
    }

    /// With `If-None-Match` naming the current tag: 304 and no body, the client's copy shows
    /// every seat as it is.
    @Sendable func status(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog))
        let status = try await service.status(showtime: showtime, viewer: user, party: try PartyController.party(of: request))
        let tag = StatusTag.of(status)
        if StatusTag.matches(tag, request) {
            return Response(status: .notModified, headers: [.eTag: tag])
        }
        return JSONResponse.make(SeatLockingJSON.Status(status), headers: [.eTag: tag])
    }

    /// `?count=N[&category=standard|premium][&wheelchair=true][&near=A1,A2]`: ranked
    /// offers of free seats; the caller's own seats count as taken.
    @Sendable func best(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog))
        let wish = try BestQuery.wish(from: request, showtime: showtime, service: service)
        let best = try await service.best(wish, showtime: showtime, viewer: user, party: try PartyController.party(of: request))
        return JSONResponse.make(SeatLockingJSON.Best(best))
    }

    /// One booking, for its owner only: anyone else learns nothing, not even that it exists (404).
    @Sendable func booking(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog))
        let id = try context.bookingID()
        guard let booking = try await service.bookings(showtime: showtime, user: user).first(where: { $0.id == id }) else {
            throw APIError.notFound("You have no booking \(id) in showtime \(showtime).")
        }
        return JSONResponse.make(SeatLockingJSON.Booked(booking))
    }

    @Sendable func book(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog))
        let selection = try await SeatSelection.required(in: request, limit: maximumBodySize)
        let booking = try await service.book(
            service.seatCodes(selection.seats, for: .book), showtime: showtime, user: user, party: try PartyController.party(of: request))
        return JSONResponse.make(SeatLockingJSON.Booked(booking), status: .created)
    }

    /// The showtime's success metrics and seat popularity, as `cinebook stats --json`;
    /// `?since=` an ISO 8601 time.
    @Sendable func stats(_ request: Request, context: APIRequestContext) async throws -> Response {
        let showtime = try context.showtimeID(in: service.catalog)
        _ = try context.authenticatedUser()
        var since: Date?
        if let text = request.uri.queryParameters.get("since") {
            guard let date = SeatLockingJSON.date(fromTimestamp: text) else {
                throw APIError.badRequest("since must be an ISO 8601 time such as 2026-11-25T19:00:00Z.")
            }
            since = date
        }
        return JSONResponse.make(SeatLockingJSON.Stats(try await service.stats(showtime: showtime, since: since)))
    }
}
