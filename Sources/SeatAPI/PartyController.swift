import CinebookModel
import CinebookWire
import Hummingbird
import HTTPTypes
import SeatLocking

/// Parties of a showtime, for the authenticated user: start one, join one with its code,
/// see it, or leave it. The seat operations act for a party with the `Cinebook-Party` header.
struct PartyController: Sendable {
    let service: SeatLockingService
    let maximumBodySize: Int

    /// Adds the routes to a group at `/api/v1/showtimes/{id}`.
    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.post("parties", use: start)
        group.post("parties/{code}/members", use: join)
        group.get("parties/{code}", use: show)
        group.put("parties/{code}/seats", use: seat)
        group.delete("parties/{code}/members/me", use: leave)
    }

    @Sendable func start(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog))
        return JSONResponse.make(SeatLockingJSON.Party(try await service.startParty(showtime: showtime, user: user)), status: .created)
    }

    @Sendable func join(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime, code) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog), Self.code(in: context))
        return JSONResponse.make(SeatLockingJSON.Party(try await service.joinParty(code, showtime: showtime, user: user)))
    }

    @Sendable func show(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime, code) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog), Self.code(in: context))
        return JSONResponse.make(SeatLockingJSON.Party(try await service.party(code, showtime: showtime, user: user)))
    }

    /// `{"seats": ["A1"]}`: the caller sits in A1, one of the party's seats; `{"seats":
    /// ["A1", "A2"]}`: the people in A1 and A2 change places, in one step.
    @Sendable func seat(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime, code) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog), Self.code(in: context))
        let seats = try service.seatCodes(try await SeatSelection.required(in: request, limit: maximumBodySize).seats)
        let party: Party
        switch seats.count {
        case 1: party = try await service.sit(in: seats[0], party: code, showtime: showtime, user: user)
        case 2: party = try await service.swap(seats[0], seats[1], party: code, showtime: showtime, user: user)
        default: throw APIError(SeatLockingError.invalidRequest("Name one seat to sit in, or two to swap."))
        }
        return JSONResponse.make(SeatLockingJSON.Party(party))
    }

    @Sendable func leave(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (user, showtime, code) = try (context.authenticatedUser(), context.showtimeID(in: service.catalog), Self.code(in: context))
        return JSONResponse.make(SeatLockingJSON.PartyDeparture(try await service.leaveParty(code, showtime: showtime, user: user)))
    }

    /// The header a seat operation names its party with.
    static let partyHeader = HTTPField.Name(WireHeader.party)!

    /// The party a seat operation acts for, if it names one.
    static func party(of request: Request) throws -> PartyCode? {
        guard let text = request.headers[partyHeader], !text.isEmpty else { return nil }
        return try parsed(text)
    }

    private static func code(in context: APIRequestContext) throws -> PartyCode {
        try parsed(context.parameters.get("code") ?? "")
    }

    static func parsed(_ text: String) throws -> PartyCode {
        guard let code = PartyCode(text) else {
            throw APIError(SeatLockingError.invalidRequest("'\(text.prefix(40))' is not a party code: a word and three digits, such as FERN-427."))
        }
        return code
    }
}
