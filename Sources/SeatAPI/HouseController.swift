import CinebookModel
import CinebookWire
import Foundation
import Hummingbird
import SeatLocking

/// The house's holds of one showtime, for operators (a token with `role` `operator`):
/// keep seats back, see them, give them back to sale, or book them for a guest.
struct HouseController: Sendable {
    let service: SeatLockingService
    let maximumBodySize: Int

    /// Adds the routes to a group at `/api/v1/showtimes/{id}`.
    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("house", use: list)
        group.post("house", use: hold)
        group.delete("house/seats", use: release)
        group.post("house/bookings", use: book)
    }

    /// The holds, and the map as operators see it (`house` seats).
    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        _ = try context.requireOperator()
        let showtime = try context.showtimeID(in: service.catalog)
        return JSONResponse.make(HouseView(
            holds: SeatLockingJSON.HouseHolds(showtime: showtime, try await service.houseHolds(showtime: showtime)),
            status: SeatLockingJSON.Status(try await service.houseStatus(showtime: showtime))))
    }

    /// `{"seats": ["A1"], "label": "press", "until": "18:00" | "sales-open" | ISO 8601}`
    /// (no `until`: until an operator releases them).
    @Sendable func hold(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.requireOperator(), context.showtimeID(in: service.catalog))
        let body = try await HouseBody.read(request, limit: maximumBodySize)
        guard let label = body.label.flatMap(HouseLabel.init) else {
            throw APIError.unprocessable("Give the hold a \"label\": 1 to \(HouseLabel.maximumLength) letters, digits, spaces, - _ or ..")
        }
        let end = try HouseHoldEnd.typed(body.until, for: service.catalog.showtime(showtime)!, now: Date())
        let hold = try await service.holdForHouse(
            try service.seatCodes(body.seats ?? []), showtime: showtime, label: label, until: end, by: user)
        return JSONResponse.make(SeatLockingJSON.HouseHold(hold), status: .created)
    }

    /// `{"seats": [...]}` and/or `{"label": "press"}` (every seat of the hold).
    @Sendable func release(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.requireOperator(), context.showtimeID(in: service.catalog))
        let body = try await HouseBody.read(request, limit: maximumBodySize)
        let release = try await service.releaseHouse(
            try service.seatCodes(body.seats ?? []), label: try body.houseLabel(), showtime: showtime, by: user)
        return JSONResponse.make(SeatLockingJSON.Released(release))
    }

    /// `{"guest": "Ann Lee", "seats": [...]}` and/or `"label"`.
    @Sendable func book(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.requireOperator(), context.showtimeID(in: service.catalog))
        let body = try await HouseBody.read(request, limit: maximumBodySize)
        guard let guest = body.guest else { throw APIError.unprocessable("Name the \"guest\" the booking is for.") }
        let booking = try await service.bookForGuest(
            try service.seatCodes(body.seats ?? []), label: try body.houseLabel(), guest: guest, showtime: showtime, by: user)
        return JSONResponse.make(SeatLockingJSON.Booked(booking), status: .created)
    }
}

/// The body of the house's routes.
private struct HouseBody: Decodable {
    let seats: [String]?
    let label: String?
    let until: String?
    let guest: String?

    static let example = #"{"seats": ["A1", "A2"], "label": "press"}"#

    static func read(_ request: Request, limit: Int) async throws -> HouseBody {
        let shape = "\"seats\" a list of seat codes; \"label\", \"until\" and \"guest\" text"
        guard let body = try await SeatSelection.body(HouseBody.self, in: request, limit: limit, example: example, shape: shape) else {
            throw APIError.badRequest("The request needs a JSON body like \(example).")
        }
        return body
    }

    /// The label, when one is given; a label that cannot be one is refused.
    func houseLabel() throws -> HouseLabel? {
        guard let label else { return nil }
        guard let valid = HouseLabel(label) else { throw APIError.unprocessable("\"\(label)\" is not a house hold's label.") }
        return valid
    }
}

/// `GET .../house`: the holds and the operator's map.
private struct HouseView: Encodable {
    let holds: SeatLockingJSON.HouseHolds
    let status: SeatLockingJSON.Status
}
