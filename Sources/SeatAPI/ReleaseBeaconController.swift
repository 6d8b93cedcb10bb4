import CinebookWire
import Foundation
import Hummingbird

/// `POST /api/v1/showtimes/{id}/seats/release`: where a closing page's
/// `navigator.sendBeacon` lets its seats go. A beacon carries no headers, and a browser sends
/// its body as `text/plain`, so this route takes the token in the body
/// (`SeatLockingJSON.Beacon`) and either content type. It releases what is the caller's (a
/// seat someone else holds, or a sold one, is left alone) and answers as unlock does.
struct ReleaseBeaconController: Sendable {
    let desk: SeatDesk
    let tokens: AccessTokens
    let maximumBodySize: Int

    func addRoutes(to router: Router<APIRequestContext>) {
        router.post("api/v1/showtimes/{id}/seats/release") { request, context in
            let showtime = try context.showtimeID(in: desk.service.catalog)
            // A beacon's string comes as text/plain; it is read as the JSON it is.
            guard let beacon = try await SeatSelection.body(
                SeatLockingJSON.Beacon.self, in: request, limit: maximumBodySize, plainTextToo: true, example: #"{"token": "…", "seats": ["A1"]}"#,
                shape: "\"token\" the bearer token, \"seats\" a list of seat codes, \"party\" (optional) a party code")
            else { throw APIError.badRequest(#"The request needs a body like {"token": "…", "seats": ["A1"]}."#) }
            let bearer = try await tokens.verify(beacon.token)
            let party = try beacon.party.flatMap { $0.isEmpty ? nil : try PartyController.parsed($0) }
            let caller = SeatDesk.Caller(user: bearer.user, tier: bearer.tier, showtime: showtime, party: party, pass: nil)
            return JSONResponse.make(try await desk.unlock(SeatLockingJSON.SeatRequest(typed: beacon.seats), by: caller, strict: false))
        }
    }
}
