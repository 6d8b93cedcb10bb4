import CinebookModel
import CinebookWire
import Hummingbird
import HTTPTypes
import SeatLocking

/// A showtime's waiting room, for the authenticated user: join the line, ask where you
/// stand (the answer says when to ask again, and carries the pass once it is your turn),
/// or leave. A lock hands the pass in with the `Cinebook-Pass` header.
struct RoomController: Sendable {
    let service: SeatLockingService

    /// Adds the routes to a group at `/api/v1/showtimes/{id}`.
    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.post("queue", use: join)
        group.get("queue", use: look)
        group.delete("queue", use: leave)
    }

    @Sendable func join(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog))
        return JSONResponse.make(SeatLockingJSON.Standing(try await service.joinRoom(showtime: showtime, user: user)))
    }

    @Sendable func look(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog))
        return JSONResponse.make(SeatLockingJSON.Standing(try await service.roomStanding(showtime: showtime, user: user)))
    }

    @Sendable func leave(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog))
        return JSONResponse.make(SeatLockingJSON.Standing(try await service.leaveRoom(showtime: showtime, user: user)))
    }

    /// The header a lock hands its pass in with.
    static let passHeader = HTTPField.Name(WireHeader.pass)!

    /// The request's pass, if it has one.
    static func pass(of request: Request) -> String? {
        request.headers[passHeader].flatMap { $0.isEmpty ? nil : $0 }
    }
}
