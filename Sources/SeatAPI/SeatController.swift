import CinebookModel
import CinebookWire
import Foundation
import Hummingbird
import SeatLocking

/// The seat operations of one showtime, for the authenticated user. Each answers with
/// the same JSON as the command line's `--json`; the operations themselves are the desk's,
/// which the WebSocket shares.
struct SeatController: Sendable {
    let desk: SeatDesk
    let maximumBodySize: Int
    private var service: SeatLockingService { desk.service }

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

    /// The caller of a request: the token's user and tier, the showtime of the path, the
    /// party of the `Cinebook-Party` header and the waiting room's pass of `Cinebook-Pass`.
    private func caller(_ request: Request, _ context: APIRequestContext) throws -> SeatDesk.Caller {
        SeatDesk.Caller(
            user: try context.authenticatedUser(), tier: context.bearer?.tier, showtime: try context.showtimeID(in: service.catalog),
            party: try PartyController.party(of: request), pass: RoomController.pass(of: request))
    }

    /// `"or_nearest": true` in the body: when the seats were just taken, the nearest
    /// equivalent block is held instead, and the answer's `replacing` names the seats asked for.
    @Sendable func lock(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try caller(request, context)
        return JSONResponse.make(try await desk.lock(try await SeatSelection.required(in: request, limit: maximumBodySize), by: caller))
    }

    @Sendable func extend(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try caller(request, context)
        return JSONResponse.make(try await desk.extend(try await SeatSelection.required(in: request, limit: maximumBodySize), by: caller))
    }

    /// `{"seats": [...]}`: the caller is choosing these seats now (others see them as
    /// `choosing` for a few seconds); `{"seats": []}` clears the marks.
    @Sendable func presence(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try caller(request, context)
        return JSONResponse.make(try await desk.presence(try await SeatSelection.required(in: request, limit: maximumBodySize), by: caller))
    }

    /// The query of `GET .../seats/best`, and `ttl_seconds` (optional): the best offer
    /// still free is chosen and held in one step.
    @Sendable func lockBest(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try caller(request, context)
        let wish = try BestQuery.wish(from: request, showtime: caller.showtime, service: service)
        return JSONResponse.make(try await desk.lockBest(wish, ttl: try BestQuery.ttl(from: request), by: caller))
    }

    /// Seats in the body, or in `?seats=A1,A2` for clients that send no body with DELETE.
    /// Someone else's (or a sold) seat is refused with 409 and nothing is released, as
    /// extend and book refuse; the check and the release are one script.
    @Sendable func unlock(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try caller(request, context)
        let body = try await SeatSelection.optional(in: request, limit: maximumBodySize)
        guard let selection = body ?? SeatSelection.fromQuery(of: request) else {
            throw APIError.badRequest("Name the seats in a JSON body like \(SeatSelection.example) or as ?seats=A1,A2.")
        }
        return JSONResponse.make(try await desk.unlock(selection, by: caller))
    }

    /// With `If-None-Match` naming the current tag: 304 and no body, the client's copy shows
    /// every seat as it is.
    @Sendable func status(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (body, tag) = try await desk.status(by: try caller(request, context), knownTags: request.headers[.ifNoneMatch])
        guard let body else { return Response(status: .notModified, headers: [.eTag: tag]) }
        return JSONResponse.make(body, headers: [.eTag: tag])
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
        let caller = try caller(request, context)
        let booked = try await desk.book(try await SeatSelection.required(in: request, limit: maximumBodySize), by: caller)
        return JSONResponse.make(booked, status: .created)
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
