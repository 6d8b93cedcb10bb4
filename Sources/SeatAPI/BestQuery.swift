import CinebookModel
import Hummingbird
import SeatLocking

/// The query of `GET .../seats/best` (and of `POST`, which holds the best), read into a wish; every bad value gets 422 with a
/// message that names it.
enum BestQuery {
    static func wish(from request: Request, showtime: Int, service: SeatLockingService) throws -> SeatWish {
        let query = request.uri.queryParameters
        let maximum = service.policy.maximumSeatsPerUser
        guard let text = query.get("count") else {
            throw APIError.unprocessable("Say how many seats with ?count=N (1 to \(maximum)).")
        }
        guard text.utf8.count <= 3, let count = Int(String(text)), (1...maximum).contains(count) else {
            throw APIError.unprocessable("count must be a whole number from 1 to \(maximum).")
        }
        var category: SeatCategory?
        if let text = query.get("category") {
            guard let parsed = SeatCategory(rawValue: text.lowercased()), parsed != SeatCategory.wheelchair else {
                throw APIError.unprocessable("category must be standard or premium; ask for a wheelchair place with wheelchair=true.")
            }
            category = parsed
        }
        var wheelchair = false
        if let text = query.get("wheelchair") {
            guard let flag = ["true": true, "false": false, "1": true, "0": false][text.lowercased()] else {
                throw APIError.unprocessable("wheelchair must be true or false.")
            }
            wheelchair = flag
        }
        return try service.wish(
            count: count, near: service.seatCodes(request.queryList("near")), category: category, wheelchair: wheelchair, showtime: showtime)
    }

    /// `ttl_seconds` of a hold of the best seats, if given (the core checks its range).
    static func ttl(from request: Request) throws -> Duration? {
        guard let text = request.uri.queryParameters.get("ttl_seconds") else { return nil }
        guard text.utf8.count <= 6, let seconds = Int(String(text)) else {
            throw APIError.unprocessable("ttl_seconds must be a whole number of seconds.")
        }
        return .seconds(seconds)
    }
}
